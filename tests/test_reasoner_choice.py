"""`--reasoner owlrl` builds with plain owlrl: the same verdicts as the project's own reasoner on the
article and on a generated world, and a change is reasoned afresh (docs/decisions/0017)."""

import pyoxigraph as ox
import pytest

from benchmarks.worlds import world
from csto_kg.graph.build import build
from csto_kg.graph.errors import InputError
from csto_kg.graph.namespaces import CSTO, INFERRED
from csto_kg.graph.reasoning.plain_owlrl import OwlrlReasoner

VERDICTS = {ox.NamedNode(str(p)) for p in (CSTO.eligibleFor, CSTO.ineligibleFor, CSTO.meets, CSTO.fails)}


def verdicts(kg) -> set:
    return {(q.subject, q.predicate, q.object) for q in kg.quads(graph=ox.NamedNode(INFERRED))
            if q.predicate in VERDICTS}


@pytest.mark.parametrize("name", ["article", "four generated candidates"])
def test_both_reasoners_give_the_same_verdicts(name, tmp_path, monkeypatch):
    data = []
    if name != "article":
        data = [tmp_path / "world.ttl"]
        data[0].write_text(world(4, seed=7))
    found = {}
    for reasoner in ("csto-kg", "owlrl"):
        monkeypatch.setenv("CSTO_KG_REASONER", reasoner)
        kg = build(data, linked=False, cache=False)
        assert isinstance(kg.reasoner, OwlrlReasoner) == (reasoner == "owlrl")
        found[reasoner] = verdicts(kg)
    assert found["csto-kg"] and found["csto-kg"] == found["owlrl"]


def test_an_unknown_reasoner_is_refused(monkeypatch, runner):
    monkeypatch.setenv("CSTO_KG_REASONER", "hermit")
    with pytest.raises(InputError, match="csto-kg, owlrl"):
        build(linked=False, cache=False)
    r = runner("query", "ASK { ?s ?p ?o }", "--reasoner", "hermit")
    assert r.exit_code == 2 and "hermit" in r.stderr


def test_the_cli_reasons_with_owlrl_when_asked(runner, tmp_path):
    """owlrl calls an empty xsd:normalizedString ill-typed (its bug, tests/test_reasoner.py): the
    refusal shows that owlrl reasoned."""
    data = tmp_path / "empty.ttl"
    data.write_text('<https://example.org/x> <https://example.org/p> '
                    '""^^<http://www.w3.org/2001/XMLSchema#normalizedString> .')
    ask = ("query", "ASK { ?s csto:ineligibleFor csto:ObserverStatus }", "--no-linked", "--format", "csv")
    ours = runner(*ask, "--data", str(data))
    assert ours.exit_code == 0, ours.stderr
    assert ours.stdout.strip() == "true"  # ASK as CSV: the bare boolean, as Oxigraph writes it
    owlrls = runner(*ask, "--data", str(data), "--reasoner", "owlrl")
    assert owlrls.exit_code == 1 and "normalizedString" in owlrls.stderr


def test_owlrl_reasons_a_change_afresh():
    ex = "https://example.org/"
    a, b, c, x = (ox.NamedNode(ex + n) for n in "ABCx")
    sub, typ = (ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf"),
                ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"))
    reasoner = OwlrlReasoner({(a, sub, b), (x, typ, a)})
    assert (x, typ, b) in reasoner.inferred
    gained, lost = reasoner.change({(b, sub, c)}, {(x, typ, a)})
    assert (x, typ, b) in lost and (x, typ, c) not in gained and (a, sub, c) in gained
