"""The query page, /health and /explain/<state>."""

from __future__ import annotations

import json

from flask import Blueprint, Response, render_template, request

from csto_kg.graph.namespaces import PREFIXES
from csto_kg.graph.namespaces import STATUSES as STATUS_NAMES

from . import jobs, views
from .errors import Refused
from .negotiation import GRAPH_FORMATS, RESULT_FORMATS
from .serving import state

bp = Blueprint("pages", __name__)

STATUSES = tuple(STATUS_NAMES)

FIRST_QUERY = """SELECT ?state ?label WHERE {
  ?state a csto:State ;
         rdfs:label ?label .
}
ORDER BY ?label
LIMIT 100"""


@bp.get("/")
def index():
    st = state()
    prefixes = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
    config = {
        "prefixes": PREFIXES,
        "initialQuery": prefixes + "\n" + FIRST_QUERY,
        "queries": [{"name": q.name, "title": q.title, "description": q.description,
                     "text": q.text} for q in st.named_queries()],
        "resultFormats": [{"name": f.name, "label": f.label} for f in RESULT_FORMATS.values()],
        "graphFormats": [{"name": f.name, "label": f.label} for f in GRAPH_FORMATS.values()],
        "localBase": "https://w3id.org/csto-kg/",
    }
    # No "<" at all, so nothing in a query text can close or confuse the script element.
    blob = json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")
    return render_template("index.html", config=blob, queries=config["queries"], switch=views.switches())


@bp.get("/health")
def health():
    st = state()
    counts = st.current_counts()
    workers = st.pool.status()
    body = {
        "status": "ok" if workers["alive"] else "degraded",
        "triples": sum(c["triples"] for c in counts.values()),
        "graphs": counts,
        "workers": workers,
        "update": bool(st.update_token),
    }
    return body, (200 if workers["alive"] else 503)


# The media types a what-if body may have; N-Triples is read as such, the rest as Turtle.
FACT_TYPES = {"text/turtle": "turtle", "application/x-turtle": "turtle", "text/plain": "turtle",
              "application/n-triples": "n-triples"}


@bp.get("/explain/<path:name>")
def explain(name: str):
    """The verdict; ?why=1 adds the minimal justification of each conclusion."""
    why = request.args.get("why", "0").lower() in ("1", "true", "yes")
    if views.prefers_html():
        return views.verdict_html(name, why)
    body = state().pool.run(jobs.explain_state, timeout=state().timeout, state=name, status=_status(), why=why)
    response = Response(body, 200, mimetype="application/json")
    response.vary.add("Accept")
    return response


@bp.post("/explain/<path:name>")
def what_if(name: str):
    """The verdict if the facts in the body (Turtle) held: nothing is written to the graph."""
    media = (request.mimetype or "text/turtle").lower()
    if media not in FACT_TYPES:
        raise Refused(415, f"send the facts to assume as Turtle (Content-Type: text/turtle), not {media}")
    facts = request.get_data(cache=False)
    if not facts.strip():
        raise Refused(400, "the request body is empty: send the facts to assume, as Turtle")
    st = state()
    body = st.pool.run(jobs.explain_state, timeout=st.timeout, state=name, status=_status(), facts=facts,
                       fmt=FACT_TYPES[media])
    return Response(body, 200, mimetype="application/json")


def _status() -> str:
    status = request.args.get("status", "observer")
    if status not in STATUSES:
        raise Refused(400, f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    return status
