"""The article's facts, stated and implied, as TriG: one named graph per fact."""
