"""The reasoner against the OWL 2 RL/RDF conformance cases of Schneider and Mainzer (FZI), one test
a case (tests/conformance/owl2rl/README.md): an entailment holds when the closure of the premise
entails the conclusion, its blank nodes read as existential variables (Closure.entails); an
inconsistency holds when the reasoner refuses the graph and names the violated rule, one of the
rules of OWL 2 Profiles §4.3 whose conclusion is `false`."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest

from csto_kg.graph.errors import InconsistencyError
from csto_kg.graph.reasoning.reason import Reasoner

CASES = Path(__file__).parent / "conformance" / "owl2rl"

# The rules whose conclusion is `false` (OWL 2 Profiles, tables 4-9).
FALSE_RULES = {"eq-diff1", "eq-diff2", "eq-diff3", "eq-irp", "prp-irp", "prp-asyp", "prp-pdw", "prp-adp",
               "prp-npa1", "prp-npa2", "cls-nothing2", "cls-com", "cls-maxc1", "cls-maxqc1", "cls-maxqc2",
               "cax-dw", "cax-adc", "dt-not-type"}

# Cases the product cannot pass by design, each with its reason.
EXPECTED_FAILURES = {
    "rdfbased-dat-dtype-double-illtyped-hi": "XSD 1.1 maps 1.0E+310 to INF, a double: consistent",
    "rdfbased-dat-dtype-double-illtyped-lo": "XSD 1.1 maps 1.0E-330 to 0, a double: consistent",
    "rdfbased-dat-dtype-float-illtyped-hi": "XSD 1.1 maps 1.0E+40 to INF, a float: consistent",
    "rdfbased-dat-dtype-float-illtyped-lo": "XSD 1.1 maps 1.0E-50 to 0, a float: consistent",
}


def properties(case: Path) -> dict:
    root = ET.parse(case / f"{case.name}.metadata.properties").getroot()
    return {entry.get("key"): entry.text for entry in root.iter("entry")}


def triples(path: Path) -> set:
    return {(t.subject, t.predicate, t.object) for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)}


def cases() -> list:
    found = sorted(p for p in CASES.iterdir() if p.is_dir())
    return [pytest.param(p, id=p.name, marks=[pytest.mark.xfail(reason=EXPECTED_FAILURES[p.name], strict=True)]
                         if p.name in EXPECTED_FAILURES else []) for p in found]


def test_every_case_is_here():
    assert len(cases()) == 273
    assert set(EXPECTED_FAILURES) <= {p.name for p in CASES.iterdir()}


@pytest.mark.parametrize("case", cases())
def test_case(case: Path):
    kind = properties(case)["testcase.type"]
    if kind == "POSITIVE_ENTAILMENT":
        premise = triples(case / f"{case.name}.premisegraph.ttl")
        conclusion = triples(case / f"{case.name}.conclusiongraph.ttl")
        assert Reasoner(premise).closure.entails(conclusion)
    else:
        assert kind == "INCONSISTENCY"
        with pytest.raises(InconsistencyError) as refused:
            Reasoner(triples(case / f"{case.name}.graph.ttl"))
        named = set(re.findall(r"\[([a-z]+-[a-z0-9-]+)\]", str(refused.value)))
        assert named & FALSE_RULES, str(refused.value)
