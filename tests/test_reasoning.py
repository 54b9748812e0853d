"""The verdicts the article supports, entailed by the ontology's axioms (issue 2, item 3)."""

from pathlib import Path

import pytest

from csto_kg.graph import build, explain
from csto_kg.graph.errors import InconsistencyError

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def results(verdict):
    return {r["id"].rsplit("#", 1)[1]: r["result"] for r in verdict["requirements"]}


def test_azerbaijan_is_ineligible_for_observer_status(kg):
    v = explain(kg, "Azerbaijan", "observer")
    assert v["eligible"] is False
    r = results(v)
    assert r["NoConflictRequirement"] == "failed"
    assert r["DiplomaticRelationsRequirement"] == "failed"
    assert r["ConsensusRequirement"] == "failed"


def test_azerbaijan_is_ineligible_for_partner_status(kg):
    v = explain(kg, "Azerbaijan", "partner")
    assert v["eligible"] is False
    r = results(v)
    assert r["NoConflictRequirement"] == "failed"
    assert r["ConsensusRequirement"] == "failed"
    assert "DiplomaticRelationsRequirement" not in r  # the article states it for observers only


@pytest.mark.parametrize("status", ["observer", "partner"])
def test_un_membership_is_unknown_not_failed(kg, status):
    assert results(explain(kg, "Azerbaijan", status))["UNMembershipRequirement"] == "unknown"


@pytest.mark.parametrize("status", ["observer", "partner"])
def test_without_implied_facts_there_is_no_verdict_on_azerbaijan(kg_stated_only, status):
    v = explain(kg_stated_only, "Azerbaijan", status)
    assert v["eligible"] is None
    assert "failed" not in results(v).values()


def test_without_implied_facts_armenias_consent_is_still_required(kg_stated_only):
    rows = kg_stated_only.query("SELECT ?m WHERE { kg:Azerbaijan csto:requiresConsentOf ?m }")
    members = {row["m"].value.rsplit("/", 1)[1] for row in rows}
    assert members == {"Armenia", "Belarus", "Kazakhstan", "Kyrgyzstan", "Russia", "Tajikistan"}


@pytest.mark.parametrize("state", ["Afghanistan", "Serbia"])
@pytest.mark.parametrize("status", ["observer", "partner"])
def test_observers_get_no_verdict_either_way(kg, state, status):
    assert explain(kg, state, status)["eligible"] is None


def test_verdicts_are_entailments_in_the_inferred_graph(kg):
    ask = """ASK { GRAPH <https://w3id.org/csto-kg/graph/inferred> {
        kg:Azerbaijan csto:ineligibleFor csto:ObserverStatus ; a csto:IneligibleForObserverStatus } }"""
    assert bool(kg.query(ask))
    asserted = """ASK { GRAPH ?g { kg:Azerbaijan csto:ineligibleFor ?s }
        FILTER(?g != <https://w3id.org/csto-kg/graph/inferred>) }"""
    assert not bool(kg.query(asserted))


@pytest.mark.parametrize("status", ["observer", "partner"])
def test_a_candidate_meeting_every_requirement_is_eligible(status):
    kg = build([EXAMPLES / "ruritania.ttl"])
    v = explain(kg, "Ruritania", status)
    assert v["eligible"] is True
    assert set(results(v).values()) == {"met"}


@pytest.mark.parametrize("status", ["observer", "partner"])
def test_one_member_objecting_makes_the_candidate_ineligible(tmp_path, status):
    text = (EXAMPLES / "ruritania.ttl").read_text()
    consents = "csto:consentGivenBy kg:Armenia, kg:Belarus,"
    assert consents in text
    objection = tmp_path / "objection.ttl"
    objection.write_text(text.replace(consents, "csto:consentWithheldBy kg:Belarus ; csto:consentGivenBy kg:Armenia,"))
    kg = build([objection])
    v = explain(kg, "Ruritania", status)
    assert v["eligible"] is False
    r = results(v)
    assert r["ConsensusRequirement"] == "failed"
    assert [k for k, result in r.items() if result != "met"] == ["ConsensusRequirement"]


def test_consent_and_objection_by_the_same_member_is_an_inconsistency(tmp_path):
    objection = tmp_path / "objection.ttl"
    objection.write_text(
        "<https://example.org/Ruritania> <https://w3id.org/csto-kg/ontology#consentWithheldBy> "
        "<https://w3id.org/csto-kg/id/Belarus> .\n"
    )
    with pytest.raises(InconsistencyError) as e:
        build([EXAMPLES / "ruritania.ttl", objection])
    assert "Ruritania" in str(e.value) and "Belarus" in str(e.value)


def test_user_facts_land_in_the_user_graph(tmp_path):
    kg = build([EXAMPLES / "ruritania.ttl"])
    assert kg.counts()["user"] > 0
    assert bool(kg.query("ASK { GRAPH <https://w3id.org/csto-kg/graph/user> { ?s csto:memberOf kg:UnitedNations } }"))


def test_an_inconsistency_is_an_error_naming_the_resources(tmp_path):
    contradiction = tmp_path / "contradiction.ttl"
    contradiction.write_text(
        "@prefix csto: <https://w3id.org/csto-kg/ontology#> .\n"
        "@prefix kg: <https://w3id.org/csto-kg/id/> .\n"
        "kg:Azerbaijan csto:hasDiplomaticRelationsWith kg:Armenia .\n"
    )
    with pytest.raises(InconsistencyError) as e:
        build([contradiction])
    assert "Azerbaijan" in str(e.value) and "Armenia" in str(e.value)


def test_a_rebuild_follows_a_changed_input(tmp_path):
    data = tmp_path / "extra.ttl"
    data.write_text("<https://example.org/Ruritania> a <https://w3id.org/csto-kg/ontology#State> .\n")
    first = build([data])
    data.write_text("<https://example.org/Freedonia> a <https://w3id.org/csto-kg/ontology#State> .\n")
    second = build([data])
    assert first.key != second.key
    assert bool(second.query("ASK { <https://example.org/Freedonia> a csto:State }"))
    assert not bool(second.query("ASK { <https://example.org/Ruritania> a csto:State }"))


def test_a_second_build_on_unchanged_inputs_is_served_from_the_cache(kg):
    again = build()
    assert again.key == kg.key
    assert again.counts() == kg.counts()


def test_a_damaged_cache_file_is_rebuilt_not_trusted(kg):
    from csto_kg.graph.paths import cache_dir

    cached = cache_dir() / f"{kg.key}.nq"
    original = cached.read_bytes()
    try:
        cached.write_bytes(original[: len(original) // 2] + b"<broken")
        again = build()
        assert again.counts() == kg.counts()
    finally:
        cached.write_bytes(original)
