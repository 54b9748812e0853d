"""Table 6 of OWL 2 Profiles §4.3, the semantics of classes: cls-thing, cls-nothing1/2,
cls-int1/2, cls-uni, cls-com, cls-svf1/2, cls-avf, cls-hv1/2, cls-maxc1/2, cls-maxqc1-4, cls-oo.
`compile` writes what a class or a property triggers into the tables; `on_type` and
`on_triple` apply the rules to a new triple."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from .vocabulary import (
    AVF,
    CLASS,
    COMPL,
    HASV,
    INTER,
    MAXC,
    MAXQC,
    NOTHING,
    ONCLASS,
    ONEOF,
    ONP,
    SAME,
    SVF,
    THING,
    TYPE,
    UNION,
    text,
)

SEED = [(THING, TYPE, CLASS), (NOTHING, TYPE, CLASS)]  # RULE cls-thing # RULE cls-nothing1


def _integer(term):
    if isinstance(term, ox.Literal):
        try:
            return int(term.value)
        except ValueError:
            return None
    return None


def compile(c, T) -> None:
    T.complement = defaultdict(list)
    for a, b in c.pairs(COMPL):  # RULE cls-com
        T.complement[a].append((a, b))
        T.complement[b].append((a, b))
    T.intersection, T.in_intersection = {}, defaultdict(list)
    for i, head in c.pairs(INTER):  # RULE cls-int1 # RULE cls-int2
        comps = c.list_items(head)
        T.intersection.setdefault(i, []).append(comps)
        for ci in set(comps):
            T.in_intersection[ci].append((i, comps))
    T.in_union = defaultdict(set)
    for u, head in c.pairs(UNION):  # RULE cls-uni
        for ci in c.list_items(head):
            T.in_union[ci].add(u)
    _compile_restrictions(c, T)
    T.classes.update(T.complement, T.intersection, T.in_intersection, T.in_union, T.has_value, T.svf_by_class,
                     T.avf, T.max_card, [NOTHING])
    T.predicates.update(T.svf_by_p, T.avf_by_p, T.max_card_by_p, (p for p, _ in T.by_value))


def _compile_restrictions(c, T) -> None:
    on = defaultdict(list)
    for r, p in c.pairs(ONP):
        on[r].append(p)
    T.has_value, T.by_value = defaultdict(list), defaultdict(list)  # R -> (p, v); (p, v) -> R
    for r, v in c.pairs(HASV):  # RULE cls-hv1 # RULE cls-hv2
        for p in on[r]:
            T.has_value[r].append((p, v))
            T.by_value[(p, v)].append(r)
    T.svf_by_p, T.svf_by_class = defaultdict(list), defaultdict(list)  # p -> (R, C); C -> (R, p)
    for r, y in c.pairs(SVF):  # RULE cls-svf1 # RULE cls-svf2
        for p in on[r]:
            T.svf_by_p[p].append((r, y))
            if y != THING:
                T.svf_by_class[y].append((r, p))
    T.avf, T.avf_by_p = defaultdict(list), defaultdict(list)  # R -> (p, C); p -> (R, C)
    for r, y in c.pairs(AVF):  # RULE cls-avf
        for p in on[r]:
            T.avf[r].append((p, y))
            T.avf_by_p[p].append((r, y))
    T.max_card, T.max_card_by_p = defaultdict(list), defaultdict(list)  # R -> (p, n, class or None)
    for pred in (MAXC, MAXQC):  # RULE cls-maxc1 # RULE cls-maxc2 # RULE cls-maxqc1 # RULE cls-maxqc2
        for r, n in c.pairs(pred):  # RULE cls-maxqc3 # RULE cls-maxqc4
            n = _integer(n)
            if n not in (0, 1):
                continue
            on_classes = [None] if pred == MAXC else list(c.objects(r, ONCLASS))
            for p in on[r]:
                for cc in on_classes:
                    T.max_card[r].append((p, n, cc))
                    T.max_card_by_p[p].append((r, n, cc))


def on_type(c, T, x, cl, out: list) -> None:
    has = c.triples
    if cl == NOTHING:  # RULE cls-nothing2
        c.error("cls-nothing2", f"{text(x)} is defined of type 'Nothing'")
    for c1, c2 in T.complement.get(cl, ()):  # RULE cls-com
        if (x, TYPE, c1) in has and (x, TYPE, c2) in has:
            c.error("cls-com", f"Violation of complementarity for classes {text(c1)} and {text(c2)} "
                    f"on element {text(x)}")
    for comps in T.intersection.get(cl, ()):  # RULE cls-int2
        out += [(x, TYPE, ci) for ci in comps]
    for i, comps in T.in_intersection.get(cl, ()):  # RULE cls-int1
        if all((x, TYPE, ci) in has for ci in comps):
            out.append((x, TYPE, i))
    for u in T.in_union.get(cl, ()):  # RULE cls-uni
        out.append((x, TYPE, u))
    for r, p in T.svf_by_class.get(cl, ()):  # RULE cls-svf1
        out += [(u, TYPE, r) for u in c.subjects(p, x)]
    for p, v in T.has_value.get(cl, ()):  # RULE cls-hv1
        out.append((x, p, v))
    for p, y in T.avf.get(cl, ()):  # RULE cls-avf
        out += [(v, TYPE, y) for v in list(c.objects(x, p))]
    for p, n, cc in T.max_card.get(cl, ()):
        max_cardinality(c, cl, x, p, n, cc, out)


def on_triple(c, T, s, p, o, out: list) -> None:
    for r, y in T.svf_by_p.get(p, ()):  # RULE cls-svf1 # RULE cls-svf2
        if y == THING or c.is_a(o, y):
            out.append((s, TYPE, r))
    for r in T.by_value.get((p, o), ()):  # RULE cls-hv2
        out.append((s, TYPE, r))
    for r, y in T.avf_by_p.get(p, ()):  # RULE cls-avf
        if (s, TYPE, r) in c.triples:
            out.append((o, TYPE, y))
    for r, n, cc in T.max_card_by_p.get(p, ()):
        if (s, TYPE, r) in c.triples:
            max_cardinality(c, r, s, p, n, cc, out)


def max_cardinality(c, r, u, p, n, cc, out: list) -> None:
    values = [y for y in c.objects(u, p) if cc is None or cc == THING or c.is_a(y, cc)]
    if n == 0:  # RULE cls-maxc1 # RULE cls-maxqc1 # RULE cls-maxqc2
        for y in values:
            kind = "maximum cardinality" if cc is None else "maximum qualified cardinality"
            extra = f", {text(cc)}" if cc is not None else ""
            rule = "cls-maxc1" if cc is None else "cls-maxqc2" if cc == THING else "cls-maxqc1"
            c.error(rule, f"Erroneous usage of {kind} with {text(r)}{extra} and {text(y)}")
    else:  # RULE cls-maxc2 # RULE cls-maxqc3 # RULE cls-maxqc4
        out += [(y1, SAME, y2) for y1 in values for y2 in values if y1 != y2]


def one_of(c) -> list:
    """cls-oo, over the (small) schema."""
    out = c.conclusions()
    for cl, head in c.pairs(ONEOF):  # RULE cls-oo
        out += [(y, TYPE, cl) for y in c.list_items(head)]
    return out
