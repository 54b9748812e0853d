"""Table 5 of OWL 2 Profiles §4.3, the semantics of axioms about properties: prp-ap, prp-dom,
prp-rng, prp-fp, prp-ifp, prp-irp, prp-symp, prp-asyp, prp-trp, prp-spo1/2, prp-eqp1/2, prp-pdw,
prp-adp, prp-inv1/2, prp-key, prp-npa1/2. `compile` writes what a property triggers into the
tables; `on_triple` and `check` apply the rules to a new `s p o`, `on_type` to a new `x rdf:type C`."""

from __future__ import annotations

from collections import defaultdict

from .cax import above
from .vocabulary import (
    ADP,
    ANNOT,
    ANNOTATION_PROPERTIES,
    APROP,
    ASYM,
    CHAIN,
    DOMAIN,
    EQP,
    FUNC,
    IFUNC,
    INV,
    IRR,
    KEY,
    MEMBERS,
    PDISJ,
    RANGE,
    SAME,
    SPO,
    SRC,
    SYM,
    TIND,
    TRANS,
    TVAL,
    TYPE,
    text,
)

SEED = [(a, TYPE, ANNOT) for a in ANNOTATION_PROPERTIES]  # RULE prp-ap


def compile(c, T) -> None:
    T.sup_prop = above(c, SPO, EQP)  # RULE prp-spo1 # RULE prp-eqp1 # RULE prp-eqp2
    T.domain, T.range, T.inverse = defaultdict(set), defaultdict(set), defaultdict(set)
    for p, cl in c.pairs(DOMAIN):  # RULE prp-dom
        T.domain[p].add(cl)
    for p, cl in c.pairs(RANGE):  # RULE prp-rng
        T.range[p].add(cl)
    for a, b in c.pairs(INV):  # RULE prp-inv1 # RULE prp-inv2
        T.inverse[a].add(b)
        T.inverse[b].add(a)
    kinds = {k: set(c.subjects(TYPE, k)) for k in (FUNC, IFUNC, IRR, SYM, ASYM, TRANS)}
    T.functional, T.inverse_functional = kinds[FUNC], kinds[IFUNC]
    T.irreflexive, T.symmetric = kinds[IRR], kinds[SYM]
    T.asymmetric, T.transitive = kinds[ASYM], kinds[TRANS]
    T.disjoint_props, T.all_disjoint_props = defaultdict(list), defaultdict(list)
    for a, b in c.pairs(PDISJ):  # RULE prp-pdw
        T.disjoint_props[a].append((a, b))
        T.disjoint_props[b].append((a, b))
    for x in c.subjects(TYPE, ADP):  # RULE prp-adp
        for y in c.objects(x, MEMBERS):
            props = c.list_items(y)
            for p in set(props):
                T.all_disjoint_props[p].append(props)
    _compile_lists(c, T)
    T.classes.update(T.keys)
    T.predicates.update(T.domain, T.range, T.sup_prop, T.inverse, T.functional, T.inverse_functional,
                        T.irreflexive, T.symmetric, T.asymmetric, T.transitive, T.disjoint_props,
                        T.all_disjoint_props, T.chains, T.key_by_p, (p for _, p in T.negative))


def _compile_lists(c, T) -> None:
    T.chains = defaultdict(list)  # p_i -> (P, chain, i)
    for p, head in c.pairs(CHAIN):  # RULE prp-spo2
        chain = c.list_items(head)
        for i, pi in enumerate(chain):
            T.chains[pi].append((p, chain, i))
    T.keys, T.key_by_p = defaultdict(list), defaultdict(list)  # C -> [p1 .. pn]; p -> (C, props)
    for cl, head in c.pairs(KEY):  # RULE prp-key
        props = c.list_items(head)
        if props:
            T.keys[cl].append(props)
            for p in set(props):
                T.key_by_p[p].append((cl, props))
    T.negative = defaultdict(list)  # (i1, p) -> (target, kind)
    for x, i1 in c.pairs(SRC):  # RULE prp-npa1 # RULE prp-npa2
        for p in c.objects(x, APROP):
            T.negative[(i1, p)] += [(i2, "object") for i2 in c.objects(x, TIND)]
            T.negative[(i1, p)] += [(v, "datatype") for v in c.objects(x, TVAL)]


