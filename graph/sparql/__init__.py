"""SPARQL text and SPARQL over HTTP: the query's tokens (SERVICE targets, keywords), the guards
built on them (nesting, SERVICE allow-list, no fetching in updates), the
parser's errors in words, and the one client for remote endpoints (Wikidata, remote stores).
"""
