"""HermiT (Protégé's reasoner, via owlready2) agrees with owlrl on the exported bundle.

Each scenario is built, exported as a Protégé bundle, loaded by HermiT through the catalog
(inputs.ttl: every input, no inferences) and compared with owlrl's closure on every
named-class membership and object property assertion between named individuals. A difference
is a defect in the ontology: the test prints it.
"""

from pathlib import Path

import pytest
from hermit import owlrl_entailments, run_hermit

from csto_kg.graph.build import assemble, build
from csto_kg.graph.errors import InconsistencyError
from csto_kg.graph.load import builtin_sources
from csto_kg.graph.namespaces import CSTO, KG
from csto_kg.graph.publish.export import export_bundle
from csto_kg.graph.store import KnowledgeGraph

C = str(CSTO)
MEMBERS = ["Armenia", "Belarus", "Kazakhstan", "Kyrgyzstan", "Russia", "Tajikistan"]
EX = "https://example.org/"
VERDICT_PROPS = {C + "meets", C + "fails", C + "eligibleFor", C + "ineligibleFor"}
VERDICT_CLASSES = {C + n for n in ("EligibleForObserverStatus", "IneligibleForObserverStatus",
                                    "EligibleForPartnerStatus", "IneligibleForPartnerStatus")}


def candidate(withheld=(), also_withheld=()):
    """A user state meeting every observer requirement; withheld members withhold consent
    instead of giving it; also_withheld members do both (which is contradictory)."""
    given = [m for m in MEMBERS if m not in withheld]
    lines = [
        "@prefix csto: <https://w3id.org/csto-kg/ontology#> .",
        "@prefix kg: <https://w3id.org/csto-kg/id/> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        f"<{EX}Utopia> a csto:State ; rdfs:label \"Utopia\"@en ;",
        "  csto:seeksStatus csto:ObserverStatus ;",
        "  csto:memberOf kg:UnitedNations ; csto:notMemberOf kg:CSTO ;",
        "  csto:conflictFreeTerritory true ; csto:interestedInStudyingFramework true ;",
        "  csto:hasDiplomaticRelationsWith " + ", ".join(f"kg:{m}" for m in MEMBERS) + " ;",
        "  csto:consentGivenBy " + ", ".join(f"kg:{m}" for m in given) + " .",
    ]
    for m in list(withheld) + list(also_withheld):
        lines.append(f"<{EX}Utopia> csto:consentWithheldBy kg:{m} .")
    return "\n".join(lines) + "\n"


def verdicts(result, subject=None):
    rels = {r for r in result.relations if r[1] in VERDICT_PROPS and (subject is None or r[0] == subject)}
    types = {t for t in result.types if t[1] in VERDICT_CLASSES and (subject is None or t[0] == subject)}
    return rels, types


def short(items):
    return sorted(tuple(x.rsplit("/", 1)[-1].rsplit("#", 1)[-1] for x in t) for t in items)


def assert_agree(owlrl, hermit):
    assert hermit.consistent, hermit.message
    differences = {
        "types only owlrl": short(owlrl.types - hermit.types),
        "types only HermiT": short(hermit.types - owlrl.types),
        "relations only owlrl": short(owlrl.relations - hermit.relations),
        "relations only HermiT": short(hermit.relations - owlrl.relations),
    }
    assert not any(differences.values()), differences


def reasoned(tmp_path: Path, data_text=None, implied=True):
    data = []
    if data_text is not None:
        path = tmp_path / "candidate.ttl"
        path.write_text(data_text)
        data = [path]
    kg = build(data, implied=implied, linked=False, cache=False)
    bundle = export_bundle(kg, tmp_path / "bundle")
    return kg, bundle, owlrl_entailments(kg), run_hermit(bundle.files["inputs"])


@pytest.fixture(scope="module")
def article(tmp_path_factory):
    return reasoned(tmp_path_factory.mktemp("article"))


