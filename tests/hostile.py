"""What a hostile client sends, as Hypothesis strategies: SPARQL soup, mutated named queries,
SERVICE in every spelling, odd parameters, headers, paths and raw HTTP. The fuzz tests and
benchmarks/stress.py draw from here; `forbidden` is the base IRI of a listener that must
never be called."""

from __future__ import annotations

import urllib.parse

from hypothesis import strategies as st

from csto_kg.queries import all_queries

NAMED = [q.text for q in all_queries()]

PIECES = [
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "FILTER", "OPTIONAL", "UNION", "MINUS",
    "GRAPH", "SERVICE", "SILENT", "LATERAL", "BIND", "VALUES", "GROUP BY", "ORDER BY", "HAVING",
    "LIMIT", "OFFSET", "PREFIX", "BASE", "FROM", "NAMED", "EXISTS", "NOT", "AS", "a", "DISTINCT",
    "INSERT DATA", "DELETE WHERE", "LOAD", "CLEAR ALL", "COUNT(*)", "REGEX(", "STR(", "IRI(",
    "{", "}", "(", ")", "[", "]", ".", ";", ",", "*", "+", "/", "|", "^", "!", "?", "$",
    "?s", "?p", "?o", "$x", "?x", "<http://example.org/a>", "<>", "<a b>", "<\\u0041>", "kg:Armenia",
    "csto:State", "rdfs:label", "cstoo:x", ":", ":x", "_:b", "[]", '"str"', "'str'", '"""l\nong"""',
    '"\\u0000"', '"\\q"', '"unclosed', "'", '"', "\\", "1", "-1", "1.5e3", ".5", "||", "&&", "=",
    "!=", "<", ">", "<=", "^^xsd:integer", "@en", "@", "#c\n", "\n", "\t", "\x00", "\x7f", "é",
    "𝄞", "\u202e", "\ufeff", "<<", ">>", "{|", "|}", "~",
]


def soup() -> st.SearchStrategy[str]:
    pieces = st.lists(st.sampled_from(PIECES), max_size=40)
    return st.one_of(pieces.map(" ".join), pieces.map("".join))


def mutated_named() -> st.SearchStrategy[str]:
    """A named query with a slice cut out, doubled or replaced: near-miss SPARQL."""

    @st.composite
    def mutate(draw):
        text = draw(st.sampled_from(NAMED))
        a = draw(st.integers(0, len(text)))
        b = draw(st.integers(a, min(len(text), a + 40)))
        how = draw(st.sampled_from(["cut", "double", "replace"]))
        if how == "cut":
            return text[:a] + text[b:]
        if how == "double":
            return text[:b] + text[a:b] + text[b:]
        return text[:a] + draw(st.sampled_from(PIECES)) + text[b:]

    return mutate()


def deep(kind: str, depth: int) -> str:
    if kind == "braces":
        return "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth
    return "ASK { FILTER(" + "(" * depth + "1" + ")" * depth + ") }"


def adversarial() -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(deep, st.sampled_from(["braces", "parens"]), st.integers(400, 4000)),
        st.integers(1, 5000).map(lambda n: "SELECT * WHERE { VALUES ?x { " + "1 " * n + "} }"),
        st.integers(1, 200_000).map(lambda n: 'ASK { FILTER("' + "x" * n + '" = "") }'),
        st.integers(1, 2000).map(lambda n: "".join(f"PREFIX p{i}: <http://e/{i}/> " for i in range(n)) + "ASK {}"),
        st.text(max_size=300),
    )


