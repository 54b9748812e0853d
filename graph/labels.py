"""What a term is called: the one label lookup of every page, verdict and picture.

A label is an rdfs:label, else a skos:prefLabel, in English or without a language; of several,
the least in code-point order, so that the same graph always reads the same.
"""

from __future__ import annotations

import pyoxigraph as ox

from .namespaces import RDFS, SKOS, local_name

LABELS = (str(RDFS.label), str(SKOS.prefLabel))

_QUERY = """SELECT DISTINCT ?x ?p ?l WHERE {
  VALUES ?x { %s } VALUES ?p { %s } ?x ?p ?l FILTER(LANG(?l) IN ("en", "")) }"""


def labels_of(kg, iris) -> dict[str, str]:
    """The labels of the given IRIs (those that have one), in one query of kg."""
    iris = sorted({i for i in iris if i})
    if not iris:
        return {}
    values = " ".join(str(ox.NamedNode(i)) for i in iris)
    rows = kg.query(_QUERY % (values, " ".join(f"<{p}>" for p in LABELS)))
    found = sorted((LABELS.index(row["p"].value), row["l"].value, row["x"].value) for row in rows)
    labels: dict[str, str] = {}
    for _, label, iri in found:
        labels.setdefault(iri, label)
    return labels


def label_of(kg, term) -> str:
    """A term's label; a literal's own value; an IRI without a label, or a blank node, by its
    local name."""
    if not isinstance(term, ox.NamedNode):
        return term.value if isinstance(term, ox.Literal) else local_name(term.value)
    return labels_of(kg, [term.value]).get(term.value, local_name(term.value))
