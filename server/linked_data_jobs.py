"""The worker jobs behind the linked-data pages: an entity's description (/id/…, /resource)
and the ontology (/ontology), as RDF or as the data their templates lay out."""

from __future__ import annotations

import pyoxigraph as ox

from csto_kg.graph.errors import CannotWrite, CstoKgError, TooManyRows
from csto_kg.graph.namespaces import GRAPH_NAMES, ONTOLOGY, PROVENANCE, RDF
from csto_kg.graph.publish.docs import ontology_document
from csto_kg.graph.sparql.results import serialize_triples

from .errors import Refused, refusal
from .jobs import Answer, WorkerContext, content_type
from .negotiation import GRAPH, Negotiation, NotAcceptable

RDF_TYPE = str(RDF.type)
LABELS = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
)
COMMENTS = (
    "http://www.w3.org/2004/02/skos/core#definition",
    "http://www.w3.org/2000/01/rdf-schema#comment",
    "http://purl.org/dc/terms/description",
)


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


def _first_literal(kg, node, predicates) -> str:
    best = ""
    for predicate in predicates:
        for quad in kg.quads(node, ox.NamedNode(predicate), None, None):
            if isinstance(quad.object, ox.Literal):
                if quad.object.language in ("en", "", None):
                    return quad.object.value
                best = best or quad.object.value
    return best


def _description(kg, iri: ox.NamedNode, max_rows: int) -> list[ox.Triple]:
    """The resource's own triples, plus those of blank nodes it leads to (a bounded description)."""
    seen: set = set()
    triples: list[ox.Triple] = []
    todo = [iri]
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


def describe_resource(ctx: WorkerContext, iri: str, negotiation: Negotiation,
                      html: bool = False, implied: bool = True, linked: bool = True) -> Answer | dict:
    """The resource as RDF or as its page's data; implied/linked False: from a view without
    those sources, as every page reads them."""
    try:
        kg = ctx.kg.view(implied=implied, linked=linked)
    except CstoKgError as e:
        raise refusal(e) from None
    try:
        node = ox.NamedNode(iri)
    except ValueError as e:
        raise Refused(400, f"not an IRI: {iri!r} ({e})") from None
    known = next(iter(kg.quads(node, None, None, None)), None) or next(
        iter(kg.quads(None, None, node, None)), None
    ) or next(iter(kg.quads(None, node, None, None)), None)
    if known is None:
        raise Refused(404, f"the graph says nothing about <{iri}>")
    if html:
        return _resource_page_data(kg, node, ctx.max_rows)
    fmt = _choose_graph_format(negotiation)
    try:
        body = serialize_triples(_description(kg, node, ctx.max_rows), fmt)
    except TooManyRows as e:
        raise Refused(422, str(e)) from None
    except CannotWrite as e:
        raise Refused(406, str(e)) from None
    return Answer(200, content_type(fmt.media_type), body)


def _choose_graph_format(negotiation: Negotiation):
    try:
        return negotiation.choose(GRAPH)
    except NotAcceptable as e:
        raise Refused(406, str(e)) from None


def _resource_page_data(kg, node: ox.NamedNode, max_rows: int) -> dict:
    outgoing: dict = {}
    for quad in kg.quads(node, None, None, None):
        key = (quad.predicate.value, quad.object)
        outgoing.setdefault(key, set()).add(_graph_name(quad.graph_name))
        if len(outgoing) > max_rows:
            break
    incoming: dict = {}
    for quad in kg.quads(None, None, node, None):
        if isinstance(quad.subject, ox.NamedNode):
            key = (quad.subject, quad.predicate.value)
            incoming.setdefault(key, set()).add(_graph_name(quad.graph_name))
        if len(incoming) > max_rows:
            break
    named = {node.value}
    named |= {p for p, _ in outgoing} | {o.value for _, o in outgoing if isinstance(o, ox.NamedNode)}
    named |= {s.value for s, _ in incoming} | {p for _, p in incoming}
    labels = {iri: _first_literal(kg, ox.NamedNode(iri), LABELS) for iri in named}
    return {
        "iri": node.value,
        "label": labels.get(node.value, ""),
        "comment": _first_literal(kg, node, COMMENTS),
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
        "labels": {k: v for k, v in labels.items() if v},
    }


def ontology(ctx: WorkerContext, negotiation: Negotiation, html: bool = False) -> Answer | dict:
    kg = ctx.kg
    graph = ox.NamedNode(ONTOLOGY)
    if not html:
        fmt = _choose_graph_format(negotiation)
        triples = [q.triple for q in kg.quads(None, None, None, graph)]
        try:
            return Answer(200, content_type(fmt.media_type), serialize_triples(triples, fmt))
        except CannotWrite as e:
            raise Refused(406, str(e)) from None
    return ontology_document(kg)
