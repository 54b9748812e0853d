"""The csto-kg command line."""
import sys

try:
    from .main import main as main
except KeyboardInterrupt:  # Ctrl+C while the command is still importing: as main() ends it
    sys.stderr.write("interrupted\n")
    sys.exit(130)
