"""Each named query answers its question as the article does, read from the query's own results."""

import re
from importlib.resources import files
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.plugins.sparql import prepareQuery

from csto_kg.queries import all_queries, get

ARTICLE = files("csto_kg.graph.facts").joinpath("article.txt").read_text(encoding="utf-8")
MEMBERS = {"Armenia", "Belarus", "Kazakhstan", "Kyrgyzstan", "Russia", "Tajikistan"}
KG = "https://w3id.org/csto-kg/id/"
CSTO = "https://w3id.org/csto-kg/ontology#"
REQUIRED = [
    "member_states", "observers", "partners", "candidates_and_verdicts", "requirements_by_status",
    "statements_by_person", "timeline", "who_can_block", "consent_necessary", "partner_vs_observer",
    "nagorno_karabakh", "fact_provenance", "asserted_vs_inferred", "requirement_results", "claims",
]


def local(value):
    return value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def run(kg, name, **bindings):
    """The named query's solutions as dicts: IRIs by local name, literals by lexical form."""
    query = get(name)
    assert query is not None, f"no query {name}"
    subs = {k: ox.NamedNode(v) for k, v in bindings.items()}
    solutions = kg.query(query.text, substitutions=subs or None)
    names = [v.value for v in solutions.variables]
    rows = []
    for s in solutions:
        row = {}
        for n in names:
            t = s[n]
            row[n] = None if t is None else local(t.value) if isinstance(t, ox.NamedNode) else t.value
        rows.append(row)
    return rows


def column(rows, name):
    return [r[name] for r in rows]


# -- the queries themselves ----------------------------------------------------------------

def test_at_least_fifteen_queries_including_the_required_ones():
    names = {q.name for q in all_queries()}
    assert len(names) >= 15
    assert set(REQUIRED) <= names


@pytest.mark.parametrize("query", all_queries(), ids=lambda q: q.name)
def test_query_has_a_header_and_declares_its_prefixes(query):
    assert query.title and query.title != query.name
    assert query.description
    assert query.name == query.name.lower() and " " not in query.name
    prepareQuery(query.text)  # no initNs: undeclared prefixes fail here


@pytest.mark.parametrize("query", all_queries(), ids=lambda q: q.name)
def test_query_runs_with_and_without_implied_facts(kg, kg_stated_only, query):
    for graph in (kg, kg_stated_only):
        list(graph.query(query.text))


def test_every_query_has_its_rows_checked_here():
    """Running is not answering: each named query's rows are held against what its file says
    it answers, by a test below that runs it by name."""
    checked = set(re.findall(r'\brun\(kg\w*, "(\w+)"', Path(__file__).read_text(encoding="utf-8")))
    assert {q.name for q in all_queries()} - checked == set()


# -- membership and statuses ---------------------------------------------------------------

def test_member_states_are_the_six(kg):
    rows = run(kg, "member_states")
    assert set(column(rows, "state")) == MEMBERS
    assert len(rows) == 6
    assert {int(r["listSize"]) for r in rows} == {6}
    # the article lists them in F19–F24, one fact each
    assert {r["state"]: r["facts"] for r in rows} == dict(zip(sorted(MEMBERS), [f"F{n}" for n in range(19, 25)],
                                                              strict=True))


def test_observers_are_afghanistan_and_serbia(kg):
    rows = run(kg, "observers")
    assert sorted(column(rows, "label")) == ["Afghanistan", "Serbia"]
    assert {int(r["listSize"]) for r in rows} == {2}
    assert all(r["quote"] in ARTICLE for r in rows)


def test_partners_are_none(kg):
    assert run(kg, "partners") == []


