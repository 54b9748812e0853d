"""The checks a query or an update passes before Oxigraph parses it, read from its tokens
(tokens.py): not too deep for the parser, SERVICE only toward allowed endpoints, an update
that fetches nothing. Each refuses what it cannot read for sure.
"""

from __future__ import annotations

from ..errors import FetchNotAllowedError, QueryError, ServiceNotAllowedError
from ..namespaces import PREFIXES
from .tokens import UNSURE, Token, load_present, service_targets, tokens

# Oxigraph's parser recurses once per operator of a chain as well as per bracket; with an
# 8 MiB stack it overflowed at 2,540 MINUS or BIND clauses in one group, 4,490 nested
# parentheses, 6,450 UNION branches, 6,840 terms of 1+1+…, 8,990 `!` and 10,550 `|` path
# steps (docs/decisions/0014). 500 leaves a margin of five over the lowest.
MAX_NESTING = 500

_OPEN, _CLOSE = "{([", "})]"
_OPERATORS = set("!&|=<>+-*/^?")
_OPERATOR_WORDS = {"UNION", "MINUS", "OPTIONAL", "FILTER", "BIND", "LATERAL", "GRAPH", "SERVICE", "VALUES"}


def nesting(text: str) -> int:
    """How deep the parser will recurse, at most: along each path of brackets, one per bracket
    plus one per operator in each group it passes (a chain of n operators is n levels deep).
    Triples inside INSERT DATA / DELETE DATA are a flat list to the parser: only their brackets
    count. Past a quote the tokens cannot place, every bracket and operator left counts."""
    toks = tokens(text)
    path = [0]  # the cost so far of each open group, outermost first
    depth = deepest = 0  # depth: sum(path), kept as it changes (a sum per token is quadratic)
    data_depth = None
    for i, tok in enumerate(toks):
        if tok.kind == "other" and tok.text in UNSURE:
            rest = text[tok.start:]
            return max(deepest, depth + sum(rest.count(c) for c in _OPEN + "".join(_OPERATORS)))
        if tok.text in _OPEN:
            if tok.text == "{" and i and toks[i - 1].text.upper() == "DATA" and data_depth is None:
                data_depth = len(path)
            path.append(1)
            depth += 1
        elif tok.text in _CLOSE:
            if len(path) > 1:
                depth -= path.pop()
            if data_depth is not None and len(path) <= data_depth:
                data_depth = None
        elif data_depth is None and _is_operator(toks, i):
            path[-1] += 1
            depth += 1
        deepest = max(deepest, depth)
    return deepest


def _is_operator(toks: list[Token], i: int) -> bool:
    tok = toks[i]
    if tok.kind == "name":
        return tok.text.upper() in _OPERATOR_WORDS
    if tok.kind != "other" or tok.text not in _OPERATORS:
        return False
    previous = toks[i - 1] if i else None
    if tok.text in "&|" and previous is not None and previous.text == tok.text \
            and previous.start + 1 == tok.start:
        return False  # the second half of && or ||
    # ^^ before a datatype is part of a literal, not an inverse path
    return not (tok.text == "^" and ((i + 1 < len(toks) and toks[i + 1].text == "^")
                                     or (i and toks[i - 1].text == "^")))


def check_nesting(text: str) -> None:
    """Refuse a query or update nested deeper than MAX_NESTING: the parser would overflow the
    process's stack, taking a query worker (or the command) down instead of answering 400."""
    upper = text.upper()
    if sum(text.count(c) for c in _OPEN + "".join(_OPERATORS)) \
            + sum(upper.count(word) for word in _OPERATOR_WORDS) <= MAX_NESTING:
        return  # fewer counted characters and words than the limit: nesting() cannot exceed it
    depth = nesting(text)
    if depth > MAX_NESTING:
        raise QueryError(f"malformed query: nested {depth} levels deep (brackets, and operators such as "
                         f"!, +, &&, / and UNION chained in one group); at most {MAX_NESTING} are allowed")


def check_services(text: str, allowed: tuple[str, ...] | list[str]) -> None:
    """Refuse a query whose SERVICE endpoint is not on the allow-list, before any connection.
    The endpoints are read from the query's tokens in every way Oxigraph could read them."""
    if "SERVICE" not in text.upper():
        return
    for iri in service_targets(text, PREFIXES):
        if iri is None:
            raise ServiceNotAllowedError(
                "SERVICE needs the full IRI of an endpoint on the allow-list, or a prefix declared "
                "with PREFIX name: <IRI>; a variable, a relative IRI or an endpoint that cannot be "
                "read for certain is not allowed")
        if iri not in allowed:
            listed = ", ".join(allowed) if allowed else "none"
            raise ServiceNotAllowedError(
                f"SERVICE <{iri}> is not on the allow-list of endpoints (allowed: {listed})"
            )


def check_update_is_local(text: str) -> None:
    """Refuse an update that would make the server fetch from the network (LOAD, SERVICE)."""
    if load_present(text):
        raise FetchNotAllowedError("LOAD is refused: this server does not fetch data from the web; "
                                   "send the triples with INSERT DATA instead")
    if "SERVICE" in text.upper() and service_targets(text, PREFIXES):
        raise ServiceNotAllowedError("SERVICE is not allowed inside an update")
