"""The graph says what the article says: verdicts only for candidates, evidence about the state
explained, statuses it holds, and what the article leaves implied shown as implied."""

from importlib.resources import files

import pytest

from csto_kg.graph import explain
from csto_kg.graph.namespaces import KG

VERDICTS = "SELECT DISTINCT ?s WHERE { { ?s csto:eligibleFor ?status } UNION { ?s csto:ineligibleFor ?status } }"
@pytest.fixture(scope="module")
def article_text():
    return files("csto_kg.graph.facts").joinpath("article.txt").read_text(encoding="utf-8")


MEMBERS = ("Armenia", "Belarus", "Kazakhstan", "Kyrgyzstan", "Russia", "Tajikistan")


def test_only_the_candidate_gets_a_verdict_without_filtering_on_candidate(kg):
    # the member states are listed as members (F19–F25); only Azerbaijan seeks a status (F30)
    assert {row["s"].value for row in kg.query(VERDICTS)} == {KG + "Azerbaijan"}


def test_without_the_implied_facts_nobody_gets_a_verdict(kg_stated_only):
    assert list(kg_stated_only.query(VERDICTS)) == []


def test_a_member_state_is_no_candidate_and_holds_member_status(kg):
    for member in MEMBERS:
        for status in ("observer", "partner"):
            verdict = explain(kg, member, status)
            assert verdict["candidate"] is False and verdict["eligible"] is None, member
            assert [h["status"] for h in verdict["holds"]] == ["member"], member


def test_evidence_is_about_the_state_explained(kg):
    verdict = explain(kg, "Armenia", "observer")
    evidence = [e for r in verdict["requirements"] for e in r["evidence"]]
    assert evidence and all(e["triple"][0] == KG + "Armenia" for e in evidence)
    assert not any("Azerbaijan" in e["text"] for e in evidence)


def test_serbia_holds_observer_status_already_as_the_article_says(kg):
    # "while Afghanistan and Serbia have an observer status in the organization"
    for state, fact in (("Serbia", "F27"), ("Afghanistan", "F26")):
        verdict = explain(kg, state, "observer")
        assert verdict["holds"] == [{"status": "observer", "iri": verdict["holds"][0]["iri"], "fact": fact}]
        assert verdict["candidate"] is False and verdict["eligible"] is None


def test_the_ratification_is_stated_to_be_under_way(kg):
    # "CSTO countries are now undergoing the appropriate procedures to ratify the document"
    ask = f"ASK {{ GRAPH <https://w3id.org/csto-kg/graph/asserted> {{ <{KG}StatusRatification> csto:underWay true }} }}"
    assert kg.query(ask)


def test_an_implied_date_shows_as_implied_in_explain(kg):
    verdict = explain(kg, "Azerbaijan", "observer")
    stated = {s["fact"]: s for r in verdict["requirements"] for s in r["stated_by"]}
    assert stated["F73"]["date"] == "2019-07-04" and stated["F73"]["date_fact"] == "I10"  # "Semerikov also added"
    assert stated["F69"]["date_fact"] is not None and stated["F69"]["date_fact"].startswith("F")


def test_each_status_states_its_requirements_once_and_the_definition_agrees(kg):
    # requirementOf on each requirement, and the EligibleFor* intersection: the same set
    for status in ("ObserverStatus", "PartnerStatus"):
        listed = {row["r"].value for row in kg.query(f"SELECT ?r WHERE {{ ?r csto:requirementOf csto:{status} }}")}
        defined = {row["r"].value for row in kg.query(f"""
            SELECT ?r WHERE {{ csto:EligibleFor{status} owl:equivalentClass/owl:intersectionOf/rdf:rest*/rdf:first ?m .
                               ?m owl:onProperty csto:meets ; owl:hasValue ?r }}""")}
        assert listed and listed == defined, status
    ontology = "ASK { GRAPH <https://w3id.org/csto-kg/graph/ontology> { ?r csto:requirementOf ?status } }"
    assert not kg.query(ontology), "the facts state the requirement lists; the ontology does not repeat them"


def test_the_implied_non_membership_requirement_is_unused_without_the_implied_facts(kg, kg_stated_only):
    # the article never states that a candidate must not be a member (I17)
    verdict = explain(kg, "Azerbaijan", "observer")
    (non_member,) = [r for r in verdict["requirements"] if r["id"].endswith("NonMembershipRequirement")]
    assert [(s["fact"], s["kind"]) for s in non_member["stated_by"]] == [("I17", "implied")]
    ids = {r["id"] for r in explain(kg_stated_only, "Azerbaijan", "observer")["requirements"]}
    assert ids and not any(i.endswith("NonMembershipRequirement") for i in ids)
    defined = kg_stated_only.query("""ASK { csto:EligibleForObserverStatus owl:equivalentClass/owl:intersectionOf/
        rdf:rest*/rdf:first/owl:hasValue csto:NonMembershipRequirement }""")
    assert not defined


def test_requirement_labels_are_the_articles_words(kg, article_text):
    article = " ".join(article_text.replace("’", "'").split())
    rows = kg.query("SELECT ?r ?label ?alt WHERE { ?r a csto:Requirement ; rdfs:label ?label . "
                    "OPTIONAL { ?r skos:altLabel ?alt } }")
    labels = {row["r"].value.rsplit("#")[-1]: (row["label"].value, row["alt"]) for row in rows}
    for name, (label, alt) in labels.items():
        if name == "NonMembershipRequirement":
            continue  # the article never states it (implied by the whole article)
        assert label in article, name
        assert alt is not None, f"{name} keeps its paraphrase as skos:altLabel"


