"""csto-kg link against a real SPARQL server on loopback: Oxigraph loaded with a small
Wikidata-shaped fixture (tests/fixtures/wikidata/wikidata.ttl, in Wikidata's RDF model).

Covers issue 4: links in the graph, what goes into the reasoned graph and what stays outside,
the discrepancy report, the verdicts after linking, extra candidates, federated queries.
Failure modes are in test_link_failures.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS

from csto_kg.cli.link import link as link_command
from csto_kg.graph import build
from csto_kg.graph.bridge import rdflib_term
from csto_kg.graph.errors import ServiceNotAllowedError
from csto_kg.graph.explanation.verdicts import explain
from csto_kg.graph.link import (
    NAMED_SETS,
    LinkResult,
    link,
    load_article,
)
from csto_kg.graph.load import builtin_sources, read_quads
from csto_kg.graph.namespaces import ASSERTED, CSTO, INFERRED, KG, LINKED, OUTSIDE, WD
from csto_kg.graph.store import KnowledgeGraph

FIXTURE = Path(__file__).parent / "fixtures" / "wikidata" / "wikidata.ttl"
WDT = "http://www.wikidata.org/prop/direct/"
P = "http://www.wikidata.org/prop/"
PS = "http://www.wikidata.org/prop/statement/"
PQ = "http://www.wikidata.org/prop/qualifier/"
WIKIBASE = "http://wikiba.se/ontology#"
DBR = "http://dbpedia.org/resource/"
XSD_DATETIME = URIRef("http://www.w3.org/2001/XMLSchema#dateTime")  # rdflib's closed XSD trips pytest
EXTRA = ["Q865", "Q1246"]  # Taiwan: UN membership ended; Kosovo: deprecated, not a sovereign state


# -- the local stand-in for Wikidata -----------------------------------------------------------


@pytest.fixture(scope="session")
def endpoint(wikidata_endpoint) -> str:
    return wikidata_endpoint


@pytest.fixture(scope="session")
def fixture_graph() -> Graph:
    return Graph().parse(FIXTURE)


@pytest.fixture(scope="session")
def result(endpoint) -> LinkResult:
    """One run with the post-soviet set and two awkward extras."""
    return link(endpoint, [*NAMED_SETS["post-soviet"], *EXTRA], timeout=10)


@pytest.fixture()
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("CSTO_KG_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CSTO_KG_CACHE", str(tmp_path / "cache"))
    return tmp_path / "home"


def builtin() -> Graph:
    """The built-in entities, article and implied facts, as one rdflib graph."""
    g = Graph()
    sources = builtin_sources(implied=True)
    for path in sources.curated + sources.asserted + sources.implied:
        for q in read_quads(path):
            g.add(tuple(rdflib_term(t) for t in (q.subject, q.predicate, q.object)))
    return g


def wd_label(fixture_graph: Graph, qid: str) -> str:
    return next(str(o) for o in fixture_graph.objects(WD[qid], RDFS.label) if o.language == "en")


def facts(graph: Graph):
    """The triples of a linked graph that are facts: no axiom annotations, no provenance."""
    axioms = set(graph.subjects(RDF.type, OWL.Axiom))
    prov = set(graph.subjects(RDF.type, PROV.Activity)) | set(graph.subjects(RDF.type, PROV.Entity))
    return {(s, p, o) for s, p, o in graph if s not in axioms and s not in prov}


def annotations(graph: Graph, triple) -> list:
    s, p, o = triple
    return [a for a in graph.subjects(OWL.annotatedSource, s)
            if (a, OWL.annotatedProperty, p) in graph and (a, OWL.annotatedTarget, o) in graph]


def kinds(report, kind):
    return [d for d in report["discrepancies"] if d["kind"] == kind]


# -- 1. links in the graph -------------------------------------------------------------------


def test_every_state_and_organization_links_to_wikidata_dbpedia_and_iso(fixture_graph):
    g = builtin()
    states = set(g.subjects(RDF.type, CSTO.State))
    organizations = set(g.subjects(RDF.type, CSTO.InternationalOrganization))
    assert len(states) >= 9 and len(organizations) >= 3
    for entity in states | organizations:
        matches = {str(m) for m in g.objects(entity, SKOS.exactMatch)}
        qids = [m[len(str(WD)):] for m in matches if m.startswith(str(WD))]
        assert len(qids) == 1 and re.fullmatch(r"Q[1-9][0-9]*", qids[0]), entity
        assert any(m.startswith(DBR) for m in matches), entity
        # the Wikidata item is the same thing: the stand-in has it, with an English label
        # that is the entity's label or alternative label
        names = {str(o) for o in g.objects(entity, RDFS.label)} | {str(o) for o in g.objects(entity, SKOS.altLabel)}
        assert wd_label(fixture_graph, qids[0]) in names, entity
        dissolved = (WD[qids[0]], URIRef(WDT + "P576"), None) in fixture_graph
        if entity in states and not dissolved:
            codes = {p: [str(o) for o in g.objects(entity, p)]
                     for p in (CSTO.isoAlpha2, CSTO.isoAlpha3, CSTO.isoNumeric)}
            assert [len(v) for v in codes.values()] == [1, 1, 1], entity
            assert re.fullmatch(r"[A-Z]{2}", codes[CSTO.isoAlpha2][0])
            assert re.fullmatch(r"[A-Z]{3}", codes[CSTO.isoAlpha3][0])
            assert re.fullmatch(r"[0-9]{3}", codes[CSTO.isoNumeric][0])
            # and they are Wikidata's (P297, P298, P299)
            for prop, wdprop in ((CSTO.isoAlpha2, "P297"), (CSTO.isoAlpha3, "P298"), (CSTO.isoNumeric, "P299")):
                assert codes[prop] == [str(o) for o in fixture_graph.objects(WD[qids[0]], URIRef(WDT + wdprop))]


def test_the_graph_and_wikidata_agree_on_identity(result):
    for kind in ("label-differs", "code-differs", "dbpedia-differs"):
        assert kinds(result.report, kind) == [], kind
    assert result.report["agreements"] >= 27  # 9 states × 3 ISO codes


# -- 2. what goes into the reasoned graph ----------------------------------------------------


def test_azerbaijan_becomes_a_un_member_with_provenance(result, endpoint):
    linked, outside = result.linked, result.outside
    triple = (KG.Azerbaijan, CSTO.memberOf, KG.UnitedNations)
    assert triple in linked
    assert triple not in outside
    [axiom] = annotations(linked, triple)
    statement = linked.value(axiom, CSTO.readFrom)
    # derived from the Wikidata statement, which OUTSIDE keeps in Wikidata's own terms
    assert str(statement).startswith("http://www.wikidata.org/entity/statement/Q227-")
    assert (WD.Q227, URIRef(P + "P463"), statement) in outside
    assert (statement, URIRef(PS + "P463"), WD.Q1065) in outside
    assert (statement, URIRef(WIKIBASE + "rank"), URIRef(WIKIBASE + "NormalRank")) in outside
    assert "1992-03-02" in str(linked.value(axiom, CSTO.note))
    # generated by one fetch activity: endpoint, queries, times
    activity = linked.value(axiom, CSTO.retrievedBy)
    assert (activity, RDF.type, PROV.Activity) in linked
    used = set(linked.objects(activity, PROV.used))
    assert URIRef(endpoint) in used
    texts = [str(linked.value(q, PROV.value)) for q in used if linked.value(q, PROV.value) is not None]
    assert len(texts) == result.report["requests"] == 4
    un_query = next(t for t in texts if "ps:P463 wd:Q1065" in t)
    assert "FILTER NOT EXISTS { ?statement pq:P582 ?end }" in un_query
    assert "wikibase:DeprecatedRank" in un_query
    assert "wikibase:label" not in " ".join(texts)  # standard SPARQL only, runs on any mirror
    for prop in (PROV.startedAtTime, PROV.endedAtTime):
        value = linked.value(activity, prop)
        assert value.datatype == XSD_DATETIME


def test_every_linked_fact_is_annotated_and_only_adds(result):
    linked = result.linked
    g = builtin()
    found = facts(linked)
    assert found
    for triple in found:
        assert len(annotations(linked, triple)) == 1, triple
        assert triple not in g, f"{triple} repeats the built-in graph"
    # all reasoned facts use the five kinds of fact LINKED is for
    assert {p for _, p, _ in found} <= {
        CSTO.memberOf, RDFS.label, RDF.type, SKOS.exactMatch,
        CSTO.isoAlpha2, CSTO.isoAlpha3, CSTO.isoNumeric}
    assert {o for _, p, o in found if p == CSTO.memberOf} == {KG.UnitedNations}
    assert {o for _, p, o in found if p == RDF.type} == {CSTO.State}


def test_un_membership_that_is_not_current_is_not_linked(result):
    linked = result.linked
    taiwan, kosovo = (URIRef(e["iri"]) for e in (
        next(s for s in result.report["new_states"] if s["qid"] == "Q865"),
        next(s for s in result.report["new_items"] if s["qid"] == "Q1246")))
    for entity in (taiwan, kosovo, KG.SovietUnion):
        assert (entity, CSTO.memberOf, KG.UnitedNations) not in linked
    notes = {d["subject"]["qid"]: d["message"] for d in kinds(result.report, "un-membership-not-current")}
    assert "ended 1971-10-25" in notes["Q865"]
    assert "deprecated" in notes["Q1246"]
    [dissolved] = kinds(result.report, "dissolved")
    assert dissolved["subject"]["iri"] == str(KG.SovietUnion)
    # Kosovo is not a sovereign state on Wikidata: linked, not typed, reported
    assert (kosovo, RDF.type, CSTO.State) not in linked
    assert (kosovo, SKOS.exactMatch, WD.Q1246) in linked
    assert [d["subject"]["qid"] for d in kinds(result.report, "not-a-state")] == ["Q1246"]


# -- 3. open data never overrides the article --------------------------------------------------


def test_p530_stays_outside_and_the_disagreement_is_reported(result):
    linked, outside = result.linked, result.outside
    assert not any(p in (CSTO.hasDiplomaticRelationsWith, CSTO.lacksDiplomaticRelationsWith)
                   for _, p, _ in linked)
    statements = list(outside.objects(WD.Q399, URIRef(P + "P530")))
    assert any((st, URIRef(PS + "P530"), WD.Q227) in outside for st in statements)
    [d] = kinds(result.report, "diplomatic-relation-listed")
    assert {d["subject"]["label"], d["object"]["label"]} == {"Armenia", "Azerbaijan"}
    assert d["severity"] == "disagrees" and d["kept_in"] == OUTSIDE
    assert d["statements"] and all(s.startswith("http://www.wikidata.org/entity/statement/Q399-")
                                   for s in d["statements"])
    # labelled for readers of the outside graph
    assert "diplomatic relation" in str(outside.value(URIRef(P + "P530"), RDFS.label))


def test_csto_membership_from_wikidata_is_reported_never_linked(result, fixture_graph):
    linked, outside = result.linked, result.outside
    assert not any(o == KG.CSTO for _, _, o in linked)
    # the outside graph speaks Wikidata only: no csto: term that the reasoner or a query
    # over the union could take for an article fact
    assert not any(str(p).startswith(str(CSTO)) for _, p, _ in outside)
    assert not any(str(o).startswith(str(CSTO)) for _, _, o in outside)
    report = result.report
    [north_korea] = kinds(report, "part-not-member")
    assert north_korea["subject"]["qid"] == "Q423"
    assert north_korea["subject"]["label"] == wd_label(fixture_graph, "Q423")
    missing = kinds(report, "member-missing-on-country-side")
    assert [d["subject"]["label"] for d in missing] == ["Armenia"]
    assert kinds(report, "member-missing-on-organization-side") == []
    former = sorted((d["subject"]["label"], d["message"][-10:]) for d in kinds(report, "former-member"))
    assert former == [("Azerbaijan", "1999-04-02"), ("Georgia", "1999-04-02"),
                      ("Uzbekistan", "1999-04-02"), ("Uzbekistan", "2012-12-20")]
    assert kinds(report, "member-not-in-article") == []
    # the CSTO item's P527 list and the ended statements are kept, as Wikidata says them
    assert (WD.Q318693, URIRef(P + "P527"), None) in outside
    ended = [st for st in outside.objects(WD.Q227, URIRef(P + "P463"))
             if (st, URIRef(PS + "P463"), WD.Q318693) in outside]
    assert ended and all((st, URIRef(PQ + "P582"), None) in outside for st in ended)


# -- 4. more candidates -------------------------------------------------------------------------


def test_post_soviet_states_come_in_typed_labelled_and_linked(result, fixture_graph):
    linked = result.linked
    new = {s["qid"]: URIRef(s["iri"]) for s in result.report["new_states"]}
    assert set(NAMED_SETS["post-soviet"]) <= set(new)
    for qid in NAMED_SETS["post-soviet"]:
        iri = new[qid]
        label = wd_label(fixture_graph, qid)
        assert str(iri).startswith(str(KG))
        assert (iri, RDF.type, CSTO.State) in linked
        assert (iri, RDFS.label, Literal(label, lang="en")) in linked
        assert (iri, SKOS.exactMatch, WD[qid]) in linked
        assert (iri, CSTO.memberOf, KG.UnitedNations) in linked
        assert linked.value(iri, CSTO.isoAlpha2) == next(fixture_graph.objects(WD[qid], URIRef(WDT + "P297")))
        enwiki = next(fixture_graph.subjects(URIRef("http://schema.org/about"), WD[qid]))
        assert (iri, SKOS.exactMatch, URIRef(DBR + str(enwiki).rsplit("/", 1)[1])) in linked
    assert new["Q230"] == KG.Georgia
    assert (KG.Georgia, SKOS.exactMatch, URIRef(DBR + "Georgia_(country)")) in linked


def test_batches_give_the_same_graph(endpoint, result):
    small = link(endpoint, [*NAMED_SETS["post-soviet"], *EXTRA], batch_size=4, timeout=10)
    batches = -(-small.report["items"] // 4)
    assert small.report["requests"] == 3 * batches + 1
    assert facts(small.linked) == facts(result.linked)
    assert small.report["discrepancies"] == result.report["discrepancies"]


def test_verdicts_after_linking(endpoint, home):
    """R-UN goes from unknown to met for Azerbaijan; its verdicts stay ineligible (P530 ignored)."""
    before = build(cache=False)
    UN_REQ, DIPL = CSTO.UNMembershipRequirement, CSTO.DiplomaticRelationsRequirement

    def has(kg, s, p, o):
        return kg.query(f"ASK {{ <{s}> <{p}> <{o}> }}").__bool__()

    assert not has(before, KG.Azerbaijan, CSTO.meets, UN_REQ)
    assert not has(before, KG.Azerbaijan, CSTO.fails, UN_REQ)
    assert requirement(explain(before, "Azerbaijan", "observer"), UN_REQ)["result"] == "unknown"

    runner = CliRunner()
    out = runner.invoke(link_command, ["--endpoint", endpoint, "--set", "post-soviet", "--states", "Q865"])
    assert out.exit_code == 0, out.output
    after = build(cache=False)
    assert has(after, KG.Azerbaijan, CSTO.meets, UN_REQ)
    assert has(after, KG.Azerbaijan, CSTO.fails, DIPL)
    for status in ("IneligibleForObserverStatus", "IneligibleForPartnerStatus"):
        assert has(after, KG.Azerbaijan, RDF.type, CSTO[status])
    for status in ("observer", "partner"):
        verdict = explain(after, "Azerbaijan", status)
        assert verdict["eligible"] is False
        un = requirement(verdict, UN_REQ)
        assert un["result"] == "met"
        assert [e["graph"] for e in un["evidence"]] == ["linked"]
        assert un["evidence"][0]["triple"] == [str(KG.Azerbaijan), str(CSTO.memberOf), str(KG.UnitedNations)]
    # each new candidate gets a verdict with what is known, unknown or failed
    for qid in NAMED_SETS["post-soviet"]:
        verdict = explain(after, qid, "observer")
        results = {r["id"]: r["result"] for r in verdict["requirements"]}
        assert results[str(UN_REQ)] == "met", qid
        assert "unknown" in results.values() and verdict["eligible"] is None, qid
    taiwan = explain(after, "Q865", "partner")
    assert taiwan["state"] == "Taiwan" and requirement(taiwan, UN_REQ)["result"] == "unknown"
    # the new candidates: UN membership met, or unknown where Wikidata's membership ended
    assert has(after, KG.Estonia, CSTO.meets, UN_REQ)
    assert has(after, KG.Estonia, RDF.type, CSTO.State)
    assert not has(after, KG.Taiwan, CSTO.meets, UN_REQ)
    assert not has(after, KG.Taiwan, CSTO.fails, UN_REQ)
    # the outside graph is served, not reasoned over
    assert bool(after.query(f"ASK {{ GRAPH <{OUTSIDE}> {{ wd:Q399 <{P}P530> ?st . ?st <{PS}P530> wd:Q227 }} }}"))
    assert not bool(after.query(f"ASK {{ GRAPH <{INFERRED}> {{ ?s ?p ?o FILTER(STRSTARTS(STR(?p), '{P}')) }} }}"))
    assert not bool(after.query("ASK { kg:Armenia csto:hasDiplomaticRelationsWith kg:Azerbaijan }"))


def requirement(verdict: dict, iri) -> dict:
    return next(r for r in verdict["requirements"] if r["id"] == str(iri))


# -- CLI ----------------------------------------------------------------------------------------


def test_cli_writes_the_linked_file_and_the_report(endpoint, home, tmp_path):
    report_path = tmp_path / "report.json"
    out = CliRunner().invoke(link_command, ["--endpoint", endpoint, "--states", "Q37", "Q211",
                                            "--report", str(report_path)])
    assert out.exit_code == 0, out.output
    trig = home / "linked.trig"
    assert trig.is_file()
    graphs = {q.graph_name.value for q in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG)}
    assert graphs == {LINKED, OUTSIDE}
    report = json.loads(report_path.read_text())
    assert [s["qid"] for s in report["new_states"]] == ["Q37", "Q211"]
    assert {d["kind"] for d in report["discrepancies"]} >= {
        "diplomatic-relation-listed", "part-not-member", "member-missing-on-country-side", "former-member"}
    assert "diplomatic-relation-listed" in out.stdout and "North Korea" in out.stdout
    assert f"Wrote {trig}" in out.stdout
    assert [p.name for p in home.iterdir()] == ["linked.trig"]  # no temporary files left


def test_cli_out_writes_elsewhere(endpoint, home, tmp_path):
    target = tmp_path / "elsewhere.trig"
    out = CliRunner().invoke(link_command, ["--endpoint", endpoint, "--out", str(target), "-q"])
    assert out.exit_code == 0, out.output
    assert out.stdout == ""
    assert target.is_file() and not (home / "linked.trig").exists()
    g = Graph()
    for q in ox.parse(path=str(target), format=ox.RdfFormat.TRIG):
        if q.graph_name.value == LINKED:
            g.add(tuple(rdflib_term(t) for t in (q.subject, q.predicate, q.object)))
    assert (KG.Azerbaijan, CSTO.memberOf, KG.UnitedNations) in g


def test_cli_out_as_turtle_holds_the_reasoned_graph_alone_ready_for_data(endpoint, home, tmp_path):
    target = tmp_path / "linked.ttl"
    out = CliRunner().invoke(link_command, ["--endpoint", endpoint, "--out", str(target)])
    assert out.exit_code == 0, out.output
    assert "Only the reasoned (linked) graph" in out.stdout
    g = Graph().parse(target, format="turtle")
    assert (KG.Azerbaijan, CSTO.memberOf, KG.UnitedNations) in g
    assert not any(str(p).startswith("http://www.wikidata.org/prop/") for p in g.predicates())
    verdict = explain(build([target], linked=False), "Azerbaijan", "observer")
    assert requirement(verdict, CSTO.UNMembershipRequirement)["result"] == "met" and verdict["eligible"] is False


def test_cli_rejects_what_is_not_a_qid(home):
    out = CliRunner().invoke(link_command, ["--states", "Latvia"])
    assert out.exit_code == 2
    assert "not a Wikidata item id: 'Latvia'" in out.stderr
    assert "Traceback" not in out.output


# -- 5. federated queries -----------------------------------------------------------------------

FEDERATED = """
SELECT ?state ?label ?wikidataLabel WHERE {
  ?state a csto:State ; rdfs:label ?label ; skos:exactMatch ?item .
  SERVICE <%s> {
    ?item rdfs:label ?wikidataLabel FILTER(LANG(?wikidataLabel) = "en")
    ?item <http://www.wikidata.org/prop/P463> ?st .
    ?st <http://www.wikidata.org/prop/statement/P463> <http://www.wikidata.org/entity/Q1065> .
  }
} ORDER BY ?label
"""


def test_federated_query_joins_the_graph_with_the_endpoint(endpoint, fixture_graph):
    store = ox.Store()
    sources = builtin_sources(implied=False)
    for path in sources.curated + sources.asserted:
        store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(ASSERTED))
                     for q in read_quads(path))
    kg = KnowledgeGraph.of(store)
    rows = list(kg.query(FEDERATED % endpoint, allowed_services=[endpoint]))
    got = {(r["state"].value, r["wikidataLabel"].value) for r in rows}
    article = load_article()
    expected = set()
    for qid, iri in article.by_qid.items():
        if iri in article.states and any(
                (WD[qid], URIRef(P + "P463"), st) in fixture_graph
                and (st, URIRef(PS + "P463"), WD.Q1065) in fixture_graph
                for st in fixture_graph.objects(WD[qid], URIRef(P + "P463"))):
            expected.add((str(iri), wd_label(fixture_graph, qid)))
    assert got == expected
    assert (str(KG.Azerbaijan), "Azerbaijan") in got


def test_federated_query_to_an_endpoint_not_allowed_is_refused(endpoint):
    kg = KnowledgeGraph.of(())
    with pytest.raises(ServiceNotAllowedError, match="not on the allow-list"):
        kg.query(FEDERATED % endpoint, allowed_services=["https://query.wikidata.org/sparql"])


# -- the real command ---------------------------------------------------------------------------


def test_the_csto_kg_command_links_explains_and_federates(endpoint, tmp_path):
    """Through the installed console script, as a user runs it: link, explain, federated query."""
    command = str(Path(sys.executable).parent / "csto-kg")
    env = {**os.environ, "CSTO_KG_HOME": str(tmp_path / "home"), "CSTO_KG_CACHE": str(tmp_path / "cache")}

    def run(*args):
        return subprocess.run([command, *args], env=env, capture_output=True, text=True, timeout=300)

    linked = run("link", "--endpoint", endpoint, "--states", "Q191")
    assert linked.returncode == 0, linked.stderr
    assert "diplomatic-relation-listed" in linked.stdout
    verdict = run("explain", "Q191", "--status", "observer", "--format", "json")
    assert verdict.returncode == 0, verdict.stderr
    verdict = json.loads(verdict.stdout)
    assert verdict["state"] == "Estonia" and verdict["eligible"] is None
    assert requirement(verdict, CSTO.UNMembershipRequirement)["result"] == "met"
    federated = run("query", "--allow-service", endpoint, "--format", "json", FEDERATED % endpoint)
    assert federated.returncode == 0, federated.stderr
    rows = json.loads(federated.stdout)["results"]["bindings"]
    assert {(r["state"]["value"], r["wikidataLabel"]["value"]) for r in rows} >= {
        (str(KG.Azerbaijan), "Azerbaijan"), (str(KG.Estonia), "Estonia")}
    refused = run("query", FEDERATED % endpoint)  # the default allow-list is Wikidata's alone
    assert refused.returncode == 2
    assert "not on the allow-list" in refused.stderr and "Traceback" not in refused.stderr
