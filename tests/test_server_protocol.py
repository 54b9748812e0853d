"""SPARQL 1.1 Protocol, asked through the app's test client: methods, dataset,
every format parsed back, the service description and every error status."""

import csv
import io
import os
import sys
import urllib.parse

import pytest
import rdflib
from rdflib.query import Result

sys.path.insert(0, os.path.dirname(__file__))
from server_fixtures import STATES, served_app, toy_graph  # noqa: E402

from csto_kg.graph.namespaces import ASSERTED, INFERRED, ONTOLOGY  # noqa: E402

KG = "https://w3id.org/csto-kg/id/"
STATE_QUERY = """SELECT ?state ?label WHERE {
  ?state a csto:State ; rdfs:label ?label . FILTER(lang(?label) = "en") } ORDER BY ?label"""
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")


@pytest.fixture(scope="module")
def app():
    with served_app(toy_graph(), {"MAX_CONTENT_LENGTH": 64 * 1024}) as app:
        yield app


def labels_from_json(response):
    doc = response.json
    return {b["label"]["value"] for b in doc["results"]["bindings"]}


# -- methods --------------------------------------------------------------------------------


def test_get_query(client):
    r = client.query(STATE_QUERY, accept="application/sparql-results+json")
    assert r.status_code == 200
    assert r.mimetype == "application/sparql-results+json"
    assert labels_from_json(r) == STATES