def service_spellings(forbidden: str) -> st.SearchStrategy[str]:
    """SERVICE toward the forbidden base, glued, cased, escaped and prefixed in random ways."""

    def escaped(iri):
        return st.lists(st.booleans(), min_size=len(iri), max_size=len(iri)).map(
            lambda esc: "".join(f"\\u{ord(c):04X}" if e and c not in ":/" else c
                                for c, e in zip(iri, esc, strict=True)))

    glue = st.sampled_from(["", " ", "\n", "\t", "#x\n", " #SERVICE <x>\n "])

    @st.composite
    def clause(draw):
        keyword = draw(cased("service"))
        silent = draw(st.sampled_from(["", draw(cased("silent"))]))
        target = draw(st.sampled_from(["iri", "escaped", "prefixed", "empty-prefix", "relative"]))
        prologue = ""
        if target == "iri":
            endpoint = f"<{forbidden}sparql>"
        elif target == "escaped":
            endpoint = "<" + draw(escaped(forbidden + "sparql")) + ">"
        elif target in ("prefixed", "empty-prefix"):
            name = "" if target == "empty-prefix" else draw(
                st.sampled_from(["e", "f", "svc", "service", "silent", "SERVICE", "wd", "from"]))
            prologue, endpoint = draw(prefix_declaration(name, forbidden)), f"{name}:sparql"
        else:
            prologue, endpoint = f"BASE <{forbidden}> ", "<sparql>"
        parts = [keyword, draw(glue), silent, draw(glue) if silent else "", endpoint, draw(glue)]
        body = "".join(parts) + "{ ?s ?p ?o }"
        wrap = draw(st.sampled_from(["{ %s }", "{ ?s ?p ?o LATERAL { %s } }", "{ OPTIONAL { %s } }",
                                     "{ FILTER EXISTS { %s } }", "{ { SELECT * { %s } } }",
                                     "{ ?s ?p ?o MINUS { %s } }"]))
        return prologue + "SELECT * WHERE " + wrap % body

    return clause()


def cased(word: str) -> st.SearchStrategy[str]:
    return st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
        lambda ups: "".join(c.upper() if u else c.lower() for c, u in zip(word, ups, strict=True)))


@st.composite
def prefix_declaration(draw, name: str, iri: str) -> str:
    """PREFIX name: <iri>, with or without spaces (`PREFIXf:<…>` is a declaration to Oxigraph),
    sometimes after an innocent declaration of the same name that it overrides."""
    glue = st.sampled_from(["", " ", "\n", "#c\n"])
    spelled = f"{draw(cased('prefix'))}{draw(glue)}{name}:{draw(glue)}<{iri}>{draw(glue)} "
    if draw(st.booleans()):
        spelled = f"PREFIX {name}: <https://query.wikidata.org/> " + spelled
    return spelled


DEEP = {
    "not": lambda n: "ASK { FILTER(" + "!" * n + "true) }",
    "sum": lambda n: "ASK { FILTER(" + "+".join(["1"] * n) + " > 0) }",
    "and": lambda n: "ASK { FILTER(" + "&&".join(["true"] * n) + ") }",
    "union": lambda n: "ASK { " + " UNION ".join(["{}"] * n) + " }",
    "path": lambda n: "ASK { ?s " + "/".join(["<http://example.org/p>"] * n) + " ?o }",
    "alternatives": lambda n: "ASK { ?s " + "|".join(["<http://example.org/p>"] * n) + " ?o }",
    "minus": lambda n: "ASK { " + " ".join(["MINUS {}"] * n) + " }",
    "bind": lambda n: "SELECT * { " + " ".join(f"BIND(1 AS ?v{i})" for i in range(n)) + " }",
    "parens": lambda n: "ASK { FILTER(" + "(" * n + "1" + ")" * n + ") }",
    "braces": lambda n: "SELECT * WHERE " + "{" * n + " ?s ?p ?o " + "}" * n,
}


def deep_expressions(low: int = 501, high: int = 20_000) -> st.SearchStrategy[str]:
    """Expressions deeper than the parser's stack allows: operator chains as well as brackets."""
    return st.builds(lambda kind, n: DEEP[kind](n), st.sampled_from(sorted(DEEP)), st.integers(low, high))


def queries(forbidden: str) -> st.SearchStrategy[str]:
    return st.one_of(soup(), mutated_named(), adversarial(), service_spellings(forbidden), deep_expressions())


PARAM_NAMES = ["query", "update", "default-graph-uri", "named-graph-uri", "format", "timeout",
               "using-graph-uri", "iri", "status", "why", "", "query[]", "QUERY", "\x00", "é"]


def params() -> st.SearchStrategy[list[tuple[str, str]]]:
    values = st.one_of(st.text(max_size=60), st.sampled_from(
        ["ASK {}", "json", "csv", "-1", "0", "1e309", "nan", "inf", "http://127.0.0.1:9/", "file:///etc/passwd",
         "relative", "", "%", "%FF", "SELECT * WHERE { ?s ?p ?o }"]))
    return st.lists(st.tuples(st.sampled_from(PARAM_NAMES) | st.text(max_size=10), values), max_size=6)


def encoded(pairs: list[tuple[str, str]]) -> str:
    return urllib.parse.urlencode(pairs, encoding="utf-8", errors="surrogatepass")


HEADER_VALUE = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"),
                       max_size=80)
