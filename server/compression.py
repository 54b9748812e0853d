"""gzip for a client that accepts it: the analyst's pages are megabytes of HTML at N = 400
(/matrix 2 MB), and results, JSON, SVG, scripts and styles shrink by a factor of 5 to 10.

Only bodies over MIN_SIZE bytes of a text type are compressed; every such response says
`Vary: Accept-Encoding`, compressed or not, so a cache keeps the two apart. A static file's ETag
is made weak: the bytes differ, the content does not, and a conditional request still gets 304.
"""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

MIN_SIZE = 1024
_TEXT_TYPES = ("application/javascript", "image/svg+xml", "application/n-triples", "application/n-quads",
               "application/trig")


def compressible(mimetype: str) -> bool:
    return (mimetype.startswith("text/") or mimetype.endswith(("json", "xml"))
            or mimetype in _TEXT_TYPES)


def register(app: Flask) -> None:
    @app.after_request
    def compress(response: Response) -> Response:
        if not compressible(response.mimetype or "") or response.status_code in (206, 304):
            return response
        response.vary.add("Accept-Encoding")
        if request.accept_encodings["gzip"] <= 0 or "Content-Encoding" in response.headers:
            return response
        response.direct_passthrough = False  # a static file is read here, to be compressed
        body = response.get_data()
        if len(body) <= MIN_SIZE:
            return response
        response.set_data(gzip.compress(body, compresslevel=6, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
        etag, _ = response.get_etag()
        if etag:
            response.set_etag(etag, weak=True)
        return response
