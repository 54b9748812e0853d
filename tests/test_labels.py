"""What a term is called (graph/labels.py): one rule for every page, verdict, justification and
the ontology page. An rdfs:label, else a skos:prefLabel, in English or without a language."""

import pytest
import rdflib
from server_fixtures import running_server

from csto_kg.graph import build

HTML = "text/html"
# A candidate whose English name is only its skos:prefLabel, and whose IRI names it otherwise.
PREF_LABEL_ONLY = """
@prefix csto: <https://w3id.org/csto-kg/ontology#> .
@prefix kg: <https://w3id.org/csto-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

kg:R1 a csto:State, csto:Candidate ; csto:seeksStatus csto:ObserverStatus ;
    rdfs:label "Руритания"@ru ; skos:prefLabel "Ruritania"@en .
"""


@pytest.fixture(scope="module")
def kg_with_r1(tmp_path_factory):
    data = tmp_path_factory.mktemp("labels") / "r1.ttl"
    data.write_text(PREF_LABEL_ONLY, encoding="utf-8")
    return build([str(data)])


def test_every_page_calls_a_term_by_its_english_preferred_label(kg_with_r1):
    """The organization and its picture named a candidate by rdfs:label alone (its IRI's name
    here), while its own page took the skos:prefLabel."""
    with running_server(kg_with_r1) as server:
        assert 'data-label="Ruritania"' in server.get("/organization.svg").text
        assert 'data-label="R1"' not in server.get("/organization", accept=HTML).text
        assert "<h1>Ruritania</h1>" in server.get("/id/R1", accept=HTML).text
        # the matrix, search and the verdict took rdfs:label alone, in English or none: "R1", or
        # the Russian name for the verdict, which any of several labels could be
        matrix = server.get("/matrix", accept="application/json").json()
        assert "Ruritania" in {a["label"] for a in matrix["agents"]}
        found = server.get("/search?q=rurit", accept="application/json").json()
        assert [a["label"] for a in found["agents"]] == ["Ruritania"]
        verdict = server.get("/explain/Ruritania?status=observer", accept="application/json").json()
        assert verdict["state"] == "Ruritania"


def test_a_state_is_found_by_any_of_its_names(kg_with_r1):
    """Its label shown, whatever name it was asked by: English, Russian or its IRI."""
    from csto_kg.graph.explanation.verdicts import resolve

    iri = "https://w3id.org/csto-kg/id/R1"
    assert resolve(kg_with_r1, "Ruritania") == resolve(kg_with_r1, "Руритания") == resolve(kg_with_r1, iri) == (
        iri, "Ruritania")


def test_the_knowledge_graph_and_an_rdflib_graph_name_every_term_alike(kg):
    """labels_of asks the store in one query; label_in reads an rdflib graph (justifications, the
    ontology page): the same rule, so the same names."""
    import pyoxigraph as ox

    from csto_kg.graph.bridge import to_rdflib
    from csto_kg.graph.labels import label_in, labels_of

    graph = to_rdflib(kg.quads())
    iris = {q.subject.value for q in kg.quads() if isinstance(q.subject, ox.NamedNode)}
    found = labels_of(kg, iris)
    assert len(found) > 100
    assert {iri: label_in(graph, rdflib.URIRef(iri)) for iri in iris if label_in(graph, rdflib.URIRef(iri))} == found
