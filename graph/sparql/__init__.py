"""SPARQL text and SPARQL over HTTP: the query's tokens (SERVICE targets, keywords), the guards
built on them (nesting, SERVICE allow-list, no fetching in updates), the
parser's errors in words, the one client for remote endpoints (Wikidata, remote stores), and
the answer's formats (formats.py) and writers (results.py), shared by the server and the CLI.
"""
