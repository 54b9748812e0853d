"""The OWL 2 RL/RDF rules as owlrl applies them, forward-chained semi-naively over indexed sets.

owlrl re-reads every triple on every cycle and asks rdflib for each rule's other premises; its
cost is cycles × triples × rules (docs/decisions/0001-reasoner.md). Here each triple meets the
rules once, when it is new, and only those that can use it:

  * The schema (classes, properties, restrictions, lists) is closed first by the scm-* rules,
    then compiled into tables keyed by predicate and by class, so that a fact `x p y` or
    `x rdf:type C` looks up exactly the axioms that mention p or C.
  * The other premises of a rule are found through indexes on (s, p), (p, o) and p.
  * Should facts entail new schema (rare: a domain of owl:Class, a sameAs between classes), the
    tables are compiled again and every triple meets the new tables once more.

The result is owlrl's closure, less what owlrl adds only for form (eq-ref's `x owl:sameAs x` for
every term); its inconsistency messages are owlrl's own. `tests/test_reasoner_equivalence.py`
compares the two on every test world. Additions are incremental; `Closure.extend` keeps an undo
journal so that an addition that makes the graph inconsistent can be taken back.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox
from owlrl.AxiomaticTriples import OWLRL_Datatypes_Disjointness
from owlrl.DatatypeHandling import AltXSDToPYTHON
from owlrl.XsdDatatypes import OWL_Datatype_Subsumptions, OWL_RL_Datatypes

from ..namespaces import BUILTIN

_R = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_S = "http://www.w3.org/2000/01/rdf-schema#"
_O = "http://www.w3.org/2002/07/owl#"
_X = "http://www.w3.org/2001/XMLSchema#"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


TYPE, FIRST, REST, NIL, PROPERTY = (_n(_R + x) for x in ("type", "first", "rest", "nil", "Property"))
SCO, SPO, DOMAIN, RANGE, DATATYPE, RESOURCE = (
    _n(_S + x) for x in ("subClassOf", "subPropertyOf", "domain", "range", "Datatype", "Resource"))
(THING, NOTHING, CLASS, SAME, DIFF, EQC, EQP, INV, ONP, HASV, SVF, AVF, INTER, UNION, COMPL, ONEOF,
 DISJ, PDISJ, MAXC, MAXQC, ONCLASS, KEY, CHAIN, MEMBERS, DMEMBERS, SRC, APROP, TIND, TVAL,
 OBJPROP, DATAPROP, FUNC, IFUNC, IRR, SYM, ASYM, TRANS, ADP, ADC, ADIFF, ANNOT) = (_n(_O + x) for x in (
    "Thing", "Nothing", "Class", "sameAs", "differentFrom", "equivalentClass", "equivalentProperty",
    "inverseOf", "onProperty", "hasValue", "someValuesFrom", "allValuesFrom", "intersectionOf",
    "unionOf", "complementOf", "oneOf", "disjointWith", "propertyDisjointWith", "maxCardinality",
    "maxQualifiedCardinality", "onClass", "hasKey", "propertyChainAxiom", "members",
    "distinctMembers", "sourceIndividual", "assertionProperty", "targetIndividual", "targetValue",
    "ObjectProperty", "DatatypeProperty", "FunctionalProperty", "InverseFunctionalProperty",
    "IrreflexiveProperty", "SymmetricProperty", "AsymmetricProperty", "TransitiveProperty",
    "AllDisjointProperties", "AllDisjointClasses", "AllDifferent", "AnnotationProperty"))
XSD_STRING = _n(_X + "string")
LANG_STRING = _n(_R + "langString")

# owlrl's prp-ap: these are annotation properties from the start.
_ANNOTATION_PROPERTIES = [_n(_S + x) for x in ("label", "comment", "seeAlso", "isDefinedBy")] + [
    _n(_O + x) for x in ("deprecated", "versionInfo", "priorVersion", "backwardCompatibleWith",
                         "incompatibleWith")]
_RL_DATATYPES = {_n(str(d)) for d in OWL_RL_Datatypes}
_SUBSUMPTIONS = {_n(str(d)): [_n(str(x)) for x in sup] for d, sup in OWL_Datatype_Subsumptions.items()}
_DATATYPE_DISJOINTNESS = [(_n(str(a)), _n(str(b))) for a, _, b in OWLRL_Datatypes_Disjointness]
_CONVERTERS = {_n(str(d)): f for d, f in AltXSDToPYTHON.items()}

# Triples that shape the rule tables: axioms, restrictions, lists, property characteristics.
SCHEMA_PREDICATES = frozenset({
    SCO, SPO, DOMAIN, RANGE, EQC, EQP, INV, ONP, HASV, SVF, AVF, INTER, UNION, COMPL, ONEOF, DISJ,
    PDISJ, MAXC, MAXQC, ONCLASS, KEY, CHAIN, MEMBERS, DMEMBERS, SRC, APROP, TIND, TVAL, FIRST, REST})
META_CLASSES = frozenset({CLASS, OBJPROP, DATAPROP, PROPERTY, FUNC, IFUNC, IRR, SYM, ASYM, TRANS,
                          ADP, ADC, ADIFF})


def is_schema(t) -> bool:
    return t[1] in SCHEMA_PREDICATES or (t[1] == TYPE and t[2] in META_CLASSES)


def _text(term) -> str:
    """A term as owlrl's messages print it (rdflib's str)."""
    return term.value


def _integer(term):
    if isinstance(term, ox.Literal):
        try:
            return int(term.value)
        except ValueError:
            return None
    return None


class Tables:
    """The schema compiled for the fact rules: what a predicate or a class triggers."""

    def __init__(self, c: Closure):
        pairs = c.pairs
        lst = c.list_items
        self.sup = defaultdict(set)           # cax-sco, cax-eqc1/2
        for a, b in pairs(SCO):
            if a != b:
                self.sup[a].add(b)
        for a, b in pairs(EQC):
            if a != b:
                self.sup[a].add(b)
                self.sup[b].add(a)
        self.disjoint = defaultdict(list)     # cax-dw, as asserted
        for a, b in pairs(DISJ):
            self.disjoint[a].append(b)
            self.disjoint[b].append(a)
        self.all_disjoint = defaultdict(list)  # cax-adc
        for x in c.subjects(TYPE, ADC):
            for y in c.objects(x, MEMBERS):
                classes = lst(y)
                for cl in classes:
                    self.all_disjoint[cl].append(classes)
        self.complement = defaultdict(list)   # cls-com
        for a, b in pairs(COMPL):
            self.complement[a].append((a, b))
            self.complement[b].append((a, b))
        self.intersection = {}                # cls-int1/2
        self.in_intersection = defaultdict(list)
        for i, head in pairs(INTER):
            comps = lst(head)
            self.intersection.setdefault(i, []).append(comps)
            for ci in set(comps):
                self.in_intersection[ci].append((i, comps))
        self.in_union = defaultdict(set)      # cls-uni
        for u, head in pairs(UNION):
            for ci in lst(head):
                self.in_union[ci].add(u)
        on = defaultdict(list)
        for r, p in pairs(ONP):
            on[r].append(p)
        self.has_value = defaultdict(list)    # cls-hv1: R -> (p, v)
        self.by_value = defaultdict(list)     # cls-hv2: (p, v) -> R
        for r, v in pairs(HASV):
            for p in on[r]:
                self.has_value[r].append((p, v))
                self.by_value[(p, v)].append(r)
        self.svf_by_p = defaultdict(list)     # cls-svf1/2: p -> (R, C)
        self.svf_by_class = defaultdict(list)  # cls-svf1: C -> (R, p)
        for r, y in pairs(SVF):
            for p in on[r]:
                self.svf_by_p[p].append((r, y))
                if y != THING:
                    self.svf_by_class[y].append((r, p))
        self.avf = defaultdict(list)          # cls-avf: R -> (p, C)
        self.avf_by_p = defaultdict(list)     # p -> (R, C)
        for r, y in pairs(AVF):
            for p in on[r]:
                self.avf[r].append((p, y))
                self.avf_by_p[p].append((r, y))
        self.max_card = defaultdict(list)     # cls-maxc1/2, maxqc1-4: R -> (p, n, class or None)
        self.max_card_by_p = defaultdict(list)
        for pred in (MAXC, MAXQC):
            for r, n in pairs(pred):
                n = _integer(n)
                if n not in (0, 1):
                    continue
                on_classes = [None] if pred == MAXC else list(c.objects(r, ONCLASS))
                for p in on[r]:
                    for cc in on_classes:
                        self.max_card[r].append((p, n, cc))
                        self.max_card_by_p[p].append((r, n, cc))
        self.keys = defaultdict(list)         # prp-key: C -> [p1 .. pn]
        self.key_by_p = defaultdict(list)
        for cl, head in pairs(KEY):
            props = lst(head)
            if props:
                self.keys[cl].append(props)
                for p in set(props):
                    self.key_by_p[p].append((cl, props))
        self.sup_prop = defaultdict(set)      # prp-spo1, prp-eqp1/2
        for a, b in pairs(SPO):
            if a != b:
                self.sup_prop[a].add(b)
        for a, b in pairs(EQP):
            if a != b:
                self.sup_prop[a].add(b)
                self.sup_prop[b].add(a)
        self.domain = defaultdict(set)
        for p, cl in pairs(DOMAIN):
            self.domain[p].add(cl)
        self.range = defaultdict(set)
        for p, cl in pairs(RANGE):
            self.range[p].add(cl)
        self.inverse = defaultdict(set)       # prp-inv1/2
        for a, b in pairs(INV):
            self.inverse[a].add(b)
            self.inverse[b].add(a)
        kinds = {k: set(c.subjects(TYPE, k)) for k in (FUNC, IFUNC, IRR, SYM, ASYM, TRANS)}
        self.functional, self.inverse_functional = kinds[FUNC], kinds[IFUNC]
        self.irreflexive, self.symmetric = kinds[IRR], kinds[SYM]
        self.asymmetric, self.transitive = kinds[ASYM], kinds[TRANS]
        self.disjoint_props = defaultdict(list)  # prp-pdw, as asserted
        for a, b in pairs(PDISJ):
            self.disjoint_props[a].append((a, b))
            self.disjoint_props[b].append((a, b))
        self.all_disjoint_props = defaultdict(list)  # prp-adp
        for x in c.subjects(TYPE, ADP):
            for y in c.objects(x, MEMBERS):
                props = lst(y)
                for p in set(props):
                    self.all_disjoint_props[p].append(props)
        self.chains = defaultdict(list)       # prp-spo2: p_i -> (P, chain, i)
        for p, head in pairs(CHAIN):
            chain = lst(head)
            for i, pi in enumerate(chain):
                self.chains[pi].append((p, chain, i))
        self.negative = defaultdict(list)     # prp-npa1/2: (i1, p) -> (target, kind)
        for x, i1 in pairs(SRC):
            for p in c.objects(x, APROP):
                for i2 in c.objects(x, TIND):
                    self.negative[(i1, p)].append((i2, "object"))
                for v in c.objects(x, TVAL):
                    self.negative[(i1, p)].append((v, "datatype"))
        self.all_different = defaultdict(list)  # eq-diff2/3
        for x in c.subjects(TYPE, ADIFF):
            for y in list(c.objects(x, MEMBERS)) + list(c.objects(x, DMEMBERS)):
                items = lst(y)
                for z in set(items):
                    self.all_different[z].append(items)


class Closure:
    """A set of triples and everything the OWL 2 RL/RDF rules entail from it."""

    def __init__(self, triples=()):
        self.base: set = set()
        self.triples: set = set()
        self._sp = defaultdict(set)
        self._po = defaultdict(set)
        self._p = defaultdict(set)
        self._by_s = None  # by subject and by object: for eq-rep-s/o and for retraction,
        self._by_o = None  # built when first needed
        self._equality = False  # whether a sameAs between two terms has appeared
        self.fixed: set = set()  # what owlrl adds once, at the start: never retracted
        self.errors: set[str] = set()
        self._journal: list | None = None
        self._before: tuple = ()
        self._datatypes_used: set = set()
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
        other.fixed, other.errors, other._datatypes_used = set(self.fixed), set(self.errors), set(self._datatypes_used)
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

    # -- changing ---------------------------------------------------------------------------

    def extend(self, triples) -> set:
        """Add triples and their consequences; returns the triples new to the closure.

        Raise nothing: inconsistencies land in `errors`; `undo()` takes the addition back."""
        self._journal = []
        triples = [t for t in dict.fromkeys(triples) if t not in self.base]
        self._before = (triples, set(self.errors), set(self._datatypes_used), set(self.fixed), self._equality,
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
        if any(is_schema(t) for t in over):
            return None
        self.base -= gone
        self._term_index()
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
        added, self.errors, self._datatypes_used, self.fixed, self._equality, self.tables = self._before
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
        new += self._datatype_facts(new)
        return new

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

    def _term_index(self) -> None:
        if self._by_s is None:
            self._by_s, self._by_o = defaultdict(set), defaultdict(set)
            for s, p, o in self.triples:
                self._by_s[s].add((p, o))
                self._by_o[o].add((s, p))

    # -- one-time rules -------------------------------------------------------------------------

    def _seed(self) -> list:
        """cls-thing, cls-nothing1, prp-ap, and the datatypes owlrl declares at the start."""
        out = [(THING, TYPE, CLASS), (NOTHING, TYPE, CLASS)]
        out += [(a, TYPE, ANNOT) for a in _ANNOTATION_PROPERTIES]
        out += [(d, TYPE, DATATYPE) for d in _RL_DATATYPES]
        self.fixed.update(out)
        return [t for t in out if self._insert(t)]

    def _datatype_facts(self, triples) -> list:
        """owlrl's dt-type rules: each typed literal is of its datatype and the datatypes that
        subsume it; a lexical form its datatype rejects is an inconsistency."""
        out = []
        for s, p, o in triples:
            for term in (s, o):
                if not isinstance(term, ox.Literal) or term.language:
                    continue
                dt = term.datatype
                if dt == XSD_STRING or dt not in _RL_DATATYPES:
                    continue
                out.append((term, TYPE, dt))
                try:
                    _CONVERTERS.get(dt, str)(term.value)
                except ValueError:
                    self.errors.add(f"Lexical value of the literal '{term.value}' does not match its "
                                    f"datatype ({dt.value})")
                self._use_datatype(dt, out)
                for sup in _SUBSUMPTIONS.get(dt, ()):
                    out += [(term, TYPE, sup), (sup, TYPE, DATATYPE)]
                    self._use_datatype(sup, out)
            if p == TYPE and o in _RL_DATATYPES and not isinstance(s, ox.Literal):
                self._use_datatype(o, out)
                for sup in _SUBSUMPTIONS.get(o, ()):
                    out += [(s, TYPE, sup), (sup, TYPE, DATATYPE)]
                    self._use_datatype(sup, out)
        self.fixed.update(out)
        return [t for t in out if self._insert(t)]

    def _use_datatype(self, dt, out) -> None:
        if dt in self._datatypes_used:
            return
        self._datatypes_used.add(dt)
        for a, b in _DATATYPE_DISJOINTNESS:
            if (a == dt and b in self._datatypes_used) or (b == dt and a in self._datatypes_used):
                out.append((a, DISJ, b))

    # -- the fixpoint -----------------------------------------------------------------------------

    def _run(self, new: list, schema_changed: bool) -> None:
        facts = list(new)
        schema = [t for t in new if is_schema(t)]
        if self.tables is None:
            schema_changed = True
        while True:
            while schema:
                for d in list(self._schema_rules(schema.pop())):
                    if self._insert(d):
                        facts.append(d)
                        if is_schema(d):
                            schema.append(d)
                if not schema:
                    for d in list(self._schema_joins()):
                        if self._insert(d):
                            facts.append(d)
                            schema.append(d)
            if schema_changed:
                self.tables = Tables(self)
                facts = list(self.triples)  # every fact meets the new tables
                schema_changed = False
            derived_schema = False
            while facts:
                for d in list(self._fact_rules(facts.pop())):
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

    # -- scm-*: the schema closed under itself ----------------------------------------------------

    def _schema_rules(self, t):
        s, p, o = t
        if p == TYPE:
            if o == CLASS:
                yield from ((s, SCO, s), (s, EQC, s), (s, SCO, THING), (NOTHING, SCO, s))
            elif o in (OBJPROP, DATAPROP, PROPERTY):
                yield from ((s, SPO, s), (s, EQP, s))
        elif p == SCO:
            if s != o:
                yield from self._hierarchy(s, o, SCO)
                for pp in self.subjects(DOMAIN, s):
                    yield (pp, DOMAIN, o)
                for pp in self.subjects(RANGE, s):
                    yield (pp, RANGE, o)
            if (o, SCO, s) in self.triples:
                yield (s, EQC, o)
                yield (o, EQC, s)
        elif p == EQC and s != o:
            yield (s, SCO, o)
            yield (o, SCO, s)
        elif p == SPO and s != o:
            yield from self._hierarchy(s, o, SPO)
            for c in self.objects(o, DOMAIN):
                yield (s, DOMAIN, c)
            for c in self.objects(o, RANGE):
                yield (s, RANGE, c)
            if (o, SPO, s) in self.triples:
                yield (s, EQP, o)
                yield (o, EQP, s)
        elif p == EQP and s != o:
            yield (s, SPO, o)
            yield (o, SPO, s)
        elif p in (DOMAIN, RANGE):
            for c2 in self.objects(o, SCO):
                if c2 != o:
                    yield (s, p, c2)
            for p1 in self.subjects(SPO, s):
                if p1 != s:
                    yield (p1, p, o)

    def _hierarchy(self, s, o, sub):
        """scm-sco / scm-spo: s sub o joined with what o is under and what is under s."""
        for above in self.objects(o, sub):
            if above != s:
                yield (s, sub, above)
        for below in self.subjects(sub, s):
            if below != s and below != o:
                yield (below, sub, o)

    def _schema_joins(self):
        """scm-hv, scm-svf1/2, scm-avf1/2, scm-int, scm-uni and cls-oo: rules over several
        schema triples and lists, evaluated whole over the (small) schema."""
        on = defaultdict(list)
        for r, p in self.pairs(ONP):
            on[r].append(p)
        sub_prop = self.triples
        def restrictions(pred):
            out = defaultdict(list)  # filler -> (R, p)
            for r, y in self.pairs(pred):
                for p in on[r]:
                    out[y].append((r, p))
            return out

        by_value = restrictions(HASV)
        for rs in by_value.values():
            for c1, p1 in rs:
                for c2, p2 in rs:
                    if (p1, SPO, p2) in sub_prop:
                        yield (c1, SCO, c2)
        for pred, flip in ((SVF, False), (AVF, True)):
            by_filler = restrictions(pred)
            by_prop = defaultdict(list)
            for y, rs in by_filler.items():
                for r, p in rs:
                    by_prop[p].append((r, y))
            for rs in by_prop.values():        # scm-svf1, scm-avf1
                for c1, y1 in rs:
                    for c2, y2 in rs:
                        if (y1, SCO, y2) in self.triples:
                            yield (c1, SCO, c2)
            for rs in by_filler.values():      # scm-svf2, scm-avf2
                for c1, p1 in rs:
                    for c2, p2 in rs:
                        if (p1, SPO, p2) in sub_prop:
                            yield (c2, SCO, c1) if flip else (c1, SCO, c2)
        for c, head in self.pairs(INTER):
            for ci in self.list_items(head):
                yield (c, SCO, ci)
        for c, head in self.pairs(UNION):
            for ci in self.list_items(head):
                yield (ci, SCO, c)
        for c, head in self.pairs(ONEOF):
            for y in self.list_items(head):
                yield (y, TYPE, c)

    # -- the rules on facts, through the tables ---------------------------------------------------

    def _error(self, message: str) -> None:
        self.errors.add(message)

    def _fact_rules(self, t):
        s, p, o = t
        T = self.tables
        has = self.triples
        if p == TYPE:
            c = o
            if c == NOTHING:
                self._error(f"{_text(s)} is defined of type 'Nothing'")
            for c2 in T.sup.get(c, ()):
                yield (s, TYPE, c2)
            for c2 in T.disjoint.get(c, ()):
                if (s, TYPE, c2) in has:
                    a, b = sorted((c, c2), key=_text)
                    self._error(f"Disjoint classes {_text(a)} and {_text(b)} have a common individual {_text(s)}")
            for classes in T.all_disjoint.get(c, ()):
                for c2 in classes:
                    if c2 != c and (s, TYPE, c2) in has:
                        a, b = sorted((c, c2), key=_text)
                        self._error(f"Disjoint classes {_text(a)} and {_text(b)} have a common individual {_text(s)}")
            for c1, c2 in T.complement.get(c, ()):
                if (s, TYPE, c1) in has and (s, TYPE, c2) in has:
                    self._error(f"Violation of complementarity for classes {_text(c1)} and {_text(c2)} "
                                f"on element {_text(s)}")
            for comps in T.intersection.get(c, ()):
                for ci in comps:
                    yield (s, TYPE, ci)
            for i, comps in T.in_intersection.get(c, ()):
                if all((s, TYPE, ci) in has for ci in comps):
                    yield (s, TYPE, i)
            for u in T.in_union.get(c, ()):
                yield (s, TYPE, u)
            for r, pp in T.svf_by_class.get(c, ()):
                for x in self.subjects(pp, s):
                    yield (x, TYPE, r)
            for pp, v in T.has_value.get(c, ()):
                yield (s, pp, v)
            for pp, y in T.avf.get(c, ()):
                for v in list(self.objects(s, pp)):
                    yield (v, TYPE, y)
            for pp, n, cc in T.max_card.get(c, ()):
                yield from self._max_cardinality(c, s, pp, n, cc)
            for props in T.keys.get(c, ()):
                yield from self._key(c, s, props)
        for c in T.domain.get(p, ()):
            yield (s, TYPE, c)
        for c in T.range.get(p, ()):
            yield (o, TYPE, c)
        for p2 in T.sup_prop.get(p, ()):
            yield (s, p2, o)
        for p2 in T.inverse.get(p, ()):
            yield (o, p2, s)
        if p in T.symmetric:
            yield (o, p, s)
        if p in T.transitive:
            for z in list(self.objects(o, p)):
                yield (s, p, z)
            for w in list(self.subjects(p, s)):
                yield (w, p, o)
        if p in T.functional:
            for y2 in list(self.objects(s, p)):
                if y2 != o:
                    yield (o, SAME, y2)
                    yield (y2, SAME, o)
        if p in T.inverse_functional:
            for x2 in list(self.subjects(p, o)):
                if x2 != s:
                    yield (s, SAME, x2)
                    yield (x2, SAME, s)
        if p in T.irreflexive and s == o:
            self._error(f"Irreflexive property used on {_text(s)} with {_text(p)}")
        if p in T.asymmetric and (o, p, s) in has:
            self._error(f"Erroneous usage of asymmetric property {_text(p)} on {_text(s)} and {_text(o)}")
        for p1, p2 in T.disjoint_props.get(p, ()):
            if (s, p1, o) in has and (s, p2, o) in has:
                self._error(f"Erroneous usage of disjoint properties {_text(p1)} and {_text(p2)} on "
                            f"{_text(s)} and {_text(o)}")
        for props in T.all_disjoint_props.get(p, ()):
            for p2 in props:
                if p2 != p and (s, p2, o) in has:
                    self._error("Disjoint properties in an 'AllDisjointProperties' are not really disjoint: "
                                f"({_text(s)}, {_text(p)},{_text(o)}) and ({_text(s)},{_text(p2)},{_text(o)})")
        for big, chain, i in T.chains.get(p, ()):
            yield from self._chain(big, chain, i, s, o)
        for r, y in T.svf_by_p.get(p, ()):
            if y == THING or (o, TYPE, y) in has:
                yield (s, TYPE, r)
        for r in T.by_value.get((p, o), ()):
            yield (s, TYPE, r)
        for r, y in T.avf_by_p.get(p, ()):
            if (s, TYPE, r) in has:
                yield (o, TYPE, y)
        for r, n, cc in T.max_card_by_p.get(p, ()):
            if (s, TYPE, r) in has:
                yield from self._max_cardinality(r, s, p, n, cc)
        for cl, props in T.key_by_p.get(p, ()):
            if (s, TYPE, cl) in has:
                yield from self._key(cl, s, props)
        for target, kind in T.negative.get((s, p), ()):
            if target == o:
                self._error(f"Negative ({kind}) property assertion violated for: ({_text(s)}, {_text(p)}, {_text(o)})")
        if p == SAME:
            yield from self._same(s, o)
        elif p == DIFF and (s == o or (s, SAME, o) in has or (o, SAME, s) in has):
            self._error("'sameAs' and 'differentFrom' cannot be used on the same subject-object pair: "
                        f"({_text(s)}, {_text(o)})")
        if self._equality:  # eq-rep-s/p/o for a triple that arrives after the sameAs
            for s2 in list(self.objects(s, SAME)):
                yield (s2, p, o)
            for p2 in list(self.objects(p, SAME)):
                yield (s, p2, o)
            for o2 in list(self.objects(o, SAME)):
                yield (s, p, o2)

    def _same(self, x, y):
        if x == y:
            return
        self._term_index()
        self._equality = True
        yield (y, SAME, x)
        for z in list(self.objects(y, SAME)):
            yield (x, SAME, z)
        for w in list(self.subjects(SAME, x)):
            yield (w, SAME, y)
        for p2, o2 in list(self._by_s.get(x, ())):
            yield (y, p2, o2)
        for s2, o2 in list(self.pairs(x)):
            yield (s2, y, o2)
        for s2, p2 in list(self._by_o.get(x, ())):
            yield (s2, p2, y)
        if (x, DIFF, y) in self.triples or (y, DIFF, x) in self.triples:
            self._error("'sameAs' and 'differentFrom' cannot be used on the same subject-object pair: "
                        f"({_text(x)}, {_text(y)})")
        for items in self.tables.all_different.get(x, ()):
            if y in items:
                self._error("'sameAs' and 'AllDifferent' cannot be used on the same subject-object pair: "
                            f"({_text(x)}, {_text(y)})")

    def _max_cardinality(self, r, u, p, n, cc):
        values = [y for y in self.objects(u, p) if cc is None or cc == THING or (y, TYPE, cc) in self.triples]
        if n == 0:
            for y in values:
                kind = "maximum cardinality" if cc is None else "maximum qualified cardinality"
                extra = f", {_text(cc)}" if cc is not None else ""
                self._error(f"Erroneous usage of {kind} with {_text(r)}{extra} and {_text(y)}")
        else:
            for y1 in values:
                for y2 in values:
                    if y1 != y2:
                        yield (y1, SAME, y2)

    def _key(self, cl, x, props):
        values = [list(self.objects(x, p)) for p in props]
        if not all(values):
            return
        for y in list(self.subjects(TYPE, cl)):
            if y == x:
                continue
            if all(any((y, p, v) in self.triples for v in vs) for p, vs in zip(props, values, strict=True)):
                yield (x, SAME, y)
                yield (y, SAME, x)

    def _chain(self, big, chain, i, s, o):
        starts = {s}
        for p in reversed(chain[:i]):
            starts = {w for x in starts for w in self.subjects(p, x)}
            if not starts:
                return
        ends = {o}
        for p in chain[i + 1:]:
            ends = {z for x in ends for z in self.objects(x, p)}
            if not ends:
                return
        for a in starts:
            for b in ends:
                yield (a, big, b)


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