def test_post_form(client):
    r = client.post("/sparql", data={"query": STATE_QUERY}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200
    assert labels_from_json(r) == STATES


def test_post_form_is_decoded_once(client):
    # rdflib-endpoint decodes form bodies twice: "%41+%2B" came back as "A++" (docs/decisions/0007).
    r = client.post("/sparql", data={"query": 'SELECT ?x WHERE { BIND("%41+%2B" AS ?x) }'})
    assert r.json["results"]["bindings"][0]["x"]["value"] == "%41+%2B"


def test_post_direct_query_with_dataset_in_url(client):
    path = "/sparql?" + urllib.parse.urlencode({"default-graph-uri": INFERRED})
    r = client.post(path, data=b"SELECT ?m WHERE { ?o csto:hasMember ?m }",
                    headers={"Content-Type": "application/sparql-query; charset=UTF-8",
                             "Accept": "application/sparql-results+json"})
    assert r.status_code == 200
    members = {b["m"]["value"] for b in r.json["results"]["bindings"]}
    assert members == {KG + "Armenia", KG + "Belarus"}


def test_bare_post_with_query_in_url(client):
    path = "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    r = client.post(path, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and r.json["boolean"] is True


def test_head_is_allowed_on_the_endpoint(client):
    r = client.open("/sparql?" + urllib.parse.urlencode({"query": "ASK {}"}), method="HEAD")
    assert r.status_code == 200 and r.data == b""


# -- dataset --------------------------------------------------------------------------------


def test_default_graph_is_the_union_of_named_graphs(client):
    r = client.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    per_graph = sum(
        int(client.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")
            .json["results"]["bindings"][0]["n"]["value"])
        for g in (ONTOLOGY, ASSERTED, INFERRED)
    )
    assert int(r.json["results"]["bindings"][0]["n"]["value"]) == per_graph


def test_default_graph_uri_narrows_the_default_graph(client):
    ask = "ASK { kg:CSTO csto:hasMember kg:Armenia }"
    assert client.query(ask).json["boolean"] is True
    assert client.query(ask, **{"default-graph-uri": ASSERTED}).json["boolean"] is False
    assert client.query(ask, **{"default-graph-uri": [ASSERTED, INFERRED]}).json["boolean"] is True


def test_named_graph_uri_limits_graph_clauses(client):
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    everything = {b["g"]["value"] for b in client.query(q).json["results"]["bindings"]}
    assert {ONTOLOGY, ASSERTED, INFERRED} <= everything
    only = client.query(q, **{"named-graph-uri": INFERRED}).json["results"]["bindings"]
    assert {b["g"]["value"] for b in only} == {INFERRED}


def count(response) -> int:
    return int(response.json["results"]["bindings"][0]["n"]["value"])


ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
IN_GRAPHS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def test_named_graph_uri_alone_leaves_the_default_graph_empty(client):
    # SPARQL 1.1 Protocol 2.1.4: the parameters are the dataset, whole (issue 19, item 1)
    assert count(client.query(ALL)) > 0
    assert count(client.query(ALL, **{"named-graph-uri": ONTOLOGY})) == 0
    assert count(client.post("/sparql", data={"query": ALL, "named-graph-uri": ONTOLOGY})) == 0


def test_default_graph_uri_alone_leaves_no_named_graphs(client):
    assert count(client.query(IN_GRAPHS)) > 0
    assert count(client.query(IN_GRAPHS, **{"default-graph-uri": ONTOLOGY})) == 0


def test_dataset_parameters_override_from_named(client):
    q = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{ASSERTED}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert count(client.query(q)) > 0
    assert count(client.query(q, **{"default-graph-uri": ASSERTED})) == 0


@pytest.mark.parametrize("prefix", ["from", "FROM", "named", "fromage"])
def test_a_prefix_named_like_a_keyword_keeps_the_union(client, prefix):
    # `PREFIX from:` once switched the union default graph off (issue 19, item 2)
    q = f"PREFIX {prefix}: <http://x/> SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o OPTIONAL {{ ?s {prefix}:p ?x }} }}"
    assert count(client.query(q)) == count(client.query(ALL)) > 0


def test_a_from_word_in_a_string_or_iri_keeps_the_union(client):
    q = 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(?o != "FROM <x>" && ?s != <http://x/FROM>) }'
    assert count(client.query(q)) == count(client.query(ALL))


LATERAL = "SELECT * {from} WHERE {{ ?s ?p ?o LATERAL {{ SELECT ?o WHERE {{ ?o ?q ?r }} LIMIT 1 }} }}"


def test_a_from_word_the_parser_cannot_follow_is_refused_not_guessed(client):
    # rdflib's parser has no LATERAL: whether FROM is a clause is not known, so it is refused
    assert client.query(LATERAL.format(**{"from": ""})).status_code == 200
    r = client.query(LATERAL.format(**{"from": f"FROM <{ASSERTED}>"}))
    assert r.status_code == 400 and "cannot tell whether this query has a FROM clause" in r.text
    r = client.query(LATERAL.format(**{"from": f"FROM <{ASSERTED}>"}), **{"default-graph-uri": ASSERTED})
    assert r.status_code == 200  # the parameters name the dataset: nothing to read
    r = client.query(f"SELECT * FROM <{ASSERTED}> WHERE {{ ?s ?p ")
    assert r.status_code == 400 and "line 1, column" in r.text  # a malformed query gets Oxigraph's words


def test_a_from_clause_without_spaces_is_read_as_one(client):
    q = f"SELECT (COUNT(*) AS ?n) FROM<{ONTOLOGY}> WHERE {{ ?s ?p ?o }}"
    assert count(client.query(q)) == count(client.query(ALL, **{"default-graph-uri": ONTOLOGY}))


def test_graphs_can_be_told_apart(client):
    q = "SELECT ?g WHERE { GRAPH ?g { kg:CSTO csto:hasMember kg:Belarus } }"
    rows = client.query(q).json["results"]["bindings"]
    assert [b["g"]["value"] for b in rows] == [INFERRED]


# -- result formats, parsed back --------------------------------------------------------------


@pytest.mark.parametrize("accept,fmt", [
    ("application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
])
def test_select_formats_parse_back(client, accept, fmt):
    r = client.query(STATE_QUERY, accept=accept)
    assert r.status_code == 200 and r.mimetype == accept
    result = Result.parse(io.BytesIO(r.data), format=fmt)
    labels = {str(row[1]) for row in result}
    assert labels == STATES
    iris = {str(row[0]) for row in result}
    assert iris == {KG + s for s in STATES}


def test_csv_and_tsv_keep_awkward_literals(client):
    q = "SELECT ?c WHERE { kg:Azerbaijan rdfs:comment ?c }"
    expected = 'A "quoted", comma-and\ttab string\nwith a newline'
    rows = list(csv.reader(io.StringIO(client.query(q, accept="text/csv").text, newline="")))
    assert rows == [["c"], [expected]]
    tsv = Result.parse(io.BytesIO(client.query(q, accept="text/tab-separated-values").data), format="tsv")
    assert [str(row[0]) for row in tsv] == [expected]
    xml = client.query(q, accept="application/sparql-results+xml").data
    xml = Result.parse(io.BytesIO(xml), format="xml")
    assert [str(row[0]) for row in xml] == [expected]


def test_typed_language_and_blank_node_terms_in_json(client):
    q = ("SELECT ?date ?be ?b WHERE { kg:CSTO csto:founded ?date ; csto:note ?b . "
         "kg:Belarus rdfs:label ?be FILTER(lang(?be) = 'be') }")
    row = client.query(q).json["results"]["bindings"][0]
    assert row["date"] == {"type": "literal", "value": "2002-10-07",
                           "datatype": "http://www.w3.org/2001/XMLSchema#date"}
    assert row["be"] == {"type": "literal", "value": "Беларусь", "xml:lang": "be"}
    assert row["b"]["type"] == "bnode"


def test_unbound_variables_are_left_out(client):
    q = "SELECT ?s ?missing WHERE { ?s a csto:Organization OPTIONAL { ?s csto:nothing ?missing } }"
    doc = client.query(q).json
    assert doc["head"]["vars"] == ["s", "missing"]
    assert doc["results"]["bindings"] == [{"s": {"type": "uri", "value": KG + "CSTO"}}]
    rows = list(csv.reader(io.StringIO(client.query(q, accept="text/csv").text, newline="")))
    assert rows == [["s", "missing"], [KG + "CSTO", ""]]


@pytest.mark.parametrize("accept,fmt", [
    ("application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "xml"),
])
def test_ask_formats_parse_back(client, accept, fmt):
    for query, expected in (("ASK { kg:Armenia csto:memberOf kg:CSTO }", True),
                            ("ASK { kg:Azerbaijan csto:memberOf kg:CSTO }", False)):
        r = client.query(query, accept=accept)
        assert r.status_code == 200
        assert Result.parse(io.BytesIO(r.data), format=fmt).askAnswer is expected


@pytest.mark.parametrize("accept,fmt", [("text/csv", "CSV"), ("text/tab-separated-values", "TSV")])
def test_ask_as_csv_and_tsv_is_written_as_oxigraph_writes_it(client, accept, fmt):
    # an invented _askResult column once came first (issue 19, item 6)
    import pyoxigraph as ox

    for query in ("ASK {}", "ASK { FILTER(false) }"):
        r = client.query(query, accept=accept)
        expected = ox.Store().query(query).serialize(format=getattr(ox.QueryResultsFormat, fmt))
        assert r.status_code == 200 and r.data == expected


GRAPH_FORMATS = [
    ("text/turtle", "turtle"),
    ("application/n-triples", "nt"),
    ("application/rdf+xml", "xml"),
    ("application/ld+json", "json-ld"),
    ("application/n-quads", "nquads"),
    ("application/trig", "trig"),
]


@pytest.mark.parametrize("accept,fmt", GRAPH_FORMATS)
def test_construct_formats_parse_back(client, accept, fmt):
    q = "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a csto:State ; rdfs:label ?l }"
    r = client.query(q, accept=accept)
    assert r.status_code == 200 and r.mimetype == accept
    g = rdflib.Graph().parse(data=r.data, format=fmt)
    labels = {str(o) for o in g.objects(None, rdflib.RDFS.label)}
    assert labels == STATES | {"Беларусь"}


@pytest.mark.parametrize("accept,fmt", GRAPH_FORMATS)
def test_describe_formats_parse_back(client, accept, fmt):
    r = client.query("DESCRIBE kg:Armenia", accept=accept)
    assert r.status_code == 200 and r.mimetype == accept
    g = rdflib.Graph().parse(data=r.data, format=fmt)
    armenia = rdflib.URIRef(KG + "Armenia")
    assert (armenia, rdflib.RDFS.label, rdflib.Literal("Armenia", lang="en")) in g
    assert set(g.subjects()) == {armenia}


def test_defaults_without_accept(client):
    assert client.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1").mimetype == \
        "application/sparql-results+json"
    assert client.query("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1").mimetype == "text/turtle"
    assert client.query("ASK {}", accept="*/*").mimetype == "application/sparql-results+json"


def test_combined_accept_header_with_qualities(client):
    r = client.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1",
                     accept="text/html;q=0.9, text/csv;q=0.8, application/sparql-results+xml;q=0.95")
    assert r.mimetype == "application/sparql-results+xml"


@pytest.mark.parametrize("query,accept,media", [
    ("ASK {}", "application/sparql-results+json; charset=utf-8", "application/sparql-results+json"),
    ("SELECT * {}", "text/csv; charset=utf-8", "text/csv"),
    ("SELECT * {}", "application/sparql-results+xml;q=0.9, application/sparql-results+json;q=1.0;charset=utf-8",
     "application/sparql-results+json"),
    ("SELECT * {}", "application/sparql-results+json;charset=utf-8;q=0.2, text/csv;q=0.5", "text/csv"),
    ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "text/turtle; charset=utf-8", "text/turtle"),
    ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "application/n-triples; charset=utf-8", "application/n-triples"),
    ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1",
     'application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"', "application/ld+json"),
])
def test_media_ranges_with_parameters_match_and_q_still_ranks(client, query, accept, media):
    # RFC 9110 12.5.1: parameters other than q do not stop a match (issue 19, item 4)
    r = client.query(query, accept=accept)
    assert r.status_code == 200 and r.mimetype == media


