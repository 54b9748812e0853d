"""Verdicts follow every change: an update is reasoned over before it is acknowledged, inferences
are added and retracted, and the inferred graph is what a fresh build of the same data holds."""

import json
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from helpers import post_update, start_serve, stop_serve
from SPARQLWrapper import JSON, SPARQLWrapper

from csto_kg.graph import build, explain
from csto_kg.graph.errors import InconsistencyError
from csto_kg.graph.namespaces import CSTO, INFERRED, USER

RURITANIA = Path(__file__).parent.parent / "examples" / "ruritania.ttl"
TOKEN = "a-long-enough-token"
STATE = "<https://example.org/Ruritania>"
GIVEN = f"{STATE} csto:consentGivenBy kg:Belarus"
WITHHELD = f"{STATE} csto:consentWithheldBy kg:Belarus"
OBJECT = f"DELETE DATA {{ GRAPH <{USER}> {{ {GIVEN} }} }} ; INSERT DATA {{ GRAPH <{USER}> {{ {WITHHELD} }} }}"
RELENT = f"DELETE DATA {{ GRAPH <{USER}> {{ {WITHHELD} }} }} ; INSERT DATA {{ GRAPH <{USER}> {{ {GIVEN} }} }}"
CSTO_CONSENT = ox.NamedNode("https://w3id.org/csto-kg/ontology#consentGivenBy")
CONTRADICT = f"INSERT DATA {{ GRAPH <{USER}> {{ {WITHHELD} }} }}"


def inferred(kg) -> set:
    return {q.triple for q in kg.quads(None, None, None, ox.NamedNode(INFERRED))}


def rebuilt(tmp_path, text: str):
    path = tmp_path / "changed.ttl"
    path.write_text(text)
    return build([path], cache=False)


def test_an_objection_makes_an_eligible_state_ineligible_and_its_withdrawal_restores_it(tmp_path):
    kg = build([RURITANIA], cache=False)
    assert explain(kg, "Ruritania", "partner")["eligible"] is True
    change = kg.update(OBJECT)
    verdict = explain(kg, "Ruritania", "partner")
    assert verdict["eligible"] is False
    assert {r["id"].rsplit("#")[-1]: r["result"] for r in verdict["requirements"]}["ConsensusRequirement"] == "failed"
    assert any(q.triple[1].value.endswith("eligibleFor") for q in change.removed)
    objection = RURITANIA.read_text().replace("csto:consentGivenBy kg:Armenia, kg:Belarus,",
                                              "csto:consentWithheldBy kg:Belarus ; csto:consentGivenBy kg:Armenia,")
    assert inferred(kg) == inferred(rebuilt(tmp_path, objection))
    kg.update(RELENT)
    assert explain(kg, "Ruritania", "partner")["eligible"] is True
    assert inferred(kg) == inferred(build([RURITANIA], cache=False))


def test_a_new_requirement_enters_the_eligibility_definition_and_leaves_with_it(tmp_path):
    # each status's requirements are stated once, by requirementOf facts; the definition follows
    kg = build([RURITANIA], cache=False)
    requirement = "<https://example.org/NoNuclearWeapons> a csto:Requirement ; csto:requirementOf csto:ObserverStatus"
    kg.update(f"INSERT DATA {{ GRAPH <{USER}> {{ {requirement} }} }}")
    verdict = explain(kg, "Ruritania", "observer")
    assert verdict["eligible"] is None
    assert {r["id"]: r["result"] for r in verdict["requirements"]}["https://example.org/NoNuclearWeapons"] == "unknown"
    assert explain(kg, "Ruritania", "partner")["eligible"] is True
    fresh = rebuilt(tmp_path, RURITANIA.read_text() + "\n<https://example.org/NoNuclearWeapons> a csto:Requirement ; "
                    "csto:requirementOf csto:ObserverStatus .\n")
    assert inferred(kg) == inferred(fresh)
    kg.update(f"DELETE DATA {{ GRAPH <{USER}> {{ {requirement} }} }}")
    assert explain(kg, "Ruritania", "observer")["eligible"] is True
    assert inferred(kg) == inferred(build([RURITANIA], cache=False))


def test_an_update_that_makes_the_graph_inconsistent_is_refused_and_changes_nothing():
    kg = build([RURITANIA], cache=False)
    before = set(kg.quads())
    with pytest.raises(InconsistencyError, match="Belarus"):
        kg.update(CONTRADICT)
    assert set(kg.quads()) == before


