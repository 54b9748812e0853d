"""Table 9 of OWL 2 Profiles §4.3, the semantics of schema vocabulary: scm-cls, scm-sco, scm-eqc1/2,
scm-op, scm-dp, scm-spo, scm-eqp1/2, scm-dom1/2, scm-rng1/2, scm-hv, scm-svf1/2, scm-avf1/2,
scm-int, scm-uni. `rules` applies those of one schema triple; `joins` those over several
schema triples and lists, evaluated whole over the (small) schema."""

from __future__ import annotations

from collections import defaultdict

from .vocabulary import (
    AVF,
    CLASS,
    DATAPROP,
    DOMAIN,
    EQC,
    EQP,
    HASV,
    INTER,
    NOTHING,
    OBJPROP,
    ONP,
    PROPERTY,
    RANGE,
    SCO,
    SPO,
    SVF,
    THING,
    TYPE,
    UNION,
)


def rules(c, t) -> list:
    s, p, o = t
    out = c.conclusions()
    if p == TYPE and o == CLASS:  # RULE scm-cls
        out += [(s, SCO, s), (s, EQC, s), (s, SCO, THING), (NOTHING, SCO, s)]
    elif p == TYPE and o in (OBJPROP, DATAPROP, PROPERTY):  # RULE scm-op # RULE scm-dp
        out += [(s, SPO, s), (s, EQP, s)]
    elif p in (SCO, SPO):
        _sub(c, s, p, o, out)
    elif p in (EQC, EQP) and s != o:  # RULE scm-eqc1 # RULE scm-eqp1
        sub = SCO if p == EQC else SPO
        out += [(s, sub, o), (o, sub, s)]
    elif p in (DOMAIN, RANGE):
        out += [(s, p, c2) for c2 in c.objects(o, SCO) if c2 != o]  # RULE scm-dom1 # RULE scm-rng1
        out += [(p1, p, o) for p1 in c.subjects(SPO, s) if p1 != s]  # RULE scm-dom2 # RULE scm-rng2
    return out


def _sub(c, s, sub, o, out: list) -> None:
    """scm-sco / scm-spo: s sub o joined with what o is under and what is under s."""
    if s != o:
        out += [(s, sub, above) for above in c.objects(o, sub) if above != s]  # RULE scm-sco # RULE scm-spo
        out += [(below, sub, o) for below in c.subjects(sub, s) if below != s and below != o]
        if sub == SCO:  # RULE scm-dom1 # RULE scm-rng1
            out += [(pp, DOMAIN, o) for pp in c.subjects(DOMAIN, s)]
            out += [(pp, RANGE, o) for pp in c.subjects(RANGE, s)]
        else:  # RULE scm-dom2 # RULE scm-rng2
            out += [(s, DOMAIN, cl) for cl in c.objects(o, DOMAIN)]
            out += [(s, RANGE, cl) for cl in c.objects(o, RANGE)]
    if (o, sub, s) in c.triples:  # RULE scm-eqc2 # RULE scm-eqp2
        same = EQC if sub == SCO else EQP
        out += [(s, same, o), (o, same, s)]


def joins(c) -> list:
    on = defaultdict(list)
    for r, p in c.pairs(ONP):
        on[r].append(p)

    def restrictions(pred):
        found = defaultdict(list)  # filler -> (R, p)
        for r, y in c.pairs(pred):
            for p in on[r]:
                found[y].append((r, p))
        return found

    out = c.conclusions()
    for rs in restrictions(HASV).values():  # RULE scm-hv
        out += [(c1, SCO, c2) for c1, p1 in rs for c2, p2 in rs if (p1, SPO, p2) in c.triples]
    for pred, flip in ((SVF, False), (AVF, True)):
        by_filler = restrictions(pred)
        by_prop = defaultdict(list)
        for y, rs in by_filler.items():
            for r, p in rs:
                by_prop[p].append((r, y))
        for rs in by_prop.values():  # RULE scm-svf1 # RULE scm-avf1
            out += [(c1, SCO, c2) for c1, y1 in rs for c2, y2 in rs if (y1, SCO, y2) in c.triples]
        for rs in by_filler.values():  # RULE scm-svf2 # RULE scm-avf2
            out += [(c2, SCO, c1) if flip else (c1, SCO, c2)
                    for c1, p1 in rs for c2, p2 in rs if (p1, SPO, p2) in c.triples]
    for cl, head in c.pairs(INTER):  # RULE scm-int
        out += [(cl, SCO, ci) for ci in c.list_items(head)]
    for cl, head in c.pairs(UNION):  # RULE scm-uni
        out += [(ci, SCO, cl) for ci in c.list_items(head)]
    return out
