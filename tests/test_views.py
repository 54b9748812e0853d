"""KnowledgeGraph.view: the served graph without the implied facts or the linked data, reasoned
afresh, is what a --no-implied (or --no-linked) build gives."""

from pathlib import Path

import pyoxigraph as ox

from csto_kg.graph import KnowledgeGraph, explain

RURITANIA = Path(__file__).parent.parent / "examples" / "ruritania.ttl"


def named_quads(kg):
    """Quads without blank nodes, whose labels differ from build to build."""
    return {q for q in kg.quads()
            if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}


def test_without_the_implied_facts_the_view_is_the_no_implied_build(kg, kg_stated_only):
    stated = kg.view(implied=False)
    assert stated.counts() == kg_stated_only.counts()
    assert named_quads(stated) == named_quads(kg_stated_only)
    assert explain(kg, "Azerbaijan")["eligible"] is False
    assert explain(stated, "Azerbaijan")["eligible"] is None


def test_nothing_left_out_is_the_served_graph_itself(kg):
    assert kg.view() is kg


def test_a_view_leaves_the_served_graph_as_it_was(kg):
    before = kg.counts()
    kg.view(implied=False, linked=False)
    assert kg.counts() == before and before["implied"] > 0


def test_a_view_follows_its_graphs_updates(tmp_path):
    from csto_kg.graph import build

    kg = build()
    assert explain(kg.view(implied=False), "Azerbaijan")["eligible"] is None
    kg.update("INSERT DATA { GRAPH <https://w3id.org/csto-kg/graph/user> { "
              "kg:Azerbaijan csto:consentWithheldBy kg:Belarus } }")
    assert explain(kg.view(implied=False), "Azerbaijan")["eligible"] is False


def test_a_view_without_a_member_rewrites_the_member_axioms(tmp_path):
    """A member that only the left-out graph names takes its member axioms with it, whatever
    the axioms' blank nodes are called."""
    from csto_kg.graph import build
    from csto_kg.graph.reasoning.axioms import Inputs, generated_axioms

    kg = build([str(RURITANIA)])
    kg.update("INSERT DATA { GRAPH <https://w3id.org/csto-kg/graph/implied> { "
              "<https://example.org/Freedonia> a csto:State ; csto:memberOf kg:CSTO } }")
    assert explain(kg, "Ruritania", "partner")["eligible"] is None  # Freedonia's consent unknown
    copy = ox.Store()  # as a remote store holds it: every blank node renamed
    copy.load(input=ox.serialize(kg.quads(), format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    stated = KnowledgeGraph.of(copy).view(implied=False)
    assert "Freedonia" not in str(Inputs(stated.quads()).members)
    ontology = ox.NamedNode("https://w3id.org/csto-kg/graph/ontology")
    axioms = set(generated_axioms(stated.quads()))
    assert axioms <= set(stated.quads(None, None, None, ontology))
    assert "Freedonia" not in str(list(stated.quads(None, None, None, ontology)))
    assert explain(stated, "Ruritania", "partner")["eligible"] is True