def test_article_graph_consistent_and_hermit_agrees_with_owlrl(article):
    kg, bundle, owlrl, hermit = article
    assert_agree(owlrl, hermit)
    print(f"HermiT: {hermit.seconds:.2f} s, {len(hermit.types)} types, {len(hermit.relations)} relations")


def test_article_verdicts_on_azerbaijan_agree(article):
    _, _, owlrl, hermit = article
    az = str(KG.Azerbaijan)
    rels, types = verdicts(hermit, az)
    assert (az, C + "ineligibleFor", C + "ObserverStatus") in rels
    assert (az, C + "fails", C + "NoConflictRequirement") in rels
    assert (az, C + "IneligibleForObserverStatus") in types
    assert verdicts(owlrl, az) == (rels, types)


def test_hermit_on_merged_file_draws_the_same_conclusions(article):
    _, bundle, owlrl, _ = article
    merged = run_hermit(bundle.files["merged"])
    assert_agree(owlrl, merged)


def test_without_implied_facts_hermit_agrees_and_azerbaijan_has_no_verdict(tmp_path):
    _, _, owlrl, hermit = reasoned(tmp_path, implied=False)
    assert_agree(owlrl, hermit)
    az = str(KG.Azerbaijan)
    rels, types = verdicts(hermit, az)
    assert not types
    assert not {r for r in rels if r[1] in (C + "eligibleFor", C + "ineligibleFor")}


def test_hypothetical_candidate_meeting_every_observer_requirement_is_eligible(tmp_path):
    _, _, owlrl, hermit = reasoned(tmp_path, candidate())
    assert_agree(owlrl, hermit)
    rels, types = verdicts(hermit, EX + "Utopia")
    assert (EX + "Utopia", C + "eligibleFor", C + "ObserverStatus") in rels
    assert (EX + "Utopia", C + "EligibleForObserverStatus") in types
    assert not {r for r in rels if r[1] in (C + "fails", C + "ineligibleFor")}
    assert verdicts(owlrl, EX + "Utopia") == (rels, types)


def test_hypothetical_candidate_with_one_member_withholding_consent_is_ineligible(tmp_path):
    _, _, owlrl, hermit = reasoned(tmp_path, candidate(withheld=["Belarus"]))
    assert_agree(owlrl, hermit)
    rels, types = verdicts(hermit, EX + "Utopia")
    assert (EX + "Utopia", C + "fails", C + "ConsensusRequirement") in rels
    assert (EX + "Utopia", C + "ineligibleFor", C + "ObserverStatus") in rels
    assert (EX + "Utopia", C + "IneligibleForObserverStatus") in types
    assert (EX + "Utopia", C + "eligibleFor", C + "ObserverStatus") not in rels
    assert verdicts(owlrl, EX + "Utopia") == (rels, types)


def test_consent_both_given_and_withheld_is_inconsistent_for_both_reasoners(tmp_path):
    data = tmp_path / "candidate.ttl"
    data.write_text(candidate(also_withheld=["Belarus"]))
    with pytest.raises(InconsistencyError):
        build([data], linked=False, cache=False)
    sources = builtin_sources()
    sources.user = [data]
    unreasoned = KnowledgeGraph.of(assemble(sources))
    bundle = export_bundle(unreasoned, tmp_path / "bundle")
    assert not run_hermit(bundle.files["inputs"]).consistent


# -- with linked open data: `csto-kg link` against a local copy of the Wikidata fixture --------

def test_with_linked_open_data_hermit_agrees_with_owlrl(linked_home, tmp_path, monkeypatch):
    monkeypatch.setenv("CSTO_KG_HOME", str(linked_home))
    kg = build(cache=False)
    bundle = export_bundle(kg, tmp_path / "bundle")
    assert "linked" in bundle.files
    owlrl, hermit = owlrl_entailments(kg), run_hermit(bundle.files["inputs"])
    assert_agree(owlrl, hermit)
    az = str(KG.Azerbaijan)
    assert (az, C + "meets", C + "UNMembershipRequirement") in hermit.relations  # Wikidata's P463
