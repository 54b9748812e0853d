"""Responses a client accepts compressed are gzipped: pages, results, JSON, SVG, the vendored
editor; small bodies and clients that do not ask are sent as they are."""

import gzip
from pathlib import Path

import pytest
from server_fixtures import running_server

from csto_kg.graph import build

GZIP = {"Accept-Encoding": "gzip, deflate"}
EDITOR = Path(__file__).parent.parent / "server" / "static" / "vendor" / "codemirror" / "codemirror.min.js"


@pytest.fixture(scope="module")
def server():
    with running_server(build()) as s:
        yield s


def get(server, path, headers=None):
    return server.request("GET", path, headers=headers or {})


@pytest.mark.parametrize("path", ["/matrix", "/organization.svg", "/explain/Azerbaijan?status=observer",
                                  "/sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%20300",
                                  "/static/vendor/codemirror/codemirror.min.js"])
def test_a_client_that_accepts_gzip_gets_the_same_bytes_compressed(server, path):
    plain, packed = get(server, path), get(server, path, GZIP)
    assert plain.status == packed.status == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip" and len(packed.body) < len(plain.body) / 2
    assert gzip.decompress(packed.body) == plain.body
    for reply in (plain, packed):
        assert "Accept-Encoding" in reply.headers["Vary"]


def test_the_editor_is_served_minified_with_its_licence(server):
    body = get(server, "/static/vendor/codemirror/codemirror.min.js").body
    assert body == EDITOR.read_bytes() and b"Distributed under an MIT license" in body[:200]
    assert b"vendor/codemirror/codemirror.min.js" in get(server, "/").body


def test_no_gzip_when_the_client_refuses_it_or_the_body_is_small(server):
    assert "Content-Encoding" not in get(server, "/matrix", {"Accept-Encoding": "gzip;q=0, identity"}).headers
    assert "Content-Encoding" not in get(server, "/matrix", {"Accept-Encoding": "br"}).headers
    small = get(server, "/sparql?query=ASK%20%7B%7D", GZIP)
    assert small.status == 200 and len(small.body) < 1024 and "Content-Encoding" not in small.headers


def test_a_compressed_static_file_still_answers_a_conditional_request(server):
    first = get(server, "/static/vendor/codemirror/codemirror.min.js", GZIP)
    again = get(server, "/static/vendor/codemirror/codemirror.min.js", {**GZIP, "If-None-Match": first.headers["ETag"]})
    assert first.headers["ETag"].startswith("W/") and again.status == 304
