"""Reason: the OWL 2 RL closure of a graph's inputs, kept true as the inputs change.

Every graph of a build is reasoned over except two: `inferred`, which holds the result, and
`outside`, open data kept apart on purpose. The owl:Axiom annotations that carry each fact's
quote are about triples, not the world, and are left out. What the closure adds goes to the
inferred graph only where a person can read it (rules.readable). An inconsistency is an
InconsistencyError naming the resources with their labels: an inconsistent graph is never
served, and a change that would make it so is refused.
"""

from __future__ import annotations

import os

import pyoxigraph as ox

from ..errors import InconsistencyError, InputError
from ..terms import GRAPH, OWL, RDF, RDFS
from .rules import Closure, is_schema, readable

# An owl:Axiom node annotates a triple (its quote, its source): it is about the triple, not the
# world, so none of its own triples is reasoned over.
ANNOTATION = (RDF.type, OWL.Axiom)
NOT_REASONED = frozenset({GRAPH.inferred, GRAPH.outside})


def is_axiom_annotation(q: ox.Quad) -> bool:
    """Whether q makes its subject an annotation (types it owl:Axiom)."""
    return (q.predicate, q.object) == ANNOTATION


def reasoned_triples(quads) -> set:
    """The triples the reasoner reads, from a store's quads: none from the graphs not reasoned,
    none about an annotation."""
    quads = [q for q in quads if q.graph_name not in NOT_REASONED]
    annotations = {q.subject for q in quads if is_axiom_annotation(q)}
    return {(q.subject, q.predicate, q.object) for q in quads if q.subject not in annotations}


REASONERS = ("csto-kg", "owlrl")


def chosen_reasoner() -> str:
    """The reasoner this process builds with: $CSTO_KG_REASONER (which `--reasoner` sets, so that
    worker processes inherit it), the project's own by default."""
    name = os.environ.get("CSTO_KG_REASONER") or REASONERS[0]
    if name not in REASONERS:
        raise InputError(f"CSTO_KG_REASONER={name!r}: the reasoner is one of {', '.join(REASONERS)}")
    return name


def reasoner_for(triples):
    """The chosen reasoner over triples: Reasoner, or plain owlrl (plain_owlrl.OwlrlReasoner)."""
    if chosen_reasoner() == "owlrl":
        from .plain_owlrl import OwlrlReasoner

        return OwlrlReasoner(triples)
    return Reasoner(triples)


class Reasoner:
    """The closure of a set of input triples and its readable inferences.

    `change(added, removed)` moves it to new inputs: an addition that brings no new schema is
    reasoned incrementally (semi-naive, from the new triples only); a removal by delete and
    rederive (Closure.retract); a schema change, or a removal the journal cannot follow, is
    reasoned afresh, which costs what a build's reasoning costs. Either way the result is the
    closure a fresh build would compute (tests/test_reasoner.py, tests/test_updates.py).
    """

    def __init__(self, triples):
        self.closure = Closure(triples)
        if self.closure.errors:
            raise InconsistencyError(self._readable(self.closure.errors))
        self.inferred = {t for t in self.closure.triples if t not in self.closure.base and readable(t)}
        self.afresh = True  # whether the last change was reasoned afresh, at a build's cost

    def prepare_for_changes(self) -> Reasoner:
        """Build now the indexes a retraction needs, so that the first one is as quick as the rest."""
        self.closure.term_index()
        return self

    def copy(self) -> Reasoner:
        """An independent reasoner in the same state: changing one leaves the other as it was."""
        other = Reasoner.__new__(Reasoner)
        other.closure, other.inferred, other.afresh = self.closure.copy(), set(self.inferred), self.afresh
        return other

    @property
    def inputs(self) -> set:
        return self.closure.base

    def change(self, added, removed) -> tuple[set, set]:
        """Move to inputs + added - removed; returns (inferences gained, inferences lost).

        Raises InconsistencyError, and then nothing has changed."""
        added = set(added) - self.closure.base
        removed = set(removed) & self.closure.base
        self.afresh = False
        if not added and not removed:
            return set(), set()
        if any(is_schema(t) for t in added | removed):
            return self._afresh((self.closure.base - removed) | added)
        touched = set(added) | removed
        if removed:
            retracted = self.closure.retract(removed)
            if retracted is None:
                return self._afresh((self.closure.base - removed) | added)
            touched |= retracted
        if added:
            touched |= self.closure.extend(added)
            if self.closure.errors:
                messages = self._readable(self.closure.errors)
                if removed:  # the inputs before, rebuilt only now: copying them each time cost O(graph)
                    self.closure = Closure((self.closure.base - added) | removed)
                else:
                    self.closure.undo()
                raise InconsistencyError(messages)
        gained, lost = set(), set()
        for t in touched:
            now = t in self.closure.triples and t not in self.closure.base and readable(t)
            if now and t not in self.inferred:
                gained.add(t)
            elif not now and t in self.inferred:
                lost.add(t)
        self.inferred |= gained
        self.inferred -= lost
        return gained, lost

    def _afresh(self, inputs) -> tuple[set, set]:
        self.afresh = True
        fresh = Reasoner(inputs)
        gained, lost = fresh.inferred - self.inferred, self.inferred - fresh.inferred
        self.closure, self.inferred = fresh.closure, fresh.inferred
        return gained, lost

    def _readable(self, messages) -> list[str]:
        """The closure's inconsistency messages with each IRI followed by its label, so a person
        sees what clashes."""
        out = []
        for message in sorted(messages):
            text = message
            for token in set(message.replace("'", " ").replace('"', " ").replace("(", " ")
                             .replace(")", " ").replace(",", " ").split()):
                if token.startswith("http"):
                    labels = self.closure.objects(ox.NamedNode(token), RDFS.label)
                    if labels:
                        text = text.replace(token, f"{token} ({sorted(x.value for x in labels)[0]})")
            out.append(text)
        return out

