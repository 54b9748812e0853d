"""Justifications: minimal sets of facts and axioms from which owlrl entails a conclusion.

Each justification is checked from its own N-Triples, with owlrl, independently of how it was
found: sufficient (the set entails the triple) and minimal (no set with one member removed
does). Facts carry the article's words.
"""

import json
import warnings
from importlib.resources import files
from pathlib import Path

import owlrl
import pytest
import rdflib
from rdflib import URIRef

from csto_kg.graph.build import build
from csto_kg.graph.explanation.justify import NotEntailedError, Oracle, justify, units_of
from csto_kg.graph.load import builtin_sources
from csto_kg.graph.namespaces import CSTO, KG, RDF

UTOPIA = URIRef("https://example.org/Utopia")
MEMBERS = "kg:Armenia, kg:Belarus, kg:Kazakhstan, kg:Kyrgyzstan, kg:Russia, kg:Tajikistan"
CANDIDATE = f"""
@prefix csto: <https://w3id.org/csto-kg/ontology#> .
@prefix kg: <https://w3id.org/csto-kg/id/> .
<{UTOPIA}> a csto:State ; csto:seeksStatus csto:ObserverStatus ;
  csto:memberOf kg:UnitedNations ; csto:notMemberOf kg:CSTO ;
  csto:conflictFreeTerritory true ; csto:interestedInStudyingFramework true ;
  csto:hasDiplomaticRelationsWith {MEMBERS} ;
  csto:consentGivenBy {MEMBERS} .
"""


def owlrl_entails(axioms, triple) -> bool:
    graph = rdflib.Graph()
    for a in axioms:
        graph.parse(data=a.ntriples, format="nt")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return triple in graph


def assert_minimal_and_sufficient(j, triple):
    assert j.axioms
    assert owlrl_entails(j.axioms, triple), "not sufficient"
    for i, a in enumerate(j.axioms):
        rest = j.axioms[:i] + j.axioms[i + 1:]
        assert not owlrl_entails(rest, triple), f"not minimal: entailed without {a.label}"


@pytest.fixture(scope="module")
def kg():
    return build(linked=False, cache=False)


@pytest.fixture(scope="module")
def article_text():
    return files("csto_kg.graph.facts").joinpath("article.txt").read_text(encoding="utf-8")


def assert_facts_quoted(j, article_text):
    facts = [a for a in j.axioms if a.kind in ("stated", "implied")]
    assert facts, "an article verdict rests on some fact of the article"
    for a in facts:
        if a.fact is not None:
            assert a.fact_id and a.quote, a
            assert " ".join(a.quote.split()) in " ".join(article_text.split()), a.quote


def test_azerbaijan_ineligible_for_observer(kg, article_text):
    triple = (KG.Azerbaijan, CSTO.ineligibleFor, CSTO.ObserverStatus)
    j = justify(kg, triple)
    assert j.seconds < 15, f"{j.seconds:.1f} s"
    assert_minimal_and_sufficient(j, triple)
    assert_facts_quoted(j, article_text)
    assert any(a.kind == "ontology" for a in j.axioms)
    assert j.label == "Azerbaijan 'ineligible for' observer"
    print(f"{j.seconds:.2f} s, {j.checks} checks, module {j.module_size} units, {len(j.axioms)} axioms")


def test_azerbaijan_fails_no_conflict_requirement(kg, article_text):
    triple = (KG.Azerbaijan, CSTO.fails, CSTO.NoConflictRequirement)
    j = justify(kg, ("kg:Azerbaijan", "csto:fails", "csto:NoConflictRequirement"))
    assert j.seconds < 15, f"{j.seconds:.1f} s"
    assert_minimal_and_sufficient(j, triple)
    assert_facts_quoted(j, article_text)
    conflict = [a for a in j.axioms if a.kind != "ontology" and "hasConflictOnTerritory" in a.ntriples]
    assert conflict and conflict[0].fact_id and conflict[0].quote


