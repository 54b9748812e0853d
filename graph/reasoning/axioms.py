"""Axioms written from the facts at build time: the ontology's generated module.

Two kinds of definition depend on facts a user's data may change, so they are written from
the facts rather than by hand:
- "diplomatic relations with all member states" and "consent of all member states" are, in
  OWL 2 RL, intersections of one hasValue restriction per member (cls-int1 over cls-hv2),
  written from the membership facts;
- "eligible for a status" is the intersection of Candidate with "meets R" for every
  requirement R that is `requirementOf` the status, written from the requirement facts, so
  that each status's requirement list is stated once (by the facts) and a build without the
  implied facts does not use the implied non-membership requirement.
The eligibility classes are those the ontology makes subclasses of "eligibleFor value S".
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from ..namespaces import PREFIXES
from ..terms import CSTO, GRAPH, KG, OWL, RDFS

_PREFIXES = "".join(f"@prefix {p}: <{PREFIXES[p]}> .\n" for p in ("csto", "owl", "rdfs"))

_MEMBERSHIP = ((CSTO.memberOf, KG.CSTO), (CSTO.hasStatus, CSTO.MemberStatus))
_NOT_FACTS = {GRAPH.ontology, GRAPH.inferred, GRAPH.outside}


class Inputs:
    """What the generated axioms are written from, gathered in one pass over the quads."""

    def __init__(self, quads):
        members, requirements = set(), defaultdict(set)
        on_eligible, values, subclasses = set(), {}, []
        for q in quads:
            if q.graph_name == GRAPH.ontology:
                if q.predicate == OWL.onProperty and q.object == CSTO.eligibleFor:
                    on_eligible.add(q.subject)
                elif q.predicate == OWL.hasValue:
                    values[q.subject] = q.object
                elif q.predicate == RDFS.subClassOf and isinstance(q.subject, ox.NamedNode):
                    subclasses.append((q.subject, q.object))
            elif q.graph_name in _NOT_FACTS or not isinstance(q.subject, ox.NamedNode):
                continue
            elif (q.predicate, q.object) in _MEMBERSHIP:
                members.add(q.subject)
            elif q.predicate == CSTO.requirementOf and isinstance(q.object, ox.NamedNode):
                requirements[q.object].add(q.subject)
        self.members = sorted(members, key=lambda m: m.value)
        self.eligibility = sorted(
            ((cls, values[r]) for cls, r in subclasses if r in on_eligible and r in values),
            key=lambda pair: pair[0].value)
        self.requirements = {s: sorted(rs, key=lambda r: r.value) for s, rs in requirements.items()}

    def key(self) -> tuple:
        """Equal keys, equal axioms: an update that leaves the key alone needs no rewrite."""
        return (tuple(self.members), tuple(self.eligibility),
                tuple((cls, tuple(self.requirements.get(s, ()))) for cls, s in self.eligibility))


def may_change_inputs(quads) -> bool:
    """Whether a change of these quads may change what the generated axioms are written from:
    the ontology, a membership or a requirementOf fact. Any other change leaves them alone."""
    return any(q.graph_name == GRAPH.ontology or q.predicate == CSTO.requirementOf
               or (q.predicate, q.object) in _MEMBERSHIP for q in quads)


def axiom_refresh(before, quads: set) -> tuple[set, set]:
    """The generated axioms to add to and to remove from quads so that they are written from its
    facts; none when its facts give the axioms those of before (the quads it came from) gave.
    An update follows its change with it, a view (KnowledgeGraph.without) its left-out graphs."""
    now = Inputs(quads)
    if Inputs(before).key() == now.key():
        return set(), set()
    axioms = set(axioms_for(now))
    return axioms - quads, generated_axiom_quads(quads) - axioms


def _intersection(cls: ox.NamedNode, parts: list[str]) -> str:
    joined = "\n        ".join(parts)
    return f"""{cls} owl:equivalentClass [ a owl:Class ; owl:intersectionOf (
        {joined} ) ] .
"""


def _has_value(prop: str, value: str) -> str:
    return f"[ a owl:Restriction ; owl:onProperty csto:{prop} ; owl:hasValue <{value}> ]"


def generated_axiom_quads(quads) -> set[ox.Quad]:
    """The generated axioms among quads, found by their shape whatever their blank nodes are
    called (a store may rename them): the definitions of the all-members and eligibility
    classes, and Candidate ⊑ ∃requiresConsentOf.{m}."""
    quads = list(quads)
    ontology = [q for q in quads if q.graph_name == GRAPH.ontology]
    by_subject: dict = defaultdict(list)
    for q in ontology:
        by_subject[q.subject].append(q)
    roots = {CSTO.DiplomaticRelationsWithAllMembers, CSTO.ConsentOfAllMembers} | {
        cls for cls, _ in Inputs(quads).eligibility}
    found, todo = set(), []
    for q in ontology:
        if not isinstance(q.object, ox.BlankNode):
            continue
        defines = q.subject in roots and q.predicate == OWL.equivalentClass
        requires = q.subject == CSTO.Candidate and q.predicate == RDFS.subClassOf and any(
            r.predicate == OWL.onProperty and r.object == CSTO.requiresConsentOf for r in by_subject[q.object])
        if defines or requires:
            found.add(q)
            todo.append(q.object)
    seen = set()
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            for q in by_subject[node]:
                found.add(q)
                if isinstance(q.object, ox.BlankNode):
                    todo.append(q.object)
    return found


def generated_axioms(quads) -> list[ox.Quad]:
    """The axioms written from the facts in quads, as quads in the ontology graph."""
    return axioms_for(Inputs(quads))


def axioms_for(inputs: Inputs) -> list[ox.Quad]:
    text = _PREFIXES
    members = [m.value for m in inputs.members]
    if members:
        text += _intersection(CSTO.DiplomaticRelationsWithAllMembers,
                              [_has_value("hasDiplomaticRelationsWith", m) for m in members])
        text += _intersection(CSTO.ConsentOfAllMembers, [_has_value("consentGivenBy", m) for m in members])
        for m in members:
            text += f"csto:Candidate rdfs:subClassOf {_has_value('requiresConsentOf', m)} .\n"
    for cls, status in inputs.eligibility:
        requirements = inputs.requirements.get(status)
        if requirements:
            text += _intersection(cls, ["csto:Candidate"] + [_has_value("meets", r.value) for r in requirements])
    # Blank nodes named by their order, so the same inputs always give the same quads and an
    # update that changes the inputs can take the old axioms out again.
    names: dict = {}

    def stable(term):
        if isinstance(term, ox.BlankNode):
            return names.setdefault(term, ox.BlankNode(f"csto-generated-{len(names)}"))
        return term

    parsed = ox.parse(input=text.encode(), format=ox.RdfFormat.TURTLE)
    return [ox.Quad(stable(t.subject), t.predicate, stable(t.object), GRAPH.ontology) for t in parsed]
