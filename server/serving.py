"""What every blueprint uses: the server's state, the page's source switches, a worker's
answer as an HTTP response, and where this server shows an IRI."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, current_app, request

from csto_kg.graph.namespaces import KG

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


def resource_url(iri: str) -> str:
    """Where this server shows an IRI: /id/<name> for entities, /resource?iri= otherwise."""
    if iri.startswith(str(KG)) and "#" not in iri and "?" not in iri:
        return "/id/" + quote(iri[len(str(KG)):], safe="/")
    return "/resource?iri=" + quote(iri, safe="")
