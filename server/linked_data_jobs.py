"""The worker jobs behind the linked-data pages: an entity's description (/id/…, /resource)
and the ontology (/ontology), as RDF or as the data their templates lay out (read by
graph/present/resource.py and graph/publish/docs.py)."""

from __future__ import annotations

from csto_kg.graph import present, terms
from csto_kg.graph.errors import CstoKgError
from csto_kg.graph.publish.docs import ontology_document
from csto_kg.graph.sparql.results import serialize_triples

from .errors import Refused, refusal
from .jobs import Answer, WorkerContext, content_type
from .negotiation import GRAPH, Negotiation, NotAcceptable


def describe_resource(ctx: WorkerContext, iri: str, negotiation: Negotiation,
                      html: bool = False, implied: bool = True, linked: bool = True) -> Answer | dict:
    """The resource as RDF or as its page's data; implied/linked False: from a view without
    those sources, as every page reads them."""
    try:
        kg = ctx.kg.view(implied=implied, linked=linked)
        node = present.known_resource(kg, iri)
        if html:
            return present.resource_page(kg, node, ctx.max_rows)
        fmt = _choose_graph_format(negotiation)
        return Answer(200, content_type(fmt.media_type),
                      serialize_triples(present.description(kg, node, ctx.max_rows), fmt))
    except CstoKgError as e:
        raise refusal(e) from None


def _choose_graph_format(negotiation: Negotiation):
    try:
        return negotiation.choose(GRAPH)
    except NotAcceptable as e:
        raise Refused(406, str(e)) from None


def ontology(ctx: WorkerContext, negotiation: Negotiation, html: bool = False) -> Answer | dict:
    kg = ctx.kg
    if html:
        return ontology_document(kg)
    fmt = _choose_graph_format(negotiation)
    triples = [q.triple for q in kg.quads(None, None, None, terms.GRAPH.ontology)]
    try:
        return Answer(200, content_type(fmt.media_type), serialize_triples(triples, fmt))
    except CstoKgError as e:
        raise refusal(e) from None
