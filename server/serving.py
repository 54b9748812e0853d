"""What every blueprint uses: the server's state, and a worker's answer as an HTTP response."""

from __future__ import annotations

from flask import Response, current_app

from .jobs import Answer


def state():
    """The ServerState of the app handling this request (server/app.py)."""
    return current_app.extensions["csto_kg"]


def answer(result: Answer) -> Response:
    response = Response(result.body, result.status, content_type=result.content_type)
    response.headers.update(result.headers)
    response.vary.add("Accept")
    return response
