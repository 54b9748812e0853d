"""Table 4 of OWL 2 Profiles §4.3, the semantics of equality: eq-ref, eq-sym, eq-trans,
eq-rep-s/p/o, eq-diff1-3. eq-ref is held implicitly (Closure.holds answers it). `compile`
writes the AllDifferent lists into the tables; `on_triple` applies the rules to a new triple."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from . import datatypes
from .vocabulary import ADIFF, DIFF, DMEMBERS, MEMBERS, SAME, TYPE, text


def compile(c, T) -> None:
    T.all_different = defaultdict(list)  # x -> (items, rule)
    for x in c.subjects(TYPE, ADIFF):
        for rule, pred in (("eq-diff2", MEMBERS), ("eq-diff3", DMEMBERS)):  # RULE eq-diff2 # RULE eq-diff3
            for y in c.objects(x, pred):
                items = c.list_items(y)
                for z in set(items):
                    T.all_different[z].append((items, rule))


def on_triple(c, T, s, p, o, out: list) -> None:
    """For an owl:sameAs, an owl:differentFrom, or any triple once some sameAs is known."""
    if p == SAME:
        same(c, T, s, o, out)
    elif p == DIFF and (s == o or (s, SAME, o) in c.triples or (o, SAME, s) in c.triples):  # RULE eq-diff1
        _same_and_different(c, s, o)
    if c.equality:  # RULE eq-rep-s # RULE eq-rep-p # RULE eq-rep-o, for a triple after the sameAs
        for s2 in c.objects(s, SAME):
            out.append((s2, p, o))
        for p2 in c.objects(p, SAME):
            out.append((s, p2, o))
        for o2 in c.objects(o, SAME):
            out.append((s, p, o2))


def same(c, T, x, y, out: list) -> None:
    if x == y:
        return
    by_s, by_o = c.term_index()
    c.equality = True
    out.append((y, SAME, x))  # RULE eq-sym
    out += [(x, SAME, z) for z in c.objects(y, SAME)]  # RULE eq-trans
    out += [(w, SAME, y) for w in c.subjects(SAME, x)]
    out += [(y, p2, o2) for p2, o2 in by_s.get(x, ())]  # RULE eq-rep-s
    out += [(s2, y, o2) for s2, o2 in c.pairs(x)]  # RULE eq-rep-p
    out += [(s2, p2, y) for s2, p2 in by_o.get(x, ())]  # RULE eq-rep-o
    if isinstance(x, ox.Literal) and isinstance(y, ox.Literal) and datatypes.different(
            c.value(x), c.value(y)):  # RULE eq-diff1 with dt-diff
        c.error("eq-diff1", f"The literals {x} and {y} have different values, yet are the same")
    if (x, DIFF, y) in c.triples or (y, DIFF, x) in c.triples:  # RULE eq-diff1
        _same_and_different(c, x, y)
    for items, rule in T.all_different.get(x, ()):  # RULE eq-diff2 # RULE eq-diff3
        if y in items:
            c.error(rule, "'sameAs' and 'AllDifferent' cannot be used on the same subject-object pair: "
                    f"({text(x)}, {text(y)})")


def _same_and_different(c, x, y) -> None:
    c.error("eq-diff1", f"'sameAs' and 'differentFrom' cannot be used on the same subject-object pair: "
            f"({text(x)}, {text(y)})")
