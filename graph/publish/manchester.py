"""Class expressions in Manchester syntax, the notation Protégé shows, read from an rdflib graph.

One renderer for the ontology page (terms as links, keywords marked) and for justifications
(plain text, terms by label): an expression is a list of pieces, the punctuation as text and
each term and keyword as its caller writes it; `class_expression` joins pieces that are text.
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


def pieces(graph: rdflib.Graph, node, term: Callable, keyword: Callable = str, unknown="[]") -> list:
    """node (a named class, or a blank node holding a class expression) in Manchester syntax:
    text for the punctuation and spaces, term(t) for each term (one piece, or a list of them),
    keyword(word) for each keyword."""

    def written(t) -> list:
        value = term(t)
        return value if isinstance(value, list) else [value]

    if not isinstance(node, BNode):
        return written(node)

    def inner(n):
        return pieces(graph, n, term, keyword, unknown)

    prop = graph.value(node, OWL.onProperty)
    if prop is not None:
        for key, word, nested in _RESTRICTIONS:
            value = graph.value(node, key)
            if value is not None:
                filler = inner(value) if nested else written(value)
                return ["(", *written(prop), " ", keyword(word), " ", *filler, ")"]
    for key, word in ((OWL.intersectionOf, "and"), (OWL.unionOf, "or")):
        head = graph.value(node, key)
        if head is not None:
            out: list = ["("]
            for i, member in enumerate(Collection(graph, head)):
                out += ([" ", keyword(word), " "] if i else []) + inner(member)
            return out + [")"]
    members = graph.value(node, OWL.oneOf)
    if members is not None:
        out = ["{"]
        for i, member in enumerate(Collection(graph, members)):
            out += ([", "] if i else []) + written(member)
        return out + ["}"]
    complement = graph.value(node, OWL.complementOf)
    if complement is not None:
        return ["(", keyword("not"), " ", *inner(complement), ")"]
    return [unknown]


def class_expression(graph: rdflib.Graph, node, term: Callable[..., str]) -> str:
    """The expression as plain text, each term written by term()."""
    return "".join(pieces(graph, node, term))
