"""SPARQLWrapper, the client most Python users point at an endpoint, against the real server."""

import io
import os
import sys
import warnings

import pytest
import rdflib
from rdflib.query import Result
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

sys.path.insert(0, os.path.dirname(__file__))
from server_fixtures import STATES, running_server, toy_graph  # noqa: E402

from csto_kg.graph.namespaces import ASSERTED, INFERRED  # noqa: E402

KG = "https://w3id.org/csto-kg/id/"
SELECT = """PREFIX csto: <https://w3id.org/csto-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?state ?label WHERE { ?state a csto:State ; rdfs:label ?label FILTER(lang(?label) = "en") }"""
CONSTRUCT = """PREFIX csto: <https://w3id.org/csto-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a csto:State ; rdfs:label ?l FILTER(lang(?l) = "en") }"""


@pytest.fixture(scope="module")
def endpoint():
    with running_server(toy_graph()) as s:
        yield s.base + "/sparql"


def client(endpoint, query, fmt, method=None):
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    if method:
        sparql.setMethod(method)
        if method == POSTDIRECTLY:
            sparql.setRequestMethod(POSTDIRECTLY)
            sparql.setMethod(POST)
    return sparql


@pytest.mark.parametrize("method", [None, POST, POSTDIRECTLY])
def test_select_json(endpoint, method):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # SPARQLWrapper warns on a format mix-up
        doc = client(endpoint, SELECT, JSON, method).queryAndConvert()
    assert {b["label"]["value"] for b in doc["results"]["bindings"]} == STATES


def test_select_xml(endpoint):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        document = client(endpoint, SELECT, XML).queryAndConvert()  # an xml.dom Document
    literals = {n.firstChild.data for n in document.getElementsByTagName("literal")}
    assert literals == STATES


@pytest.mark.parametrize("fmt,name", [(CSV, "csv"), (TSV, "tsv")])
def test_select_csv_tsv(endpoint, fmt, name):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        raw = client(endpoint, SELECT, fmt).queryAndConvert()
    result = Result.parse(io.BytesIO(raw), format=name)
    assert {str(row[1]) for row in result} == STATES


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_ask(endpoint, fmt):
    sparql = client(endpoint, "ASK { FILTER(false) }", fmt)
    converted = sparql.queryAndConvert()
    if fmt == JSON:
        assert converted["boolean"] is False
    else:
        assert converted.getElementsByTagName("boolean")[0].firstChild.data == "false"


@pytest.mark.parametrize("fmt", [XML, RDFXML, TURTLE, N3, JSONLD])
def test_construct_into_an_rdflib_graph(endpoint, fmt):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        converted = client(endpoint, CONSTRUCT, fmt).queryAndConvert()
    if isinstance(converted, bytes):  # Turtle/N3/JSON-LD come back raw
        converted = rdflib.Graph().parse(data=converted, format="json-ld" if fmt == JSONLD else "turtle")
    assert isinstance(converted, rdflib.Graph)
    assert {str(o) for o in converted.objects(None, rdflib.RDFS.label)} == STATES


def test_describe_into_an_rdflib_graph(endpoint):
    graph = client(endpoint, f"DESCRIBE <{KG}Armenia>", XML).queryAndConvert()
    assert isinstance(graph, rdflib.Graph)
    assert (rdflib.URIRef(KG + "Armenia"), rdflib.RDFS.label,
            rdflib.Literal("Armenia", lang="en")) in graph


def test_dataset_parameters(endpoint):
    ask = f"ASK {{ <{KG}CSTO> <https://w3id.org/csto-kg/ontology#hasMember> <{KG}Armenia> }}"
    sparql = client(endpoint, ask, JSON)
    sparql.addParameter("default-graph-uri", ASSERTED)
    assert sparql.queryAndConvert()["boolean"] is False
    sparql.addParameter("default-graph-uri", INFERRED)
    assert sparql.queryAndConvert()["boolean"] is True


def test_bad_query_raises_query_bad_formed_with_the_message(endpoint):
    with pytest.raises(QueryBadFormed) as caught:
        client(endpoint, "SELECT ?x WHERE { ?x }", JSON).queryAndConvert()
    assert "line 1, column" in str(caught.value)


def test_update_with_a_bearer_token():
    token = "token-for-sparqlwrapper"
    with running_server(toy_graph(), {"UPDATE_TOKEN": token}) as s:
        update = SPARQLWrapper(s.base + "/sparql")
        update.setMethod(POST)
        update.setQuery(f"INSERT DATA {{ <{KG}Kazakhstan> a <https://w3id.org/csto-kg/ontology#State> }}")
        update.addCustomHttpHeader("Authorization", f"Bearer {token}")
        assert update.query().response.status == 204
        ask = client(s.base + "/sparql", f"ASK {{ <{KG}Kazakhstan> a ?t }}", JSON)
        assert ask.queryAndConvert()["boolean"] is True
