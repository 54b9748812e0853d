"""SERVICE endpoints are read from the query as Oxigraph reads it: what Oxigraph accepts is not
refused as malformed, and no spelling Oxigraph reads as SERVICE slips past the allow-list."""

import time

import pytest
from hostile import DEEP
from server_fixtures import RecordingListener, served_app, served_client, sparql_json_reply, toy_graph

TOKEN = "a-token-for-the-tests"


@pytest.fixture(scope="module")
def allowed():
    listener = RecordingListener(reply=sparql_json_reply("x", ["remote"]))
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def forbidden():
    listener = RecordingListener(reply=sparql_json_reply("x", ["should never be asked"]))
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def app(allowed):
    with served_app(toy_graph(), {"ALLOWED_SERVICES": [allowed.url], "UPDATE_TOKEN": TOKEN}) as app:
        yield app


def values(reply):
    return [b["x"]["value"] for b in reply.json["results"]["bindings"] if "x" in b]


def test_lateral_around_an_allowed_service_is_answered(client, allowed):
    before = len(allowed.connections)
    r = client.query("SELECT ?x WHERE { kg:Armenia ?p ?o LATERAL { SERVICE <%s> { ?x ?q ?r } } }"
                     % allowed.url)
    assert r.status_code == 200, r.text
    assert "remote" in values(r) and len(allowed.connections) > before


def test_a_service_nested_in_an_allowed_service_is_sent_on(client, allowed):
    before = len(allowed.connections)
    r = client.query("SELECT ?x WHERE { SERVICE <%s> { SERVICE <%s> { ?x ?p ?o } } }"
                     % (allowed.url, allowed.url))
    assert r.status_code == 200, r.text
    assert values(r) == ["remote"] and len(allowed.connections) == before + 1


def test_a_forbidden_service_nested_in_an_allowed_one_is_refused(client, allowed, forbidden):
    before = len(allowed.connections)
    r = client.query("SELECT ?x WHERE { SERVICE <%s> { SERVICE <%s> { ?x ?p ?o } } }"
                     % (allowed.url, forbidden.url))
    assert r.status_code == 403 and forbidden.url in r.text
    assert len(allowed.connections) == before and forbidden.connections == []


# Spellings that Oxigraph reads as SERVICE <forbidden>; a check that looks for the keyword
# followed by a space, or that reads IRIs without their escapes, lets them through.
SPELLINGS = [
    "PREFIX e: <{base}> SELECT ?x WHERE {{ SERVICE e:sparql {{ ?x ?p ?o }} }}",
    "PREFIX : <{base}> SELECT ?x WHERE {{ SERVICE:sparql {{ ?x ?p ?o }} }}",
    "PREFIX : <{base}> SELECT ?x WHERE {{ SERVICESILENT:sparql {{ ?x ?p ?o }} }}",
    "PREFIX e: <{base}> SELECT ?x WHERE {{ SERVICEe:sparql {{ ?x ?p ?o }} }}",
    "PREFIX : <{base}> SELECT ?x WHERE {{ SERVICE SILENT:sparql {{ ?x ?p ?o }} }}",
    "PREFIX : <{base}> SELECT ?x WHERE {{ sErViCe#comment\n :sparql {{ ?x ?p ?o }} }}",
    "SELECT ?x WHERE {{ SERVICE <{escaped}> {{ ?x ?p ?o }} }}",
    "SELECT ?x WHERE {{ ?x ?p ?o FILTER(?o<?p&&?p>EXISTS{{SERVICE<{iri}>{{?x ?p ?o}}}}) }}",
    "BASE <{base}> SELECT ?x WHERE {{ SERVICE <sparql> {{ ?x ?p ?o }} }}",
    "PREFIXf:<{base}> SELECT ?x WHERE {{ SERVICE f:sparql {{ ?x ?p ?o }} }}",
    "prefix:<{base}> SELECT ?x WHERE {{ SERVICE SILENT :sparql {{ ?x ?p ?o }} }}",
]


