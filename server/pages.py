"""The query page and /health."""

from __future__ import annotations

import json

from flask import Blueprint, render_template, request

from csto_kg.graph.namespaces import PREFIXES
from csto_kg.graph.sparql.formats import GRAPH_FORMATS, RESULT_FORMATS

from .negotiation import JSON, PAGE, speaking
from .serving import state, switches

bp = Blueprint("pages", __name__)
bp.speaks = PAGE

FIRST_QUERY = """SELECT ?state ?label WHERE {
  ?state a csto:State ;
         rdfs:label ?label .
}
ORDER BY ?label
LIMIT 100"""


@bp.get("/")
def index():
    """The query page; ?query=TEXT or ?name=NAMED loads that query and runs it (where a browser
    opening /sparql?query=… or /queries/<name> is sent)."""
    st = state()
    queries = st.named_queries()
    prefixes = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
    named = next((q for q in queries if q.name == request.args.get("name")), None)
    asked = named.text if named else request.args.get("query")
    config = {
        "prefixes": PREFIXES,
        "initialQuery": asked if asked else prefixes + "\n" + FIRST_QUERY,
        "run": bool(asked),
        "named": named.name if named else None,
        "queries": [{"name": q.name, "title": q.title, "description": q.description,
                     "text": q.text} for q in queries],
        "resultFormats": [{"name": f.name, "label": f.label} for f in RESULT_FORMATS.values()],
        "graphFormats": [{"name": f.name, "label": f.label} for f in GRAPH_FORMATS.values()],
        "localBase": "https://w3id.org/csto-kg/",
    }
    # No "<" at all, so nothing in a query text can close or confuse the script element.
    blob = json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")
    return render_template("index.html", config=blob, queries=config["queries"], switch=switches(check=True))


@bp.get("/health")
@speaking(JSON)
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

