"""SPARQL text and SPARQL over HTTP: the query's tokens (SERVICE targets, keywords), the
parser's errors in words, and the one client for remote endpoints (Wikidata, remote stores).
"""
