"""A resource's description: its own triples and those of the blank nodes it leads to (the RDF
of /id/… and /resource), or its page's data: its label, comment, types, the triples from and to
it, each with the graphs that say it, and a label for every IRI the page names."""

from __future__ import annotations

import pyoxigraph as ox

from ..errors import InputError, NotFoundError, TooManyRows
from ..labels import labels_of
from ..namespaces import GRAPH_NAMES, PROVENANCE, RDF

RDF_TYPE = str(RDF.type)
COMMENTS = (
    "http://www.w3.org/2004/02/skos/core#definition",
    "http://www.w3.org/2000/01/rdf-schema#comment",
    "http://purl.org/dc/terms/description",
)


def known_resource(kg, iri: str) -> ox.NamedNode:
    """The IRI as a term of kg, which must say something about it."""
    try:
        node = ox.NamedNode(iri)
    except ValueError as e:
        raise InputError(f"not an IRI: {iri!r} ({e})") from None
    known = next(iter(kg.quads(node, None, None, None)), None) or next(
        iter(kg.quads(None, None, node, None)), None
    ) or next(iter(kg.quads(None, node, None, None)), None)
    if known is None:
        raise NotFoundError(f"the graph says nothing about <{iri}>")
    return node


def description(kg, node: ox.NamedNode, max_rows: int) -> list[ox.Triple]:
    """The resource's own triples, plus those of blank nodes it leads to (a bounded description)."""
    seen: set = set()
    triples: list[ox.Triple] = []
    todo = [node]
    visited = set()
    while todo:
        node = todo.pop()
        if node in visited:
            continue
        visited.add(node)
        for quad in kg.quads(node, None, None, None):
            triple = quad.triple
            if triple in seen:
                continue
            seen.add(triple)
            triples.append(triple)
            if len(triples) > max_rows:
                raise TooManyRows(max_rows, "triples")
            if isinstance(quad.object, ox.BlankNode):
                todo.append(quad.object)
    return triples


def term_dict(term) -> dict:
    """A term for templates: its kind, value and, for literals, language and datatype."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        return {"type": "literal", "value": term.value, "lang": term.language or "",
                "datatype": term.datatype.value}
    return {"type": "other", "value": str(term)}


def _graph_name(graph) -> str:
    """How a fact graph's triples are known (stated, curated, ...); other graphs by their name."""
    if isinstance(graph, ox.DefaultGraph):
        return "default"
    return PROVENANCE.get(graph.value) or GRAPH_NAMES.get(graph.value, graph.value)


def _comment(kg, node: ox.NamedNode) -> str:
    """The first English (or plain) comment, in the order of COMMENTS; else one in any language."""
    best = ""
    for predicate in COMMENTS:
        for quad in kg.quads(node, ox.NamedNode(predicate), None, None):
            if isinstance(quad.object, ox.Literal):
                if quad.object.language in ("en", "", None):
                    return quad.object.value
                best = best or quad.object.value
    return best


def _linked(quads, key, max_rows: int) -> dict:
    """The quads grouped by key, each with the graphs that say it; no more than max_rows keys."""
    found: dict = {}
    for quad in quads:
        k = key(quad)
        if k is not None:
            found.setdefault(k, set()).add(_graph_name(quad.graph_name))
        if len(found) > max_rows:
            break
    return found


def resource_page(kg, node: ox.NamedNode, max_rows: int) -> dict:
    """The data of the resource's page."""
    outgoing = _linked(kg.quads(node, None, None, None), lambda q: (q.predicate.value, q.object), max_rows)
    incoming = _linked(kg.quads(None, None, node, None), lambda q: (q.subject, q.predicate.value)
                       if isinstance(q.subject, ox.NamedNode) else None, max_rows)
    named = {node.value}
    named |= {p for p, _ in outgoing} | {o.value for _, o in outgoing if isinstance(o, ox.NamedNode)}
    named |= {s.value for s, _ in incoming} | {p for _, p in incoming}
    labels = labels_of(kg, named)
    return {
        "iri": node.value,
        "label": labels.get(node.value, ""),
        "comment": _comment(kg, node),
        "types": sorted(
            o.value for (p, o) in outgoing if p == RDF_TYPE and isinstance(o, ox.NamedNode)
        ),
        "outgoing": sorted(
            ({"predicate": p, "object": term_dict(o), "graphs": sorted(g)}
             for (p, o), g in outgoing.items()),
            key=lambda row: (row["predicate"] != RDF_TYPE, row["predicate"], row["object"]["value"]),
        ),
        "incoming": sorted(
            ({"subject": s.value, "predicate": p, "graphs": sorted(g)}
             for (s, p), g in incoming.items()),
            key=lambda row: (row["predicate"], row["subject"]),
        ),
        "labels": labels,
    }
