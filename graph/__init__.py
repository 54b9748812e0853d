"""csto-kg's core: the article's facts, reasoned, queryable, explainable.

The pipeline, one way:
    load      graph/load.py     ontology, facts (TriG, one graph per fact), user data
    validate  graph/build.py    unknown csto: terms, malformed files (file, line, column)
    reason    graph/reason.py   the closure of the inputs into the inferred graph, kept true by changes
              graph/rules.py    the OWL 2 RL/RDF rules as owlrl applies them, run semi-naively
              graph/axioms.py   the member-dependent axioms, written from the member facts
    store     graph/store.py    Oxigraph: SPARQL over the named graphs, default = union
              graph/stores.py   the same on disk or in a remote SPARQL 1.1 store (--store)
    explain   graph/explain.py  verdicts per requirement with the article's words; what-if verdicts
              graph/justify.py  minimal sets of facts and axioms behind an entailment

Beside it: graph/link/ fetches open data (Wikidata) into the linked graphs; graph/sparql_client.py
is the one HTTP client for SPARQL endpoints (Wikidata, remote stores); graph/export.py
writes the Protégé bundle (tests/hermit.py runs HermiT on it), graph/docs.py documents the
ontology; graph/bridge.py is the one crossing between Oxigraph's terms and rdflib's.

    >>> from csto_kg.graph import build, explain
    >>> kg = build()
    >>> explain(kg, "Azerbaijan", "observer")["eligible"]
    False

Nothing here prints or exits; the CLI and the server do.
"""

from .build import build
from .explain import explain, what_if
from .store import KnowledgeGraph

__all__ = ["build", "explain", "what_if", "KnowledgeGraph"]