def test_a_new_member_rewrites_the_member_axioms_and_the_verdicts(tmp_path):
    kg = build([RURITANIA], cache=False)
    member = "<https://example.org/Freedonia> a csto:State ; csto:memberOf kg:CSTO"
    kg.update(f"INSERT DATA {{ GRAPH <{USER}> {{ {member} }} }}")
    assert explain(kg, "Ruritania", "partner")["eligible"] is None  # no word on relations with Freedonia
    fresh = rebuilt(tmp_path, RURITANIA.read_text() + "\n<https://example.org/Freedonia> a csto:State ; "
                    "csto:memberOf kg:CSTO .\n")
    assert inferred(kg) == inferred(fresh)
    ontology = ox.NamedNode("https://w3id.org/csto-kg/graph/ontology")

    def member_axioms(graph):
        return {q for q in graph.quads(None, None, None, ontology) if "csto-generated" in str(q)}

    assert member_axioms(kg) == member_axioms(fresh) and "Freedonia" in str(member_axioms(kg))
    assert kg.counts()["ontology"] == fresh.counts()["ontology"]


def test_data_written_to_the_default_graph_is_reasoned_over_too():
    kg = build([RURITANIA], cache=False)
    kg.update(f"DELETE DATA {{ GRAPH <{USER}> {{ {GIVEN} }} }} ; INSERT DATA {{ {WITHHELD} }}")
    assert explain(kg, "Ruritania", "partner")["eligible"] is False


def eligible(url: str) -> bool:
    sparql = SPARQLWrapper(url + "sparql")
    sparql.setQuery("PREFIX csto: <https://w3id.org/csto-kg/ontology#> "
                    f"ASK {{ {STATE} csto:eligibleFor csto:PartnerStatus }}")
    sparql.setReturnFormat(JSON)
    return sparql.queryAndConvert()["boolean"]


def test_the_endpoint_serves_the_verdict_of_each_update_on_the_next_query():
    process, url = start_serve("--data", str(RURITANIA), "--enable-update", env={"CSTO_KG_UPDATE_TOKEN": TOKEN})
    try:
        assert eligible(url) is True
        assert post_update(url, OBJECT, TOKEN) in (200, 204)
        assert eligible(url) is False
        assert post_update(url, RELENT, TOKEN) in (200, 204)
        assert eligible(url) is True
        assert post_update(url, CONTRADICT, TOKEN) == 409
        assert eligible(url) is True
        with urllib.request.urlopen(url + "explain/Ruritania?status=partner", timeout=30) as reply:
            assert json.load(reply)["eligible"] is True
    finally:
        assert stop_serve(process) == 0


def test_justifications_follow_an_update():
    kg = build([RURITANIA], cache=False)
    assert "eligible for" in explain(kg, "Ruritania", "partner", why=True)["why"]["label"]
    kg.update(OBJECT)
    after = explain(kg, "Ruritania", "partner", why=True)
    assert after["eligible"] is False and "ineligible for" in after["why"]["label"]
    assert any("withheld" in a["label"] for a in after["why"]["axioms"])


def test_a_new_member_rewrites_the_member_axioms_of_a_cached_build_too(tmp_path, monkeypatch):
    monkeypatch.setenv("CSTO_KG_CACHE", str(tmp_path / "cache"))
    build([RURITANIA])
    kg = build([RURITANIA])  # read back from the cache file
    kg.update(f"INSERT DATA {{ GRAPH <{USER}> {{ <https://example.org/Freedonia> a csto:State ; "
              "csto:memberOf kg:CSTO } }")
    fresh = build([RURITANIA], cache=False)
    fresh.update(f"INSERT DATA {{ GRAPH <{USER}> {{ <https://example.org/Freedonia> a csto:State ; "
                 "csto:memberOf kg:CSTO } }")
    assert kg.counts() == fresh.counts()
    assert explain(kg, "Ruritania", "partner")["eligible"] is None  # no word on relations with Freedonia