def test_a_browser_accept_with_a_charset_gets_the_page(client):
    r = client.get("/explain/Armenia", headers={"Accept": "text/html; charset=utf-8"})
    assert r.mimetype == "text/html"


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.mark.parametrize("accept", [BROWSER, "text/html"])
def test_a_browser_is_sent_to_the_query_page_with_the_query(client, accept):
    # issue 19, item 7: a browser got XML to download, or 406 from /queries/<name>
    r = client.query("ASK {}", accept=accept, implied="0")
    assert r.status_code == 303
    target = urllib.parse.urlsplit(r.headers["Location"])
    assert target.path == "/"
    assert urllib.parse.parse_qs(target.query) == {"query": ["ASK {}"], "implied": ["0"]}
    r = client.get("/queries/observers", headers={"Accept": accept})
    assert r.status_code == 303 and r.headers["Location"].endswith("/?name=observers")


@pytest.mark.parametrize("accept,media", [
    ("*/*", "application/sparql-results+json"),
    ("application/sparql-results+json,application/json,text/javascript,application/javascript",
     "application/sparql-results+json"),  # SPARQLWrapper's
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("", "application/sparql-results+json"),
])
def test_machine_clients_keep_their_formats(client, accept, media):
    for path in ("/sparql?query=ASK%7B%7D", "/queries/observers"):
        r = client.get(path, headers={"Accept": accept} if accept else {})
        assert r.status_code == 200 and r.mimetype == media, path


