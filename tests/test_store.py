"""--store: the build in an on-disk Oxigraph store or a remote SPARQL 1.1 store (a real
`oxigraph serve` on loopback, named by a bare URL), with the same answers as in memory.
test_stores.py has Virtuoso, the layouts and the failures."""

import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from helpers import (
    free_port,
    post_update,
    start_oxigraph,
    start_serve,
    stop_serve,
)
from SPARQLWrapper import JSON, SPARQLWrapper

TOKEN = "a-long-enough-token"
USER = "https://w3id.org/csto-kg/graph/user"


def csto_kg(*args):
    """csto-kg as a user runs it: its own process, so that each command opens the store anew."""
    return subprocess.run([sys.executable, "-m", "csto_kg.cli", *args], capture_output=True, text=True,
                          cwd="/", env=os.environ.copy(), timeout=300, check=False)


@pytest.fixture
def remote_store(tmp_path):
    """Start a read-write `oxigraph serve` on loopback with an empty store; returns a function
    that starts it (again, on the same data and port) and gives its base URL."""
    port = free_port()
    location = tmp_path / "oxigraph"
    running = []

    def start() -> str:
        proc, base = start_oxigraph("serve", location, port)
        running.append(proc)
        return base

    def stop() -> None:
        for proc in running:
            proc.terminate()
            proc.wait(10)
        running.clear()

    start.stop = stop
    yield start
    stop()


def remote_select(base, text):
    url = f"{base}/query?" + urllib.parse.urlencode({"query": text})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.load(reply)["results"]["bindings"]


