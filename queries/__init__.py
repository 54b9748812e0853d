"""Named SPARQL queries, one .rq file each, with a title and description header."""
