"""The index from each OWL 2 RL/RDF rule (OWL 2 Profiles §4.3, tables 4-9) to the conformance cases
and test worlds (tests/test_rules.py, the ontology) whose premises it applies to, written to
tests/conformance/RULES.md.

    python tests/rule_index.py      # rewrites tests/conformance/RULES.md

A rule applies to a graph that uses every term of its premises (TRIGGERS, read off the spec's
tables); dt-* rules to a graph with typed literals; eq-ref, cls-thing, cls-nothing1, prp-ap and
dt-type1 hold for every graph. tests/test_rule_index.py checks the index is current and that
every rule is tagged `# RULE id` where graph/reasoning applies it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

TESTS = Path(__file__).parent
CASES = TESTS / "conformance" / "owl2rl"
INDEX = TESTS / "conformance" / "RULES.md"
REASONING = TESTS.parent / "graph" / "reasoning"
ONTOLOGY = TESTS.parent / "ontology" / "csto.ttl"
RULE_WORLDS = TESTS / "fixtures" / "rules"  # tests/test_rules.py: the rules no case uses
_PREFIXES = {"owl": "http://www.w3.org/2002/07/owl#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
             "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}
EVERY_GRAPH = "every graph"
LITERALS = "typed literals"

TABLES = {
    "eq": {"eq-ref": EVERY_GRAPH, "eq-sym": "owl:sameAs", "eq-trans": "owl:sameAs", "eq-rep-s": "owl:sameAs",
           "eq-rep-p": "owl:sameAs", "eq-rep-o": "owl:sameAs", "eq-diff1": "owl:sameAs owl:differentFrom",
           "eq-diff2": "owl:AllDifferent owl:members", "eq-diff3": "owl:AllDifferent owl:distinctMembers"},
    "prp": {"prp-ap": EVERY_GRAPH, "prp-dom": "rdfs:domain", "prp-rng": "rdfs:range",
            "prp-fp": "owl:FunctionalProperty", "prp-ifp": "owl:InverseFunctionalProperty",
            "prp-irp": "owl:IrreflexiveProperty", "prp-symp": "owl:SymmetricProperty",
            "prp-asyp": "owl:AsymmetricProperty", "prp-trp": "owl:TransitiveProperty",
            "prp-spo1": "rdfs:subPropertyOf", "prp-spo2": "owl:propertyChainAxiom",
            "prp-eqp1": "owl:equivalentProperty", "prp-eqp2": "owl:equivalentProperty",
            "prp-pdw": "owl:propertyDisjointWith", "prp-adp": "owl:AllDisjointProperties",
            "prp-inv1": "owl:inverseOf", "prp-inv2": "owl:inverseOf", "prp-key": "owl:hasKey",
            "prp-npa1": "owl:sourceIndividual owl:targetIndividual",
            "prp-npa2": "owl:sourceIndividual owl:targetValue"},
    "cls": {"cls-thing": EVERY_GRAPH, "cls-nothing1": EVERY_GRAPH, "cls-nothing2": "owl:Nothing",
            "cls-int1": "owl:intersectionOf", "cls-int2": "owl:intersectionOf", "cls-uni": "owl:unionOf",
            "cls-com": "owl:complementOf", "cls-svf1": "owl:someValuesFrom", "cls-svf2": "owl:someValuesFrom owl:Thing",
            "cls-avf": "owl:allValuesFrom", "cls-hv1": "owl:hasValue", "cls-hv2": "owl:hasValue",
            "cls-maxc1": "owl:maxCardinality", "cls-maxc2": "owl:maxCardinality",
            "cls-maxqc1": "owl:maxQualifiedCardinality owl:onClass",
            "cls-maxqc2": "owl:maxQualifiedCardinality owl:Thing",
            "cls-maxqc3": "owl:maxQualifiedCardinality owl:onClass",
            "cls-maxqc4": "owl:maxQualifiedCardinality owl:Thing", "cls-oo": "owl:oneOf"},
    "cax": {"cax-sco": "rdfs:subClassOf", "cax-eqc1": "owl:equivalentClass", "cax-eqc2": "owl:equivalentClass",
            "cax-dw": "owl:disjointWith", "cax-adc": "owl:AllDisjointClasses"},
    "dt": {"dt-type1": EVERY_GRAPH, "dt-type2": LITERALS, "dt-eq": LITERALS, "dt-diff": LITERALS,
           "dt-not-type": LITERALS},
    "scm": {"scm-cls": "owl:Class", "scm-sco": "rdfs:subClassOf", "scm-eqc1": "owl:equivalentClass",
            "scm-eqc2": "rdfs:subClassOf", "scm-op": "owl:ObjectProperty", "scm-dp": "owl:DatatypeProperty",
            "scm-spo": "rdfs:subPropertyOf", "scm-eqp1": "owl:equivalentProperty", "scm-eqp2": "rdfs:subPropertyOf",
            "scm-dom1": "rdfs:domain rdfs:subClassOf", "scm-dom2": "rdfs:domain rdfs:subPropertyOf",
            "scm-rng1": "rdfs:range rdfs:subClassOf", "scm-rng2": "rdfs:range rdfs:subPropertyOf",
            "scm-hv": "owl:hasValue rdfs:subPropertyOf", "scm-svf1": "owl:someValuesFrom rdfs:subClassOf",
            "scm-svf2": "owl:someValuesFrom rdfs:subPropertyOf", "scm-avf1": "owl:allValuesFrom rdfs:subClassOf",
            "scm-avf2": "owl:allValuesFrom rdfs:subPropertyOf", "scm-int": "owl:intersectionOf",
            "scm-uni": "owl:unionOf"},
}
TRIGGERS = {rule: trigger for table in TABLES.values() for rule, trigger in table.items()}


def tagged_rules() -> dict[str, list[str]]:
    """Rule id -> the modules of graph/reasoning that tag it `# RULE id`."""
    found: dict[str, list[str]] = {}
    for path in sorted(REASONING.glob("*.py")):
        for rule in re.findall(r"# RULE ([a-z]+-[a-z0-9-]+)", path.read_text()):
            if path.name not in found.setdefault(rule, []):
                found[rule].append(path.name)
    return found


def _terms(path: Path) -> tuple[set, bool]:
    """The IRIs a graph uses and whether it holds a literal that is not a plain string."""
    terms, typed = set(), False
    for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        for x in (t.subject, t.predicate, t.object):
            if isinstance(x, ox.NamedNode):
                terms.add(x.value)
            elif isinstance(x, ox.Literal) and not x.language:
                typed = True
    return terms, typed


def applies(rule: str, terms: set, typed: bool) -> bool:
    trigger = TRIGGERS[rule]
    if trigger == EVERY_GRAPH:
        return True
    if trigger == LITERALS:
        return typed
    return all(_PREFIXES[t.split(":")[0]] + t.split(":")[1] in terms for t in trigger.split())


def graphs() -> dict[str, Path]:
    """Name -> premise (or inconsistent graph) of every case, and the project's own worlds."""
    out = {}
    for case in sorted(p for p in CASES.iterdir() if p.is_dir()):
        premise = case / f"{case.name}.premisegraph.ttl"
        out[case.name] = premise if premise.exists() else case / f"{case.name}.graph.ttl"
    for world in sorted(RULE_WORLDS.glob("*.ttl")):
        out[f"test_rules.py[{world.stem}]"] = world
    out["the ontology (every build; tests/test_reasoner.py)"] = ONTOLOGY
    return out


def index_text() -> str:
    used = {name: _terms(path) for name, path in graphs().items()}
    tags = tagged_rules()
    lines = ["# Rule index", "",
             "Each OWL 2 RL/RDF rule (OWL 2 Profiles §4.3), where graph/reasoning applies it (`# RULE id`), and",
             "the conformance cases (tests/test_conformance.py) and test worlds (tests/test_rules.py,",
             "the ontology) whose premises it applies to.",
             "Written by `python tests/rule_index.py`; tests/test_rule_index.py keeps it current.", ""]
    for table, rules in TABLES.items():
        lines += [f"## {table}-*", "", "| rule | applied in | exercised by |", "|---|---|---|"]
        for rule in rules:
            users = [name for name, (terms, typed) in used.items() if applies(rule, terms, typed)]
            shown = "every case" if TRIGGERS[rule] == EVERY_GRAPH else ", ".join(
                u.removeprefix("rdfbased-") for u in users) or "none"
            lines.append(f"| {rule} | {', '.join(tags.get(rule, ['-']))} | {shown} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    INDEX.write_text(index_text())
