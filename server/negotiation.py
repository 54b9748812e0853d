"""Which format to answer in: the `format`/`output` parameter first, then the Accept header.

A query's form (SELECT/ASK give results, CONSTRUCT/DESCRIBE give a graph) is only known once
Oxigraph has parsed it, so negotiation is a small picklable object that the worker asks after
running the query.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.http import parse_accept_header

from csto_kg.graph.sparql.formats import GRAPH_FORMATS, RESULT_FORMATS, Format

# What a blueprint speaks (its `speaks` attribute; a view may say otherwise with `speaking`), and
# so how its refusals are written.
TEXT = "text"                  # plain text to every client: SPARQL clients show it as is
PAGE = "page"                  # pages to a browser; plain text to any other client
PAGE_OR_JSON = "page or JSON"  # a page to a browser, JSON to a program
JSON = "JSON"                  # JSON to every client


def speaking(kind: str):
    """Declare what one view speaks, where it differs from its blueprint."""
    def declared(view):
        view.speaks = kind
        return view
    return declared


def spoken() -> str:
    """What the view of this request's path speaks (a method it does not take included): its own
    word, else its blueprint's; TEXT for a path no blueprint answers (unknown, a static file)."""
    endpoint = request.endpoint
    if endpoint is None and isinstance(request.routing_exception, MethodNotAllowed):
        try:
            endpoint, _ = current_app.create_url_adapter(request).match(
                method=sorted(request.routing_exception.valid_methods)[0])
        except HTTPException:  # no view after all: refused as text
            endpoint = None
    if endpoint is None:
        return TEXT
    blueprint = current_app.blueprints.get(endpoint.rpartition(".")[0])
    return getattr(current_app.view_functions[endpoint], "speaks", None) or getattr(blueprint, "speaks", TEXT)


def accepted(header: str) -> MIMEAccept:
    """The media ranges of an Accept header with their qualities. Parameters other than q
    (`charset=utf-8`, a JSON-LD profile) are dropped: they must not stop a match (RFC 9110
    12.5.1), and werkzeug would match a range only with the same parameters."""
    ranges = parse_accept_header(header, MIMEAccept)
    return MIMEAccept([(value.split(";")[0].strip(), quality) for value, quality in ranges])


def prefers_html() -> bool:
    """A browser (text/html before JSON in its Accept header) rather than a JSON client."""
    best = accepted(request.headers.get("Accept", "")).best_match(["application/json", "text/html"])
    return best == "text/html"


def wants_html_page() -> bool:
    """Whether this request, and so its error, is answered with a page."""
    return request.method == "GET" and spoken() in (PAGE, PAGE_OR_JSON) and prefers_html()


HTML = Format("html", "text/html", "html", "HTML", "")

# Media types clients send, in the server's order of preference for each kind of answer.
# Aliases come after the canonical types so that `*/*` picks the canonical one.
_RESULT_MEDIA = [
    ("application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
    ("application/json", "json"),
    ("text/javascript", "json"),
    ("application/javascript", "json"),
    ("application/xml", "xml"),
    ("text/xml", "xml"),
]
_GRAPH_MEDIA = [
    ("text/turtle", "turtle"),
    ("application/n-triples", "ntriples"),
    ("application/rdf+xml", "rdfxml"),
    ("application/ld+json", "jsonld"),
    ("application/n-quads", "nquads"),
    ("application/trig", "trig"),
    ("application/turtle", "turtle"),
    ("application/x-turtle", "turtle"),
    ("text/n3", "turtle"),  # Turtle is a subset of N3
    ("text/rdf+n3", "turtle"),
    ("application/n3", "turtle"),
    ("text/plain", "ntriples"),  # N-Triples' old media type; Oxigraph serves it too
    ("application/x-json+ld", "jsonld"),
    ("application/json", "jsonld"),
    ("application/xml", "rdfxml"),
    ("text/xml", "rdfxml"),
]

# Names for the `format` / `output` parameters, as YASGUI, SPARQLWrapper and Fuseki send them.
_RESULT_NAMES = {
    "json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv",
    **{media: name for media, name in _RESULT_MEDIA},
}
_GRAPH_NAMES = {
    "turtle": "turtle", "ttl": "turtle", "n3": "turtle",
    "ntriples": "ntriples", "n-triples": "ntriples", "nt": "ntriples",
    "rdfxml": "rdfxml", "rdf+xml": "rdfxml", "rdf": "rdfxml", "xml": "rdfxml",
    "jsonld": "jsonld", "json-ld": "jsonld", "json": "jsonld",
    "nquads": "nquads", "n-quads": "nquads", "nq": "nquads", "trig": "trig",
    **{media: name for media, name in _GRAPH_MEDIA},
}

RESULTS = "results"
GRAPH = "graph"


class NotAcceptable(Exception):
    """Nothing the client accepts fits this kind of answer (HTTP 406)."""


class UnknownFormat(Exception):
    """A `format` parameter names no format this server knows (HTTP 400)."""


def _name_of(value: str) -> str:
    return value.split(";")[0].strip().lower()


def known_format_names() -> list[str]:
    return sorted({*RESULT_FORMATS, *GRAPH_FORMATS, "ttl", "nt", "nq", "json-ld", "rdf+xml"})


@dataclass(frozen=True)
class Negotiation:
    """What a client asked for: the raw Accept header and any format/output parameter values."""

    accept: str = ""
    format_params: tuple[str, ...] = ()

    def check(self) -> None:
        """Fail early on a format parameter nobody knows, before any query runs."""
        if self.format_params and not any(
            _name_of(v) in _RESULT_NAMES or _name_of(v) in _GRAPH_NAMES for v in self.format_params
        ):
            raise UnknownFormat(
                f"unknown format {self.format_params[0]!r}; known: {', '.join(known_format_names())}"
            )

    def choose(self, kind: str, extra: tuple[Format, ...] = ()) -> Format:
        """The format for an answer of this kind (RESULTS or GRAPH); raises NotAcceptable."""
        formats, names, media = (
            (RESULT_FORMATS, _RESULT_NAMES, _RESULT_MEDIA)
            if kind == RESULTS
            else (GRAPH_FORMATS, _GRAPH_NAMES, _GRAPH_MEDIA)
        )
        if self.format_params:
            for value in self.format_params:
                name = names.get(_name_of(value))
                if name:
                    return formats[name]
                if any(_name_of(value) == f.name or _name_of(value) == f.media_type for f in extra):
                    return next(f for f in extra if _name_of(value) in (f.name, f.media_type))
            wanted = ", ".join(self.format_params)
            raise NotAcceptable(
                f"format {wanted} does not fit a {kind_label(kind)}; use one of: "
                + ", ".join(f.name for f in formats.values())
            )
        # Canonical types first, so that `*/*` (curl) gets data; then extras such as HTML,
        # which browsers name explicitly; then aliases.
        pairs = [(m, formats[n]) for m, n in media]
        table = pairs[: len(formats)] + [(f.media_type, f) for f in extra] + pairs[len(formats):]
        if not self.accept.strip():
            return table[0][1]
        best = accepted(self.accept).best_match([m for m, _ in table])
        if best is None:
            offered = ", ".join(f.media_type for f in (*extra, *formats.values()))
            raise NotAcceptable(
                f"none of the accepted types ({self.accept}) fits a {kind_label(kind)}; "
                f"this server offers: {offered}"
            )
        return next(f for m, f in table if m == best)


def kind_label(kind: str) -> str:
    return "SELECT/ASK result" if kind == RESULTS else "graph (CONSTRUCT/DESCRIBE)"
