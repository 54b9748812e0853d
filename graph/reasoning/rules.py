"""The OWL 2 RL/RDF rules (OWL 2 Profiles §4.3), forward-chained semi-naively over indexed sets.

owlrl re-reads every triple on every cycle and asks rdflib for each rule's other premises; its
cost is cycles × triples × rules (docs/decisions/0001-reasoner.md). Here each triple meets the
rules once, when it is new, and only those that can use it:

  * The schema (classes, properties, restrictions, lists) is closed first by the scm-* rules,
    then compiled into tables keyed by predicate and by class, so that a fact `x p y` or
    `x rdf:type C` looks up exactly the axioms that mention p or C.
  * The other premises of a rule are found through indexes on (s, p), (p, o) and p.
  * Should facts entail new schema (rare: a domain of owl:Class, a sameAs between classes), the
    tables are compiled again and every triple meets the new tables once more.

Literals are read by value (datatypes.py). eq-ref and dt-diff are held implicitly and answered
by `Closure.entails` (docs/decisions/0017-reasoner-conformance.md); an inconsistency message
starts with the rule whose conclusion is false. tests/test_conformance.py runs the OWL 2 RL
conformance cases; tests/test_reasoner.py compares the closure with owlrl's on every test world.
Additions are incremental; `Closure.extend` keeps an undo journal so that an addition that makes
the graph inconsistent can be taken back.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from ..namespaces import BUILTIN
from . import cax, cls, datatypes, dt, eq, prp, scm
from .datatypes import ILL_TYPED, RL_DATATYPES
from .trace import Conclusions
from .vocabulary import DIFF, EQC, EQP, FIRST, NIL, RESOURCE, REST, SAME, SCO, SPO, THING, TYPE, is_schema

__all__ = ["Closure", "is_schema", "readable"]

# Each table of OWL 2 Profiles §4.3 has its module: eq.py (table 4), prp.py (5), cls.py (6),
# cax.py (7), dt.py (8), scm.py (9); each rule carries a `# RULE id` tag where it is applied.
TABLES = (eq, prp, cls, cax)


class Tables:
    """The schema compiled for the fact rules: what a predicate or a class triggers, by table."""

    def __init__(self, c: Closure):
        # The classes and predicates some rule reads: a fact about no other meets no table.
        self.classes, self.predicates = set(), set()
        for table in TABLES:
            table.compile(c, self)


class Closure:
    """A set of triples and everything the OWL 2 RL/RDF rules entail from it."""

    def __init__(self, triples=(), trace: bool = False):
        """The closure of triples; with trace, each conclusion's rule is noted (rules_behind)."""
        self.derivations: dict | None = {} if trace else None  # conclusion -> (rule, triggering triple)
        self.base: set = set()
        self.triples: set = set()
        self._sp = defaultdict(set)
        self._po = defaultdict(set)
        self._p = defaultdict(set)
        self._by_s = None  # by subject and by object: for eq-rep-s/o and for retraction,
        self._by_o = None  # built when first needed
        self.equality = False  # whether a sameAs between two terms has appeared
        self.fixed: set = set()  # the seeds and the datatype facts: never retracted
        self.errors: set[str] = set()
        self._journal: list | None = None
        self._before: tuple = ()
        self.values: dict = {}  # literal -> its value (datatypes.value), for the dt-* rules
        self.by_value = defaultdict(set)  # value -> the literals that have it (dt-eq)
        self.tables: Tables | None = None
        self._run(self._seed() + self._add_base(triples), schema_changed=True)

    def copy(self) -> Closure:
        """An independent closure with the same triples (the compiled tables, never changed in
        place, are shared)."""
        other = Closure.__new__(Closure)
        other.__dict__.update(self.__dict__)
        other.base, other.triples = set(self.base), set(self.triples)
        for name in ("_sp", "_po", "_p", "_by_s", "_by_o"):
            index = getattr(self, name)
            if index is not None:
                setattr(other, name, defaultdict(set, {k: set(v) for k, v in index.items()}))
        other.fixed, other.errors = set(self.fixed), set(self.errors)
        other.values = dict(self.values)
        other.by_value = defaultdict(set, {k: set(v) for k, v in self.by_value.items()})
        other._journal, other._before = None, ()
        return other

    # -- reading ------------------------------------------------------------------------------

    def __contains__(self, t) -> bool:
        return t in self.triples

    def objects(self, s, p):
        return self._sp.get((s, p), ())

    def subjects(self, p, o):
        return self._po.get((p, o), ())

    def pairs(self, p):
        return self._p.get(p, ())

    def list_items(self, head) -> list:
        items, seen = [], set()
        while head != NIL and head not in seen:
            seen.add(head)
            first = self._sp.get((head, FIRST))
            if not first:
                break
            items.append(next(iter(first)))
            rest = self._sp.get((head, REST))
            if not rest:
                break
            head = next(iter(rest))
        return items

    # -- entailment -------------------------------------------------------------------------------

    def entails(self, conclusion) -> bool:
        """Whether the closure entails every triple of `conclusion`, its blank nodes read as
        existential variables. Implicit triples count: eq-ref's `x owl:sameAs x` for every term
        (every name denotes itself, in the graph or not: the RDF-based semantics); dt-type2 and
        dt-eq by value; dt-diff's owl:differentFrom between literals of different values, also
        through owl:sameAs."""
        return self._match(list(dict.fromkeys(conclusion)), {})

    def _match(self, patterns, binding) -> bool:
        if not patterns:
            return True
        bound = [tuple(binding.get(x, x) for x in t) for t in patterns]
        i = min(range(len(bound)), key=lambda k: sum(isinstance(x, ox.BlankNode) for x in bound[k]))
        pattern, rest = bound[i], patterns[:i] + patterns[i + 1:]
        for candidate in self._candidates(pattern):
            extended = dict(binding)
            if all(extended.setdefault(x, y) == y if isinstance(x, ox.BlankNode) else x == y
                   for x, y in zip(pattern, candidate, strict=True)) and self._match(rest, extended):
                return True
        return False

    def _candidates(self, pattern):
        """Triples of the closure that may match a pattern (blank nodes unbound)."""
        s, p, o = (None if isinstance(x, ox.BlankNode) else x for x in pattern)
        if s is not None and p is not None and o is not None:
            return [pattern] if self.holds(pattern) else []
        if p is None:
            return [t for t in self.triples if (s is None or t[0] == s) and (o is None or t[2] == o)]
        if s is not None:
            found = [(s, p, y) for y in self.objects(s, p)]
        elif o is not None:
            found = [(x, p, o) for x in self.subjects(p, o)]
        else:
            found = [(x, p, y) for x, y in self.pairs(p)]
        if p == SAME and (s is not None or o is not None):  # eq-ref
            term = s if s is not None else o
            found.append((term, SAME, term))
        return found

    def holds(self, t) -> bool:
        """Whether a triple without blank-node variables is in the closure, implicit triples included."""
        if t in self.triples:
            return True
        s, p, o = t
        if p == SAME:  # RULE eq-ref, and dt-eq for literals the graph does not hold
            return s == o or (
                isinstance(s, ox.Literal) and isinstance(o, ox.Literal) and self.value(s) not in (None, ILL_TYPED)
                and self.value(s) == self.value(o))
        if p == DIFF:  # RULE dt-diff, carried to what is the same as the literals
            return any(datatypes.different(self.value(a), self.value(b))
                       for a in self._aliases(s) for b in self._aliases(o))
        if p == TYPE and isinstance(s, ox.Literal) and o in RL_DATATYPES:  # RULE dt-type2
            return datatypes.holds(self.value(s), o)
        return False

    def _aliases(self, x) -> list:
        return [y for y in [x, *self.objects(x, SAME)] if isinstance(y, ox.Literal)]

    # -- changing ---------------------------------------------------------------------------

    def extend(self, triples) -> set:
        """Add triples and their consequences; returns the triples new to the closure.

        Raise nothing: inconsistencies land in `errors`; `undo()` takes the addition back."""
        self._journal = []
        triples = [t for t in dict.fromkeys(triples) if t not in self.base]
        self._before = (triples, set(self.errors), dict(self.values), set(self.fixed), self.equality,
                        self.tables)
        new = self._add_base(triples)
        schema = any(is_schema(t) for t in new)
        self._run(new, schema_changed=schema)
        added = set(self._journal)
        return added

    def retract(self, triples):
        """Take base triples out, with what no longer follows: delete and rederive.

        Everything derived through a retracted triple is taken out (over-deletion), then the
        rules run again from the remaining triples that mention the subject of something taken
        out, which brings back all that still follows: the subject of each rule's conclusion is a
        term of one of its fact premises, and each premise alone triggers its rules. A subject's
        triples are run only until all that was taken out about it is back, so a shared term
        (a class, a member state) costs what its lost triples need, not what it is used in.
        Returns the triples touched, or None, having changed nothing, where the schema would
        change: then reason afresh."""
        gone = {t for t in triples if t in self.base}
        over, queue = set(gone), list(gone)
        while queue:
            for d in list(self._fact_rules(queue.pop())):
                if d in self.triples and d not in over and d not in self.fixed and (d not in self.base or d in gone):
                    over.add(d)
                    queue.append(d)
        if any(is_schema(t) for t in over) or self._equal_literals(gone):
            return None
        self.base -= gone
        self.term_index()
        for t in over:
            self._remove(t)
        lost = defaultdict(set)  # subject -> its triples taken out, not yet back
        for t in over:
            lost[t[0]].add(t)
        over |= self._forget_literals({x for t in gone for x in (t[0], t[2]) if isinstance(x, ox.Literal)})
        self._journal = []
        for x, missing in lost.items():
            self._rederive(x, missing)
        touched = over | set(self._journal)
        self._journal = None
        return touched

    def _equal_literals(self, triples) -> bool:
        """Whether the triples mention a literal that dt-eq made the same as another: a retraction
        then reasons afresh (the pair's consequences are not journalled)."""
        return any(len(self.by_value.get(self.values.get(x), ())) > 1
                   for t in triples for x in (t[0], t[2]) if isinstance(x, ox.Literal))

    def _rederive(self, x, missing: set) -> None:
        """Run the rules from x's triples, as subject and then as object, until missing is back."""
        for as_subject in (True, False):
            missing = {t for t in missing if t not in self.triples}
            if not missing:
                return
            for a, b in list((self._by_s if as_subject else self._by_o).get(x, ())):
                self._run([(x, a, b) if as_subject else (a, b, x)], schema_changed=False)
                missing = {t for t in missing if t not in self.triples}
                if not missing:
                    return

    def _forget_literals(self, literals) -> set:
        """The datatype facts of literals no triple mentions any more, taken out as a fresh
        closure would lack them."""
        out = set()
        for term in literals:
            if any(True for _ in self._by_o.get(term, ())):
                continue
            key = self.values.pop(term, None)
            self.by_value.get(key, set()).discard(term)
            for p, o in list(self._by_s.get(term, ())):
                if (term, p, o) in self.fixed:
                    self._remove((term, p, o))
                    self.fixed.discard((term, p, o))
                    out.add((term, p, o))
        return out

    def undo(self) -> None:
        """Take back the last extend(), leaving the closure as it was before it."""
        for t in self._journal or ():
            self._remove(t)
        added, self.errors, values, self.fixed, self.equality, self.tables = self._before
        for lit in set(self.values) - set(values):
            self.by_value[self.values[lit]].discard(lit)
        self.values = values
        self.base.difference_update(added)
        self._journal = None

    def _add_base(self, triples) -> list:
        new = []
        for t in triples:
            if t in self.base:
                continue
            self.base.add(t)
            if self._insert(t):
                new.append(t)
        facts = dt.facts(self, new)
        self._note(facts, None)
        self.fixed.update(facts)
        return new + [t for t in facts if self._insert(t)]

    def _insert(self, t) -> bool:
        if t in self.triples:
            return False
        s, p, o = t
        self.triples.add(t)
        self._sp[(s, p)].add(o)
        self._po[(p, o)].add(s)
        self._p[p].add((s, o))
        if self._by_s is not None:
            self._by_s[s].add((p, o))
            self._by_o[o].add((s, p))
        if self._journal is not None:
            self._journal.append(t)
        return True

    def _remove(self, t) -> None:
        if t not in self.triples:
            return
        s, p, o = t
        self.triples.discard(t)
        self._sp[(s, p)].discard(o)
        self._po[(p, o)].discard(s)
        self._p[p].discard((s, o))
        if self._by_s is not None:
            self._by_s[s].discard((p, o))
            self._by_o[o].discard((s, p))

    def term_index(self) -> tuple:
        """The indexes by subject and by object (for eq-rep-s/o and retraction), built when first needed."""
        if self._by_s is None:
            self._by_s, self._by_o = defaultdict(set), defaultdict(set)
            for s, p, o in self.triples:
                self._by_s[s].add((p, o))
                self._by_o[o].add((s, p))
        return self._by_s, self._by_o

    # -- the fixpoint -----------------------------------------------------------------------------

    def _seed(self) -> list:
        out = cls.SEED + prp.SEED + dt.SEED
        self.fixed.update(out)
        return [t for t in out if self._insert(t)]

    def _run(self, new: list, schema_changed: bool) -> None:
        facts = list(new)
        schema = [t for t in new if is_schema(t)]
        if self.tables is None:
            schema_changed = True
        while True:
            self._close_schema(schema, facts)
            if schema_changed:
                self.tables = Tables(self)
                facts = list(self.triples)  # every fact meets the new tables
                schema_changed = False
            derived_schema = False
            while facts:
                fact = facts.pop()
                derived = self._fact_rules(fact)
                if self.derivations is not None:
                    self._note(derived, fact)
                for d in derived:
                    if d[1].__class__ is ox.Literal or d in self.triples:
                        continue
                    self._insert(d)
                    facts.append(d)
                    if is_schema(d):
                        schema.append(d)
                        derived_schema = True
            if not derived_schema:
                return
            schema_changed = True

    def _close_schema(self, schema: list, facts: list) -> None:
        """The scm-* rules (and cls-oo) until the schema is closed under them."""
        while schema:
            trigger = schema.pop()
            for d in self._note(scm.rules(self, trigger), trigger):
                if self._insert(d):
                    facts.append(d)
                    if is_schema(d):
                        schema.append(d)
            if not schema:
                for d in [*self._note(scm.joins(self), None), *self._note(cls.one_of(self), None)]:
                    if self._insert(d):
                        facts.append(d)
                        schema.append(d)

    def _fact_rules(self, t) -> list:
        """What the rules of tables 4-8 conclude from a new triple, through the compiled tables."""
        s, p, o = t
        T, out = self.tables, [] if self.derivations is None else Conclusions()
        if p == TYPE:
            if s.__class__ is ox.Literal:
                dt.on_type(self, s, o)
            if o in T.classes:
                cax.on_type(self, T, s, o, out)
                cls.on_type(self, T, s, o, out)
                prp.on_type(self, T, s, o, out)
        if p in T.predicates:
            prp.on_triple(self, T, s, p, o, out)
            prp.check(self, T, s, p, o)
            cls.on_triple(self, T, s, p, o, out)
        if p == SAME or p == DIFF or self.equality:
            eq.on_triple(self, T, s, p, o, out)
        return out

    # -- which rule concluded what (trace=True) ---------------------------------------------------

    def conclusions(self) -> list:
        """The list a rule appends its conclusions to: one that notes the rules when tracing."""
        return [] if self.derivations is None else Conclusions()

    def _note(self, out: list, trigger) -> list:
        if self.derivations is not None:
            for d, rule in zip(out, out.rules, strict=True):
                if d not in self.triples:
                    self.derivations.setdefault(d, (rule, trigger))
        return out

    def rules_behind(self, t) -> list[str]:
        """The rules that led to t, from the inputs up: each derivation's rule, then the rules
        behind the premise that triggered it (a closure made with trace=True)."""
        found, seen = [], set()
        while t is not None and t not in seen and t not in self.base and t in (self.derivations or {}):
            seen.add(t)
            rule, t = self.derivations[t]
            found.append(rule)
        return list(dict.fromkeys(reversed(found)))

    # -- what the table modules ask ---------------------------------------------------------------

    def error(self, rule: str, message: str) -> None:
        """An inconsistency: `rule` is the OWL 2 RL rule whose conclusion is false."""
        self.errors.add(f"[{rule}] {message}")

    def is_a(self, x, c) -> bool:
        """x rdf:type c in the closure, dt-type2 read by value for a literal and a datatype."""
        if x.__class__ is ox.Literal and c in RL_DATATYPES:
            return datatypes.holds(self.value(x), c)
        return (x, TYPE, c) in self.triples

    def value(self, lit):
        """A literal's value (datatypes.value), remembered for those the closure holds."""
        return self.values[lit] if lit in self.values else datatypes.value(lit)


_REFLEXIVE_TRIVIAL = frozenset({SCO, EQC, SPO, EQP, SAME})


def readable(t) -> bool:
    """Whether an entailed triple is one a person would want to see (and a store can hold):
    between named resources, not about the RDF/RDFS/OWL vocabularies, not trivially true."""
    s, p, o = t
    if not isinstance(s, ox.NamedNode) or not isinstance(p, ox.NamedNode) or isinstance(o, ox.BlankNode):
        return False
    if s.value.startswith(BUILTIN):
        return False
    if p == TYPE and o in (THING, RESOURCE):
        return False
    return not (s == o and p in _REFLEXIVE_TRIVIAL)