MEDIA = ["application/sparql-query", "application/sparql-update", "application/x-www-form-urlencoded",
         "text/turtle", "application/json", "multipart/form-data; boundary=x", "*/*", "text/html",
         "application/sparql-results+json;q=0", "application/sparql-query; charset=latin-1",
         "application/x-www-form-urlencoded; charset=utf-16", ";;;", "text/csv;q=abc", ""]


def headers() -> st.SearchStrategy[dict[str, str]]:
    names = st.sampled_from(["Accept", "Content-Type", "Authorization", "Origin", "X-Forwarded-For",
                             "Forwarded", "Accept-Charset", "Accept-Encoding", "Range", "If-None-Match",
                             "Access-Control-Request-Method", "Transfer-Encoding-Junk", "Cookie"])
    value = st.one_of(st.sampled_from(MEDIA), HEADER_VALUE,
                      st.sampled_from(["Bearer ", "Bearer x", "Basic Zm9vOmJhcg==", "gzip, br", "bytes=0-1"]))
    return st.dictionaries(names, value, max_size=5)


def bodies() -> st.SearchStrategy[bytes]:
    return st.one_of(st.binary(max_size=400), st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
                     st.sampled_from([b"query=ASK%7B%7D", b"query=%FF", b"update=CLEAR+ALL", b"query=ASK{}&query=ASK{}",
                                      b"\xef\xbb\xbfASK {}", "ASK {}".encode("utf-16"), b"\x00" * 100]))


PATHS = ["/sparql", "/id/", "/resource?iri=", "/explain/", "/queries/", "/ontology", "/health", "/", "/static/",
         "/queries", "/explain/Armenia?status=", "/id/Armenia?format="]


def paths() -> st.SearchStrategy[str]:
    tail = st.one_of(
        st.text(max_size=40).map(lambda t: urllib.parse.quote(t, safe="/?=&", errors="surrogatepass")),
        st.sampled_from(["%FF", "%00", "a%20b", "%3C", "..%2F..%2Fetc%2Fpasswd", "../../etc/passwd", "Q191",
                         "Armenia", "%C0%AF", "%", "%%", "x" * 5000, "http://127.0.0.1:9/", "?" * 10]))
    return st.builds(lambda p, t: p + t, st.sampled_from(PATHS), tail)


def raw_requests() -> st.SearchStrategy[bytes]:
    """Whole HTTP requests, well formed or not."""
    line = st.one_of(
        st.sampled_from([b"GET /sparql?query=ASK%7B%7D HTTP/1.1", b"GET / HTTP/9.9", b"BREW /coffee HTTP/1.1",
                         b"GET /sparql HTTP/1.0", b"GET http://127.0.0.1:9/ HTTP/1.1", b"GET", b"",
                         b"POST /sparql HTTP/1.1", b"GET /\x00 HTTP/1.1", b"GET /" + b"a" * 70000 + b" HTTP/1.1"]),
        st.binary(max_size=100))
    header = st.one_of(st.sampled_from([b"Host: x", b"Content-Length: -1", b"Content-Length: 99999999999",
                                        b"Content-Length: 5", b"Transfer-Encoding: chunked", b"Expect: 100-continue",
                                        b"X: " + b"y" * 300_000, b": novalue", b"Bad Header",
                                        b"Content-Type: application/sparql-query"]),
                       st.binary(max_size=60))
    return st.builds(lambda first, hs, body: first + b"\r\n" + b"".join(h + b"\r\n" for h in hs) + b"\r\n" + body,
                     line, st.lists(header, max_size=5), st.binary(max_size=100))


def transfer_codings() -> st.SearchStrategy[str]:
    """Transfer-Encoding values, as listed, cased and spaced in odd ways; most are not chunked alone."""
    coding = st.sampled_from(["chunked", "gzip", "identity", "deflate", "compress", "br", "x-custom", ""])
    return st.lists(coding, min_size=1, max_size=3).flatmap(
        lambda names: st.sampled_from([", ", ",", " ,  "]).map(lambda sep: sep.join(names))).flatmap(
        lambda value: cased(value) if value.isascii() else st.just(value))


@st.composite
def trickled(draw, request: bytes) -> list[bytes]:
    """A request cut into pieces to send one by one: headers that arrive slowly, split anywhere."""
    cuts = sorted(set(draw(st.lists(st.integers(1, len(request) - 1), max_size=12))))
    return [request[a:b] for a, b in zip([0, *cuts], [*cuts, len(request)], strict=True)]
