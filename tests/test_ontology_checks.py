"""The ontology's own checks, as COB keeps them: one `*-violation.rq` query a check in
ontology/checks/, each answering the rows that break it. The built graph, with and without the
implied facts, must answer none; a violation planted in a copy of it must be found."""

from pathlib import Path

import pyoxigraph as ox
import pytest

from csto_kg.graph.store import KnowledgeGraph

CHECKS = sorted((Path(__file__).parents[1] / "ontology" / "checks").glob("*-violation.rq"))
CSTO = "https://w3id.org/csto-kg/ontology#"
GRAPH = "https://w3id.org/csto-kg/graph/"
KG = "https://w3id.org/csto-kg/id/"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


RDF_TYPE = _n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
OWL_CLASS = _n("http://www.w3.org/2002/07/owl#Class")
ONTOLOGY, ASSERTED = _n(GRAPH + "ontology"), _n(GRAPH + "asserted")

# One violation a check: the quads that break it, added to a copy of the article graph.
PLANTED = {
    "term-without-english-label": [ox.Quad(_n(CSTO + "Unlabelled"), RDF_TYPE, OWL_CLASS, ONTOLOGY)],
    "term-without-english-definition": [ox.Quad(_n(CSTO + "Undefined"), RDF_TYPE, OWL_CLASS, ONTOLOGY)],
    "term-used-but-undeclared": [ox.Quad(_n(KG + "Azerbaijan"), _n(CSTO + "meetz"), _n(KG + "Armenia"), ASSERTED)],
    "requirement-list-not-eligibility-definition": [
        ox.Quad(_n(KG + "NewRequirement"), _n(CSTO + "requirementOf"), _n(CSTO + "ObserverStatus"), ASSERTED)],
    "requirement-list-in-ontology": [
        ox.Quad(_n(KG + "NewRequirement"), _n(CSTO + "requirementOf"), _n(CSTO + "PartnerStatus"), ONTOLOGY)],
    "statement-without-speaker": [
        ox.Quad(_n(KG + "Anonymous"), RDF_TYPE, _n(CSTO + "Statement"), ASSERTED),
        ox.Quad(_n(KG + "Anonymous"), _n(CSTO + "quote"), ox.Literal("someone said"), ASSERTED)],
    "fact-without-quote-or-source": [ox.Quad(_n(KG + "fact/F99"), RDF_TYPE, _n(CSTO + "Fact"), ASSERTED)],
    "implied-fact-without-reason": [
        ox.Quad(_n(KG + "fact/I99"), RDF_TYPE, _n(CSTO + "Fact"), ASSERTED),
        ox.Quad(_n(KG + "fact/I99"), _n(CSTO + "evidenceKind"), _n(CSTO + "Implied"), ASSERTED)],
}


def _name(check: Path) -> str:
    return check.name.removesuffix("-violation.rq")


def _violations(kg, check: Path) -> list:
    return list(kg.query(check.read_text(encoding="utf-8")))


def test_every_check_has_a_planted_violation():
    assert len(CHECKS) >= 8
    assert {_name(c) for c in CHECKS} == set(PLANTED)


@pytest.mark.parametrize("check", CHECKS, ids=_name)
def test_the_article_graph_violates_no_check(kg, kg_stated_only, check):
    assert _violations(kg, check) == []
    assert _violations(kg_stated_only, check) == []


@pytest.mark.parametrize("check", CHECKS, ids=_name)
def test_a_planted_violation_is_found(kg, check):
    planted = KnowledgeGraph.of(list(kg.quads()) + PLANTED[_name(check)])
    assert _violations(planted, check), f"{check.name} did not find what was planted"
