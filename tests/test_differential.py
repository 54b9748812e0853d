"""csto-kg's endpoint against a reference: the same requests sent to `csto-kg serve` and to
`oxigraph serve` holding the same quads must get the same answers (result sets as multisets,
graphs isomorphic), except where csto-kg differs by design:

- THE UNION DEFAULT GRAPH. Without a dataset (no default-graph-uri / named-graph-uri, no FROM /
  FROM NAMED) csto-kg's default graph is the union of every graph; Oxigraph's is its own,
  empty, default graph. Oxigraph is then asked with that dataset spelled out (every graph as
  default-graph-uri and named-graph-uri), which is what the union is.

The corpus is generated: the four query forms × the dataset parameters (none, each alone, both)
× FROM / FROM NAMED in the query × prefixes named like keywords, each sent with one of the
Accept headers (with and without parameters and q-values) and one of the methods (GET, form
POST, direct POST) in turn.
"""

from __future__ import annotations

import csv
import io
import itertools
import subprocess
import urllib.parse
from collections import Counter

import pyoxigraph as ox
import pytest
import rdflib
from helpers import free_port, oxigraph_command, start_oxigraph, stop_process
from rdflib.compare import isomorphic
from server_fixtures import running_server

from csto_kg.graph.bridge import to_rdflib
from csto_kg.graph.namespaces import GRAPHS

ONTOLOGY, ASSERTED, INFERRED = GRAPHS["ontology"], GRAPHS["asserted"], GRAPHS["inferred"]
DECLARED = ("PREFIX csto: <https://w3id.org/csto-kg/ontology#>\n"
            "PREFIX kg: <https://w3id.org/csto-kg/id/>\n"
            "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n")

# Each body is dataset-sensitive: its answer changes with the default graph or the named graphs.
FORMS = {
    "SELECT": ["SELECT (COUNT(*) AS ?n) {dataset} WHERE {{ ?s ?p ?o }}",
               "SELECT ?g (COUNT(*) AS ?n) {dataset} WHERE {{ GRAPH ?g {{ ?s a owl:Class }} }} GROUP BY ?g"],
    "ASK": ["ASK {dataset} {{ kg:CSTO csto:hasMember kg:Armenia }}",
            "ASK {dataset} {{ GRAPH ?g {{ ?s a csto:State }} }}"],
    "CONSTRUCT": ["CONSTRUCT {{ ?s a csto:State }} {dataset} WHERE {{ ?s a csto:State }}",
                  "CONSTRUCT {{ ?s csto:hasMember ?o }} {dataset} WHERE {{ GRAPH ?g {{ ?s csto:hasMember ?o }} }}"],
    "DESCRIBE": ["DESCRIBE kg:Armenia {dataset}",
                 "DESCRIBE ?s {dataset} WHERE {{ GRAPH ?g {{ ?s csto:hasMember kg:Armenia }} }}"],
}
PARAMETERS = {
    "no parameters": {},
    "default-graph-uri": {"default-graph-uri": [ASSERTED]},
    "named-graph-uri": {"named-graph-uri": [ONTOLOGY]},
    "both": {"default-graph-uri": [ASSERTED, INFERRED], "named-graph-uri": [INFERRED]},
}
CLAUSES = {"": "", "FROM": f"FROM <{INFERRED}>", "FROM NAMED": f"FROM NAMED <{ASSERTED}>",
           "both": f"FROM <{ONTOLOGY}> FROM NAMED <{INFERRED}>"}
PREFIXES = ["", "PREFIX from: <http://example.org/from/>\n", "PREFIX named: <http://example.org/n/>\n"]

RESULT_ACCEPTS = [
    "application/sparql-results+json",
    "application/sparql-results+json; charset=utf-8",
    "application/sparql-results+xml;q=0.9, application/sparql-results+json;q=1.0;charset=utf-8",
    "application/sparql-results+xml",
    "text/csv; charset=utf-8",
    "text/tab-separated-values",
]
GRAPH_ACCEPTS = [
    "text/turtle; charset=utf-8",
    "application/n-triples",
    "text/plain",
    "application/n-quads",
    "application/trig",
    "application/rdf+xml;q=0.5, application/n-triples; charset=utf-8",
]
METHODS = ["GET", "form POST", "direct POST"]


def corpus():
    """(label, query text, dataset parameters, names its dataset, accept, method), generated:
    each query twice, with its kind's plain Accept and with the next of the others in turn."""
    others = {"results": itertools.cycle(RESULT_ACCEPTS[1:]), "graph": itertools.cycle(GRAPH_ACCEPTS[1:])}
    plain = {"results": RESULT_ACCEPTS[0], "graph": GRAPH_ACCEPTS[0]}
    methods = itertools.cycle(METHODS)
    for (form, bodies), (params_name, params), (clause_name, clause), prefix in itertools.product(
            FORMS.items(), PARAMETERS.items(), CLAUSES.items(), PREFIXES):
        kind = "results" if form in ("SELECT", "ASK") else "graph"
        for body in bodies:
            text = prefix + DECLARED + body.format(dataset=clause)
            label = f"{form} | {params_name} | clause {clause_name or 'none'} | {prefix.strip() or 'no prefix'}"
            for accept in (plain[kind], next(others[kind])):
                yield label, text, params, bool(clause), accept, next(methods)


