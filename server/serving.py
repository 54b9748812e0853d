"""What every blueprint uses: the server's state, the page's source switches, and a worker's
answer as an HTTP response."""

from __future__ import annotations

from flask import Response, current_app, request

from .jobs import Answer
from .protocol import switch_on


def state():
    """The ServerState of the app handling this request (server/app.py)."""
    return current_app.extensions["csto_kg"]


def switches() -> dict[str, bool]:
    """The page's ?implied= and ?linked= (off with 0, false, no or off, as /sparql reads them).
    Never refuses: the error page reads them too."""
    return {name: switch_on(request.args.get(name)) for name in ("implied", "linked")}


def answer(result: Answer) -> Response:
    response = Response(result.body, result.status, content_type=result.content_type)
    response.headers.update(result.headers)
    response.vary.add("Accept")
    return response