def test_class_membership(kg, article_text):
    triple = (KG.Azerbaijan, RDF.type, CSTO.IneligibleForObserverStatus)
    j = justify(kg, triple)
    assert_minimal_and_sufficient(j, triple)
    assert_facts_quoted(j, article_text)


@pytest.fixture(scope="module")
def hypothetical(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "utopia.ttl"
    path.write_text(CANDIDATE)
    return build([path], linked=False, cache=False), path


def test_hypothetical_eligibility(hypothetical):
    kg, _ = hypothetical
    triple = (UTOPIA, CSTO.eligibleFor, CSTO.ObserverStatus)
    j = justify(kg, triple)
    assert_minimal_and_sufficient(j, triple)
    user = [a for a in j.axioms if a.kind == "user"]
    # every requirement rests on the user's facts: 2 + 6 + 6 + 2 flags + UN + not CSTO, and
    # seeking the status, which makes Utopia a candidate
    assert len(user) == 18, [a.label for a in user]
    assert any("seeks" in a.label for a in user)
    assert all(a.fact is None for a in user)  # the user's own data has no article quote
    json.dumps(j.to_dict())
    print(f"{j.seconds:.2f} s, {j.checks} checks, {len(j.axioms)} axioms")


def test_justify_from_build_inputs_without_a_build(hypothetical):
    _, path = hypothetical
    sources = builtin_sources()
    sources.user = [Path(path)]
    triple = (UTOPIA, CSTO.meets, CSTO.NoConflictRequirement)
    j = justify(sources, triple)
    assert_minimal_and_sufficient(j, triple)
    assert {a.kind for a in j.axioms} == {"user", "ontology"}


def test_not_entailed_is_an_error(kg):
    with pytest.raises(NotEntailedError):
        justify(kg, ("kg:Azerbaijan", "csto:eligibleFor", "csto:ObserverStatus"))


def test_justification_is_plain_data(kg):
    j = justify(kg, (KG.Azerbaijan, CSTO.fails, CSTO.NoConflictRequirement))
    data = json.loads(json.dumps(j.to_dict()))
    assert data["triple"][1] == f"<{CSTO.fails}>"
    for a in data["axioms"]:
        assert {"kind", "label", "turtle", "ntriples", "fact", "fact_id", "quote", "source"} <= set(a)
        assert a["turtle"] and a["ntriples"]


def test_the_oracle_reaches_the_builds_verdicts_from_the_units(kg, hypothetical):
    """The units, put back together, entail every verdict the build has, and no other."""
    for graph in (kg, hypothetical[0]):
        from csto_kg.graph.bridge import to_rdflib
        from csto_kg.graph.explanation.justify import _GRAPHS, _reasoned_quads

        units = [u for kind, iri in _GRAPHS.items()
                 for u in units_of(to_rdflib(_reasoned_quads(graph, iri)), kind)]
        verdicts = graph.query("""SELECT ?s ?p ?o WHERE { GRAPH <https://w3id.org/csto-kg/graph/inferred> {
            ?s ?p ?o FILTER(?p IN (csto:meets, csto:fails, csto:eligibleFor, csto:ineligibleFor)) } }""")
        triples = [tuple(URIRef(r[v].value) for v in ("s", "p", "o")) for r in verdicts]
        assert triples
        for t in triples:
            assert Oracle(t)(units), t
        assert not Oracle((KG.Azerbaijan, CSTO.eligibleFor, CSTO.ObserverStatus))(units)


def test_the_justification_names_the_rules_that_link_its_members(kg):
    from rule_index import TRIGGERS

    j = justify(kg, (KG.Azerbaijan, CSTO.fails, CSTO.NoConflictRequirement))
    named = {rule for step in j.rules for rule in step.split("/")}
    assert named and named <= set(TRIGGERS), j.rules
    # the conflict is in the property's range, then "has conflict some conflict" is a subclass of "fails value R"
    assert j.rules.index("prp-rng") < j.rules.index("cls-svf1") < j.rules.index("cls-hv1")
