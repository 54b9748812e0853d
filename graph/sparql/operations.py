"""An update's operations, read from its tokens: what each one is and the text of its parts.

The store runs an update operation by operation and quad by quad, so that what it costs, and
the reasoning after it, follows what it changes rather than what the graph holds
(graph/store.py). Oxigraph does not expose its parse of an update, so the parts are found from
the tokens (tokens.py): the braces at the top level and the keywords between them. Whatever is
not read with certainty is an operation of kind "other", which the store runs whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from .tokens import UNSURE, Token, tokens

DATA_KINDS = ("insert data", "delete data")


@dataclass(frozen=True)
class Operation:
    kind: str  # "insert data", "delete data", "delete where", "modify" or "other"
    prologue: str  # the PREFIX and BASE declarations before it, which hold for it
    text: str  # the operation as written
    delete: str = ""  # the DELETE template (or DELETE DATA's, DELETE WHERE's quads), braces included
    insert: str = ""  # the INSERT template (or INSERT DATA's quads), braces included
    where: str = ""  # the WHERE pattern, braces included
    using: str = ""  # the USING clauses, written as a query's FROM clauses


def operations(text: str) -> list[Operation]:
    """The update's operations in order; one of kind "other" for anything not read with
    certainty (LOAD, CLEAR, WITH, a token the tokenizer cannot place ...)."""
    parts = _top_level(text)
    if parts is None:
        return [Operation("other", "", text)]
    found, prologue = [], ""
    for op in _split(parts):
        while len(op) >= 2 and _word(op[0]) == "BASE" or len(op) >= 3 and _word(op[0]) == "PREFIX":
            size = 2 if _word(op[0]) == "BASE" else 3
            prologue += text[op[0].start:_end(op[size - 1])] + "\n"
            op = op[size:]
        if op:
            found.append(_operation(text, op, prologue))
    return found


def _top_level(text: str) -> list | None:
    """The tokens outside braces, and each outermost {...} block as a string; None if unsure."""
    parts, depth, opened = [], 0, 0
    for token in tokens(text):
        if token.kind == "other" and token.text in UNSURE:
            return None
        if token.text == "{":
            opened = token.start if depth == 0 else opened
            depth += 1
        elif token.text == "}":
            depth -= 1
            if depth < 0:
                return None
            if depth == 0:
                parts.append(_Block(text[opened:token.start + 1], opened))
        elif depth == 0:
            parts.append(token)
    return parts if depth == 0 else None


@dataclass(frozen=True)
class _Block:
    text: str
    start: int


def _end(part) -> int:
    return part.start + len(part.text)


def _word(part) -> str | None:
    return part.text.upper() if isinstance(part, Token) and part.kind == "name" else None


def _split(parts: list) -> list[list]:
    ops, current = [], []
    for part in parts:
        if isinstance(part, Token) and part.text == ";":
            ops.append(current)
            current = []
        else:
            current.append(part)
    return ops + [current]


def _shape(parts: list) -> list:
    return [_word(p) if isinstance(p, Token) else "{}" for p in parts]


_MODIFY_HEADS = (["DELETE", "{}"], ["INSERT", "{}"], ["DELETE", "{}", "INSERT", "{}"])


def _operation(text: str, op: list, prologue: str) -> Operation:
    whole = text[op[0].start:_end(op[-1])]
    shape = _shape(op)
    blocks = [p.text for p in op if isinstance(p, _Block)]
    if shape == ["INSERT", "DATA", "{}"]:
        return Operation("insert data", prologue, whole, insert=blocks[0])
    if shape == ["DELETE", "DATA", "{}"]:
        return Operation("delete data", prologue, whole, delete=blocks[0])
    if shape == ["DELETE", "WHERE", "{}"]:
        return Operation("delete where", prologue, whole, delete=blocks[0], where=blocks[0])
    head = next((i for i, w in enumerate(shape) if w in ("USING", "WHERE")), len(op))
    using, tail = _using(op[head:])
    if shape[:head] in _MODIFY_HEADS and using is not None and _shape(tail) == ["WHERE", "{}"]:
        templates = dict(zip(shape[:head:2], blocks, strict=False))
        return Operation("modify", prologue, whole, delete=templates.get("DELETE", ""),
                         insert=templates.get("INSERT", ""), where=blocks[-1], using=using)
    return Operation("other", prologue, whole)


def _using(parts: list) -> tuple[str | None, list]:
    """Leading USING [NAMED] iri clauses as a query's FROM clauses, and the parts after them;
    None where a clause does not read so."""
    clauses = []
    while parts and _word(parts[0]) == "USING":
        named = len(parts) > 1 and _word(parts[1]) == "NAMED"
        rest = parts[2:] if named else parts[1:]
        if not rest or not isinstance(rest[0], Token) or rest[0].kind not in ("iri", "pname"):
            return None, parts
        clauses.append(f"FROM {'NAMED ' if named else ''}{rest[0].text}")
        parts = rest[1:]
    return " ".join(clauses), parts
