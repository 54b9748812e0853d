"""Responses a client accepts compressed are gzipped: pages, results, JSON, SVG, the vendored
editor; small bodies and clients that do not ask are sent as they are."""

import gzip
from pathlib import Path

import pytest

GZIP = {"Accept-Encoding": "gzip, deflate"}
EDITOR = Path(__file__).parent.parent / "server" / "static" / "vendor" / "codemirror" / "codemirror.min.js"


@pytest.mark.parametrize("path", ["/matrix", "/organization.svg", "/explain/Azerbaijan?status=observer",
                                  "/sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%20300",
                                  "/static/vendor/codemirror/codemirror.min.js"])
def test_a_client_that_accepts_gzip_gets_the_same_bytes_compressed(client, path):
    plain, packed = client.get(path), client.get(path, headers=GZIP)
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip" and len(packed.data) < len(plain.data) / 2
    assert gzip.decompress(packed.data) == plain.data
    for reply in (plain, packed):
        assert "Accept-Encoding" in reply.headers["Vary"]


def test_the_editor_is_served_minified_with_its_licence(client):
    body = client.get("/static/vendor/codemirror/codemirror.min.js").data
    assert body == EDITOR.read_bytes() and b"Distributed under an MIT license" in body[:200]
    assert b"vendor/codemirror/codemirror.min.js" in client.get("/").data


def test_no_gzip_when_the_client_refuses_it_or_the_body_is_small(client):
    assert "Content-Encoding" not in client.get("/matrix", headers={"Accept-Encoding": "gzip;q=0, identity"}).headers
    assert "Content-Encoding" not in client.get("/matrix", headers={"Accept-Encoding": "br"}).headers
    small = client.get("/sparql?query=ASK%20%7B%7D", headers=GZIP)
    assert small.status_code == 200 and len(small.data) < 1024 and "Content-Encoding" not in small.headers


def test_a_compressed_static_file_still_answers_a_conditional_request(client):
    editor = "/static/vendor/codemirror/codemirror.min.js"
    first = client.get(editor, headers=GZIP)
    again = client.get(editor, headers={**GZIP, "If-None-Match": first.headers["ETag"]})
    assert first.headers["ETag"].startswith("W/") and again.status_code == 304