@pytest.mark.parametrize("template", SPELLINGS)
def test_no_spelling_of_service_reaches_a_forbidden_endpoint(client, forbidden, template):
    base = forbidden.url.removesuffix("sparql")
    escaped = forbidden.url.replace("/sparql", "/\\u0073parql")
    r = client.query(template.format(base=base, iri=forbidden.url, escaped=escaped))
    assert r.status_code == 403, r.text
    time.sleep(0.1)
    assert forbidden.connections == []


def test_a_prefixed_name_that_starts_with_service_is_no_service(client):
    r = client.query("PREFIX service: <https://w3id.org/csto-kg/id/> "
                     "SELECT ?o WHERE { service:Armenia ?p ?o }")
    assert r.status_code == 200 and r.json["results"]["bindings"]


def test_the_word_service_in_strings_iris_and_comments_is_no_service(client):
    r = client.query('SELECT ?x WHERE { BIND("SERVICE <http://127.0.0.1:9/>" AS ?x) '
                     "FILTER(?x != <http://example.org/SERVICE>) } # SERVICE ?v")
    assert r.status_code == 200 and values(r) == ["SERVICE <http://127.0.0.1:9/>"]


def update(client, text):
    return client.post("/sparql", data=text.encode(), headers={
        "Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})


def test_names_that_start_with_load_or_service_in_data_are_data(client):
    r = update(client, "PREFIX loadfactor: <http://example.org/load#> PREFIX servicefee: <http://example.org/fee#> "
                       "INSERT DATA { GRAPH <https://w3id.org/csto-kg/graph/user> "
                       "{ loadfactor:x servicefee:y 1 } }")
    assert r.status_code == 204, r.text
    r = client.query("PREFIX loadfactor: <http://example.org/load#> ASK { loadfactor:x ?p 1 }")
    assert r.json["boolean"] is True


@pytest.mark.parametrize("text", [
    "INSERT { ?s ?p ?o } WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "PREFIX : <{base}> INSERT { ?s ?p ?o } WHERE { SERVICE:sparql { ?s ?p ?o } }",
    "PREFIXf:<{base}> INSERT { ?s ?p ?o } WHERE { SERVICE f:sparql { ?s ?p ?o } }",
])
def test_service_inside_an_update_is_refused_in_any_spelling(client, forbidden, text):
    r = update(client, text.replace("{url}", forbidden.url).replace("{base}", forbidden.url.removesuffix("sparql")))
    assert r.status_code == 403 and "SERVICE" in r.text
    time.sleep(0.1)
    assert forbidden.connections == []


def test_load_spelled_without_a_space_is_refused(client, forbidden):
    r = update(client, f"PREFIX : <{forbidden.url}> LOAD:")
    assert r.status_code == 403 and "LOAD" in r.text
    time.sleep(0.1)
    assert forbidden.connections == []


def test_a_redirect_from_an_allowed_endpoint_is_refused_not_followed(forbidden):
    redirect = RecordingListener(reply=(f"HTTP/1.1 302 Found\r\nLocation: {forbidden.url}\r\n"
                                        "Content-Length: 0\r\nConnection: close\r\n\r\n").encode())
    try:
        with served_client(toy_graph(), {"ALLOWED_SERVICES": [redirect.url]}) as client:
            r = client.query(f"SELECT ?x WHERE {{ SERVICE <{redirect.url}> {{ ?x ?p ?o }} }}")
            assert r.status_code == 502
            assert f"redirect to {forbidden.url}, which is not followed" in r.text
        assert len(redirect.connections) == 1
        time.sleep(0.1)
        assert forbidden.connections == []
    finally:
        redirect.close()


@pytest.mark.parametrize("text", [DEEP["not"](10_000), DEEP["sum"](10_000), DEEP["union"](20_000),
                                  DEEP["path"](2_000)])
def test_an_expression_too_deep_for_the_parser_is_refused_and_the_workers_live(client, text):
    r = client.query(text)
    assert r.status_code == 400 and "levels deep" in r.text, r.text
    assert client.query("ASK { ?s ?p ?o }").json["boolean"] is True
