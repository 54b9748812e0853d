"""A justification's axioms said in plain English, for the verdict page's ?why=1.

The explanation (graph/explanation/) labels each axiom in Manchester syntax: `Armenia Type
state`, `('consent withheld by' some 'member state') SubClassOf (fails value 'adopted by
consensus')`. This reads the small part of it that justifications use (Type, SubClassOf,
EquivalentTo, Range, Domain, a property between two names; some, value, and) and says it as
a sentence; anything else is left as it is, and the page keeps the formal form one click away.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\s*(?:'((?:[^'\\]|\\.)*)'|(\()|(\))|([^\s()']+))")
VERBS = {"fails", "meets", "seeks", "has", "lacks", "wishes", "shares", "undertakes", "wants", "affects"}
NOUNS = {"consent"}  # "consent withheld by": has consent withheld by


def _tokens(label: str) -> list[str] | None:
    out, at = [], 0
    while at < len(label):
        m = _TOKEN.match(label, at)
        if not m or m.end() == at:
            return None if label[at:].strip() else out
        out.append(m.group(1) if m.group(1) is not None else m.group(0).strip())
        at = m.end()
    return out


def _verb(prop: str) -> str:
    first = prop.split(" ", 1)[0]
    return prop if first in VERBS else f"has {prop}" if first in NOUNS else f"is {prop}"


def _quoted(name: str) -> str:
    return f"“{name}”" if " " in name else name


def _expression(items) -> str | None:
    """A class expression as a predicate: "is a state", "fails “adopted by consensus”"."""
    if isinstance(items, str):
        return f"is a {_quoted(items)}"
    if len(items) == 1:
        return _expression(items[0])
    if len(items) == 3 and items[1] in ("some", "value") and all(isinstance(i, str) for i in items[::2]):
        return f"{_verb(items[0])} {'some ' if items[1] == 'some' else ''}{_quoted(items[2])}"
    if len(items) >= 3 and all(items[i] == "and" for i in range(1, len(items), 2)):
        parts = [_expression(i) for i in items[::2]]
        return None if None in parts else " and ".join(parts)
    return None


def _nest(tokens: list[str]):
    stack = [[]]
    for tok in tokens:
        if tok == "(":
            stack.append([])
        elif tok == ")":
            if len(stack) == 1:
                return None
            done = stack.pop()
            stack[-1].append(done)
        else:
            stack[-1].append(tok)
    return stack[0] if len(stack) == 1 else None


def plain(label: str) -> str:
    """The axiom as a sentence, or its label as it is when it says more than this reads."""
    tokens = _tokens(label)
    items = _nest(tokens) if tokens else None
    if not items or len(items) != 3:
        return label
    left, word, right = items
    sentence = None
    if word == "Type" and isinstance(left, str) and isinstance(right, str):
        sentence = f"{_quoted(left)} is a {_quoted(right)}"
    elif word in ("SubClassOf", "EquivalentTo"):
        a, b = _expression(left), _expression(right)
        if a and b:
            sentence = (f"whatever {a} also {b}" if word == "SubClassOf"
                        else f"whatever {a} also {b}, and the other way round")
    elif word in ("Range", "Domain") and isinstance(left, str) and isinstance(right, str):
        sentence = (f"whatever something {_verb(left)} is a {_quoted(right)}" if word == "Range"
                    else f"whatever {_verb(left)} something is a {_quoted(right)}")
    elif all(isinstance(i, str) for i in items):
        sentence = f"{_quoted(left)} {_verb(word)} {_quoted(right)}"
    return sentence[0].upper() + sentence[1:] + "." if sentence else label
