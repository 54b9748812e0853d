"""The csto-kg command line."""