def test_status_lists_say_none_for_partners(kg):
    rows = {r["list"]: r for r in run(kg, "status_lists")}
    assert int(rows["PartnerList"]["listSize"]) == 0 and rows["PartnerList"]["members"] in (None, "")
    assert int(rows["MemberList"]["listSize"]) == 6
    assert set(rows["MemberList"]["members"].split(", ")) == MEMBERS
    assert rows["MemberList"]["exhaustive"] == "true"
    assert int(rows["ObserverList"]["listSize"]) == 2
    assert rows["ObserverList"]["exhaustive"] == "true"
    assert set(rows["ObserverList"]["members"].split(", ")) == {"Afghanistan", "Serbia"}
    assert rows["RequirementList"]["exhaustive"] == "false"


# -- verdicts ------------------------------------------------------------------------------

def verdicts(rows):
    return {(r["agent"], r["statusLabel"]): r for r in rows}


def test_candidates_and_verdicts(kg):
    v = verdicts(run(kg, "candidates_and_verdicts"))
    assert {a for a, _ in v} == {"Azerbaijan", "Afghanistan", "Serbia"}
    assert v["Azerbaijan", "observer"]["verdict"] == "ineligible"
    assert v["Azerbaijan", "partner"]["verdict"] == "ineligible"
    assert v["Azerbaijan", "observer"]["seeks"] == "true"
    for state in ("Afghanistan", "Serbia"):
        for status in ("observer", "partner"):
            assert v[state, status]["verdict"] == "no verdict"  # the pages' words (issue 25)
        assert v[state, "observer"]["holds"] == "observer"
    observer_failed = set(v["Azerbaijan", "observer"]["failed"].split(", "))
    assert observer_failed == {"should not have conflicts on their territories",
                               "must have diplomatic relations with all the member states of the CSTO",
                               "adopted by consensus"}
    partner_failed = set(v["Azerbaijan", "partner"]["failed"].split(", "))
    assert partner_failed == {"should not have conflicts on their territories", "adopted by consensus"}


def test_candidates_and_verdicts_without_implied_facts(kg_stated_only):
    v = verdicts(run(kg_stated_only, "candidates_and_verdicts"))
    assert {r["verdict"] for r in v.values()} == {"no verdict"}
    assert ("Azerbaijan", "observer") in v and ("Azerbaijan", "partner") in v


def results(rows, state):
    return {r["requirement"]: r["result"] for r in rows if r["state"] == state}


def test_requirement_results(kg):
    rows = run(kg, "requirement_results")
    az = results(rows, "Azerbaijan")
    assert az["UNMembershipRequirement"] == "unknown"
    assert az["NoConflictRequirement"] == "failed"
    assert az["DiplomaticRelationsRequirement"] == "failed"
    assert az["ConsensusRequirement"] == "failed"
    assert az["NonMembershipRequirement"] == "met"
    assert az["StateOrOrganizationRequirement"] == "met"
    assert set(az) == set(column(run(kg, "requirements_by_status"), "requirement"))
    assert len(az) == 10
    for state in ("Afghanistan", "Serbia"):
        r = results(rows, state)
        assert "failed" not in r.values()
        # named, and outside the exhaustive member list (I23-<state>): not a member state
        assert {k for k, x in r.items() if x == "met"} == {"StateOrOrganizationRequirement",
                                                          "NonMembershipRequirement"}
    for member in MEMBERS:
        assert results(rows, member)["NonMembershipRequirement"] == "failed"
    applies = {r["requirement"]: set(r["appliesTo"].split(", ")) for r in rows}
    assert applies["DiplomaticRelationsRequirement"] == {"observer"}
    assert applies["UNMembershipRequirement"] == {"observer", "partner"}


def test_requirement_results_without_implied_facts(kg_stated_only):
    az = results(run(kg_stated_only, "requirement_results"), "Azerbaijan")
    assert "failed" not in az.values()
    assert az["UNMembershipRequirement"] == "unknown"


# -- requirements and who stated them ------------------------------------------------------

