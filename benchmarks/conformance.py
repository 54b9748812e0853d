"""csto-kg's reasoner and plain owlrl on the OWL 2 RL/RDF conformance cases, in one run.

    python benchmarks/conformance.py          # prints both counts, the ratio and what each missed

A case passes as in tests/test_conformance.py: an entailment when the closure of the premise
holds the conclusion (blank nodes existential: csto-kg through Closure.entails, owlrl through a
SPARQL ASK over its expanded graph), an inconsistency when the reasoner reports one (csto-kg must
also name the violated rule). A consistent premise called inconsistent is counted apart: it is
the worst outcome.
"""

from __future__ import annotations

import logging
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import owlrl  # noqa: E402
import rdflib  # noqa: E402
from test_conformance import CASES, FALSE_RULES, properties, triples  # noqa: E402

from csto_kg.graph.errors import InconsistencyError  # noqa: E402
from csto_kg.graph.reasoning.reason import Reasoner  # noqa: E402

ERROR = rdflib.URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")


def ours(case: Path, kind: str) -> str:
    """'pass', 'fail' or 'false alarm' (a consistent premise called inconsistent)."""
    if kind == "INCONSISTENCY":
        try:
            Reasoner(triples(case / f"{case.name}.graph.ttl"))
        except InconsistencyError as e:
            return "pass" if any(f"[{rule}]" in str(e) for rule in FALSE_RULES) else "fail"
        return "fail"
    try:
        closure = Reasoner(triples(case / f"{case.name}.premisegraph.ttl")).closure
    except InconsistencyError:
        return "false alarm"
    return "pass" if closure.entails(triples(case / f"{case.name}.conclusiongraph.ttl")) else "fail"


def _expanded(path: Path) -> rdflib.Graph:
    graph = rdflib.Graph().parse(path, format="turtle")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph


def _ask(graph: rdflib.Graph, conclusion: rdflib.Graph) -> bool:
    def term(x):
        return f"?b{x}" if isinstance(x, rdflib.BNode) else x.n3()

    patterns = " .\n".join(" ".join(term(x) for x in t) for t in conclusion)
    return bool(graph.query(f"ASK {{ {patterns} }}").askAnswer)


def owlrls(case: Path, kind: str) -> str:
    if kind == "INCONSISTENCY":
        return "pass" if (None, ERROR, None) in _expanded(case / f"{case.name}.graph.ttl") else "fail"
    graph = _expanded(case / f"{case.name}.premisegraph.ttl")
    if (None, ERROR, None) in graph:
        return "false alarm"
    conclusion = rdflib.Graph().parse(case / f"{case.name}.conclusiongraph.ttl", format="turtle")
    return "pass" if _ask(graph, conclusion) else "fail"


def main() -> None:
    logging.getLogger("rdflib").setLevel(logging.CRITICAL)  # rdflib logs each ill-typed literal it parses
    results = {"csto-kg": {}, "owlrl": {}}
    for case in sorted(p for p in CASES.iterdir() if p.is_dir()):
        kind = properties(case)["testcase.type"]
        results["csto-kg"][case.name] = ours(case, kind)
        results["owlrl"][case.name] = owlrls(case, kind)
    total = len(results["csto-kg"])
    counts = {}
    for name, outcome in results.items():
        counts[name] = sum(v == "pass" for v in outcome.values())
        alarms = sorted(c for c, v in outcome.items() if v == "false alarm")
        missed = sorted(c for c, v in outcome.items() if v == "fail")
        print(f"{name:8s} passes {counts[name]:3d} of {total}; consistent premises called inconsistent: "
              f"{len(alarms)}")
        for c in alarms:
            print(f"    false alarm: {c}")
        for c in missed:
            print(f"    missed:      {c}")
    print(f"ratio csto-kg / owlrl: {counts['csto-kg'] / counts['owlrl']:.2f}")


if __name__ == "__main__":
    main()
