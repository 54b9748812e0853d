"""The OWL 2 RL rules no conformance case uses (tests/conformance/RULES.md), each on a small graph
of its own in tests/fixtures/rules/<rule>.ttl, with what OWL 2 Profiles §4.3 says follows."""

from pathlib import Path

import pyoxigraph as ox
import pytest

from csto_kg.graph.errors import InconsistencyError
from csto_kg.graph.reasoning.reason import Reasoner

RULES = Path(__file__).parent / "fixtures" / "rules"
R = "https://example.org/r/"
SAME = "http://www.w3.org/2002/07/owl#sameAs"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
INCONSISTENT = "inconsistent"

EXPECTED = {
    "eq-diff2": INCONSISTENT,                   # two members of an AllDifferent are the same
    "prp-key": [(R + "x", SAME, R + "y")],      # same key values ("1" and "01" by value, dt-eq)
    "prp-npa2": INCONSISTENT,                   # a negative data property assertion is asserted
    "cls-svf2": [(R + "x", TYPE, R + "R")],     # someValuesFrom owl:Thing
    "cls-maxqc2": INCONSISTENT,                 # at most 0 of owl:Thing, yet one
    "cls-maxqc4": [(R + "y1", SAME, R + "y2")],  # at most 1 of owl:Thing, yet two
}


def premise(rule: str) -> set:
    return {(t.subject, t.predicate, t.object)
            for t in ox.parse(path=str(RULES / f"{rule}.ttl"), format=ox.RdfFormat.TURTLE)}


@pytest.mark.parametrize("rule", EXPECTED)
def test_rule(rule):
    if EXPECTED[rule] == INCONSISTENT:
        with pytest.raises(InconsistencyError, match=rf"\[{rule}\]"):
            Reasoner(premise(rule))
    else:
        closure = Reasoner(premise(rule)).closure
        assert closure.entails({tuple(ox.NamedNode(x) for x in t) for t in EXPECTED[rule]})


def test_every_fixture_is_expected():
    assert {p.stem for p in RULES.glob("*.ttl")} == set(EXPECTED)


def test_a_literal_of_an_unsupported_datatype_is_never_called_ill_typed():
    """dt-not-type needs the literal's value; of a datatype OWL 2 RL does not support it is unknown."""
    def graph(literal):
        text = ("<https://example.org/p> <http://www.w3.org/2000/01/rdf-schema#range> "
                "<http://www.w3.org/2001/XMLSchema#string> .\n"
                f"<https://example.org/x> <https://example.org/p> {literal} .")
        return {(t.subject, t.predicate, t.object) for t in ox.parse(text, format=ox.RdfFormat.TURTLE)}

    Reasoner(graph('"a"^^<https://example.org/unknown>'))
    with pytest.raises(InconsistencyError, match=r"\[dt-not-type\]"):  # a boolean is known not to be a string
        Reasoner(graph('"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'))