def test_requirements_by_status(kg):
    rows = run(kg, "requirements_by_status")
    stated = {}
    for r in rows:
        stated.setdefault((r["statusLabel"], r["requirement"]), set()).add((r["statedBy"], r["date"]))
    assert ("partner", "DiplomaticRelationsRequirement") not in stated
    # the MFA's briefing has no day in the article; September 2019 is implied (I16)
    assert stated["observer", "DiplomaticRelationsRequirement"] == {("Anna Naghdalyan", "2019-09")}
    for status in ("observer", "partner"):
        assert stated[status, "UNMembershipRequirement"] == {("Valery Semerikov", "2019-07-04")}
        assert stated[status, "NoConflictRequirement"] == {("Valery Semerikov", "2019-07-04")}
        assert {who for who, _ in stated[status, "ConsensusRequirement"]} == {"Valery Semerikov", "Anna Naghdalyan"}
        assert stated[status, "NonMembershipRequirement"] == {(None, None)}
    # what the article makes each: the 4 July definitions apart from the list for candidates
    kinds = {}
    for r in rows:
        kinds.setdefault((r["statusLabel"], r["kind"]), set()).add(r["requirement"])
    assert kinds["observer", "requirement stated for candidates"] == {
        "UNMembershipRequirement", "NoConflictRequirement", "DiplomaticRelationsRequirement",
        "NonMembershipRequirement"}
    assert kinds["partner", "requirement stated for candidates"] == {
        "UNMembershipRequirement", "NoConflictRequirement", "NonMembershipRequirement"}
    assert kinds["partner", "defining condition"] == {
        "StateOrOrganizationRequirement", "SharedGoalsRequirement", "CooperationWishRequirement",
        "PracticalCommitmentRequirement"}
    assert kinds["observer", "decision condition"] == kinds["partner", "decision condition"] == {"ConsensusRequirement"}
    assert stated["partner", "SharedGoalsRequirement"] == {("Valery Semerikov", "2019-07-04")}
    assert stated["observer", "StudyInterestRequirement"] == {("Valery Semerikov", "2019-07-04")}


def test_requirements_date_comes_only_with_the_implied_facts(kg_stated_only):
    rows = run(kg_stated_only, "requirements_by_status")
    un = {(r["statedBy"], r["date"]) for r in rows if r["requirement"] == "UNMembershipRequirement"}
    assert un == {("Valery Semerikov", None)}


# -- statements and time -------------------------------------------------------------------

def test_statements_by_person(kg):
    rows = run(kg, "statements_by_person")
    by = {}
    for r in rows:
        by.setdefault(r["personLabel"], []).append(r)
        assert r["quote"] in ARTICLE
    assert set(by) == {"Yuri Borisov", "Valery Semerikov", "Anna Naghdalyan", "Ali Huseynli"}
    assert len(by["Yuri Borisov"]) == 7
    assert {r["date"] for r in by["Yuri Borisov"]} == {"2019-09-12"}
    assert len(by["Ali Huseynli"]) == 4
    assert {r["date"] for r in by["Ali Huseynli"]} == {"2018-08"}
    assert {r["date"] for r in by["Anna Naghdalyan"]} == {"2019-09"}  # implied (I16)
    assert "2019-07-04" in {r["date"] for r in by["Valery Semerikov"]}
    assert any("Let us derive" in r["quote"] for r in by["Valery Semerikov"])
    assert {r["evidenceKind"] for r in rows} <= {"direct quote", "reported speech", "stated"}
    persons = column(rows, "personLabel")
    assert persons == sorted(persons)


def test_timeline_is_in_order_from_august_2018(kg):
    rows = run(kg, "timeline")
    items = column(rows, "item")
    assert rows[0]["date"] == "2018-08"
    dated = [r["date"] for r in rows if r["date"]]
    assert dated[0] == "2018-08" and "2018-11" in dated and "2019-07-04" in dated
    assert dated[-3:] == ["2019-09-12", "2019-09", "2019-09"]  # month-only dates are implied (I15, I16)
    for later in ("SemerikovComment", "NaghdalyanBriefing"):
        # "Following Borisov's statement" (F33); the MFA's response after it is implied (I14)
        assert items.index(later) > items.index("BorisovComment")
        assert rows[items.index(later)]["after"] == "BorisovComment"
    assert items.index("StatusDecision") < items.index("SemerikovExplanation") < items.index("BorisovComment")
    assert items.index("HuseynliInitiative") < items.index("StatusDecision")


