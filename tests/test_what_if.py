"""What-if: the verdict over the served graph plus some facts, with the graph left as it was, and
which requirement results the facts change."""

import json
import urllib.error
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from helpers import start_serve, stop_serve
from SPARQLWrapper import JSON, SPARQLWrapper

from csto_kg.graph import build, explain, what_if
from csto_kg.graph.errors import InconsistencyError, InputError, UnknownStateError
from csto_kg.graph.explanation.verdicts import MAX_ASSUMED_TRIPLES
from csto_kg.graph.load import parse_quads

RURITANIA = Path(__file__).parent.parent / "examples" / "ruritania.ttl"
PREFIXES = "@prefix csto: <https://w3id.org/csto-kg/ontology#> . @prefix kg: <https://w3id.org/csto-kg/id/> .\n"
STATE = "<https://example.org/Ruritania>"
CONSENT = PREFIXES + f"{STATE} csto:consentGivenBy kg:Belarus ."
OBJECTION = PREFIXES + f"{STATE} csto:consentWithheldBy kg:Belarus ."


@pytest.fixture(scope="module")
def undecided(tmp_path_factory):
    """Ruritania with every member's consent but Belarus's: its consensus is unknown."""
    path = tmp_path_factory.mktemp("what-if") / "undecided.ttl"
    path.write_text(RURITANIA.read_text().replace("kg:Armenia, kg:Belarus, kg:Kazakhstan, kg:Kyrgyzstan, kg:Russia, "
                                                  "kg:Tajikistan ;\n    csto:interestedIn",
                                                  "kg:Armenia, kg:Kazakhstan, kg:Kyrgyzstan, kg:Russia, "
                                                  "kg:Tajikistan ;\n    csto:interestedIn"))
    return path


def results(verdict) -> dict:
    return {r["id"].rsplit("#")[-1]: r["result"] for r in verdict["requirements"]}


def test_a_consent_assumed_makes_the_state_eligible_and_the_graph_is_unchanged(undecided):
    kg = build([undecided], cache=False)
    before = set(kg.quads())
    assert explain(kg, "Ruritania", "partner")["eligible"] is None
    verdict = what_if(kg, "Ruritania", CONSENT, "partner")
    assert verdict["eligible"] is True
    assert verdict["what_if"] == {
        "assumed_triples": 1, "known_before": True, "eligible_before": None, "verdict_changed": True,
        "changed": [{"id": "https://w3id.org/csto-kg/ontology#ConsensusRequirement",
                     "label": verdict["what_if"]["changed"][0]["label"], "before": "unknown", "after": "met"}],
    }
    consensus = next(r for r in verdict["requirements"] if r["id"].endswith("ConsensusRequirement"))
    assert "assumed" in {e["graph"] for e in consensus["evidence"]}
    assert set(kg.quads()) == before
    assert explain(kg, "Ruritania", "partner")["eligible"] is None


def test_an_objection_assumed_makes_it_ineligible(undecided):
    kg = build([undecided], cache=False)
    verdict = what_if(kg, "Ruritania", OBJECTION, "observer")
    assert verdict["eligible"] is False and results(verdict)["ConsensusRequirement"] == "failed"
    assert [(c["before"], c["after"]) for c in verdict["what_if"]["changed"]] == [("unknown", "failed")]


def test_the_verdict_equals_a_build_with_the_facts(undecided, tmp_path):
    both = tmp_path / "both.ttl"
    both.write_text(undecided.read_text() + "\n" + CONSENT)
    built = explain(build([both], cache=False), "Ruritania", "partner")
    assumed = what_if(build([undecided], cache=False), "Ruritania", CONSENT, "partner")
    assert results(assumed) == results(built) and assumed["eligible"] == built["eligible"]


def test_a_state_the_facts_introduce(kg):
    verdict = what_if(kg, "Ruritania", RURITANIA.read_text(), "observer")
    assert verdict["eligible"] is True
    assert verdict["what_if"]["known_before"] is False
    assert {c["after"] for c in verdict["what_if"]["changed"]} == {"met"}
    assert len(verdict["what_if"]["changed"]) == len(verdict["requirements"])
    with pytest.raises(UnknownStateError):
        explain(kg, "Ruritania")


def test_facts_that_contradict_the_article_are_refused(kg):
    before = len(list(kg.quads()))
    with pytest.raises(InconsistencyError, match="Azerbaijan"):
        what_if(kg, "Azerbaijan", PREFIXES + "kg:Azerbaijan csto:conflictFreeTerritory true .")
    assert len(list(kg.quads())) == before


def test_malformed_facts_say_where(kg):
    with pytest.raises(InputError, match=r"the assumed facts: .*line 2"):
        what_if(kg, "Azerbaijan", PREFIXES + "kg:Azerbaijan csto:consentGivenBy .")