def on_triple(c, T, s, p, o, out: list) -> None:
    for cl in T.domain.get(p, ()):  # RULE prp-dom
        out.append((s, TYPE, cl))
    for cl in T.range.get(p, ()):  # RULE prp-rng
        out.append((o, TYPE, cl))
    for p2 in T.sup_prop.get(p, ()):  # RULE prp-spo1 # RULE prp-eqp1 # RULE prp-eqp2
        out.append((s, p2, o))
    for p2 in T.inverse.get(p, ()):  # RULE prp-inv1 # RULE prp-inv2
        out.append((o, p2, s))
    if p in T.symmetric:  # RULE prp-symp
        out.append((o, p, s))
    if p in T.transitive:  # RULE prp-trp
        out += [(s, p, z) for z in c.objects(o, p)]
        out += [(w, p, o) for w in c.subjects(p, s)]
    if p in T.functional:  # RULE prp-fp
        for y2 in c.objects(s, p):
            if y2 != o:
                out += [(o, SAME, y2), (y2, SAME, o)]
    if p in T.inverse_functional:  # RULE prp-ifp
        for x2 in c.subjects(p, o):
            if x2 != s:
                out += [(s, SAME, x2), (x2, SAME, s)]
    for big, chain, i in T.chains.get(p, ()):  # RULE prp-spo2
        _chain(c, big, chain, i, s, o, out)
    for cl, props in T.key_by_p.get(p, ()):  # RULE prp-key
        if (s, TYPE, cl) in c.triples:
            _key(c, cl, s, props, out)


def check(c, T, s, p, o) -> None:
    """The rules of this table whose conclusion is false."""
    has = c.triples
    if p in T.irreflexive and s == o:  # RULE prp-irp
        c.error("prp-irp", f"Irreflexive property used on {text(s)} with {text(p)}")
    if p in T.asymmetric and (o, p, s) in has:  # RULE prp-asyp
        c.error("prp-asyp", f"Erroneous usage of asymmetric property {text(p)} on {text(s)} and {text(o)}")
    for p1, p2 in T.disjoint_props.get(p, ()):  # RULE prp-pdw
        if (s, p1, o) in has and (s, p2, o) in has:
            c.error("prp-pdw", f"Erroneous usage of disjoint properties {text(p1)} and {text(p2)} on "
                    f"{text(s)} and {text(o)}")
    for props in T.all_disjoint_props.get(p, ()):  # RULE prp-adp
        for p2 in props:
            if p2 != p and (s, p2, o) in has:
                c.error("prp-adp", "Disjoint properties in an 'AllDisjointProperties' are not really disjoint: "
                        f"({text(s)}, {text(p)},{text(o)}) and ({text(s)},{text(p2)},{text(o)})")
    for target, kind in T.negative.get((s, p), ()):  # RULE prp-npa1 # RULE prp-npa2
        if target == o:
            c.error("prp-npa1" if kind == "object" else "prp-npa2", f"Negative ({kind}) property "
                    f"assertion violated for: ({text(s)}, {text(p)}, {text(o)})")


def on_type(c, T, x, cl, out: list) -> None:
    for props in T.keys.get(cl, ()):  # RULE prp-key
        _key(c, cl, x, props, out)


def _key(c, cl, x, props, out: list) -> None:
    values = [list(c.objects(x, p)) for p in props]
    if not all(values):
        return
    for y in c.subjects(TYPE, cl):
        if y != x and all(any((y, p, v) in c.triples for v in vs) for p, vs in zip(props, values, strict=True)):
            out += [(x, SAME, y), (y, SAME, x)]


def _chain(c, big, chain, i, s, o, out: list) -> None:
    starts = {s}
    for p in reversed(chain[:i]):
        starts = {w for x in starts for w in c.subjects(p, x)}
        if not starts:
            return
    ends = {o}
    for p in chain[i + 1:]:
        ends = {z for x in ends for z in c.objects(x, p)}
        if not ends:
            return
    out += [(a, big, b) for a in starts for b in ends]
