"""Oxigraph's SPARQL syntax errors, said for people: where, the text there, and what was expected.

Oxigraph reports the parser's raw expectation set, e.g. `error at 1:29: expected one of Prefix
not found, ['%'], ['-' | '0' ..= '9' | '\\u{00B7}' …`: character classes, an internal
whitespace rule `[_]`, and semantic checks mixed in as if they were tokens.
"""

from __future__ import annotations

import re

from .tokens import declared_prefixes, tokens

_POSITION = re.compile(r"^error at (\d+):(\d+): expected (.*)$", re.DOTALL)
_MOST_EXPECTED = 8


_QUERY_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
_UPDATE_FORMS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")
_IN_A_QUERY = "a query is SELECT, CONSTRUCT, ASK or DESCRIBE"
_IN_AN_UPDATE = "an update is INSERT, DELETE, WITH, LOAD, CLEAR, CREATE, DROP, COPY, MOVE or ADD"
_UPDATES_SENT = ("an update is sent to the endpoint (csto-kg serve --enable-update) as a POST of "
                 "update=… or of application/sparql-update")


def readable_syntax_error(text: str, message: str, prefixes: dict[str, str], operation: str = "query") -> str:
    """Oxigraph's message for text, a query or (operation) an update, in words."""
    if not text.strip():
        return f"the {operation} is empty"
    form = _wrong_form(text, operation)
    if form:
        return form
    found = _POSITION.match(message.strip())
    if not found:
        return " ".join(message.split())[:300]
    line, column, expected = int(found[1]), int(found[2]), found[3]
    where = f"line {line}, column {column}{_text_at(text, line, column)}"
    items = _items(expected)
    if any("IRI" in item and " " in item for item in items):
        return f"{where}: not a valid IRI (an IRI has no spaces, quotes, braces or backslashes " \
               "other than \\u escapes)"
    unclosed = next((t for t in tokens(text) if t.kind == "other" and t.text in "\"'"), None)
    if unclosed is not None:
        return f"{_line_column(text, unclosed.start)}: this string is never closed (a string ends " \
               "on its line with the quote it began with; use \"\"\" for one over several lines)"
    unknown = _unknown_prefix(text, prefixes, _offset(text, line, column),
                              "Prefix not found" in items)
    if unknown:
        return unknown
    reasons = [item for item in items if " " in item and not item.startswith(("'", '"', "["))]
    if reasons:
        return f"{where}: " + "; ".join(r[0].lower() + r[1:] for r in reasons)
    return f"{where}: expected {_in_words(items)}"


def _wrong_form(text: str, operation: str) -> str | None:
    """What the first word after PREFIX and BASE says, if it is no query form (or is an
    update's): Oxigraph names only the last form it tried ("expected CONSTRUCT")."""
    toks = tokens(text)
    i = 0
    while i < len(toks) and toks[i].kind == "name" and toks[i].text.upper() in ("PREFIX", "BASE"):
        i += 3 if toks[i].text.upper() == "PREFIX" else 2
    if i >= len(toks) or toks[i].kind != "name":
        return None
    word, where = toks[i].text, _line_column(text, toks[i].start)
    if operation == "query" and word.upper() in _UPDATE_FORMS:
        return f"{where}: {word} begins an update, not a query: {_IN_A_QUERY}; {_UPDATES_SENT}"
    if operation == "update" and word.upper() in _QUERY_FORMS:
        return (f"{where}: {word} begins a query, not an update: send it as query=… (GET or POST) "
                "or as application/sparql-query")
    if word.upper() in _QUERY_FORMS + _UPDATE_FORMS:
        return None
    if operation == "query":
        return f"{where}: {word} is not a query form: {_IN_A_QUERY} (after any PREFIX and BASE)"
    return f"{where}: {word} is not an update operation: {_IN_AN_UPDATE} (after any PREFIX and BASE)"


_REDIRECT = re.compile(r"too many redirects \(\d+\)\. The latest redirection target is (\S+)")


def readable_service_failure(error: Exception) -> str:
    """Why a SERVICE call failed; a redirect is refused, never followed, and says so."""
    redirect = _REDIRECT.search(str(error))
    if redirect:
        return (f"the SERVICE endpoint answered with a redirect to {redirect[1]}, which is not "
                "followed (a redirect may lead anywhere, this machine included); if that endpoint "
                "is trusted, allow it by its own URL")
    return str(error)


def _offset(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    return sum(len(s) + 1 for s in lines[:line - 1]) + column - 1


def _line_column(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    return f"line {line}, column {offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


def _text_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    rest = lines[line - 1][column - 1:] if line <= len(lines) else ""
    if not rest.strip():
        return ", at the end of the query" if line >= len(lines) or not "".join(lines[line:]).strip() \
            else ", at the end of the line"
    snippet = rest.strip()
    return f", at “{snippet[:30]}{'…' if len(snippet) > 30 else ''}”"


def _unknown_prefix(text: str, prefixes: dict[str, str], error_at: int, said: bool) -> str | None:
    """The first prefixed name whose prefix nobody declared, if it comes before the error."""
    toks = tokens(text)
    known = {**prefixes, **declared_prefixes(toks)}
    for tok in toks:
        if tok.kind != "pname":
            continue
        prefix = tok.text.partition(":")[0]
        if prefix in known or (tok.start > error_at and not said):
            continue
        names = list(known)
        listed = ", ".join(names[:16]) + (", …" if len(names) > 16 else "")
        return (f"{_line_column(text, tok.start)}: unknown prefix {prefix}: (known: {listed}); "
                f"declare it with PREFIX {prefix}: <…> or use one of those")
    return None


def _items(expected: str) -> list[str]:
    """Oxigraph's expectation list, split at its top-level commas."""
    expected = expected.removeprefix("one of ")
    items, depth, quote, start = [], 0, None, 0
    i = 0
    while i < len(expected):
        c = expected[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
        elif c == "," and depth == 0:
            items.append(expected[start:i].strip())
            start = i + 1
        i += 1
    items.append(expected[start:].strip())
    return [item for item in items if item]


def _in_words(items: list[str]) -> str:
    words: list[str] = []
    for item in items:
        word = _word(item)
        if word and word not in words:
            words.append(word)
    if not words:
        return "something else: the query cannot go on like this here"
    if len(words) > _MOST_EXPECTED:
        return ", ".join(words[:_MOST_EXPECTED]) + " or something else"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


_TOKEN_WORDS = {"?": "a variable", "$": "a variable", "<": "an IRI", ":": "a prefixed name",
                '"': "a string", "'": "a string", '"""': "a string", "'''": "a string",
                "_:": "a blank node", "<<": "a triple term", "<<(": "a triple term"}


def _word(item: str) -> str | None:
    if item == "[_]" or item == "['%']":
        return None  # the parser's whitespace rule; a percent escape inside a name
    if item.startswith("["):
        if "'A'" in item:
            return "a name"
        if "'0'" in item:
            return "a digit"
        if item.startswith("['t'"):
            return "an escape (\\t, \\n, \\\", …)"
        return "another character"
    if item.startswith('"') and item.endswith('"'):
        token = item[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        return _TOKEN_WORDS.get(token, f"“{token}”")
    return item