def test_the_page_loads_a_query_from_its_address(client):
    page = client.get("/?query=ASK%20%7B%7D", headers={"Accept": "text/html"}).text
    assert '"initialQuery": "ASK {}", "run": true' in page


@pytest.mark.parametrize("query", ["CONSTRUCT WHERE { ?s ?p ?o }", "DESCRIBE kg:Armenia"])
def test_a_graph_as_text_plain_is_n_triples(client, query):
    # Oxigraph serves N-Triples for text/plain, so named; csto-kg answered 406 (issue 19, item 5)
    r = client.query(query, accept="text/plain")
    assert r.status_code == 200 and r.mimetype == "application/n-triples"
    assert len(rdflib.Graph().parse(data=r.data, format="nt")) > 0


@pytest.mark.parametrize("fmt,media", [
    ("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"),
    ("csv", "text/csv"), ("tsv", "text/tab-separated-values"),
])
def test_format_parameter_for_browsers(client, fmt, media):
    r = client.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1", accept="text/html", format=fmt)
    assert r.status_code == 200 and r.mimetype == media


@pytest.mark.parametrize("fmt,media", [
    ("turtle", "text/turtle"), ("ntriples", "application/n-triples"),
    ("rdfxml", "application/rdf+xml"), ("jsonld", "application/ld+json"),
    ("xml", "application/rdf+xml"), ("json", "application/ld+json"),
])
def test_format_parameter_for_graphs(client, fmt, media):
    r = client.query("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2", format=fmt)
    assert r.status_code == 200 and r.mimetype == media


# -- engine correctness where rdflib is wrong (docs/decisions/0007) ----------------------------------


def test_ask_filter_false_is_false(client):
    # rdflib answers true (RDFLib/rdflib#3381).
    assert client.query("ASK { FILTER(false) }").json["boolean"] is False


def test_construct_where_with_limit(client):
    # rdflib raises TypeError (RDFLib/rdflib#1785).
    r = client.query("CONSTRUCT WHERE { ?s a csto:State } LIMIT 2", accept="application/n-triples")
    assert r.status_code == 200
    assert len(rdflib.Graph().parse(data=r.data, format="nt")) == 2


# -- service description ---------------------------------------------------------------------


