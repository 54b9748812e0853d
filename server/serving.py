"""What every blueprint uses: the server's state, the page's source switches, and a worker's
answer as an HTTP response."""

from __future__ import annotations

from flask import Response, current_app, request

from .errors import Refused
from .jobs import Answer
from .protocol import switch_on


def state():
    """The ServerState of the app handling this request (server/app.py)."""
    return current_app.extensions["csto_kg"]


def switches(*, check: bool = False) -> dict[str, bool]:
    """The page's ?implied= and ?linked=, read as /sparql reads them. With check, a value that
    is neither on nor off is a 400; without, it reads as on: the error page reads them too."""
    read = {}
    for name in ("implied", "linked"):
        try:
            read[name] = switch_on(request.args.get(name), name)
        except Refused:
            if check:
                raise
            read[name] = True
    return read


def answer(result: Answer) -> Response:
    response = Response(result.body, result.status, content_type=result.content_type)
    response.headers.update(result.headers)
    response.vary.add("Accept")
    return response
