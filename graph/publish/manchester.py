"""Class expressions in Manchester syntax, the notation Protégé shows, read from an rdflib graph.

One renderer for the ontology page (HTML, terms as links, keywords in bold) and for
justifications (plain text, terms by label): each caller says how to write a term and a keyword.
"""

from __future__ import annotations

from collections.abc import Callable

import rdflib
from rdflib import BNode
from rdflib.collection import Collection

from ..namespaces import OWL

# (property of the restriction, keyword, whether its value is itself a class expression)
_RESTRICTIONS = (
    (OWL.hasValue, "value", False), (OWL.someValuesFrom, "some", True), (OWL.allValuesFrom, "only", True),
    (OWL.maxCardinality, "max", False), (OWL.maxQualifiedCardinality, "max", False),
)


def class_expression(graph: rdflib.Graph, node, term: Callable, keyword: Callable[[str], str] = str,
                     unknown: str = "[]") -> str:
    """node (a named class, or a blank node holding a class expression) in Manchester syntax."""
    if not isinstance(node, BNode):
        return term(node)

    def inner(n):
        return class_expression(graph, n, term, keyword, unknown)

    prop = graph.value(node, OWL.onProperty)
    if prop is not None:
        for key, word, nested in _RESTRICTIONS:
            value = graph.value(node, key)
            if value is not None:
                return f"({term(prop)} {keyword(word)} {inner(value) if nested else term(value)})"
    for key, word in ((OWL.intersectionOf, "and"), (OWL.unionOf, "or")):
        head = graph.value(node, key)
        if head is not None:
            return "(" + f" {keyword(word)} ".join(inner(m) for m in Collection(graph, head)) + ")"
    members = graph.value(node, OWL.oneOf)
    if members is not None:
        return "{" + ", ".join(term(m) for m in Collection(graph, members)) + "}"
    complement = graph.value(node, OWL.complementOf)
    if complement is not None:
        return f"({keyword('not')} {inner(complement)})"
    return unknown