def test_the_endpoint_answers_what_if_without_writing(undecided):
    process, url = start_serve("--data", str(undecided))
    try:
        def post(body: str, media="text/turtle", state="Ruritania"):
            request = urllib.request.Request(f"{url}explain/{state}?status=partner", data=body.encode(),
                                             headers={"Content-Type": media}, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=60) as reply:
                    return reply.status, json.load(reply)
            except urllib.error.HTTPError as e:
                return e.code, json.load(e)

        status, verdict = post(CONSENT)
        assert status == 200 and verdict["eligible"] is True and verdict["what_if"]["verdict_changed"] is True
        with urllib.request.urlopen(f"{url}explain/Ruritania?status=partner&why=1", timeout=60) as reply:
            served = json.load(reply)
        met = [r for r in served["requirements"] if r["result"] == "met"]
        assert met and all(r["why"]["axioms"] for r in met) and "why" not in served  # no verdict yet
        sparql = SPARQLWrapper(url + "sparql")
        sparql.setQuery(f"PREFIX csto: <https://w3id.org/csto-kg/ontology#> "
                        f"ASK {{ {STATE} csto:eligibleFor ?status }}")
        sparql.setReturnFormat(JSON)
        assert sparql.queryAndConvert()["boolean"] is False  # the served graph is as it was
        nt = f"{STATE} <https://w3id.org/csto-kg/ontology#consentWithheldBy> <https://w3id.org/csto-kg/id/Belarus> ."
        status, verdict = post(nt, "application/n-triples")
        assert status == 200 and verdict["eligible"] is False
        status, error = post(PREFIXES + f"{STATE} csto:consentGivenBy .")
        assert status == 400 and "line 2" in error["message"]
        status, error = post(PREFIXES + "kg:Azerbaijan csto:conflictFreeTerritory true .", state="Azerbaijan")
        assert status == 409 and "contradict" in error["message"]
        assert post(CONSENT, "application/json")[0] == 415
        assert post("   ")[0] == 400
        assert post(CONSENT, state="Atlantis")[0] == 404
    finally:
        assert stop_serve(process) == 0


def test_the_command_line_asks_what_if(undecided, tmp_path):
    import subprocess
    import sys

    command = str(Path(sys.executable).parent / "csto-kg")
    facts = tmp_path / "consent.ttl"
    facts.write_text(CONSENT)
    done = subprocess.run([command, "explain", "Ruritania", "--data", str(undecided), "--assume", str(facts),
                           "--status", "partner", "--format", "json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    verdict = json.loads(done.stdout)
    assert verdict["eligible"] is True and verdict["what_if"]["eligible_before"] is None
    facts.write_text("kg:x a .")
    done = subprocess.run([command, "explain", "Ruritania", "--assume", str(facts)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2 and str(facts) in done.stderr and "line 1" in done.stderr
    assert "Traceback" not in done.stderr


def test_assumed_facts_are_added_and_taken_out_of_an_in_memory_graph_leaving_it_as_it_was(undecided):
    # no copy of the graph: what-if costs what the facts change (the graph is put back after)
    from csto_kg.graph.explanation.verdicts import _justifier

    kg = build([undecided], cache=False)
    before, version, justifier = set(kg.quads()), kg.changes, _justifier(kg)
    member = PREFIXES + "<https://example.org/Freedonia> a csto:State ; csto:memberOf kg:CSTO ."
    for facts in (CONSENT, member):
        with kg.assuming(ox.parse(facts, format=ox.RdfFormat.TURTLE)) as assumed:
            assert assumed is kg and len(set(kg.quads())) > len(before)
        what_if(kg, "Ruritania", facts, "partner")
        assert set(kg.quads()) == before and kg.changes == version
    assert _justifier(kg) is justifier  # what was computed from the graph still holds
    with pytest.raises(InconsistencyError):
        what_if(kg, "Ruritania", OBJECTION + f"\n{STATE} csto:eligibleFor csto:PartnerStatus .", "partner")
    assert set(kg.quads()) == before and kg.changes == version


def test_facts_nested_too_deep_are_refused_before_parsing(kg):
    deep = PREFIXES + "kg:Azerbaijan csto:note " + "(" * 250_000 + ")" * 250_000 + " ."
    with pytest.raises(InputError, match=r"the assumed facts: nested 250000 levels deep; at most 1000"):
        what_if(kg, "Azerbaijan", deep)


def test_too_many_facts_are_refused_while_parsing(kg):
    many = PREFIXES + "".join(f"kg:Azerbaijan csto:note {i} .\n" for i in range(MAX_ASSUMED_TRIPLES + 1))
    with pytest.raises(InputError, match=f"more than {MAX_ASSUMED_TRIPLES} triples"):
        what_if(kg, "Azerbaijan", many)


def test_rdf_xml_nested_too_deep_is_refused_before_parsing():
    deep = (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/">'
            b'<rdf:Description rdf:about="http://e/s">' + b"<e:p><rdf:Description>" * 40_000
            + b"</rdf:Description></e:p>" * 40_000 + b"</rdf:Description></rdf:RDF>")
    with pytest.raises(InputError, match="deep.xml: nested 80002 levels deep"):
        parse_quads(deep, ox.RdfFormat.RDF_XML, where="deep.xml")
