"""Plain owlrl as the reasoner (`--reasoner owlrl`): slow, the reference the project's own closure
is compared with. Same face as reason.Reasoner; every change is reasoned afresh."""

from __future__ import annotations

import warnings

import owlrl
import rdflib

from ..bridge import from_rdflib, to_rdflib
from ..errors import InconsistencyError
from .rules import readable

_ERROR = rdflib.URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")


class OwlrlReasoner:
    """owlrl's OWL 2 RL closure of a set of input triples and its readable inferences."""

    def __init__(self, triples):
        self.inputs = set(triples)
        graph = to_rdflib(self.inputs)
        before = set(graph)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
        errors = sorted(str(e) for e in graph.objects(None, _ERROR))
        if errors:
            raise InconsistencyError(errors)
        new = [t for t in graph if t not in before and not isinstance(t[0], rdflib.Literal)
               and not isinstance(t[1], (rdflib.Literal, rdflib.BNode))]
        self.inferred = {t for t in from_rdflib(new) if readable(t) and t not in self.inputs}

    def prepare_for_changes(self) -> OwlrlReasoner:
        return self

    def copy(self) -> OwlrlReasoner:
        other = OwlrlReasoner.__new__(OwlrlReasoner)
        other.inputs, other.inferred = set(self.inputs), set(self.inferred)
        return other

    def change(self, added, removed) -> tuple[set, set]:
        """Move to inputs + added - removed, reasoned afresh; returns (gained, lost).

        Raises InconsistencyError, and then nothing has changed."""
        fresh = OwlrlReasoner((self.inputs - set(removed)) | set(added))
        gained, lost = fresh.inferred - self.inferred, self.inferred - fresh.inferred
        self.inputs, self.inferred = fresh.inputs, fresh.inferred
        return gained, lost