def test_every_statement_and_event_has_an_english_label(kg):
    unlabelled = kg.query("""SELECT DISTINCT ?x WHERE { { ?x a csto:Statement } UNION { ?x a csto:Event }
        FILTER NOT EXISTS { ?x rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), "en")) } }""")
    assert [row["x"].value for row in unlabelled] == []


# -- every claim is data a query can select ------------------------------------------------

def claims(kg, speaker):
    from csto_kg.queries import get
    rows = kg.query(get("claims").text)
    return {(r["subject"].value.rsplit("/", 1)[-1].rsplit("#", 1)[-1], r["relation"].value.rsplit("#", 1)[-1],
             r["object"].value.rsplit("/", 1)[-1].rsplit("#", 1)[-1], r["factId"].value)
            for r in rows if r["speaker"].value == speaker}


def test_borisov_welcomes_the_former_republics_not_the_ussr(kg):
    # "The CSTO will always welcome cooperation with all the former republics of the USSR."
    assert ("CSTO", "welcomesCooperationWith", "FormerSovietRepublics", "F41") in claims(kg, "Yuri Borisov")
    about = {r["o"].value for r in kg.query("SELECT ?o WHERE { kg:BorisovOnFormerRepublics csto:about ?o }")}
    assert KG + "SovietUnion" not in about and KG + "FormerSovietRepublics" in about
    label = kg.query('ASK { kg:FormerSovietRepublics rdfs:label "all the former republics of the USSR"@en }')
    assert label
    # a state the graph counts among the former republics is in the group Borisov welcomes
    assert kg.query("ASK { kg:Azerbaijan csto:inGroup kg:FormerSovietRepublics }")  # I06, implied


def test_the_balanced_policy_is_with_all_csto_countries_and_azerbaijan(kg):
    # "a very balanced and thoughtful policy regarding military-technical cooperation with all
    # CSTO countries and Azerbaijan, in particular"
    found = {o for s, p, o, f in claims(kg, "Yuri Borisov") if p == "balancedMilitaryTechnicalPolicyWith"}
    assert found == {"CSTOMemberStates", "Azerbaijan"}
    rows = kg.query("SELECT ?s WHERE { ?s csto:inGroup kg:CSTOMemberStates }")
    group = {r["s"].value.rsplit("/", 1)[-1] for r in rows}
    assert group == set(MEMBERS)


def test_the_veto_rule_is_data_with_its_words(kg_stated_only):
    # "If one of the member states is against the decision, it will not be adopted."
    assert ("Consensus", "vetoHeldByEachOf", "CSTOMemberStates", "F50") in claims(kg_stated_only, "Valery Semerikov")
    rows = kg_stated_only.query("""SELECT ?state WHERE { kg:CSTO csto:decidesBy ?rule .
        ?rule csto:vetoHeldByEachOf ?group . ?state csto:inGroup ?group }""")
    assert {r["state"].value.rsplit("/", 1)[-1] for r in rows} == set(MEMBERS)


def test_huseynlis_benefits_are_benefits_and_his_conflict_claim_is_apart(kg, article_text):
    rows = kg.query("""SELECT ?label WHERE { ?st prov:wasAttributedTo kg:AliHuseynli ; csto:claimsOutcome ?b .
        ?b a csto:EconomicBenefit ; rdfs:label ?label ; csto:outcomeFor kg:Azerbaijan }""")
    labels = {r["label"].value for r in rows}
    assert labels == {"preferential prices for the purchase of arms of the member countries of this organisation",
                      "training of military specialists in the leading specialised educational institutions "
                      "of the CSTO partners"}
    assert all(label in article_text for label in labels)
    conflict = kg.query("""SELECT ?o WHERE { kg:HuseynliOnConflictResolution csto:claimsOutcome ?o .
        ?o csto:affectsConflict kg:NagornoKarabakhConflict FILTER NOT EXISTS { ?o a csto:EconomicBenefit } }""")
    assert len(list(conflict)) == 1


def test_the_statuses_defining_feature_is_data(kg):
    # partner: "undertakes commitments to participate in practical activities of the CSTO";
    # observer: "without undertaking commitments to participate in practical activities"
    rows = kg.query("SELECT ?s ?v WHERE { ?s csto:entailsPracticalCommitments ?v }")
    assert {r["s"].value.rsplit("#", 1)[-1]: r["v"].value for r in rows} == {
        "PartnerStatus": "true", "ObserverStatus": "false"}


def test_committees_and_friendship_groups_are_units_not_formal_organizations(kg):
    for body in ("AzerbaijaniLegalCommittee", "AzerbaijanRussiaFriendshipGroup", "ArmenianMFA"):
        assert kg.query(f"ASK {{ kg:{body} a org:OrganizationalUnit }}"), body
        assert not kg.query(f"ASK {{ kg:{body} a org:FormalOrganization }}"), body
    assert kg.query("ASK { kg:AzerbaijaniLegalCommittee org:unitOf kg:Azerbaijan }")  # bodyOf ⊑ unitOf
    assert kg.query("ASK { kg:CSTO a org:FormalOrganization }")


def test_the_restrictions_are_registered_in_the_normative_documents(kg):
    # "there are certain restrictions registered in the normative documents"
    rows = kg.query("SELECT ?s WHERE { kg:CSTONormativeDocuments csto:registersRestrictionsOn ?s }")
    assert {r["s"].value.rsplit("#", 1)[-1] for r in rows} == {"ObserverStatus", "PartnerStatus"}
    assert (("CSTONormativeDocuments", "registersRestrictionsOn", "ObserverStatus", "F52")
            in claims(kg, "Valery Semerikov"))
