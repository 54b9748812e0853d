"""The endpoint and the pages refuse what they cannot read with a 400 that says so, in the same
words as the command line (issue 19, items 12 and 14)."""

import pytest
from server_fixtures import served_app

HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # what chromium sends
PAGE = {"Accept": HTML}
TOKEN = "a-long-enough-token"


@pytest.fixture(scope="module")
def app(kg):
    with served_app(kg, {"UPDATE_TOKEN": TOKEN}) as app:
        yield app


def test_an_update_sent_as_a_query_says_how_updates_are_sent(client):
    r = client.query("INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }")
    assert r.status_code == 400
    assert "INSERT begins an update, not a query" in r.text and "application/sparql-update" in r.text


def test_a_misspelled_query_form_is_named(client):
    r = client.query("SELEC ?s WHERE { ?s ?p ?o }")
    assert r.status_code == 400
    assert "line 1, column 1: SELEC is not a query form" in r.text
    assert "SELECT, CONSTRUCT, ASK or DESCRIBE" in r.text and "expected CONSTRUCT" not in r.text


def test_a_query_sent_as_an_update_says_how_queries_are_sent(client):
    r = client.post("/sparql", data={"update": "SELECT * WHERE { ?s ?p ?o }"},
                    headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 400
    assert "SELECT begins a query, not an update" in r.text


@pytest.mark.parametrize("value", ["2", "", "maybe", "0 1"])
@pytest.mark.parametrize("name", ["implied", "linked"])
def test_a_switch_that_is_neither_on_nor_off_is_refused_by_the_endpoint(client, name, value):
    r = client.query("ASK { ?s ?p ?o }", **{name: value})
    assert r.status_code == 400 and f"{name}=" in r.text


@pytest.mark.parametrize("value, rows", [("0", 0), ("false", 0), ("OFF", 0), ("1", 1), ("True", 1)])
def test_a_switch_reads_its_words_in_any_case(client, value, rows):
    implied_only = "SELECT * WHERE { GRAPH <https://w3id.org/csto-kg/graph/implied> { ?s ?p ?o } } LIMIT 1"
    r = client.query(implied_only, accept="application/sparql-results+json", implied=value)
    assert r.status_code == 200 and len(r.json["results"]["bindings"]) == rows


@pytest.mark.parametrize("path", ["/", "/matrix", "/organization", "/organization.svg", "/article", "/timeline",
                                  "/search?q=Armenia", "/explain/Azerbaijan"])
def test_a_switch_that_is_neither_on_nor_off_is_refused_by_the_pages(client, path):
    joiner = "&" if "?" in path else "?"
    assert client.get(path, headers=PAGE).status_code == 200
    refused = client.get(path + joiner + "implied=2", headers=PAGE)
    assert refused.status_code == 400 and "implied=" in refused.text
    assert client.get(path + joiner + "linked=yes", headers=PAGE).status_code == 200


JSON = "application/json"


@pytest.mark.parametrize("method, path, accept, answered_as", [
    # views: a page to a browser, JSON to a program (the data of the page, its refusals too)
    ("GET", "/matrix?sort=height", HTML, "text/html"), ("GET", "/matrix?sort=height", JSON, JSON),
    ("GET", "/matrix?sort=height", None, JSON), ("GET", "/article?implied=2", JSON, JSON),
    ("GET", "/explain/Nowhere", HTML, "text/html"), ("GET", "/explain/Nowhere", None, JSON),
    ("POST", "/explain/Azerbaijan", HTML, JSON),
    ("GET", "/organization.svg?implied=2", HTML, "text/html"),   # a picture: plain text to a program
    ("GET", "/organization.svg?implied=2", "image/svg+xml", "text/plain"),
    # pages: the query page to a browser; /health JSON to all
    ("GET", "/?implied=2", HTML, "text/html"), ("GET", "/?implied=2", None, "text/plain"),
    # sparql: plain text, which SPARQL clients show as is; the list of named queries JSON
    ("GET", "/sparql?query=SELEC", "application/sparql-results+json", "text/plain"),
    ("GET", "/queries/nope", None, "text/plain"),
    ("POST", "/queries", None, JSON), ("POST", "/health", HTML, JSON),
    # linked data: a page to a browser, plain text to an RDF client
    ("GET", "/id/Nowhere", HTML, "text/html"), ("GET", "/id/Nowhere", "text/turtle", "text/plain"),
    # a method the path does not take: as its view speaks (not a page: a page is for GET)
    ("POST", "/matrix", HTML, JSON), ("PUT", "/id/Armenia", HTML, "text/plain"),
    # no blueprint answers: plain text
    ("GET", "/nowhere", HTML, "text/plain"), ("GET", "/static/nowhere.js", HTML, "text/plain"),
])
def test_a_refusal_is_written_in_what_its_blueprint_speaks(client, method, path, accept, answered_as):
    """Each blueprint declares what it speaks (server/negotiation.py); its refusals follow."""
    r = client.open(path, method=method, headers={"Accept": accept} if accept else {})
    assert 400 <= r.status_code < 500 and r.mimetype == answered_as, (r.status_code, r.text[:200])
