"""/sparql (the SPARQL 1.1 Protocol) and the named queries at /queries."""

from __future__ import annotations

import hmac
import logging

from flask import Blueprint, Response, redirect, request, url_for

from csto_kg.graph.errors import CstoKgError
from csto_kg.graph.sparql.guards import check_update_is_local
from csto_kg.graph.sparql.results import serialize_triples

from . import jobs
from .errors import Refused, refusal
from .negotiation import GRAPH, HTML, JSON, RESULTS, TEXT, NotAcceptable, speaking
from .protocol import SparqlRequest, decode_params, negotiation_from, read_sparql_request, read_switch, read_timeout
from .service_description import service_description
from .serving import answer, state, switches

bp = Blueprint("sparql", __name__)
bp.speaks = TEXT  # a named query answers like /sparql
log = logging.getLogger("csto_kg.server")


def refuse_early_if_nothing_fits(negotiation) -> None:
    """406 before running, when no kind of answer fits (the query form is not known yet)."""
    reasons = []
    for kind in (RESULTS, GRAPH):
        try:
            negotiation.choose(kind)
            return
        except NotAcceptable as e:
            reasons.append(str(e))
    raise Refused(406, " / ".join(reasons))


def browser_wants_the_page(negotiation) -> bool:
    """A browser opening a query's URL (text/html ranked above every answer format, no format
    parameter): it is shown the query page with the query run, not a file to download."""
    if request.method != "GET" or negotiation.format_params:
        return False
    try:
        return negotiation.choose(RESULTS, extra=(HTML,)) is HTML
    except NotAcceptable:
        return False


def to_the_page(**params) -> Response:
    kept = {name: "0" for name, on in switches().items() if not on}
    return redirect(url_for("pages.index", **params, **kept), 303)


def run_query(sparql: SparqlRequest) -> Response:
    negotiation = sparql.negotiation
    if browser_wants_the_page(negotiation):
        return to_the_page(query=sparql.query)
    refuse_early_if_nothing_fits(negotiation)
    st = state()
    return answer(st.pool.run(
        jobs.run_query,
        timeout=st.timeout_for(sparql.timeout),
        text=sparql.query,
        negotiation=negotiation,
        default_graphs=sparql.default_graphs,
        named_graphs=sparql.named_graphs,
        implied=sparql.implied,
        linked=sparql.linked,
    ))


def run_update(sparql: SparqlRequest) -> Response:
    st = state()
    if not st.update_token:
        raise Refused(403, "SPARQL Update is disabled: this server is read-only "
                           "(the operator can start it with --enable-update --update-token)")
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        log.warning("update refused from %s: no bearer token", request.remote_addr)
        raise Refused(401, "SPARQL Update needs the header 'Authorization: Bearer <token>'",
                      headers={"WWW-Authenticate": 'Bearer realm="csto-kg update"'})
    if not hmac.compare_digest(token.strip().encode(), st.update_token.encode()):
        log.warning("update refused from %s: wrong token", request.remote_addr)
        raise Refused(403, "the update token is wrong")
    try:
        check_update_is_local(sparql.update)
    except CstoKgError as e:
        raise refusal(e) from None
    # Relative IRIs resolve against the request's URL, as Oxigraph's server resolves them.
    update = jobs.Update(sparql.update, base_iri=request.base_url, using=tuple(sparql.using_graphs),
                         using_named=tuple(sparql.using_named_graphs))
    st.counts = st.pool.update(update, st.timeout_for(sparql.timeout))
    return Response(status=204)


def describe_service() -> Response:
    st = state()
    negotiation = negotiation_from(request, decode_params(request.query_string, "query string"))
    try:
        fmt = negotiation.choose(GRAPH, extra=(HTML,))
    except NotAcceptable as e:
        raise Refused(406, str(e)) from None
    if fmt is HTML:
        return redirect(url_for("pages.index"), 303)
    triples = service_description(
        request.base_url, st.counts, update=bool(st.update_token),
        federated=bool(st.allowed_services),
    )
    return answer(jobs.Answer(200, jobs.content_type(fmt.media_type), serialize_triples(triples, fmt)))


@bp.route("/sparql", methods=["GET", "POST"])
def sparql_endpoint():
    sparql = read_sparql_request(request)
    if sparql.update is not None:
        return run_update(sparql)
    if sparql.query is None:
        return describe_service()
    return run_query(sparql)


@bp.get("/queries")
@speaking(JSON)
def list_queries():
    return [
        {
            "name": q.name,
            "title": q.title,
            "description": q.description,
            "text": q.text,
            "url": url_for("sparql.named_query", name=q.name),
        }
        for q in state().named_queries()
    ]


@bp.get("/queries/<name>")
def named_query(name: str):
    found = next((q for q in state().named_queries() if q.name == name), None)
    if found is None:
        known = ", ".join(q.name for q in state().named_queries()) or "none"
        raise Refused(404, f"no named query called {name!r} (known: {known})")
    params = decode_params(request.query_string, "query string")
    if browser_wants_the_page(negotiation_from(request, params)):
        return to_the_page(name=found.name)
    return run_query(SparqlRequest(
        query=found.text,
        negotiation=negotiation_from(request, params),
        timeout=read_timeout(params),
        implied=read_switch(params, "implied"),
        linked=read_switch(params, "linked"),
    ))
