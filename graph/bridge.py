"""The one crossing between the two RDF engines: Oxigraph's terms and rdflib's.

Oxigraph stores and queries; rdflib is where its ecosystem is needed (owlready2's and
py-horned-owl's inputs, the Protégé bundle's Turtle, owlrl in the tests). A plain string
stays plain, as rdflib writes it.
"""

from __future__ import annotations

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef

from .terms import XSD


def rdflib_term(term):
    """One Oxigraph term as rdflib's."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype == XSD.string:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def oxigraph_term(term):
    """One rdflib term as Oxigraph's."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else XSD.string)


def to_rdflib(triples) -> rdflib.Graph:
    """Oxigraph quads or triples as one rdflib graph."""
    graph = rdflib.Graph()
    items = [ox.Triple(q.subject, q.predicate, q.object) if isinstance(q, ox.Quad) else
             (ox.Triple(*q) if isinstance(q, tuple) else q) for q in triples]
    data = ox.serialize(items, format=ox.RdfFormat.N_TRIPLES)
    graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


def from_rdflib(triples) -> set:
    """rdflib triples as Oxigraph (s, p, o) tuples."""
    return {tuple(oxigraph_term(x) for x in triple) for triple in triples}