def counts_per_graph(base):
    """Triples per graph of the build; the marker graph naming the build holds one triple."""
    rows = remote_select(base, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    counts = {row["g"]["value"]: int(row["n"]["value"]) for row in rows}
    assert counts.pop("https://w3id.org/csto-kg/graph/current-build") == 1
    return counts


def in_memory_counts(kg):
    from csto_kg.graph.namespaces import GRAPHS

    return {GRAPHS[name]: n for name, n in kg.counts().items() if n}


def verdict_summary(stdout):
    v = json.loads(stdout)
    return v["eligible"], sorted((r["id"], r["result"]) for r in v["requirements"])


def azerbaijan_observer(*store):
    r = csto_kg("explain", "azerbaijan", "--status", "observer", "--format", "json", *store)
    assert r.returncode == 0, r.stderr
    return verdict_summary(r.stdout)


# Named queries without GROUP_CONCAT, whose order within a value depends on the store.
NAMED = ("why_requirements_fail", "asserted_vs_inferred", "who_can_block")


def query_lines(*store):
    lines = []
    for name in NAMED:
        r = csto_kg("query", name, "--format", "csv", *store)
        assert r.returncode == 0, r.stderr
        lines += sorted(r.stdout.splitlines())
    return lines


# -- remote ------------------------------------------------------------------------------------


def test_build_pushes_every_graph_with_the_in_memory_counts(remote_store, kg):
    base = remote_store()
    r = csto_kg("build", "--store", base)
    assert r.returncode == 0, r.stderr
    assert counts_per_graph(base) == in_memory_counts(kg)
    # A second build replaces the graphs, it does not add to them.
    assert csto_kg("build", "--store", base).returncode == 0
    assert counts_per_graph(base) == in_memory_counts(kg)


def test_query_and_explain_against_the_remote_store_answer_as_in_memory(remote_store):
    base = remote_store()
    assert csto_kg("build", "--store", base).returncode == 0
    eligible, requirements = azerbaijan_observer("--store", base)
    assert eligible is False
    assert (eligible, requirements) == azerbaijan_observer()
    assert [r for r in requirements if r[1] == "failed"]
    assert query_lines("--store", base) == query_lines()
    r = csto_kg("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "json", "--store", base)
    local = csto_kg("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "json")
    assert r.returncode == 0 and json.loads(r.stdout) == json.loads(local.stdout)
    r = csto_kg("query", "CONSTRUCT { ?s a csto:State } WHERE { ?s a csto:State }", "--format", "turtle",
                "--store", base)
    assert r.returncode == 0 and "Azerbaijan" in r.stdout


def test_the_allow_list_is_checked_locally_and_query_errors_come_back(remote_store):
    base = remote_store()
    assert csto_kg("build", "--store", base).returncode == 0
    r = csto_kg("query", "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
                "--store", base)
    assert r.returncode == 2 and "allow-list" in r.stderr
    r = csto_kg("query", "SELEC ?x", "--store", base)
    assert r.returncode == 2 and "refused the query" in r.stderr and " 1:" in r.stderr  # the user's line


def test_a_query_reads_an_empty_store_only_after_writing_the_build_there(remote_store, kg):
    base = remote_store()
    r = csto_kg("query", "ASK { kg:Azerbaijan a csto:State }", "--format", "json", "--store", base)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["boolean"] is True
    assert counts_per_graph(base) == in_memory_counts(kg)


def test_a_stopped_store_is_a_clear_error(remote_store):
    base = remote_store()
    remote_store.stop()
    for args in (("build",), ("query", "ASK {}"), ("explain", "azerbaijan")):
        r = csto_kg(*args, "--store", base)
        assert r.returncode == 2, (args, r.stderr)
        assert base in r.stderr and "cannot connect to the store" in r.stderr
        assert "Traceback" not in r.stderr


@pytest.fixture
def garbage_server():
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html>not a SPARQL store</html>")

        do_POST = do_PUT = do_GET

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_store_answering_garbage_is_a_clear_error(garbage_server):
    r = csto_kg("build", "--store", garbage_server)
    assert r.returncode == 2
    assert garbage_server in r.stderr and "did not answer with SPARQL JSON results" in r.stderr
    assert "Traceback" not in r.stderr


# -- on disk -----------------------------------------------------------------------------------


def test_an_on_disk_store_round_trips_and_survives_a_second_command(tmp_path, kg):
    import pyoxigraph as ox

    path = tmp_path / "store"
    r = csto_kg("build", "--store", str(path))
    assert r.returncode == 0, r.stderr
    store = ox.Store.read_only(str(path))
    found = {g.value: sum(1 for _ in store.quads_for_pattern(None, None, None, g))
             for g in store.named_graphs()}
    del store
    assert {g: n for g, n in found.items() if n} == in_memory_counts(kg)
    assert azerbaijan_observer("--store", str(path)) == azerbaijan_observer()
    assert query_lines("--store", str(path)) == query_lines()  # a second, third command


def test_build_with_data_replaces_the_graphs_on_disk(tmp_path):
    path = tmp_path / "store"
    mine = tmp_path / "mine.ttl"
    mine.write_text('<https://w3id.org/csto-kg/id/MyThing> <http://www.w3.org/2000/01/rdf-schema#label> "mine" .\n')
    ask = f"ASK {{ GRAPH <{USER}> {{ kg:MyThing rdfs:label ?l }} }}"
    assert csto_kg("build", "--store", str(path), "--data", str(mine)).returncode == 0
    r = csto_kg("query", ask, "--format", "json", "--store", str(path))
    assert json.loads(r.stdout)["boolean"] is True
    assert csto_kg("build", "--store", str(path)).returncode == 0
    r = csto_kg("query", ask, "--format", "json", "--store", str(path))
    assert json.loads(r.stdout)["boolean"] is False


def test_a_folder_that_is_not_a_store_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    r = csto_kg("query", "ASK {}", "--store", str(tmp_path))
    assert r.returncode == 2 and "not an Oxigraph store" in r.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine"


# -- serve ---------------------------------------------------------------------------------------


def health(url):
    with urllib.request.urlopen(url + "health", timeout=30) as reply:
        return json.load(reply)


def sparqlwrapper_states(url):
    sparql = SPARQLWrapper(url + "sparql")
    sparql.setQuery("PREFIX csto: <https://w3id.org/csto-kg/ontology#> "
                    "SELECT ?s WHERE { ?s a csto:State } ORDER BY ?s")
    sparql.setReturnFormat(JSON)
    return [b["s"]["value"] for b in sparql.queryAndConvert()["results"]["bindings"]]


def test_serve_from_a_remote_store(remote_store, kg):
    base = remote_store()
    process, url = start_serve("--store", base, "--enable-update", env={"CSTO_KG_UPDATE_TOKEN": TOKEN})
    try:
        graphs = health(url)["graphs"]
        assert {name: c["triples"] for name, c in graphs.items() if c["triples"]} == \
               {name: n for name, n in kg.counts().items() if n}
        states = sparqlwrapper_states(url)
        assert "https://w3id.org/csto-kg/id/Azerbaijan" in states
        assert [r["s"]["value"] for r in remote_select(
            base, "SELECT ?s WHERE { GRAPH ?g { ?s a <https://w3id.org/csto-kg/ontology#State> } } "
                  "GROUP BY ?s ORDER BY ?s")] == states
        with urllib.request.urlopen(url + "explain/azerbaijan?status=observer", timeout=30) as reply:
            assert json.load(reply)["eligible"] is False
        update = f'INSERT DATA {{ GRAPH <{USER}> {{ kg:MyThing rdfs:label "mine" }} }}'
        assert post_update(url, update, TOKEN) in (200, 204)
        assert health(url)["graphs"]["user"]["triples"] == 1
        rows = remote_select(base, f'SELECT ?s WHERE {{ GRAPH <{USER}> {{ ?s ?p "mine" }} }}')
        assert [r["s"]["value"] for r in rows] == ["https://w3id.org/csto-kg/id/MyThing"]
    finally:
        assert stop_serve(process) == 0


@pytest.mark.parametrize("path", ["id/Azerbaijan", "resource?iri=https%3A%2F%2Fw3id.org%2Fcsto-kg%2Fid%2FArmenia",
                                  "explain/azerbaijan", "matrix", "queries/member_states", "health"])
def test_a_store_that_goes_down_under_the_server_is_a_502_or_503_never_a_500(remote_store, path):
    base = remote_store()
    process, url = start_serve("--store", base)
    try:
        remote_store.stop()
        request = urllib.request.Request(url + path, headers={"Accept": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=60)
        assert refused.value.code in (502, 503), refused.value.read()
        body = refused.value.read().decode()
        assert "cannot connect to the store" in body and "Traceback" not in body
    finally:
        assert stop_serve(process) == 0


def test_serve_from_an_on_disk_store_writes_updates_back(tmp_path, kg):
    path = tmp_path / "store"
    assert csto_kg("build", "--store", str(path)).returncode == 0
    process, url = start_serve("--store", str(path), "--enable-update", env={"CSTO_KG_UPDATE_TOKEN": TOKEN})
    try:
        assert health(url)["graphs"]["asserted"]["triples"] == kg.counts()["asserted"]
        assert "https://w3id.org/csto-kg/id/Azerbaijan" in sparqlwrapper_states(url)
        update = f'INSERT DATA {{ GRAPH <{USER}> {{ kg:MyThing rdfs:label "mine" }} }}'
        assert post_update(url, update, TOKEN) in (200, 204)
        assert health(url)["graphs"]["user"]["triples"] == 1
    finally:
        assert stop_serve(process) == 0
    r = csto_kg("query", 'ASK { kg:MyThing rdfs:label "mine" }', "--format", "json", "--store", str(path))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["boolean"] is True
