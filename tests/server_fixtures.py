"""Helpers for the server tests: a small known graph, the real server on a loopback port,
and plain HTTP calls that never raise on 4xx/5xx.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass

import pyoxigraph as ox
from flask.testing import FlaskClient

from csto_kg.cli.serve import make_server, stop_server
from csto_kg.graph.namespaces import ASSERTED, INFERRED, ONTOLOGY, USER
from csto_kg.graph.store import KnowledgeGraph
from csto_kg.server import create_app

ONTOLOGY_TTL = """
@prefix csto: <https://w3id.org/csto-kg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/csto-kg/ontology> a owl:Ontology ; rdfs:label "toy ontology"@en .
csto:State a owl:Class ; rdfs:label "state"@en ; rdfs:comment "A sovereign state."@en .
csto:Organization a owl:Class ; rdfs:label "organization"@en .
csto:memberOf a owl:ObjectProperty ; rdfs:label "member of"@en .
"""

ASSERTED_TTL = """
@prefix kg: <https://w3id.org/csto-kg/id/> .
@prefix csto: <https://w3id.org/csto-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
kg:Armenia a csto:State ; rdfs:label "Armenia"@en ; csto:memberOf kg:CSTO ; csto:population 2777970 .
kg:Azerbaijan a csto:State ; rdfs:label "Azerbaijan"@en ; csto:population 10353296 ;
    rdfs:comment "A \\"quoted\\", comma-and\\ttab string\\nwith a newline" .
kg:Belarus a csto:State ; rdfs:label "Belarus"@en, "Беларусь"@be ; csto:memberOf kg:CSTO ;
    csto:population 9155978 .
kg:CSTO a csto:Organization ; rdfs:label "Collective Security Treaty Organization"@en ;
    csto:founded "2002-10-07"^^xsd:date ; csto:note [ rdfs:label "a blank node" ] .
"""

INFERRED_TTL = """
@prefix kg: <https://w3id.org/csto-kg/id/> .
@prefix csto: <https://w3id.org/csto-kg/ontology#> .
kg:CSTO csto:hasMember kg:Armenia, kg:Belarus .
"""

# rows each graph holds, for assertions
STATES = {"Armenia", "Azerbaijan", "Belarus"}


def toy_graph() -> KnowledgeGraph:
    store = ox.Store()
    for text, graph in ((ONTOLOGY_TTL, ONTOLOGY), (ASSERTED_TTL, ASSERTED), (INFERRED_TTL, INFERRED)):
        store.load(input=text.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
    return KnowledgeGraph.of(store)


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip()

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class Client(FlaskClient):
    """Flask's test client with the endpoint's shortcut: query(text, accept, **params) is a GET
    of /sparql (a parameter's list value is repeated)."""

    def query(self, text, accept=None, **params):
        return self.get("/sparql", query_string={"query": text, **params},
                        headers={"Accept": accept} if accept else {})


@contextmanager
def served_app(kg, config=None, testing=True):
    """create_app(kg, config) for a test, as flaskr's `app` fixture makes it (TESTING on, unless
    it serves a real server as `csto-kg serve` does); its worker processes are stopped on leaving."""
    app = create_app(kg, {"TESTING": testing, **(config or {})})
    app.test_client_class = Client
    try:
        yield app
    finally:
        app.extensions["csto_kg"].pool.close()


@contextmanager
def served_client(kg, config=None):
    """The test client of served_app(kg, config), for a test with settings of its own."""
    with served_app(kg, config) as app:
        yield app.test_client()


class Server:
    """A real waitress server running app on 127.0.0.1, any free port."""

    def __init__(self, app):
        self.app = app
        self.state = self.app.extensions["csto_kg"]
        self.waitress = make_server(self.app, "127.0.0.1", 0, threads=8,
                                    max_body=self.app.config["MAX_CONTENT_LENGTH"])
        self.port = self.waitress.effective_port
        self.base = f"http://127.0.0.1:{self.port}"
        self._closing = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            self.waitress.run()
        except (OSError, ValueError):
            # closing the listening socket from this other thread ends the poll loop so
            if not self._closing:
                raise

    def close(self):
        self._closing = True
        stop_server(self.waitress)
        self.thread.join(timeout=5)

    def request(self, method, path, body=None, headers=None, timeout=60) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            reply = connection.getresponse()
            return Response(reply.status, reply.headers, reply.read())
        finally:
            connection.close()

    def get(self, path, accept=None, **params) -> Response:
        if params:
            path += ("&" if "?" in path else "?") + urllib.parse.urlencode(params, doseq=True)
        return self.request("GET", path, headers={"Accept": accept} if accept else {})

    def query(self, text, accept=None, **params) -> Response:
        return self.get("/sparql", accept=accept, query=text, **params)

    def post_form(self, fields, accept=None, headers=None) -> Response:
        body = urllib.parse.urlencode(fields, doseq=True)
        all_headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        if accept:
            all_headers["Accept"] = accept
        return self.request("POST", "/sparql", body=body, headers=all_headers)


@contextmanager
def running_server(kg, config=None):
    """create_app(kg, config) behind waitress on loopback, for the tests where the web server
    is the point; the others ask the `client` fixture (tests/conftest.py)."""
    with served_app(kg, config, testing=False) as app:
        server = Server(app)
        try:
            yield server
        finally:
            server.close()


class RecordingListener:
    """A socket on 127.0.0.1 that accepts and records every connection, answering nothing useful.

    It proves that the server made (or did not make) a network call for a SERVICE clause.
    """

    def __init__(self, reply: bytes | None = None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.connections: list[bytes] = []
        self.reply = reply
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                data = b""
                try:
                    while b"\r\n\r\n" not in data:
                        chunk = conn.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                    head, _, rest = data.partition(b"\r\n\r\n")
                    length = 0
                    for line in head.split(b"\r\n"):
                        if line.lower().startswith(b"content-length:"):
                            length = int(line.split(b":")[1])
                    while len(rest) < length:
                        chunk = conn.recv(65536)
                        if not chunk:
                            break
                        rest += chunk
                    self.connections.append(head + b"\r\n\r\n" + rest)
                    if self.reply is not None:
                        conn.sendall(self.reply)
                except OSError:
                    self.connections.append(data)

    def close(self):
        self._stop = True
        self.sock.close()
        self.thread.join(timeout=2)


def sparql_json_reply(variable: str, values: list[str]) -> bytes:
    """An HTTP response carrying SPARQL JSON results, as a remote endpoint would send."""
    body = json.dumps({
        "head": {"vars": [variable]},
        "results": {"bindings": [{variable: {"type": "literal", "value": v}} for v in values]},
    }).encode()
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
        b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )


# A query whose work is a cross join of VALUES blocks: 10^9 rows with nothing read from the
# store, the kind Oxigraph's own timeout does not catch (docs/decisions/0007).
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(
    f"VALUES ?v{i} {{ 1 2 3 4 5 6 7 8 9 10 }}" for i in range(9)
) + " }"

USER_GRAPH = USER
