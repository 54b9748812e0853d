"""Table 7 of OWL 2 Profiles §4.3, the semantics of class axioms: cax-sco, cax-eqc1/2, cax-dw,
cax-adc. `compile` writes what a class triggers into the tables; `on_type` applies the rules to
a new `x rdf:type C`."""

from __future__ import annotations

from collections import defaultdict

from .vocabulary import ADC, DISJ, EQC, MEMBERS, SCO, TYPE, text


def compile(c, T) -> None:
    T.sup = above(c, SCO, EQC)  # RULE cax-sco # RULE cax-eqc1 # RULE cax-eqc2
    T.disjoint = defaultdict(list)
    for a, b in c.pairs(DISJ):  # RULE cax-dw
        T.disjoint[a].append(b)
        T.disjoint[b].append(a)
    T.all_disjoint = defaultdict(list)
    for x in c.subjects(TYPE, ADC):  # RULE cax-adc
        for y in c.objects(x, MEMBERS):
            classes = c.list_items(y)
            for cl in classes:
                T.all_disjoint[cl].append(classes)
    T.classes.update(T.sup, T.disjoint, T.all_disjoint)


def above(c, sub, equivalent) -> defaultdict:
    """What each class (or property) is under: its superclasses and equivalents, itself left out
    (also prp-spo1 and prp-eqp1/2, which read subPropertyOf and equivalentProperty alike)."""
    found = defaultdict(set)
    for a, b in c.pairs(sub):
        if a != b:
            found[a].add(b)
    for a, b in c.pairs(equivalent):
        if a != b:
            found[a].add(b)
            found[b].add(a)
    return found


def on_type(c, T, x, cl, out: list) -> None:
    for c2 in T.sup.get(cl, ()):  # RULE cax-sco # RULE cax-eqc1 # RULE cax-eqc2
        out.append((x, TYPE, c2))
    for c2 in T.disjoint.get(cl, ()):  # RULE cax-dw
        if (x, TYPE, c2) in c.triples:
            disjoint(c, "cax-dw", cl, c2, x)
    for classes in T.all_disjoint.get(cl, ()):  # RULE cax-adc
        for c2 in classes:
            if c2 != cl and (x, TYPE, c2) in c.triples:
                disjoint(c, "cax-adc", cl, c2, x)


def disjoint(c, rule, c1, c2, x) -> None:
    a, b = sorted((c1, c2), key=text)
    c.error(rule, f"Disjoint classes {text(a)} and {text(b)} have a common individual {text(x)}")