@pytest.mark.parametrize("accept,fmt", GRAPH_FORMATS)
def test_service_description(client, accept, fmt):
    r = client.get("/sparql", headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == accept
    g = rdflib.Graph().parse(data=r.data, format=fmt)
    service = next(g.subjects(rdflib.RDF.type, SD.Service))
    assert g.value(service, SD.endpoint) == rdflib.URIRef(r.request.host_url + "sparql")
    assert SD.SPARQL11Query in set(g.objects(service, SD.supportedLanguage))
    assert SD.SPARQL11Update not in set(g.objects(service, SD.supportedLanguage))
    formats = {str(o) for o in g.objects(service, SD.resultFormat)}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_TSV" in formats
    assert "http://www.w3.org/ns/formats/JSON-LD" in formats
    assert SD.UnionDefaultGraph in set(g.objects(service, SD.feature))
    names = {str(n) for n in g.objects(None, SD.name)}
    assert {ONTOLOGY, ASSERTED, INFERRED} <= names


def test_service_description_sends_browsers_to_the_page(client):
    r = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/")


# -- errors ----------------------------------------------------------------------------------


def test_malformed_query_is_400_with_the_parser_message(client):
    r = client.query("SELECT ?x WHERE { ?x ?y }")
    assert r.status_code == 400
    assert r.mimetype == "text/plain"
    assert "line 1, column 26, at the end of the query: expected" in r.text
    assert "Traceback" not in r.text and "[_]" not in r.text


def test_a_parser_message_says_where_what_is_there_and_what_was_expected(client):
    r = client.query("ASK {\n  ?s ?p ?o\n} LIMIT ten")
    assert r.status_code == 400
    assert "line 3, column 9, at “ten”: expected" in r.text and "a digit" in r.text
    assert "\\u{" not in r.text and "..=" not in r.text  # no character classes


def test_an_unknown_prefix_is_named_with_the_known_ones(client):
    r = client.query("SELECT * WHERE { ?s a cstoo:State }")
    assert r.status_code == 400
    assert "line 1, column 23: unknown prefix cstoo: (known: csto, kg, owl," in r.text
    r = client.query("PREFIX mine: <http://example.org/> SELECT * WHERE { ?s ?p ?o FILTER(?o = nope:x) }")
    assert r.status_code == 400 and "unknown prefix nope: (known: csto," in r.text and "mine" in r.text


def test_an_unclosed_string_is_named(client):
    r = client.query('SELECT * WHERE { ?s ?p "Armenia }')
    assert r.status_code == 400 and "line 1, column 24: this string is never closed" in r.text


@pytest.mark.parametrize("opening,closing", [("{", "}"), ("(", ")")])
def test_a_query_nested_thousands_deep_is_400_and_the_workers_live_on(client, opening, closing):
    depth = 3000
    inner = " ?s ?p ?o " if opening == "{" else "1"
    text = "SELECT * WHERE " + (opening * depth + inner + closing * depth if opening == "{"
                                else "{ FILTER(" + opening * depth + inner + closing * depth + ") }")
    r = client.query(text)
    assert r.status_code == 400 and "nested 3" in r.text
    assert client.query("ASK { ?s ?p ?o }").status_code == 200


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_wrong_method_is_405(client, method):
    r = client.open("/sparql", method=method, data=b"ASK {}")
    assert r.status_code == 405
    assert "GET" in r.headers["Allow"] and "POST" in r.headers["Allow"]


@pytest.mark.parametrize("content_type",
                         ["text/plain", "application/json", "multipart/form-data; boundary=x"])
def test_unsupported_content_type_is_415(client, content_type):
    r = client.post("/sparql", data=b"ASK {}", headers={"Content-Type": content_type})
    assert r.status_code == 415
    assert "application/sparql-query" in r.text


def test_post_without_content_type_is_415(client):
    r = client.post("/sparql", data=b"ASK {}")
    assert r.status_code == 415


def test_non_utf8_charset_is_415(client):
    r = client.post("/sparql", data="ASK {}".encode("utf-16"),
                    headers={"Content-Type": "application/sparql-query; charset=utf-16"})
    assert r.status_code == 415


def test_invalid_utf8_is_400(client):
    r = client.post("/sparql", data=b"SELECT * WHERE { ?s ?p \"\xff\xfe\" }",
                    headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 400 and "UTF-8" in r.text


def test_oversized_request_is_413(client):
    body = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (65 * 1024)
    r = client.post("/sparql", data=body.encode(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413


def test_repeated_query_parameter_is_400(client):
    r = client.get("/sparql", query_string={"query": ["ASK {}", "ASK { ?s ?p ?o }"]})
    assert r.status_code == 400 and "at most once" in r.text


def test_query_and_update_together_is_400(client):
    r = client.post("/sparql", data={"query": "ASK {}", "update": "CLEAR ALL"})
    assert r.status_code == 400


def test_post_without_query_is_400(client):
    assert client.post("/sparql", data={"nothing": "here"}).status_code == 400


def test_empty_query_is_400(client):
    assert client.query("   ").status_code == 400


def test_relative_dataset_iri_is_400(client):
    r = client.query("ASK {}", **{"default-graph-uri": "not an iri"})
    assert r.status_code == 400 and "absolute IRI" in r.text


@pytest.mark.parametrize("query,accept", [
    ("SELECT * WHERE { ?s ?p ?o }", "text/turtle"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "text/csv"),
    ("ASK {}", "image/png"),
])
def test_unacceptable_accept_is_406(client, query, accept):
    r = client.query(query, accept=accept)
    assert r.status_code == 406
    assert "offers" in r.text


def test_format_that_does_not_fit_is_406(client):
    assert client.query("CONSTRUCT WHERE { ?s ?p ?o }", format="csv").status_code == 406


def test_unknown_format_is_400(client):
    r = client.query("ASK {}", format="yaml")
    assert r.status_code == 400 and "unknown format" in r.text


def test_unknown_path_is_404_text(client):
    r = client.get("/nowhere")
    assert r.status_code == 404 and "Traceback" not in r.text


def test_bad_timeout_parameter_is_400(client):
    assert client.query("ASK {}", timeout="soon").status_code == 400
    assert client.query("ASK {}", timeout="-1").status_code == 400


def test_no_client_input_gives_500(client):
    # a sweep of odd inputs: none may crash the server or show a traceback
    odd = ["", "%", "SELECT", "ASK {", "SELECT * WHERE { ?s ?p ?o } LIMIT -1",
           "PREFIX : <x> SELECT * {}", "SELECT (1/0 AS ?x) {}", "\x00", "DESCRIBE ?x",
           "SELECT * WHERE { SERVICE ?x { ?s ?p ?o } }", "LOAD <http://127.0.0.1:9/>"]
    for text in odd:
        for r in (client.query(text), client.post("/sparql", data={"query": text})):
            assert r.status_code < 500, (text, r.status_code, r.text)
            assert "Traceback" not in r.text


def test_from_and_from_named_choose_the_dataset(client):
    ask = "ASK {from} {{ kg:CSTO csto:hasMember kg:Armenia }}"
    assert client.query(ask.format(**{"from": f"FROM <{ASSERTED}>"})).json["boolean"] is False
    assert client.query(ask.format(**{"from": f"FROM <{INFERRED}>"})).json["boolean"] is True
    q = f"SELECT DISTINCT ?g FROM NAMED <{ONTOLOGY}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert [b["g"]["value"] for b in client.query(q).json["results"]["bindings"]] == [ONTOLOGY]
    # the protocol's default-graph-uri overrides FROM (SPARQL 1.1 Protocol, 2.1.4)
    r = client.query(ask.format(**{"from": f"FROM <{ASSERTED}>"}), **{"default-graph-uri": INFERRED})
    assert r.json["boolean"] is True


def test_post_form_carries_the_dataset_in_the_body(client):
    r = client.post("/sparql", data={"query": "ASK { kg:CSTO csto:hasMember kg:Armenia }",
                          "default-graph-uri": ASSERTED})
    assert r.json["boolean"] is False
    r = client.post("/sparql", data={"query": "ASK { kg:CSTO csto:hasMember kg:Armenia }",
                          "default-graph-uri": [ASSERTED, INFERRED]})
    assert r.json["boolean"] is True


def test_non_ascii_queries_round_trip(client):
    q = 'SELECT ?s WHERE { ?s rdfs:label "Беларусь"@be }'
    for r in (client.query(q), client.post("/sparql", data={"query": q}),
              client.post("/sparql", data=q.encode("utf-8"), headers={"Content-Type": "application/sparql-query"})):
        assert [b["s"]["value"] for b in r.json["results"]["bindings"]] == [KG + "Belarus"]