def test_who_can_block_is_every_member_state(kg):
    rows = run(kg, "who_can_block")
    assert set(column(rows, "state")) == MEMBERS
    assert set(column(rows, "state")) == set(column(run(kg, "member_states"), "state"))
    assert set(column(rows, "decisionRule")) == {"consensus"}


def test_who_can_block_is_stated(kg_stated_only):
    # "If one of the member states is against the decision, it will not be adopted." (F50)
    assert set(column(run(kg_stated_only, "who_can_block"), "label")) == {
        "Armenia", "Belarus", "Kazakhstan", "Kyrgyzstan", "Russia", "Tajikistan"}


def test_consent_necessary_is_armenias(kg):
    rows = run(kg, "consent_necessary")
    assert set(column(rows, "state")) == {"Armenia"}
    assert set(column(rows, "candidate")) == {"Azerbaijan"}
    assert set(column(rows, "factId")) == {"F53", "F58"}
    assert all(r["quote"] in ARTICLE for r in rows)
    assert set(column(rows, "speaker")) == {"Valery Semerikov", "Anna Naghdalyan"}


def test_partner_vs_observer(kg):
    rows = {r["label"]: r for r in run(kg, "partner_vs_observer")}
    assert set(rows) == {"partner", "observer"}
    assert rows["partner"]["practicalCommitments"] == "true"
    assert rows["observer"]["practicalCommitments"] == "false"
    for r in rows.values():
        assert r["quote"] in ARTICLE
        assert r["definedBy"] == "Valery Semerikov" and r["date"] == "2019-07-04"
        assert r["definition"]
    relations = "must have diplomatic relations with all the member states of the CSTO"
    assert relations in rows["observer"]["requirements"]
    assert relations not in rows["partner"]["requirements"]
    assert ("undertakes commitments to participate in practical activities of the CSTO"
            in rows["partner"]["requirements"])


def test_nagorno_karabakh(kg):
    rows = run(kg, "nagorno_karabakh")
    facts = set(column(rows, "factId"))
    assert {"F09", "F46", "F47", "F64", "I03"} <= facts
    assert {"Yuri Borisov", "Ali Huseynli"} <= set(column(rows, "speaker"))
    assert {r["kind"] for r in rows if r["factId"] == "I03"} == {"implied"}
    assert {r["kind"] for r in rows if r["factId"] == "F46"} == {"stated"}
    conflict_on = [r for r in rows if r["predicate"] == "hasConflictOnTerritory"]
    assert [(r["subject"], r["graph"]) for r in conflict_on] == [("Azerbaijan", "implied")]
    assert all(r["quote"] in ARTICLE for r in rows if r["quote"])


def test_nagorno_karabakh_without_implied_facts(kg_stated_only):
    rows = run(kg_stated_only, "nagorno_karabakh")
    assert "I03" not in column(rows, "factId")
    assert "F46" in column(rows, "factId")


IMPLIED_IDS = ({f"I{n:02d}" for n in range(1, 23)} - {"I05", "I13"}  # retired: they follow from stated facts
               | {"I23-Afghanistan", "I23-Serbia"})  # from the exhaustive member list


def test_fact_provenance_covers_every_fact(kg):
    rows = run(kg, "fact_provenance")
    ids = set(column(rows, "factId"))
    assert ids == {f"F{n:02d}" for n in range(1, 76)} | IMPLIED_IDS
    assert all(r["quote"] in ARTICLE for r in rows)


