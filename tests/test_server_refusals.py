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
