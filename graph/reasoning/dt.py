"""Table 8 of OWL 2 Profiles §4.3, the semantics of datatypes: dt-type1, dt-type2, dt-eq, dt-diff,
dt-not-type, over the values datatypes.py reads. dt-diff is held implicitly (Closure.holds
answers it; eq.same uses it where two literals are made the same)."""

from __future__ import annotations

import pyoxigraph as ox

from . import datatypes
from .datatypes import ILL_TYPED, RL_DATATYPES, SUPERTYPES
from .vocabulary import DATATYPE, SAME, TYPE, text

SEED = [(d, TYPE, DATATYPE) for d in sorted(RL_DATATYPES, key=text)]  # RULE dt-type1


def facts(c, triples) -> list:
    """dt-type2 and dt-eq for each literal new to the closure, and the datatypes above a datatype
    an individual is declared of (their value spaces hold its)."""
    out = c.conclusions()
    for s, p, o in triples:
        for term in (s, o):
            if isinstance(term, ox.Literal) and term not in c.values:
                _literal(c, term, out)
        if p == TYPE and o in SUPERTYPES and not isinstance(s, ox.Literal):
            out += [(s, TYPE, sup) for sup in SUPERTYPES[o]]  # RULE cax-sco, over the value spaces
    return out


def _literal(c, lit, out: list) -> None:
    key = c.values[lit] = datatypes.value(lit)
    if key == ILL_TYPED:  # RULE dt-not-type: an ill-typed literal has its datatype, yet no value in it
        c.error("dt-not-type", f"Lexical value of the literal '{lit.value}' does not match its "
                f"datatype ({lit.datatype.value})")
        out.append((lit, TYPE, datatypes.LITERAL))  # RULE dt-type2
        return
    out += [(lit, TYPE, dt) for dt in datatypes.datatypes_of(key)]  # RULE dt-type2
    if key is not None:
        for other in c.by_value[key]:  # RULE dt-eq
            out += [(lit, SAME, other), (other, SAME, lit)]
        c.by_value[key].add(lit)


def on_type(c, lit, dt) -> None:
    """A literal of a datatype OWL 2 RL does not support has no known value: nothing is claimed."""
    key = c.value(lit)
    if dt in RL_DATATYPES and key is not None and not datatypes.holds(key, dt):  # RULE dt-not-type
        c.error("dt-not-type", f"The literal {lit} is not in the value space of {text(dt)}")
