"""Reason: owlrl's OWL 2 RL closure, once per build, over the ontology and every fact graph.

owlrl never stops on an inconsistency; it writes err:ErrorMessage triples into the closure
(../shared/design/reasoning.md §1.2). They are turned into an InconsistencyError here, so an
inconsistent graph is never served. What the closure adds is kept only where a person can
read it: triples between named resources, without owlrl's reflexive owl:sameAs, literal
subjects, and axiomatic triples about the RDF/RDFS/OWL vocabularies.
"""

from __future__ import annotations

import warnings

import owlrl
import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef

from .errors import InconsistencyError
from .namespaces import OWL, RDF, RDFS, XSD

ERR = rdflib.Namespace("http://www.daml.org/2002/03/agents/agent-ont#")
_BUILTIN = (str(RDF), str(RDFS), str(OWL), str(XSD))


def rdflib_term(term):
    """One Oxigraph term as rdflib's (a plain string stays plain, as rdflib writes it)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def to_rdflib(quads) -> rdflib.Graph:
    graph = rdflib.Graph()
    data = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], format=ox.RdfFormat.N_TRIPLES)
    graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


def from_rdflib(triples, graph: str) -> list[ox.Quad]:
    text = "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in triples)
    target = ox.NamedNode(graph)
    return [ox.Quad(t.subject, t.predicate, t.object, target)
            for t in ox.parse(input=text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)]


def closure(graph: rdflib.Graph) -> rdflib.Graph:
    """The OWL 2 RL closure of graph (a new graph); raises InconsistencyError."""
    closed = rdflib.Graph()
    for t in graph:
        closed.add(t)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closed)
    errors = sorted(str(m) for m in closed.objects(None, ERR.error))
    if errors:
        raise InconsistencyError([_readable(m, graph) for m in errors])
    return closed


def _readable(message: str, graph: rdflib.Graph) -> str:
    """owlrl's message with each IRI followed by its label, so a person sees which things clash."""
    out = message
    for token in set(message.replace("'", " ").replace('"', " ").split()):
        if token.startswith("http"):
            label = graph.value(URIRef(token), RDFS.label)
            if label:
                out = out.replace(token, f"{token} ({label})")
    return out


def readable_inferences(graph: rdflib.Graph, closed: rdflib.Graph):
    """What the closure adds that a person would want to see."""
    for s, p, o in closed:
        if (s, p, o) in graph:
            continue
        if isinstance(s, (BNode, Literal)) or isinstance(o, BNode):
            continue
        if p == OWL.sameAs and s == o:
            continue
        if str(s).startswith(_BUILTIN) or (p == RDF.type and o in (OWL.Thing, RDFS.Resource)):
            continue
        if p in (RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, OWL.equivalentProperty) and s == o:
            continue
        yield s, p, o
