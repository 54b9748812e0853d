"""CORS, opt-in: browser pages on other origins may call the server only if the operator
lists their origin (or "*"). Never with credentials: an update token travels in an
Authorization header the calling script sets itself, not in a cookie.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

ALLOWED_METHODS = "GET, POST, OPTIONS"
ALLOWED_HEADERS = {"accept", "content-type", "authorization"}


def _allowed_origin(origin: str) -> str | None:
    origins = current_app.extensions["csto_kg"].cors_origins
    if "*" in origins:
        return "*"
    return origin if origin in origins else None


def register(app: Flask) -> None:
    @app.before_request
    def preflight():
        origin = request.headers.get("Origin")
        if request.method != "OPTIONS" or not origin or \
                "Access-Control-Request-Method" not in request.headers:
            return None
        allowed = _allowed_origin(origin)
        if allowed is None:
            return Response(f"origin {origin} is not allowed to call this server\n", 403,
                            content_type="text/plain; charset=utf-8")
        requested = request.headers.get("Access-Control-Request-Headers", "")
        headers = [h.strip() for h in requested.split(",") if h.strip().lower() in ALLOWED_HEADERS]
        response = Response(status=204)
        response.headers["Access-Control-Allow-Origin"] = allowed
        response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        if headers:
            response.headers["Access-Control-Allow-Headers"] = ", ".join(headers)
        response.headers["Access-Control-Max-Age"] = "600"
        if allowed != "*":
            response.vary.add("Origin")
        return response

    @app.after_request
    def allow_origin(response: Response) -> Response:
        origin = request.headers.get("Origin")
        allowed = _allowed_origin(origin) if origin else None
        if allowed and "Access-Control-Allow-Origin" not in response.headers:
            response.headers["Access-Control-Allow-Origin"] = allowed
            if allowed != "*":
                response.vary.add("Origin")
        return response
