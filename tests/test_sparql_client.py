"""The one SPARQL HTTP client (graph/sparql/client.py), for linking and for remote stores alike:
what it sends again and what it never does twice, credentials, and the store's wording.

The servers are tiny scripted ones on 127.0.0.1 (tests/helpers.py), so that each failure can be
given exactly; test_link_failures.py and test_stores.py run the same client against Wikidata's
stand-in, Oxigraph and Virtuoso.
"""

from __future__ import annotations

import base64
import json
import socket
import threading

import pyoxigraph as ox
import pytest
from helpers import scripted_server

from csto_kg.graph.errors import EndpointHTTPError, EndpointUnreachable, QueryError, StoreError
from csto_kg.graph.namespaces import PREFIXES
from csto_kg.graph.sparql.client import SparqlClient
from csto_kg.graph.stores import Endpoints, StoreClient

RESULTS = {"Content-Type": "application/sparql-results+json"}
ONE_ROW = json.dumps({"head": {"vars": ["x"]},
                      "results": {"bindings": [{"x": {"type": "literal", "value": "1"}}]}}).encode()
BUSY = (503, {"Content-Type": "text/plain"}, b"busy")


def client(url, **options) -> SparqlClient:
    waits = options.pop("waits", [])
    return SparqlClient(url, update_url=url, gsp_url=url, sleep=waits.append, **options)


def test_a_query_is_sent_again_after_a_busy_answer():
    messages = []
    with scripted_server(BUSY, default=(200, RESULTS, ONE_ROW)) as (url, seen):
        rows = list(client(url, on_retry=lambda message, wait: messages.append(message)).query("SELECT ?x {}"))
    assert [row["x"].value for row in rows] == ["1"]
    assert [r["method"] for r in seen] == ["POST", "POST"]
    assert messages == [f"{url} answered HTTP 503 Service Unavailable; retrying in 0.5 s (retry 1 of 2)"]


def test_an_update_is_never_sent_twice():
    with scripted_server(default=BUSY) as (url, seen):
        with pytest.raises(EndpointHTTPError, match="HTTP 503 Service Unavailable: busy"):
            client(url).update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert len(seen) == 1 and "INSERT DATA" in seen[0]["update"]


def test_a_graph_store_put_is_sent_again_whole():
    triples = [ox.Triple(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("c"))]
    with scripted_server((502, {}, b""), default=(204, {}, b"")) as (url, seen):
        client(url).put_graph("urn:g", triples)
    assert [r["method"] for r in seen] == ["PUT", "PUT"]
    assert seen[0]["body"] == seen[1]["body"] == b'<urn:a> <urn:b> "c" .\n'
    assert seen[1]["path"].endswith("?graph=urn%3Ag")


def test_retry_after_is_waited_and_backoff_doubles():
    waits = []
    answers = [(429, {"Retry-After": "3"}, b""), BUSY, BUSY]
    with scripted_server(*answers, default=(200, RESULTS, ONE_ROW)) as (url, seen):
        list(client(url, retries=3, backoff=0.5, waits=waits).query("SELECT ?x {}"))
    assert waits == [3.0, 1.0, 2.0] and len(seen) == 4


def test_busy_every_time_is_one_clear_error():
    with scripted_server(default=BUSY) as (url, seen):
        with pytest.raises(EndpointHTTPError, match=r"answered HTTP 503 Service Unavailable \(busy\) 3 times in a row"):
            client(url).query("ASK {}")
    assert len(seen) == 3


@pytest.fixture
def cut_off_once():
    """A server that closes the first connection without an answer, then answers properly."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    connections = []

    def serve():
        for n in range(2):
            conn, _ = listener.accept()
            connections.append(conn)
            conn.recv(65536)
            if n == 1:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                             b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(ONE_ROW), ONE_ROW))
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/sparql", connections
    listener.close()


def test_an_answer_cut_off_is_asked_again_for_a_query(cut_off_once):
    url, connections = cut_off_once
    assert [row["x"].value for row in client(url).query("SELECT ?x {}")] == ["1"]
    assert len(connections) == 2


def test_an_update_cut_off_is_reported_not_repeated(cut_off_once):
    url, connections = cut_off_once
    with pytest.raises(EndpointUnreachable, match="failed during the update"):
        client(url).update("CLEAR ALL")
    assert len(connections) == 1


def test_credentials_answer_the_servers_challenge():
    challenge = (401, {"WWW-Authenticate": 'Basic realm="store"'}, b"")
    with scripted_server(challenge, default=(200, RESULTS, ONE_ROW)) as (url, seen):
        list(client(url, login=("dba", "secret")).query("SELECT ?x {}"))
    assert "Authorization" not in seen[0]["headers"]
    assert seen[1]["headers"]["Authorization"] == "Basic " + base64.b64encode(b"dba:secret").decode()


def test_the_store_client_sends_the_prefixes_and_words_refusals_for_its_user(monkeypatch):
    monkeypatch.delenv("CSTO_KG_STORE_USER", raising=False)
    lines = len(PREFIXES)
    refused = (400, {"Content-Type": "text/plain"}, f"Parse error at {lines + 2}:7: unexpected token".encode())
    with scripted_server(refused, (403, {}, b"")) as (url, seen):
        store = StoreClient(Endpoints(url, update=url, label=f"oxigraph:{url}"))
        with pytest.raises(QueryError, match=r"the store refused the query: Parse error at 2:7: unexpected"):
            store.query("SELECT *\nWHERE { ?s ?p }")
        with pytest.raises(StoreError, match="refused the update with no credentials .set CSTO_KG_STORE_USER"):
            store.update("CLEAR ALL")
    assert seen[0]["query"].startswith("PREFIX csto: ") and seen[0]["query"].endswith("SELECT *\nWHERE { ?s ?p }")