def test_fact_provenance_of_one_triple(kg):
    rows = run(kg, "fact_provenance", subject=KG + "Azerbaijan", predicate=CSTO + "hasConflictOnTerritory")
    assert len(rows) == 1
    r = rows[0]
    assert ((r["object"], r["factId"], r["evidenceKind"], r["graph"])
            == ("NagornoKarabakhConflict", "I03", "implied", "implied"))
    assert r["reason"]
    rows = run(kg, "fact_provenance", subject=KG + "Russia", predicate=CSTO + "wantsToHelpEnd")
    assert [(r["factId"], r["evidenceKind"], r["speaker"], r["date"], r["source"]) for r in rows] == [
        ("F47", "reported speech", "Yuri Borisov", "2019-09-12", "BorisovComment")]


def test_asserted_vs_inferred(kg):
    rows = run(kg, "asserted_vs_inferred")
    origin = {}
    for r in rows:
        origin.setdefault((r["state"], r["predicate"], r["object"]), set()).add(r["origin"])
    assert origin["Afghanistan", "hasStatus", "ObserverStatus"] == {"stated"}
    assert origin["Armenia", "memberOf", "CSTO"] >= {"stated"}
    assert origin["Azerbaijan", "isoAlpha2", "AZ"] == {"curated"}  # the article has no ISO codes
    assert origin["Serbia", "notMemberOf", "CSTO"] == {"implied"}
    assert origin["Azerbaijan", "hasConflictOnTerritory", "NagornoKarabakhConflict"] == {"implied"}
    assert origin["Azerbaijan", "ineligibleFor", "ObserverStatus"] == {"inferred"}
    assert origin["Armenia", "type", "MemberState"] == {"inferred"}
    assert not any(p in ("eligibleFor", "ineligibleFor", "meets", "fails") and "stated" in o
                   for (_, p, _), o in origin.items())


def test_people_and_positions(kg):
    rows = run(kg, "people_and_positions")
    held = {(r["personLabel"], r["positionLabel"], r["postIn"]) for r in rows}
    assert ("Yuri Borisov", "Deputy Prime Minister of Russia", "Russia") in held
    assert ("Valery Semerikov", "CSTO Secretary", "CSTO") in held
    assert ("Anna Naghdalyan", "spokesperson of the Armenian MFA", "ArmenianMFA") in held
    assert {p for p, _, _ in held} == {"Yuri Borisov", "Valery Semerikov", "Anna Naghdalyan", "Ali Huseynli"}
    assert sum(1 for p, _, _ in held if p == "Ali Huseynli") == 2
    behalf = {r["personLabel"]: r["onBehalfOf"] for r in rows}
    assert set(behalf["Anna Naghdalyan"].split(", ")) == {"Armenia", "Ministry of Foreign Affairs of Armenia"}


def test_implied_facts(kg, kg_stated_only):
    rows = run(kg, "implied_facts")
    assert set(column(rows, "factId")) == IMPLIED_IDS
    assert all(r["reason"] and r["quote"] in ARTICLE for r in rows)
    assert run(kg_stated_only, "implied_facts") == []


def test_status_decision(kg, kg_stated_only):
    rows = run(kg, "status_decision")
    assert len(rows) == 1
    r = rows[0]
    assert (r["date"], r["adoptedBy"], r["document"], r["ratification"], r["inForce"]) == (
        "2018-11", "CSTO Collective Security Council", "StatusDocument", "StatusRatification", "false")
    assert run(kg_stated_only, "status_decision")[0]["inForce"] is None


def test_facts_by_evidence_kind(kg):
    rows = run(kg, "facts_by_evidence_kind")
    count = {(r["graph"], r["evidenceKind"]): int(r["facts"]) for r in rows}
    assert sum(n for (g, _), n in count.items() if g == "asserted") == 75
    # each kind counts the facts fact_provenance gives that kind
    kinds = {}
    for r in run(kg, "fact_provenance"):
        kinds.setdefault((r["graph"], r["evidenceKind"]), set()).add(r["factId"])
    assert count == {kind: len(ids) for kind, ids in kinds.items()}
    assert {kind for g, kind in count if g == "asserted"} == {"stated", "direct quote", "reported speech"}
    assert count == {**{k: v for k, v in count.items() if k[0] == "asserted"}, ("implied", "implied"): len(IMPLIED_IDS)}


