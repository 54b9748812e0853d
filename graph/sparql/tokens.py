"""SPARQL read as Oxigraph reads it, token by token: where the keywords, IRIs and names are.

The server must know a query's SERVICE endpoints before Oxigraph runs it, and Oxigraph does
not expose its parse. A second parser (rdflib's) disagreed with Oxigraph on valid queries
(LATERAL) and on deep ones (recursion); tokens cannot disagree on the grammar, only on where a
string, a comment or an IRI ends, which follows the SPARQL grammar's terminals here.

Oxigraph's parser needs no space after a keyword: `SERVICE:x {`, `SERVICEex:y {` and
`SERVICESILENT:x {` are SERVICE clauses to it, though they read as prefixed names. So a name
that *starts* with SERVICE before a `{` counts as one, in every way Oxigraph could split it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_LOCAL_ESC = r"\\[_~.\-!$&'()*+,;=/?#@%]"
# The grammar's character classes, exactly: Python's \w differs (U+3001 is a name character
# to SPARQL, not to \w), and a name read shorter than Oxigraph reads it could leave a quote
# behind that starts a string here and not there.
_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
         "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_CHARS = _BASE + r"_\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_LOCAL_CHAR = rf"(?:[{_CHARS}:]|%[0-9A-Fa-f]{{2}}|{_LOCAL_ESC})"
_PREFIX = rf"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_STRING = "|".join((
    r'"""(?:[^"\\]|\\.|"(?!""))*"""',
    r"'''(?:[^'\\]|\\.|'(?!''))*'''",
    r'"(?:[^"\\\n\r]|\\.)*"',
    r"'(?:[^'\\\n\r]|\\.)*'",
))

_TOKEN = re.compile("|".join((
    r"(?P<space>[ \t\r\n]+)",
    r"(?P<comment>#[^\n\r]*)",
    rf"(?P<string>{_STRING})",
    rf"(?P<iri><(?:[^<>\"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)",
    rf"(?P<var>[?$][{_CHARS}]+)",
    rf"(?P<bnode>_:[{_CHARS}](?:[{_CHARS}.]*[{_CHARS}])?)",
    rf"(?P<pname>(?:{_PREFIX})?:(?:{_LOCAL_CHAR}(?:(?:{_LOCAL_CHAR}|\.)*{_LOCAL_CHAR})?)?)",
    r"(?P<name>[A-Za-z][A-Za-z0-9_]*)",
    r"(?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)",
    r"(?P<other>.)",
)), re.DOTALL)

# A quote or a backslash that starts no token here may start a string or an escape for
# Oxigraph: past it, the tokens are not trusted to say where code is.
UNSURE = {'"', "'", "\\"}


@dataclass(frozen=True)
class Token:
    kind: str  # iri, var, bnode, pname, name, number, string or other
    text: str
    start: int


def tokens(text: str) -> list[Token]:
    """The query's tokens, comments and spaces left out. An unterminated string, or a < that
    opens no IRI, is an `other` token of one character."""
    found = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind not in ("space", "comment"):
            found.append(Token(kind, match.group(), match.start()))
    return found


def keyword_present(text: str, keyword: str) -> bool:
    """Whether a keyword occurs as code: a name, or a prefixed name's prefix (`FROM:g`)."""
    keyword = keyword.upper()
    for token in tokens(text):
        if token.kind == "name" and token.text.upper() == keyword:
            return True
        if token.kind == "pname" and token.text.partition(":")[0].upper() == keyword:
            return True
    return False


def starts_with_keyword(text: str, keyword: str) -> bool:
    """Whether a name or a prefix starts with the keyword, or the tokens cannot tell: the
    cautious test for the keywords that make Oxigraph fetch, since `LOADex:g` is `LOAD ex:g`."""
    keyword = keyword.upper()
    for token in tokens(text):
        if token.kind == "other" and token.text in UNSURE:
            return keyword in text[token.start:].upper()
        if token.kind in ("name", "pname") and token.text.upper().startswith(keyword):
            return True
    return False


def load_present(text: str) -> bool:
    """Whether an update may hold a LOAD operation, as Oxigraph reads one: a name or prefix
    starting with LOAD outside any braces (`LOAD:x`, `LOADex:g`), or tokens it cannot place.
    Inside braces such a name is data (`loadfactor:x`), never an operation."""
    depth, previous = 0, None
    for token in tokens(text):
        if token.kind == "other" and token.text in UNSURE:
            return "LOAD" in text[token.start:].upper()
        if token.text == "{":
            depth += 1
        elif token.text == "}":
            depth -= 1
        elif depth <= 0 and token.kind in ("name", "pname") and token.text.upper().startswith("LOAD") \
                and not (previous is not None and previous.text.upper() == "PREFIX"):
            return True
        previous = token
    return False


def _unescape_iri(text: str) -> str:
    return re.sub(_UCHAR, lambda m: chr(int(m.group()[2:], 16)), text[1:-1])


def _unescape_local(local: str) -> str:
    return re.sub(_LOCAL_ESC, lambda m: m.group()[1], local)


def prefix_declarations(toks: list[Token]) -> list[tuple[str, str]]:
    """Every (name, IRI) a PREFIX declaration could make, in order. Oxigraph's parser needs no
    space after the keyword: `PREFIXf:<…>` and `prefix:<…>` declare f: and :, though the
    tokens read them as one prefixed name."""
    found = []
    for i, tok in enumerate(toks[:-1]):
        nxt = toks[i + 1]
        if tok.kind == "name" and tok.text.upper() == "PREFIX" and i + 2 < len(toks) \
                and nxt.kind == "pname" and nxt.text.endswith(":") and toks[i + 2].kind == "iri":
            found.append((nxt.text[:-1], _unescape_iri(toks[i + 2].text)))
        elif tok.kind == "pname" and tok.text.upper().startswith("PREFIX") and tok.text.endswith(":") \
                and nxt.kind == "iri":
            found.append((tok.text[len("PREFIX"):-1], _unescape_iri(nxt.text)))
    return found


def declared_prefixes(toks: list[Token]) -> dict[str, str]:
    """The prefixes a query declares with PREFIX, by name (the last declaration of a name)."""
    return dict(prefix_declarations(toks))


def _readings(toks: list[Token], i: int) -> list[Token | None]:
    """The target tokens Oxigraph could read after a token that starts with SERVICE."""
    tok = toks[i]
    rest = tok.text[len("SERVICE"):]

    def at(k):
        return toks[i + k] if i + k < len(toks) else None

    def pname(text):
        return Token("pname", text, tok.start)

    if tok.kind == "name":
        if rest.upper() == "SILENT":
            return [at(1)]
        if rest:
            return []  # SERVICEfoo: no clause Oxigraph could read
        nxt = at(1)
        if nxt is not None and nxt.kind == "name" and nxt.text.upper() == "SILENT":
            return [at(2)]
        if nxt is not None and nxt.kind == "pname" and nxt.text.upper().startswith("SILENT"):
            return [nxt, pname(nxt.text[len("SILENT"):])]  # SILENT:x is SILENT then :x, or not
        return [nxt]
    nxt = at(1)
    if nxt is None or nxt.text != "{":
        return []  # a prefixed name in a triple: Oxigraph reads SERVICE only before a group
    readings = [pname(rest)]
    if rest.upper().startswith("SILENT"):
        readings.append(pname(rest[len("SILENT"):]))
    return readings


def _targets(tok: Token | None, prefixes: dict[str, set[str]]) -> list[str | None]:
    """Every endpoint a target token may name: absolute IRIs; None for a variable, a relative
    IRI, a prefix nobody declared or anything else, which the guard cannot read for sure."""
    if tok is None:
        return [None]
    if tok.kind == "iri":
        return [_absolute(_unescape_iri(tok.text))]
    if tok.kind == "pname":
        prefix, _, local = tok.text.partition(":")
        return [_absolute(iri + _unescape_local(local)) for iri in prefixes.get(prefix, ())] or [None]
    return [None]


def _absolute(iri: str) -> str | None:
    """Only an absolute IRI: a relative one resolves against a BASE, and the allow-list is
    compared with the IRI as written, not with how it would resolve."""
    return iri if urlsplit(iri).scheme else None


def service_targets(text: str, prefixes: dict[str, str]) -> list[str | None]:
    """Every endpoint a SERVICE clause of the query could name, in every reading Oxigraph could
    give it (a prefix declared twice: both IRIs); None where that is a variable or cannot be told."""
    toks = tokens(text)
    declared: dict[str, set[str]] = {}
    for name, iri in prefix_declarations(toks):
        declared.setdefault(name, set()).add(iri)
    known = {**{name: {iri} for name, iri in prefixes.items()}, **declared}
    found: list[str | None] = []
    for i, tok in enumerate(toks):
        if tok.kind == "other" and tok.text in UNSURE:
            if "SERVICE" in text[tok.start:].upper():
                found.append(None)
            break
        if tok.kind in ("name", "pname") and tok.text.upper().startswith("SERVICE"):
            for reading in _readings(toks, i):
                found.extend(_targets(reading, known))
    return found
