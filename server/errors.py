"""Refusals: what the server says when it will not or cannot answer, and with which status.

A Refused travels from a worker process back to the web process (it pickles), and is written
in what the blueprint answering speaks (server/negotiation.py): a page for a browser on the
pages, JSON for a program on the JSON routes, text/plain for SPARQL clients, which show the
body as is.
"""

from __future__ import annotations

import json
import logging

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException

from csto_kg.graph.errors import (
    CannotWrite,
    CstoKgError,
    FetchNotAllowedError,
    InconsistencyError,
    NotFoundError,
    StoreError,
    TooManyRows,
    UnknownStateError,
)

from .negotiation import JSON, PAGE_OR_JSON, spoken, wants_html_page

log = logging.getLogger("csto_kg.server")


class Refused(Exception):
    def __init__(self, status: int, message: str, extra: dict | None = None,
                 headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra or {}
        self.headers = headers or {}

    def __reduce__(self):
        return (Refused, (self.status, self.message, self.extra, self.headers))


# The status each kind of csto-kg error gets, the most specific kind first.
STATUS_OF = ((UnknownStateError, 404), (NotFoundError, 404), (FetchNotAllowedError, 403),
             (InconsistencyError, 409), (TooManyRows, 422), (CannotWrite, 406), (StoreError, 502),
             (CstoKgError, 400))


def refusal(error: CstoKgError, prefix: str = "") -> Refused:
    """The refusal for a csto-kg error: the status its kind gets, its message after prefix, and
    for an unknown state the names it may have meant."""
    status = next(status for kind, status in STATUS_OF if isinstance(error, kind))
    extra = {"suggestions": list(error.suggestions)} if isinstance(error, UnknownStateError) else None
    return Refused(status, f"{prefix}{error}", extra)


def error_response(status: int, message: str, extra: dict | None = None,
                   headers: dict | None = None) -> Response:
    if wants_html_page():
        response = Response(render_template("error.html", status=status, message=message,
                                            suggestions=(extra or {}).get("suggestions", [])),
                            status, mimetype="text/html")
        response.vary.add("Accept")
    elif spoken() in (JSON, PAGE_OR_JSON):
        body = json.dumps({"status": status, "message": message, **(extra or {})},
                          ensure_ascii=False)
        response = Response(body, status, mimetype="application/json")
    else:
        text = message + "".join(f"\n{k}: {v}" for k, v in (extra or {}).items())
        response = Response(text + "\n", status, content_type="text/plain; charset=utf-8")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def register(app: Flask) -> None:
    @app.errorhandler(Refused)
    def refused(e: Refused):
        return error_response(e.status, e.message, e.extra, e.headers)

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        message = f"{e.code} {e.name}: {e.description}"
        headers = {k: v for k, v in e.get_headers() if k.lower() == "allow"}
        return error_response(e.code or 400, message, headers=headers)

    @app.errorhandler(Exception)
    def unexpected(e: Exception):
        # A bug, not the client's doing: log it here, keep the traceback off the wire.
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(500, "internal error; the server log has the details")
