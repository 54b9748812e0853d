"""csto-kg's core: the article's facts, reasoned, queryable, explainable.

The pipeline, one way (a module imports only from its own row or the rows above; docs/decisions/0011):
    shared   namespaces.py (IRIs, prefixes, graph names), terms.py (the terms the code names, as
             Oxigraph's, in closed vocabularies), errors.py (every error), paths.py (data and cache
             folders), bridge.py (the one crossing from Oxigraph's terms to rdflib's)
    load     load.py: the ontology, the article's facts (facts/, one named graph per fact), user data
    reason   reasoning/: rules.py (the closure of the OWL 2 RL/RDF rules, run semi-naively;
             Closure.entails(triples) answers entailment, blank nodes existential, implicit
             eq-ref/dt-diff included), one module per table of the rules: eq.py, prp.py, cls.py,
             cax.py, dt.py, scm.py; vocabulary.py (the terms they read), trace.py (which rule concluded
             what, for explanations), datatypes.py (the OWL 2 RL
             datatypes: XSD 1.1 lexical spaces, values), reason.py (the closure, kept true by
             changes; reasoner_for picks the reasoner), plain_owlrl.py (plain owlrl instead,
             --reasoner owlrl), axioms.py (the axioms written from the facts)
    store    store.py: KnowledgeGraph, one class over an engine backend (query, quads, update with
             the reasoning kept true, views without some graphs, what is kept until the graph
             changes); backend.py: what it asks of an engine (Backend, Dataset) and LocalStore,
             Oxigraph in memory or on disk; stores.py: RemoteStore, a SPARQL 1.1 store, and
             open_store for --store; sparql/: a
             query's tokens (tokens.py), the checks before parsing built on them (guards.py:
             nesting, SERVICE targets, update is local), the dataset it names (dataset.py), an
             update's operations read from its tokens (operations.py), parser errors in words
             (messages.py), the one HTTP client for remote stores and Wikidata (client.py), the
             formats an answer is written in (formats.py) and the writers, whole and within a
             row limit (results.py); labels.py: what a term is called (the one label lookup)
    build    build.py: load, validate, write the axioms, reason, cache; returns a KnowledgeGraph
    publish  publish/: the Protégé bundle (export.py), the ontology page's data (docs.py), class
             expressions in Manchester syntax (manchester.py)
    explain  explanation/: verdicts with the article's words and what-if (verdicts.py), minimal
             justifications (justify.py),
             how a verdict is known: stated, implied, linked or user (standing.py)
    present  present/: what the analyst's pages show, as plain data the server lays out and the
             CLI prints: verdicts and the matrix (matrix.py), the organization (organization.py),
             the article (article.py, cut into sentences by sentences.py), the timeline
             (timeline.py), search (search.py), a resource's description and page (resource.py),
             what they share (shared.py)
    link     link/: open data from Wikidata into the linked and outside graphs

    >>> from csto_kg.graph import build, explain
    >>> kg = build()
    >>> explain(kg, "Azerbaijan", "observer")["eligible"]
    False

Nothing here prints or exits; the CLI and the server do.
"""

from .build import build
from .explanation.verdicts import explain, what_if
from .store import KnowledgeGraph

__all__ = ["build", "explain", "what_if", "KnowledgeGraph"]
