"""The analyst's pages: verdicts, the verdict matrix, the organization, the article, the timeline.

Each page is a view of the served graph, read by a worker job (view_jobs.py); `?implied=0` and
`?linked=0` leave out the implied facts and the linked data, on every page alike.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import Blueprint, Response, render_template, request

from . import picture, view_jobs
from .errors import Refused
from .serving import state

bp = Blueprint("views", __name__)

OFF = ("0", "false", "no", "off")
HTML_PAGES = ("/explain/", "/matrix", "/organization", "/article", "/timeline", "/search")


def switches() -> dict[str, bool]:
    return {name: request.args.get(name, "1").lower() not in OFF for name in ("implied", "linked")}


def prefers_html() -> bool:
    """A browser (text/html before JSON in its Accept header) rather than a JSON client."""
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html"


def wants_html_page() -> bool:
    return request.method == "GET" and request.path.startswith(HTML_PAGES) and prefers_html()


def run(job, **arguments):
    st = state()
    return st.pool.run(job, timeout=st.timeout, **arguments, **switches())


def page(template: str, **context) -> Response:
    response = Response(render_template(template, switch=switches(), **context), mimetype="text/html")
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


@bp.app_template_filter("verdict_url")
def verdict_url(name: str, status: str | None = None, anchor: str | None = None) -> str:
    url = with_switches("/explain/" + quote(name, safe=""), status=status)
    return url + (f"#{anchor}" if anchor else "")


def verdict_html(name: str, why: bool) -> Response:
    status = request.args.get("status")
    if status is not None and status not in view_jobs.STATUSES:
        raise Refused(400, f"status must be one of {', '.join(view_jobs.STATUSES)}, not {status!r}")
    data = run(view_jobs.verdict_page, state=name, why=why,
               statuses=(status,) if status else view_jobs.STATUSES)
    return page("verdict.html", v=data, why=why)


@bp.get("/matrix")
def matrix():
    return page("matrix.html", m=run(view_jobs.matrix))


@bp.get("/organization")
def organization():
    data = run(view_jobs.organization)
    return page("organization.html", o=data, picture=picture.svg(data))


@bp.get("/organization.svg")
def organization_svg():
    response = Response(picture.svg(run(view_jobs.organization)), mimetype="image/svg+xml")
    response.headers["Content-Disposition"] = 'attachment; filename="csto-organization.svg"'
    return response


@bp.get("/article")
def article():
    return page("article.html", a=run(view_jobs.article))


@bp.get("/timeline")
def timeline():
    return page("timeline.html", t=run(view_jobs.timeline))


@bp.get("/search")
def search():
    q = request.args.get("q", "")
    if len(q) > 200:
        raise Refused(400, "the search text is longer than 200 characters")
    return page("search.html", s=run(view_jobs.search, q=q) if q.strip() else None, q=q)
