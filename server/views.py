"""The analyst's pages: verdicts, the verdict matrix, the organization, the article, the timeline.

Each page is a view of the served graph, read by graph/present/ in a worker (view_jobs.py);
`?implied=0` and `?linked=0` leave out the implied facts and the linked data, on every page
alike. A page is a page for a browser and its data, as JSON, for a program (the verdict's JSON
is `csto-kg explain --format json`'s); POSTed facts ask a verdict what if.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import Blueprint, Response, current_app, render_template, request

from csto_kg import queries as named_queries
from csto_kg.graph import present
from csto_kg.graph.present import STATUSES

from . import jobs, matrix_page, picture, plain_words, view_jobs
from .errors import Refused
from .negotiation import PAGE, PAGE_OR_JSON, prefers_html, speaking
from .serving import state, switches

bp = Blueprint("views", __name__)
bp.speaks = PAGE_OR_JSON

# The media types a what-if body may have; N-Triples is read as such, the rest as Turtle.
FACT_TYPES = {"text/turtle": "turtle", "application/x-turtle": "turtle", "text/plain": "turtle",
              "application/n-triples": "n-triples"}


def run(read, **arguments):
    """What read (a function of graph/present/) finds in the graph the page's switches ask for."""
    st = state()
    return st.pool.run(view_jobs.page_data, timeout=st.timeout, read=read, **arguments, **switches(check=True))


def page(template: str, **context) -> Response:
    response = Response(render_template(template, switch=switches(), **context), mimetype="text/html")
    response.vary.add("Accept")
    return response


def as_json(data) -> Response:
    """What a page shows, for a program: the data graph/present/ read, as `csto-kg matrix
    --format json` prints it."""
    response = current_app.json.response(data)
    response.vary.add("Accept")
    return response


@bp.app_template_global("with_switches")
def with_switches(path: str, **params) -> str:
    """path with the page's implied/linked switches (and any params) kept in its query."""
    query = {k: v for k, v in params.items() if v is not None}
    query.update({name: "0" for name, on in switches().items() if not on})
    return f"{path}?{urlencode(query)}" if query else path


@bp.app_template_global("toggled")
def toggled(name: str) -> str:
    """This page's URL with one switch flipped."""
    args = {k: v for k, v in request.args.items() if k != name}
    if switches()[name]:
        args[name] = "0"
    return f"{request.path}?{urlencode(args)}" if args else request.path


bp.add_app_template_filter(plain_words.plain, "plain")


@bp.app_template_filter("verdict_url")
def verdict_url(name: str, status: str | None = None, anchor: str | None = None) -> str:
    url = with_switches("/explain/" + quote(name, safe=""), status=status)
    return url + (f"#{anchor}" if anchor else "")


def requested_status(default: str | None) -> str | None:
    status = request.args.get("status", default)
    if status is not None and status not in STATUSES:
        raise Refused(400, f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    return status


@bp.get("/explain/<path:name>")
def explain(name: str):
    """The verdict; ?why=1 adds the minimal justification of each conclusion."""
    why = request.args.get("why", "0").lower() in ("1", "true", "yes")
    if prefers_html():
        status = requested_status(None)
        data = run(present.verdict_page, state=name, why=why,
                   statuses=(status,) if status else STATUSES)
        return page("verdict.html", v=data, why=why)
    st = state()
    body = st.pool.run(jobs.explain_state, timeout=st.timeout, state=name, status=requested_status("observer"),
                       why=why, **switches())
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
    body = st.pool.run(jobs.explain_state, timeout=st.timeout, state=name, status=requested_status("observer"),
                       facts=facts, fmt=FACT_TYPES[media], **switches())
    return Response(body, 200, mimetype="application/json")


@bp.get("/matrix")
def matrix():
    data = run(present.matrix)
    cols = matrix_page.columns(data["requirements"])
    view = matrix_page.asked(request.args, [c["slug"] for c in cols])
    if not prefers_html():
        return as_json(data)
    tables = [matrix_page.table(data["agents"], status, cols, view) for status in STATUSES]
    return page("matrix.html", columns=cols, tables=tables, view=view, total=len(data["agents"]),
                verdicts=matrix_page.VERDICTS, results=matrix_page.RESULTS, sorts=matrix_page.SORTS)


@bp.app_template_global("matrix_url")
def matrix_url(view: dict, **changes) -> str:
    """/matrix as this view, with some of its parameters changed (None drops one)."""
    params = {**view, "page": None, **changes}
    kept = {k: v for k, v in params.items() if v not in (None, "", 1) and not (k == "sort" and v == "name")}
    return with_switches("/matrix", **kept)


@bp.get("/organization")
def organization():
    data = run(present.organization)
    if not prefers_html():
        return as_json(data)
    return page("organization.html", o=data, picture=picture.svg(data, standalone=False))


@bp.get("/organization.svg")
@speaking(PAGE)  # a picture: a program that asks for one reads a refusal as plain text
def organization_svg():
    response = Response(picture.svg(run(present.organization)), mimetype="image/svg+xml")
    # inline: a link opens the picture in the tab; the page's download link asks to save it
    response.headers["Content-Disposition"] = 'inline; filename="csto-organization.svg"'
    return response


@bp.get("/article")
def article():
    data = run(present.article)
    return page("article.html", a=data) if prefers_html() else as_json(data)


@bp.get("/timeline")
def timeline():
    data = run(present.timeline, order=named_queries.get("timeline").text)
    return page("timeline.html", t=data) if prefers_html() else as_json(data)


@bp.get("/search")
def search():
    q = request.args.get("q", "")
    if len(q) > 200:
        raise Refused(400, "the search text is longer than 200 characters")
    if not prefers_html():
        if not q.strip():
            raise Refused(400, "give the words to search for: /search?q=WORDS")
        return as_json(run(present.search, q=q))
    return page("search.html", s=run(present.search, q=q) if q.strip() else None, q=q)
