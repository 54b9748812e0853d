"""The built graph's app, asked through its test client: linked data lookups, /health, /explain,
named queries."""

import io
import os
import sys
import urllib.parse

import pytest
import rdflib
from rdflib.query import Result

sys.path.insert(0, os.path.dirname(__file__))
from server_fixtures import served_client, toy_graph  # noqa: E402

from csto_kg import queries  # noqa: E402
from csto_kg.graph import build  # noqa: E402
from csto_kg.graph.namespaces import GRAPHS  # noqa: E402
from csto_kg.queries import NamedQuery  # noqa: E402

KG = rdflib.Namespace("https://w3id.org/csto-kg/id/")
CSTO = rdflib.Namespace("https://w3id.org/csto-kg/ontology#")
ONTOLOGY_IRI = rdflib.URIRef("https://w3id.org/csto-kg/ontology")


# -- linked data -----------------------------------------------------------------------------


@pytest.mark.parametrize("accept,fmt", [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                        ("application/rdf+xml", "xml"),
                                        ("application/ld+json", "json-ld")])
def test_entity_as_rdf(client, kg, accept, fmt):
    r = client.get("/id/Azerbaijan", headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == accept
    assert "Accept" in r.headers["Vary"]
    g = rdflib.Graph().parse(data=r.data, format=fmt)
    expected = {
        (str(row["p"].value), str(row["o"].value))
        for row in kg.query("SELECT DISTINCT ?p ?o WHERE { kg:Azerbaijan ?p ?o }")
        if not str(row["o"]).startswith("_:")
    }
    got = {(str(p), str(o)) for p, o in g.predicate_objects(KG.Azerbaijan)
           if not isinstance(o, rdflib.BNode)}
    assert got == expected
    assert (KG.Azerbaijan, rdflib.RDFS.label, None) in g


def test_entity_as_html(client, kg):
    r = client.get("/id/Azerbaijan", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200 and r.mimetype == "text/html"
    labels = kg.query('SELECT ?l WHERE { kg:Azerbaijan rdfs:label ?l FILTER(lang(?l) = "en") }')
    label = next(iter(labels))["l"].value
    assert f"<h1>{label}</h1>" in r.text
    assert "https://w3id.org/csto-kg/id/Azerbaijan" in r.text
    assert 'href="/id/' in r.text  # other entities are links on this server
    assert "graph-inferred" in r.text or "graph-asserted" in r.text


def test_entity_download_links_work(client):
    page = client.get("/id/Azerbaijan", headers={"Accept": "text/html"}).text
    assert "/id/Azerbaijan?format=turtle" in page
    r = client.get("/id/Azerbaijan?format=ntriples", headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.mimetype == "application/n-triples"


def test_unknown_entity_is_404(client):
    r = client.get("/id/Atlantis", headers={"Accept": "text/turtle"})
    assert r.status_code == 404 and "says nothing" in r.text


def test_curl_gets_turtle(client):
    assert client.get("/id/CSTO", headers={"Accept": "*/*"}).mimetype == "text/turtle"
    assert client.get("/id/CSTO").mimetype == "text/turtle"


def test_resource_by_iri_for_an_ontology_term(client):
    iri = str(CSTO.State)
    r = client.get("/resource", headers={"Accept": "text/turtle"}, query_string={"iri": iri})
    assert r.status_code == 200
    g = rdflib.Graph().parse(data=r.data, format="turtle")
    assert (CSTO.State, rdflib.RDF.type, rdflib.OWL.Class) in g
    html = client.get("/resource", headers={"Accept": "text/html"}, query_string={"iri": iri})
    assert html.status_code == 200 and iri in html.text


def test_resource_needs_one_absolute_iri(client):
    assert client.get("/resource").status_code == 400
    assert client.get("/resource", query_string={"iri": "not an iri"}).status_code == 400
    assert client.get("/resource", query_string={"iri": "http://example.org/unknown"}).status_code == 404


def test_ontology_as_rdf_is_the_ontology_graph(client, kg):
    r = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    g = rdflib.Graph().parse(data=r.data, format="turtle")
    assert (ONTOLOGY_IRI, rdflib.RDF.type, rdflib.OWL.Ontology) in g
    assert len(g) == kg.counts()["ontology"]


def test_ontology_page_anchors_hash_terms(client):
    r = client.get("/ontology", headers={"Accept": "text/html"})
    assert r.status_code == 200
    # a hash IRI such as csto:State resolves to /ontology, where #State is its anchor
    assert 'id="State"' in r.text
    assert "Classes" in r.text and "Object properties" in r.text


def test_linked_data_406(client):
    assert client.get("/id/CSTO", headers={"Accept": "application/sparql-results+json"}).status_code == 406


# -- health, explain -------------------------------------------------------------------------


def test_health_reports_counts_per_graph(client, kg):
    r = client.get("/health")
    assert r.status_code == 200
    body = r.json
    assert body["status"] == "ok"
    counts = kg.counts()
    for name in GRAPHS:
        assert body["graphs"][name]["triples"] == counts[name]
        assert body["graphs"][name]["iri"] == GRAPHS[name]
    assert body["triples"] == sum(counts.values())
    assert body["update"] is False


def test_explain_follows_the_json_contract(client, kg):
    from csto_kg.graph import explain

    for status in ("observer", "partner"):
        r = client.get("/explain/azerbaijan", query_string={"status": status})
        assert r.status_code == 200 and r.mimetype == "application/json"
        verdict = r.json
        assert verdict == explain(kg, "azerbaijan", status=status)
        assert {"state", "iri", "status", "eligible", "requirements"} <= set(verdict)
        assert verdict["status"] == status
        assert verdict["eligible"] in (True, False, None)
        for requirement in verdict["requirements"]:
            assert requirement["result"] in ("met", "failed", "unknown")


def test_explain_unknown_state_is_404_with_suggestions(client):
    r = client.get("/explain/Azerbaijn")
    assert r.status_code == 404 and r.mimetype == "application/json"
    body = r.json
    assert "Azerbaijn" in body["message"]
    assert "Azerbaijan" in body["suggestions"]


def test_explain_bad_status_is_400(client):
    r = client.get("/explain/azerbaijan", query_string={"status": "member"})
    assert r.status_code == 400 and "observer" in r.json["message"]


# -- named queries ---------------------------------------------------------------------------


def test_queries_lists_the_shipped_queries(client):
    r = client.get("/queries")
    assert r.status_code == 200
    listed = r.json
    assert [q["name"] for q in listed] == [q.name for q in queries.all_queries()]
    for item in listed:
        assert set(item) >= {"name", "title", "description", "url"}


def test_every_shipped_query_runs_in_every_format(client):
    for named in queries.all_queries():
        r = client.get(f"/queries/{named.name}")
        assert r.status_code == 200, (named.name, r.text)
        kind = "results" if r.mimetype.startswith("application/sparql-results") else "graph"
        formats = (["json", "xml", "csv", "tsv"] if kind == "results"
                   else ["turtle", "ntriples", "rdfxml", "jsonld", "nquads", "trig"])
        for fmt in formats:
            assert client.get(f"/queries/{named.name}", query_string={"format": fmt}).status_code == 200


TOY_QUERIES = [
    NamedQuery("states", "States", "Every state with its label.",
               "SELECT ?state ?label WHERE { ?state a csto:State ; rdfs:label ?label "
               "FILTER(lang(?label) = 'en') } ORDER BY ?label"),
    NamedQuery("members", "Members", "Members of the CSTO, as a graph.",
               "CONSTRUCT { kg:CSTO csto:hasMember ?m } WHERE { kg:CSTO csto:hasMember ?m }"),
]


@pytest.fixture(scope="module")
def toy_client():
    with served_client(toy_graph(), {"NAMED_QUERIES": lambda: TOY_QUERIES}) as client:
        yield client


def test_named_query_runs_with_negotiation(toy_client):
    listed = toy_client.get("/queries").json
    assert [q["name"] for q in listed] == ["states", "members"]
    assert listed[0]["url"] == "/queries/states"
    r = toy_client.get("/queries/states", headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(Result.parse(io.BytesIO(r.data), format="csv"))
    assert [str(row[1]) for row in rows] == ["Armenia", "Azerbaijan", "Belarus"]
    members = toy_client.get("/queries/members", query_string={"format": "ntriples"})
    g = rdflib.Graph().parse(data=members.data, format="nt")
    has_member = rdflib.URIRef(CSTO + "hasMember")  # the toy graph's own term, not the ontology's
    assert set(g.objects(KG.CSTO, has_member)) == {KG.Armenia, KG.Belarus}
    assert toy_client.get("/queries/states", headers={"Accept": "text/turtle"}).status_code == 406


def test_unknown_named_query_is_404(toy_client):
    r = toy_client.get("/queries/nothing_like_this")
    assert r.status_code == 404 and "states" in r.text
    assert toy_client.get("/queries/" + urllib.parse.quote("../etc/passwd", safe="")).status_code == 404


def test_ontology_page_shows_the_served_graphs_generated_axioms(tmp_path):
    # a --data file that adds a member shows in the definitions written from the members
    data = tmp_path / "member.ttl"
    data.write_text("@prefix csto: <https://w3id.org/csto-kg/ontology#> .\n"
                    "<https://example.org/Freedonia> a csto:State ; csto:memberOf <https://w3id.org/csto-kg/id/CSTO> ;"
                    ' <http://www.w3.org/2000/01/rdf-schema#label> "Freedonia"@en .\n')
    with served_client(build([str(data)])) as client:
        page = client.get("/ontology", headers={"Accept": "text/html"}).text
    entry = page[page.index('id="ConsentOfAllMembers"'):]
    entry = entry[:entry.index('class="term"', 10)]
    assert "Freedonia" in entry and "written at build time" in entry


@pytest.mark.parametrize("path", ["/id/%FF", "/id/a%20b", "/id/%3C"])
def test_an_entity_path_that_is_no_iri_is_a_bad_request(client, path):
    r = client.get(path, headers={"Accept": "text/turtle"})
    assert r.status_code == 400 and "not an IRI" in r.text


@pytest.mark.parametrize("path, read, arguments", [
    ("/matrix", "matrix", {}), ("/organization", "organization", {}), ("/article", "article", {}),
    ("/timeline", "timeline", {"order": queries.get("timeline").text}), ("/search?q=arm", "search", {"q": "arm"})])
def test_a_page_gives_a_program_the_data_it_shows_as_json(client, kg, path, read, arguments):
    """What graph/present/ reads from the graph, as the CLI prints it (csto-kg matrix --format json)."""
    import json

    from csto_kg.graph import present

    r = client.get(path, headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert r.json == json.loads(json.dumps(getattr(present, read)(kg, **arguments)))
    assert client.get(path, headers={"Accept": "text/html"}).mimetype == "text/html"


def test_a_search_without_words_is_refused_to_a_program_with_a_sentence(client):
    r = client.get("/search", headers={"Accept": "application/json"})
    assert r.status_code == 400 and "/search?q=" in r.json["message"]
