"""Read a SPARQL 1.1 Protocol request: which operation, its text, its dataset and its format.

Parameters are decoded strictly as UTF-8, so a body in another encoding is a 400 rather than
mojibake, and each is read exactly once, so form bodies are not URL-decoded twice (a known
rdflib-endpoint bug, see docs/decisions/0007).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from flask import Request

from csto_kg.graph.sparql.tokens import keyword_present

from .errors import Refused
from .negotiation import Negotiation, UnknownFormat

FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"

ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^<>\"{}|^`\\\s]*$")


@dataclass
class SparqlRequest:
    query: str | None = None
    update: str | None = None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    using_graphs: list[str] = field(default_factory=list)  # an update's using-graph-uri
    using_named_graphs: list[str] = field(default_factory=list)  # and using-named-graph-uri
    negotiation: Negotiation = field(default_factory=Negotiation)
    timeout: float | None = None
    implied: bool = True  # False: answer from the graph without the implied facts (?implied=0)
    linked: bool = True   # False: ... without the linked data (?linked=0)


def decode_params(raw: bytes, where: str) -> list[tuple[str, str]]:
    try:
        text = raw.decode("utf-8")
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise Refused(400, f"the {where} is not valid UTF-8 (SPARQL requests must be UTF-8)") from None
    except ValueError as e:
        raise Refused(400, f"the {where} cannot be decoded: {e}") from None


def _decode_body(raw: bytes, charset: str | None) -> str:
    if charset and charset.lower().replace("-", "") != "utf8":
        raise Refused(415, f"charset {charset} is not supported; send the body as UTF-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "the request body is not valid UTF-8") from None


def _one(params: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in params if k == name]
    if len(values) > 1:
        raise Refused(400, f"the '{name}' parameter must be given at most once, not {len(values)} times")
    return values[0] if values else None


def _iris(params: list[tuple[str, str]], name: str) -> list[str]:
    values = [v for k, v in params if k == name]
    for value in values:
        if not ABSOLUTE_IRI.match(value):
            raise Refused(400, f"{name} must be an absolute IRI, not {value!r}")
    return values


def read_timeout(params: list[tuple[str, str]]) -> float | None:
    value = _one(params, "timeout")
    if value is None or value == "":
        return None
    try:
        seconds = float(value)
    except ValueError:
        raise Refused(400, f"timeout must be a number of seconds, not {value!r}") from None
    if not seconds > 0:
        raise Refused(400, "timeout must be more than 0 seconds")
    return seconds


def read_switch(params: list[tuple[str, str]], name: str) -> bool:
    """implied=0 / linked=0 (or false, no, off) leave those sources out; 1 (true, yes, on) or
    none keeps them; any other value is refused, not guessed."""
    return switch_on(_one(params, name), name)


def switch_on(value: str | None, name: str) -> bool:
    word = None if value is None else value.strip().lower()
    if word not in (None, "1", "true", "yes", "on", "0", "false", "no", "off"):
        raise Refused(400, f"{name}={value!r}: give {name}=0 to leave those facts out, or {name}=1 "
                           "(true, false, yes, no, on and off are read too)")
    return word not in ("0", "false", "no", "off")


def negotiation_from(request: Request, params: list[tuple[str, str]]) -> Negotiation:
    formats = tuple(v for k, v in params if k in ("format", "output") and v)
    negotiation = Negotiation(request.headers.get("Accept", ""), formats)
    try:
        negotiation.check()
    except UnknownFormat as e:
        raise Refused(400, str(e)) from None
    return negotiation


def read_sparql_request(request: Request) -> SparqlRequest:
    """The operation a GET or POST to /sparql asks for; Refused for anything malformed."""
    params = decode_params(request.query_string, "query string")
    body_text: tuple[str, str] | None = None  # (operation, text) from a direct POST body
    if request.method == "POST":
        mimetype = request.mimetype
        raw = request.get_data(cache=False)
        if mimetype == FORM:
            params += decode_params(raw, "form body")
        elif mimetype in (QUERY_BODY, UPDATE_BODY):
            operation = "query" if mimetype == QUERY_BODY else "update"
            body_text = (operation, _decode_body(raw, request.mimetype_params.get("charset")))
            if _one(params, operation) is not None:
                raise Refused(400, f"the {operation} is both in the body and in the URL")
        elif not mimetype and not raw and _one(params, "query") is not None:
            pass  # Fuseki accepts a bare POST with the query in the URL; so do we
        elif not mimetype:
            raise Refused(415, f"a POST needs a Content-Type: {FORM}, {QUERY_BODY} or {UPDATE_BODY}")
        else:
            raise Refused(415, f"Content-Type {mimetype} is not supported; use {FORM}, "
                               f"{QUERY_BODY} or {UPDATE_BODY}")
    sparql = SparqlRequest(
        query=_one(params, "query"),
        update=_one(params, "update"),
        default_graphs=_iris(params, "default-graph-uri"),
        named_graphs=_iris(params, "named-graph-uri"),
        using_graphs=_iris(params, "using-graph-uri"),
        using_named_graphs=_iris(params, "using-named-graph-uri"),
        negotiation=negotiation_from(request, params),
        timeout=read_timeout(params),
        implied=read_switch(params, "implied"),
        linked=read_switch(params, "linked"),
    )
    if body_text:
        setattr(sparql, body_text[0], body_text[1])
    if sparql.query is not None and sparql.update is not None:
        raise Refused(400, "a request carries either a query or an update, not both")
    if sparql.update is not None:
        if request.method != "POST":
            raise Refused(400, "SPARQL Update must be sent with POST, never GET")
        if (sparql.using_graphs or sparql.using_named_graphs) and (
                keyword_present(sparql.update, "USING") or keyword_present(sparql.update, "WITH")):
            # SPARQL 1.1 Protocol §2.2.3: the parameters and the clauses may not both name the dataset
            raise Refused(400, "using-graph-uri / using-named-graph-uri and a USING or WITH clause in the "
                               "update both name its dataset: give one or the other")
        if sparql.default_graphs or sparql.named_graphs:
            raise Refused(400, "default-graph-uri / named-graph-uri apply to queries, not updates")
    if (sparql.using_graphs or sparql.using_named_graphs) and sparql.update is None:
        raise Refused(400, "using-graph-uri / using-named-graph-uri apply to updates; a query names its "
                           "dataset with default-graph-uri / named-graph-uri")
    if request.method == "POST" and sparql.query is None and sparql.update is None:
        raise Refused(400, "the request has no 'query' or 'update' parameter")
    for text, what in ((sparql.query, "query"), (sparql.update, "update")):
        if text is not None and not text.strip():
            raise Refused(400, f"the {what} is empty")
    return sparql