def test_why_requirements_fail(kg, kg_stated_only):
    rows = run(kg, "why_requirements_fail")
    az = {r["requirement"]: (r["property"], r["object"], r["factId"], r["evidenceKind"])
          for r in rows if r["agent"] == "Azerbaijan"}
    assert az == {
        "NoConflictRequirement": ("hasConflictOnTerritory", "NagornoKarabakhConflict", "I03", "implied"),
        "DiplomaticRelationsRequirement": ("lacksDiplomaticRelationsWith", "Armenia", "I02", "implied"),
        "ConsensusRequirement": ("consentWithheldBy", "Armenia", "I04", "implied"),
    }
    assert all(r["quote"] in ARTICLE for r in rows)
    members = {r["agent"] for r in rows if r["requirement"] == "NonMembershipRequirement"}
    assert members == MEMBERS
    stated_only = run(kg_stated_only, "why_requirements_fail")
    assert {r["agent"] for r in stated_only} == MEMBERS
    assert {r["evidenceKind"] for r in stated_only} == {"stated"}


def test_claims_are_the_speakers_own(kg):
    rows = run(kg, "claims")
    said = {(r["speaker"], r["subject"], r["relation"], r["object"], r["factId"]) for r in rows}
    assert {
        ("Yuri Borisov", "CSTO", "welcomesCooperationWith", "FormerSovietRepublics", "F41"),
        ("Yuri Borisov", "Russia", "balancedMilitaryTechnicalPolicyWith", "Azerbaijan", "F45"),
        ("Yuri Borisov", "Russia", "balancedMilitaryTechnicalPolicyWith", "CSTOMemberStates", "F45"),
        ("Valery Semerikov", "Consensus", "vetoHeldByEachOf", "CSTOMemberStates", "F50"),
        ("Ali Huseynli", "PreferentialArmsPrices", "outcomeFor", "Azerbaijan", "F62"),
        ("Ali Huseynli", "ConflictResolutionEffect", "affectsConflict", "NagornoKarabakhConflict", "F64"),
    } <= said
    # the welcome is to the former republics, never to the USSR itself; the conflict claim is apart
    assert not [r for r in rows if r["object"] == "USSR"]
    assert {r["factId"] for r in rows if r["relation"] == "affectsConflict"} == {"F64"}
    assert all(r["quote"] in ARTICLE for r in rows)


def test_a_query_selects_facts_by_kind(kg, kg_stated_only):
    assert {r["kind"] for r in run(kg, "facts_by_provenance")} == {"stated", "implied", "curated"}
    implied = run(kg, "facts_by_provenance", provenance=CSTO + "Implied")
    assert {r["kind"] for r in implied} == {"implied"}
    assert {r["factId"] for r in implied} == IMPLIED_IDS
    assert all(r["reason"] for r in implied)
    curated = run(kg, "facts_by_provenance", provenance=CSTO + "Curated")
    assert {r["kind"] for r in curated} == {"curated"} and not any(r["factId"] for r in curated)
    assert ("Azerbaijan", "exactMatch", "Q227") in {(r["subject"], r["predicate"], r["object"]) for r in curated}
    stated = run(kg, "facts_by_provenance", provenance=CSTO + "Stated")
    # the occasions (who spoke, when) are described beside the facts, without a number of their own
    assert {r["factId"] for r in stated} - {None} == {f"F{n:02d}" for n in range(1, 76)}
    assert run(kg_stated_only, "facts_by_provenance", provenance=CSTO + "Implied") == []
