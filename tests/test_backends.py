"""One KnowledgeGraph over each engine backend (graph/store.py, docs/decisions/0023): in memory,
on disk, and in a remote SPARQL 1.1 store (a real `oxigraph serve` on loopback). The reasoning,
the views and what is kept until the graph changes are the graph's own, the same on each."""

import pyoxigraph as ox
import pytest
from helpers import free_port, start_oxigraph

from csto_kg.graph import build
from csto_kg.graph.errors import StoreError
from csto_kg.graph.namespaces import INFERRED, USER
from csto_kg.graph.store import KnowledgeGraph
from csto_kg.graph.stores import open_store

CONSENT = f"INSERT DATA {{ GRAPH <{USER}> {{ kg:Azerbaijan csto:consentWithheldBy kg:Belarus }} }}"


@pytest.fixture
def oxigraph(tmp_path):
    """A read-write `oxigraph serve` on loopback with an empty store; its base URL."""
    proc, base = start_oxigraph("serve", tmp_path / "oxigraph", free_port())
    yield base
    proc.terminate()
    proc.wait(10)


def named_triples(kg, graph):
    return {q.triple for q in kg.quads(graph=ox.NamedNode(graph))
            if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}


def test_a_graph_in_a_remote_store_is_reasoned_there_as_in_memory(oxigraph, kg):
    """infer() works on every backend: the build's inputs, written unreasoned to the store, get
    the inferred graph a build in memory has."""
    unreasoned = KnowledgeGraph.of((q for q in kg.quads() if q.graph_name != ox.NamedNode(INFERRED)), kg.key)
    remote = open_store(oxigraph).replace_build(unreasoned)
    assert remote.triples_in(ox.NamedNode(INFERRED)) == 0
    remote.infer()
    assert remote.triples_in(ox.NamedNode(INFERRED)) == kg.triples_in(ox.NamedNode(INFERRED)) > 0
    assert named_triples(remote, INFERRED) == named_triples(kg, INFERRED)


def test_every_graph_has_its_own_shared_and_persist_to(oxigraph, kg, tmp_path):
    """Plain attributes of each graph, which the server reads without getattr."""
    disk = open_store(tmp_path / "disk", write=True).replace_build(kg)
    remote = open_store(oxigraph)
    served = disk.for_serving()
    graphs = {"memory": kg, "disk": disk, "remote": remote, "served": served}
    assert {name: (g.shared, g.persist_to) for name, g in graphs.items()} == {
        "memory": (False, None), "disk": (False, None), "remote": (True, None),
        "served": (False, tmp_path / "disk")}
    assert all({"shared", "persist_to", "changes", "key"} <= set(vars(g)) for g in graphs.values())
    remote.prepare_for_updates()  # a shared store's reasoner is read afresh: nothing to prepare, no error
    assert served.in_memory and not disk.in_memory and not remote.in_memory


def test_what_is_kept_is_computed_once_until_the_graph_changes():
    kg = build()
    view, ontology = kg.view(implied=False), kg.rdflib_graph("https://w3id.org/csto-kg/graph/ontology")
    assert kg.view(implied=False) is view and kg.view(implied=True) is kg
    assert kg.without(frozenset()) is kg and kg.without({USER}) is kg.without(frozenset({USER}))
    assert kg.rdflib_graph("https://w3id.org/csto-kg/graph/ontology") is ontology
    kg.update(CONSENT)
    after = kg.view(implied=False)
    assert after is not view and kg.view(implied=False) is after
    withheld = ox.NamedNode("https://w3id.org/csto-kg/ontology#consentWithheldBy")
    assert next(after.quads(None, withheld, None, ox.NamedNode(USER)), None) is not None  # the update is in it


def test_a_graph_put_back_as_it_was_is_not_read_from_what_was_kept_while_it_was_not():
    """What-if adds facts and takes them out again; the view kept meanwhile is not the graph's."""
    kg = build()
    view = kg.view(linked=False)
    assumed = ox.Quad(ox.NamedNode("https://w3id.org/csto-kg/id/Azerbaijan"),
                      ox.NamedNode("https://w3id.org/csto-kg/ontology#consentWithheldBy"),
                      ox.NamedNode("https://w3id.org/csto-kg/id/Belarus"), ox.NamedNode(USER))
    with kg.assuming([assumed]) as assumed_graph:
        assert assumed in set(assumed_graph.view(linked=False).quads())
    after = kg.view(linked=False)
    assert assumed not in set(after.quads()) and set(after.quads()) == set(view.quads())


def test_nothing_is_kept_for_a_store_others_may_change(oxigraph, kg):
    remote = open_store(oxigraph).replace_build(kg)
    assert remote.view(implied=False) is not remote.view(implied=False)
    assert remote.rdflib_graph(INFERRED) is not remote.rdflib_graph(INFERRED)
    assert len(remote.rdflib_graph(INFERRED)) == kg.triples_in(ox.NamedNode(INFERRED))


def test_a_remote_store_refuses_to_look_for_a_blank_node_it_cannot_name(oxigraph, kg):
    remote = open_store(oxigraph).replace_build(kg)
    blank = next(q for q in kg.quads() if isinstance(q.subject, ox.BlankNode))
    with pytest.raises(StoreError, match="blank nodes cannot be named"):
        remote.backend.contains(blank)
    named = next(q for q in kg.quads(graph=ox.NamedNode(INFERRED)) if not isinstance(q.subject, ox.BlankNode))
    assert remote.backend.contains(named)


def test_each_backend_answers_the_whole_interface():
    """LocalStore and RemoteStore each have every method and attribute Backend names."""
    from csto_kg.graph.backend import Backend, LocalStore
    from csto_kg.graph.stores import Endpoints, RemoteStore

    names = {n for n in vars(Backend) if not n.startswith("_")} | set(Backend.__annotations__)
    assert {"query", "quads", "contains", "update", "apply", "replace_build", "shared", "location"} <= names
    for backend in (LocalStore(ox.Store()), RemoteStore(Endpoints("http://127.0.0.1:9/query"))):
        assert names <= set(dir(backend)), (type(backend).__name__, names - set(dir(backend)))