def send(server_request, path: str, text: str, params: dict, accept: str, method: str):
    """One request; returns (status, media type, body)."""
    pairs = [(k, v) for k, values in params.items() for v in values]
    headers = {"Accept": accept}
    if method == "GET":
        query = urllib.parse.urlencode([("query", text), *pairs])
        return server_request("GET", f"{path}?{query}", None, headers)
    if method == "form POST":
        body = urllib.parse.urlencode([("query", text), *pairs])
        return server_request("POST", path, body, {**headers, "Content-Type": "application/x-www-form-urlencoded"})
    url = f"{path}?{urllib.parse.urlencode(pairs)}" if pairs else path
    return server_request("POST", url, text.encode(), {**headers, "Content-Type": "application/sparql-query"})


def requester(base: str):
    import http.client

    host, port = base.removeprefix("http://").split(":")

    def request(method, path, body, headers):
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            reply = connection.getresponse()
            media = (reply.headers.get("Content-Type") or "").split(";")[0].strip()
            return reply.status, media, reply.read()
        finally:
            connection.close()

    return request


def _term(term):
    return ("bnode",) if isinstance(term, ox.BlankNode) else term


def meaning(media: str, body: bytes):
    """What an answer says, comparable across servers: a boolean, a multiset of rows, or an
    rdflib graph (compared by isomorphism)."""
    results = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
               "application/sparql-results+xml": ox.QueryResultsFormat.XML,
               "text/tab-separated-values": ox.QueryResultsFormat.TSV}
    if media in results:
        parsed = ox.parse_query_results(body, format=results[media])
        if isinstance(parsed, ox.QueryBoolean):
            return bool(parsed)
        names = [v.value for v in parsed.variables]
        return names, Counter(tuple(_term(row[n]) for n in names) for row in parsed)
    if media == "text/csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
        return rows[:1], Counter(map(tuple, rows[1:]))
    rdf_format = ox.RdfFormat.N_TRIPLES if media == "text/plain" else ox.RdfFormat.from_media_type(media)
    return to_rdflib(ox.parse(body, format=rdf_format))


def same(a, b) -> bool:
    if isinstance(a, rdflib.Graph) and isinstance(b, rdflib.Graph):
        return isomorphic(a, b)
    return a == b


@pytest.fixture(scope="module")
def servers(kg, tmp_path_factory):
    """csto-kg's server and `oxigraph serve` over the same quads: (csto-kg, oxigraph, graphs)."""
    folder = tmp_path_factory.mktemp("differential")
    dump = folder / "quads.nq"
    dump.write_bytes(ox.serialize(kg.quads(), format=ox.RdfFormat.N_QUADS))
    subprocess.run([oxigraph_command(), "load", "--location", str(folder / "db"), "--file", str(dump)],
                   check=True, capture_output=True)
    proc, base = start_oxigraph("serve-read-only", folder / "db", free_port())
    try:
        with running_server(kg) as ours:
            yield ours, base, sorted(kg.graph_names())
    finally:
        stop_process(proc)


def test_the_corpus_is_large_and_covers_every_dimension():
    requests = list(corpus())
    assert len(requests) >= 200
    assert {r[5] for r in requests} == set(METHODS)
    assert {r[4] for r in requests} == set(RESULT_ACCEPTS) | set(GRAPH_ACCEPTS)


def test_csto_kg_answers_every_request_as_oxigraph_does(servers):
    ours, theirs, graphs = servers
    ask_ours, ask_theirs = requester(ours.base), requester(theirs)
    union = {"default-graph-uri": graphs, "named-graph-uri": graphs}  # the by-design difference
    different, non_empty = [], 0
    for label, text, params, own_dataset, accept, method in corpus():
        reference_params = params or ({} if own_dataset else union)
        mine = send(ask_ours, "/sparql", text, params, accept, method)
        reference = send(ask_theirs, "/query", text, reference_params, accept, method)
        where = f"{label} | {accept} | {method}"
        if (mine[0], mine[1]) != (reference[0], reference[1]):
            different.append(f"{where}: csto-kg {mine[0]} {mine[1]}, oxigraph {reference[0]} {reference[1]}")
            continue
        if mine[0] != 200:
            continue
        a, b = meaning(mine[1], mine[2]), meaning(reference[1], reference[2])
        if not same(a, b):
            different.append(f"{where}: the answers differ")
        non_empty += bool(a if not isinstance(a, tuple) else a[1])
    assert different == [], f"{len(different)} differences:\n" + "\n".join(different[:40])
    assert non_empty >= 100  # a comparison of answers, not of empty results
