"""What a term is called: the one label rule of every page, verdict, justification and the
ontology page.

A label is an rdfs:label, else a skos:prefLabel, in English or without a language; of several,
the least in code-point order, so that the same graph always reads the same. The knowledge
graph is asked in one query (labels_of); an rdflib graph, as justifications and the ontology
page hold, term by term (label_in).
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import URIRef

from .namespaces import RDFS, SKOS, local_name

LABELS = (str(RDFS.label), str(SKOS.prefLabel))

_QUERY = """SELECT DISTINCT ?x ?p ?l WHERE { VALUES ?x { %s } VALUES ?p { %s } ?x ?p ?l }"""


def best_label(candidates) -> str | None:
    """The label among (label property, text, language) candidates, by the rule above."""
    fitting = sorted((LABELS.index(p), text) for p, text, language in candidates
                     if p in LABELS and (language or "") in ("en", ""))
    return fitting[0][1] if fitting else None


def labels_of(kg, iris) -> dict[str, str]:
    """The labels of the given IRIs (those that have one), in one query of kg; a blank node's
    name among them has none."""
    nodes = sorted({node for node in map(_iri, iris) if node is not None}, key=str)
    if not nodes:
        return {}
    values = " ".join(map(str, nodes))
    candidates: dict[str, list] = {}
    for row in kg.query(_QUERY % (values, " ".join(f"<{p}>" for p in LABELS))):
        if isinstance(row["l"], ox.Literal):
            candidates.setdefault(row["x"].value, []).append((row["p"].value, row["l"].value, row["l"].language))
    found = {iri: best_label(c) for iri, c in candidates.items()}
    return {iri: label for iri, label in found.items() if label is not None}


def _iri(text):
    try:
        return ox.NamedNode(text) if text else None
    except ValueError:  # a blank node's name, which is no IRI
        return None


def label_of(kg, term) -> str:
    """A term's label; a literal's own value; an IRI without a label, or a blank node, by its
    local name."""
    if not isinstance(term, ox.NamedNode):
        return term.value if isinstance(term, ox.Literal) else local_name(term.value)
    return labels_of(kg, [term.value]).get(term.value, local_name(term.value))


def label_in(graph, term) -> str | None:
    """A term's label in an rdflib graph; None when it has none."""
    return best_label((p, str(o), getattr(o, "language", None))
                      for p in LABELS for o in graph.objects(term, URIRef(p)))
