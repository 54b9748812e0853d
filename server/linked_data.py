"""Linked Data: every entity and ontology term of csto-kg can be looked up here by its IRI.

The IRIs live under https://w3id.org/csto-kg/; this server answers for them at /id/<name>,
/ontology (hash terms resolve there) and /resource?iri=<any IRI>, as RDF or as a page.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, render_template, request

from csto_kg.graph.namespaces import KG, curie
from csto_kg.graph.sparql.formats import GRAPH_FORMATS

from . import linked_data_jobs
from .errors import Refused
from .negotiation import GRAPH, HTML, PAGE, NotAcceptable
from .protocol import ABSOLUTE_IRI, decode_params, negotiation_from
from .serving import answer, resource_url, state, switches

bp = Blueprint("linked_data", __name__)
bp.speaks = PAGE  # and RDF, whose clients read a refusal as plain text


def wants_html() -> tuple[bool, object]:
    negotiation = negotiation_from(request, decode_params(request.query_string, "query string"))
    try:
        return negotiation.choose(GRAPH, extra=(HTML,)) is HTML, negotiation
    except NotAcceptable as e:
        raise Refused(406, str(e)) from None


def downloads(path: str) -> list[tuple[str, str]]:
    joiner = "&" if "?" in path else "?"
    return [(f.label, f"{path}{joiner}format={f.name}") for f in GRAPH_FORMATS.values()]


def resource(iri: str, path: str) -> Response:
    html, negotiation = wants_html()
    st = state()
    result = st.pool.run(linked_data_jobs.describe_resource, timeout=st.timeout, iri=iri,
                         negotiation=negotiation, html=html, **switches())
    if not html:
        return answer(result)
    response = Response(render_template("resource.html", r=result, downloads=downloads(path)))
    response.vary.add("Accept")
    return response


@bp.get("/id/<path:name>")
def entity(name: str):
    return resource(str(KG) + name, request.path)


@bp.get("/resource")
def any_resource():
    params = decode_params(request.query_string, "query string")
    iris = [v for k, v in params if k == "iri"]
    if len(iris) != 1 or not ABSOLUTE_IRI.match(iris[0]):
        raise Refused(400, "give exactly one absolute IRI: /resource?iri=<IRI>")
    return resource(iris[0], f"/resource?iri={quote(iris[0], safe='')}")


@bp.get("/ontology")
def ontology():
    html, negotiation = wants_html()
    st = state()
    result = st.pool.run(linked_data_jobs.ontology, timeout=st.timeout, negotiation=negotiation, html=html)
    if not html:
        return answer(result)
    response = Response(render_template("ontology.html", doc=result, downloads=downloads("/ontology")))
    response.vary.add("Accept")
    return response


@bp.app_template_filter("curie")
def curie_or_iri(iri: str) -> str:
    """kg:Azerbaijan for https://w3id.org/csto-kg/id/Azerbaijan; the IRI when no prefix fits."""
    return curie(iri) or iri


bp.add_app_template_filter(resource_url, "resource_url")