def test_an_update_finds_the_generated_axioms_whatever_their_blank_nodes_are_called():
    # a remote store renames blank nodes; the old member axioms must still go when members change
    from csto_kg.graph.store import KnowledgeGraph

    built = build([RURITANIA], cache=False)
    copy = ox.Store()
    copy.load(input=ox.serialize(built.quads(), format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    kg = KnowledgeGraph.of(copy)
    member = "<https://example.org/Freedonia> a csto:State ; csto:memberOf kg:CSTO"
    kg.update(f"INSERT DATA {{ GRAPH <{USER}> {{ {member} }} }}")
    built.update(f"INSERT DATA {{ GRAPH <{USER}> {{ {member} }} }}")
    assert kg.counts() == built.counts()
    assert explain(kg, "Ruritania", "partner")["eligible"] is None  # no word on relations with Freedonia


def test_the_rdflib_view_of_a_graph_follows_its_updates():
    kg = build([RURITANIA], cache=False)
    before = kg.rdflib_graph(USER)
    assert kg.rdflib_graph(USER) is before  # converted once while the graph stays as it is
    kg.update(OBJECT)
    after = kg.rdflib_graph(USER)
    withheld = (rdflib.URIRef("https://example.org/Ruritania"), CSTO.consentWithheldBy,
                rdflib.URIRef("https://w3id.org/csto-kg/id/Belarus"))
    assert withheld in after and withheld not in before


# -- the dataset an update reads, and its base (issue 20, items 8 and 9) ------------------------

PROBE = "urn:x:probe"
SEEN = f"INSERT {{ GRAPH <{PROBE}> {{ ?w <urn:x:seen> true }} }} WHERE {{ ?w csto:consentGivenBy kg:Belarus }}"


def select(url: str, text: str) -> list[dict]:
    sparql = SPARQLWrapper(url + "sparql")
    sparql.setQuery(text)
    sparql.setReturnFormat(JSON)
    return sparql.queryAndConvert()["results"]["bindings"]


@pytest.fixture
def updatable():
    process, url = start_serve("--data", str(RURITANIA), "--enable-update", env={"CSTO_KG_UPDATE_TOKEN": TOKEN})
    yield url
    assert stop_serve(process) == 0


def test_an_updates_where_reads_the_union_default_graph_as_a_query_does(updatable):
    # it inserted nothing with a 204 (issue 20, item 8)
    matched = select(updatable, "SELECT ?w WHERE { ?w csto:consentGivenBy kg:Belarus }")
    assert len(matched) >= 1
    assert post_update(updatable, SEEN, TOKEN) == 204
    seen = select(updatable, f"SELECT ?w WHERE {{ GRAPH <{PROBE}> {{ ?w <urn:x:seen> true }} }}")
    assert sorted(r["w"]["value"] for r in seen) == sorted(r["w"]["value"] for r in matched)


def test_using_graph_uri_is_the_default_graph_an_updates_where_reads(updatable):
    from csto_kg.graph.namespaces import ONTOLOGY

    assert post_update(updatable, SEEN, TOKEN, using_graph_uri=ONTOLOGY) == 204  # no such facts there
    assert select(updatable, f"SELECT * WHERE {{ GRAPH <{PROBE}> {{ ?w ?p ?o }} }}") == []
    assert post_update(updatable, SEEN, TOKEN, using_graph_uri=USER) == 204  # the --data file's graph
    assert len(select(updatable, f"SELECT * WHERE {{ GRAPH <{PROBE}> {{ ?w ?p ?o }} }}")) >= 1


def test_using_named_graph_uri_names_the_graphs_an_updates_where_reads(updatable):
    # SPARQL 1.1 Protocol §2.2.3: the parameters are the whole dataset, a part not given is empty
    states = f"INSERT {{ GRAPH <{PROBE}> {{ ?w <urn:x:in> ?g }} }} WHERE {{ GRAPH ?g {{ ?w a csto:State }} }}"
    found = "SELECT DISTINCT ?g WHERE { GRAPH <%s> { ?w <urn:x:in> ?g } }" % PROBE
    assert post_update(updatable, states, TOKEN, using_named_graph_uri=USER) == 204
    assert [r["g"]["value"] for r in select(updatable, found)] == [USER]
    assert post_update(updatable, states, TOKEN) == 204  # without it: every graph
    assert len(select(updatable, found)) >= 2  # the curated graph too
    assert post_update(updatable, SEEN, TOKEN, using_named_graph_uri=USER) == 204  # the default graph: empty
    assert select(updatable, f"SELECT * WHERE {{ GRAPH <{PROBE}> {{ ?w <urn:x:seen> true }} }}") == []
    with_clause = f"WITH <{PROBE}> INSERT {{ ?w <urn:x:also> true }} WHERE {{ ?w ?p ?o }}"
    assert post_update(updatable, with_clause, TOKEN, using_graph_uri=USER) == 400  # both name the dataset
    using_clause = f"INSERT {{ GRAPH <{PROBE}> {{ ?w <urn:x:also> true }} }} USING <{USER}> WHERE {{ ?w ?p ?o }}"
    assert post_update(updatable, using_clause, TOKEN, using_named_graph_uri=USER) == 400


def test_a_relative_iri_resolves_against_the_request_url_as_oxigraph_resolves_it(updatable, tmp_path):
    from helpers import free_port, start_oxigraph, stop_process

    insert = 'INSERT DATA { GRAPH <urn:x:probe> { <thing> <urn:x:label> "relative" } }'
    find = "SELECT ?s WHERE { GRAPH <urn:x:probe> { ?s <urn:x:label> \"relative\" } }"
    assert post_update(updatable, insert, TOKEN) == 204
    assert [r["s"]["value"] for r in select(updatable, find)] == [updatable + "thing"]
    proc, base = start_oxigraph("serve", tmp_path / "oxigraph", free_port())
    try:
        request = urllib.request.Request(base + "/update", data=insert.encode(), method="POST",
                                         headers={"Content-Type": "application/sparql-update"})
        urllib.request.urlopen(request, timeout=30).close()
        sparql = SPARQLWrapper(base + "/query")
        sparql.setQuery(find)
        sparql.setReturnFormat(JSON)
        assert [r["s"]["value"] for r in sparql.queryAndConvert()["results"]["bindings"]] == [base + "/thing"]
    finally:
        stop_process(proc)


def test_an_updates_templates_without_graph_write_the_stores_own_default_graph():
    kg = build([RURITANIA], cache=False)
    kg.update(f"INSERT {{ {STATE} <urn:x:copied> ?o }} WHERE {{ {STATE} csto:consentGivenBy ?o }}")
    copied = list(kg.quads(None, ox.NamedNode("urn:x:copied"), None, None))
    assert copied and all(isinstance(q.graph_name, ox.DefaultGraph) for q in copied)
    kg.update(f"DELETE WHERE {{ {STATE} csto:consentGivenBy ?o }}")  # in the user graph, not the default
    assert list(kg.quads(ox.NamedNode("https://example.org/Ruritania"), CSTO_CONSENT, None, None))


# -- an update costs what it changes: applied quad by quad, reasoned from the change ---------------

ONTOLOGY = "https://w3id.org/csto-kg/graph/ontology"
EX = "PREFIX ex: <https://example.org/> "
WRITES = [
    # data, with a prefix declared once for two operations
    EX + f"INSERT DATA {{ GRAPH <{USER}> {{ ex:a ex:p 1, 'one'@en }} }} ; "
    f"DELETE DATA {{ GRAPH <{USER}> {{ {GIVEN} }} }}",
    OBJECT,
    # a pattern, and USING / USING NAMED for its dataset
    f"DELETE {{ GRAPH <{USER}> {{ ?s csto:consentGivenBy kg:Belarus }} }} "
    f"INSERT {{ GRAPH <{USER}> {{ ?s csto:consentWithheldBy kg:Belarus }} }} "
    f"WHERE {{ GRAPH <{USER}> {{ ?s csto:consentGivenBy kg:Belarus }} }}",
    f"INSERT {{ GRAPH <{USER}> {{ ?s a ex:Seen }} }} USING <{USER}> WHERE {{ ?s csto:consentGivenBy ?m }}".replace(
        "INSERT", EX + "INSERT", 1),
    f"INSERT {{ GRAPH <{USER}> {{ ?s a ex:Named }} }} USING NAMED <{USER}> WHERE {{ GRAPH ?g {{ ?s a csto:State }} }}"
    .replace("INSERT", EX + "INSERT", 1),
    "DELETE WHERE { GRAPH ?g { ?s csto:consentGivenBy kg:Belarus } }",
    # the second operation sees what the first one did
    EX + f"INSERT DATA {{ GRAPH <{USER}> {{ ex:a ex:p 1 }} }} ; "
    f"DELETE {{ GRAPH <{USER}> {{ ?s ex:p 1 }} }} INSERT {{ GRAPH <{USER}> {{ ?s ex:p 2 }} }} "
    f"WHERE {{ GRAPH <{USER}> {{ ?s ex:p 1 }} }}",
    # solutions that bind blank nodes, and a variable left unbound
    EX + f"INSERT {{ GRAPH <{USER}> {{ ?r ex:about kg:Belarus ; ex:note ?none }} }} "
    f"WHERE {{ GRAPH <{ONTOLOGY}> {{ ?r owl:hasValue kg:Belarus }} OPTIONAL {{ ?r ex:nothing ?none }} }}",
    EX + f"DELETE {{ GRAPH <{ONTOLOGY}> {{ ?r owl:hasValue kg:Belarus }} }} "
    f"WHERE {{ GRAPH <{ONTOLOGY}> {{ ?r owl:hasValue kg:Belarus }} }}",
    # the default graph; and operations read only whole (CLEAR, WITH)
    EX + "INSERT DATA { ex:a ex:b ex:c } ; DELETE WHERE { ?s ex:b ?o } ; INSERT DATA { ex:d ex:b ex:c }",
    EX + f"CLEAR GRAPH <{USER}> ; INSERT DATA {{ GRAPH <{USER}> {{ ex:a ex:p 1 }} }}",
    EX + f"WITH <{USER}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s csto:consentGivenBy ?o ; ?p ?o }}",
    # spellings the operations are read from tokens through: no space after PREFIX, braces in
    # strings and comments, long strings, lower case, BASE, a subquery
    f"PREFIXf:<https://example.org/> INSERT {{ GRAPH <{USER}> {{ ?s f:seen true }} }} "
    f"WHERE {{ GRAPH <{USER}> {{ ?s csto:consentGivenBy kg:Belarus }} }}",
    f'INSERT {{ GRAPH <{USER}> {{ ?s <urn:x:say> "}} {{" }} }} # }} a comment {{\n'
    f"WHERE {{ GRAPH <{USER}> {{ ?s csto:consentGivenBy ?m }} }}",
    f"insert {{ graph <{USER}> {{ ?s <urn:x:say> '''one }} two''' }} }} "
    f"where {{ graph <{USER}> {{ ?s csto:consentGivenBy kg:Belarus }} }}",
    f"BASE <https://example.org/> INSERT {{ GRAPH <{USER}> {{ ?s <counted> ?n }} }} WHERE {{ "
    f"{{ SELECT ?s (COUNT(*) AS ?n) WHERE {{ GRAPH <{USER}> {{ ?s csto:consentGivenBy ?m }} }} GROUP BY ?s }} }}",
]


@pytest.mark.parametrize("text", WRITES)
def test_an_update_writes_what_oxigraph_writes_running_it_whole(text):
    from csto_kg.graph.namespaces import PREFIXES
    from csto_kg.graph.store import KnowledgeGraph

    quads = list(build([RURITANIA]).quads())
    ours = KnowledgeGraph.of(quads)
    change = ours.write(text)
    reference = ox.Store()
    reference.extend(quads)
    reference.update(text, prefixes=PREFIXES)
    assert set(ours.quads()) == set(reference)
    assert change.added == set(reference) - set(quads) and change.removed == set(quads) - set(reference)
    assert change.added or change.removed


def test_an_update_with_a_malformed_operation_changes_nothing():
    from csto_kg.graph.store import KnowledgeGraph

    kg = KnowledgeGraph.of(build([RURITANIA]).quads())
    before = set(kg.quads())
    with pytest.raises(SyntaxError):
        kg.write(f"INSERT DATA {{ GRAPH <{USER}> {{ {WITHHELD} }} }} ; DELETE DATA {{ ?s ?p ?o }}")
    assert set(kg.quads()) == before


def fresh_build_of(kg, tmp_path):
    """A fresh build whose user data is the updated graph's user graph."""
    data = tmp_path / f"user-{kg.changes}.nt"
    data.write_bytes(ox.serialize((q.triple for q in kg.quads(None, None, None, ox.NamedNode(USER))),
                                  format=ox.RdfFormat.N_TRIPLES))
    return build([data], cache=False)


def test_each_kind_of_change_leaves_the_graph_a_fresh_build_of_its_data_would_hold(tmp_path):
    from benchmarks.worlds import world

    data = tmp_path / "world.ttl"
    data.write_text(world(20))
    kg = build([data], cache=False)
    state3 = "rdfs:label 'State 3'@en"
    freedonia = "<https://example.org/Freedonia> a csto:State ; csto:memberOf kg:CSTO"
    small = "<https://example.org/Small> rdfs:subClassOf csto:State . <https://example.org/Zed> a <https://example.org/Small>"
    steps = [
        ("pattern: an objection", f"DELETE {{ GRAPH <{USER}> {{ ?s csto:consentGivenBy kg:Belarus }} }} "
         f"INSERT {{ GRAPH <{USER}> {{ ?s csto:consentWithheldBy kg:Belarus }} }} "
         f"WHERE {{ GRAPH <{USER}> {{ ?s csto:consentGivenBy kg:Belarus ; {state3} }} }}"),
        ("pattern: its withdrawal", f"DELETE {{ GRAPH <{USER}> {{ ?s csto:consentWithheldBy kg:Belarus }} }} "
         f"INSERT {{ GRAPH <{USER}> {{ ?s csto:consentGivenBy kg:Belarus }} }} "
         f"WHERE {{ GRAPH <{USER}> {{ ?s csto:consentWithheldBy kg:Belarus ; {state3} }} }}"),
        ("retraction everywhere", f"DELETE WHERE {{ GRAPH <{USER}> {{ ?s csto:conflictFreeTerritory ?v }} }}"),
        ("addition everywhere", f"INSERT {{ GRAPH <{USER}> {{ ?s csto:conflictFreeTerritory true }} }} "
         f"WHERE {{ GRAPH <{USER}> {{ ?s a csto:State FILTER NOT EXISTS {{ ?s csto:hasConflictOnTerritory ?c }} }} }}"),
        ("data: a retraction", f"DELETE DATA {{ GRAPH <{USER}> {{ <https://example.org/world/State3> "
         "csto:memberOf kg:UnitedNations } }"),
        ("a new member", f"INSERT DATA {{ GRAPH <{USER}> {{ {freedonia} }} }}"),
        ("the member leaves", f"DELETE DATA {{ GRAPH <{USER}> {{ {freedonia} }} }}"),
        ("schema", f"INSERT DATA {{ GRAPH <{USER}> {{ {small} }} }}"),
        ("schema retracted", f"DELETE DATA {{ GRAPH <{USER}> {{ {small} }} }}"),
    ]
    for what, text in steps:
        change = kg.update(text)
        assert change.added or change.removed, what
        fresh = fresh_build_of(kg, tmp_path)
        assert inferred(kg) == inferred(fresh), what
        assert generated(kg) == generated(fresh) and kg.counts() == fresh.counts(), what


def generated(kg) -> set:
    """The axioms written from the facts (their blank nodes have stable names; the ontology's own
    are named anew by each build)."""
    return {q for q in kg.quads(graph=ox.NamedNode(ONTOLOGY)) if "csto-generated" in str(q)}


def test_an_update_that_writes_into_the_inferred_graph_is_set_right():
    kg = build([RURITANIA], cache=False)
    made_up = f"{STATE} csto:eligibleFor csto:ObserverStatus"
    kg.update(f"INSERT DATA {{ GRAPH <{INFERRED}> {{ <https://example.org/x> a csto:State }} }} ; "
              f"DELETE DATA {{ GRAPH <{INFERRED}> {{ {made_up} }} }}")
    assert inferred(kg) == inferred(build([RURITANIA], cache=False))


def test_idle_workers_follow_an_update_without_being_forked_again():
    # a fork copies the page tables of the whole graph; the change costs what it changes
    from csto_kg.server import create_app, jobs

    app = create_app(build([RURITANIA]), {"UPDATE_TOKEN": TOKEN, "WORKERS": 2})
    pool = app.extensions["csto_kg"].pool
    try:
        before = {w.pid for w in pool._idle}
        relent = (f"DELETE {{ GRAPH <{USER}> {{ {WITHHELD} }} }} INSERT {{ GRAPH <{USER}> {{ {GIVEN} }} }} "
                  f"WHERE {{ GRAPH <{USER}> {{ {WITHHELD} }} }}")  # a pattern: tried in a worker first
        for update, eligible in ((OBJECT, False), (relent, True)):
            pool.update(jobs.Update(update), 30)
            assert {w.pid for w in pool._idle} == before and len(before) == 3
            for worker in list(pool._idle):  # each answers from its own copy, which moved with the update
                worker.conn.send((explain_job, {}))
                assert worker.conn.recv() == ("ok", eligible)
    finally:
        pool.close()


def explain_job(ctx):
    return explain(ctx.kg, "Ruritania", "partner")["eligible"]
