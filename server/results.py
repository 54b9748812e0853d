"""Write query answers in the negotiated format, whole, or not at all.

The writers buffer the complete answer, so a client never gets a 200 followed by a cut-off
body: a result over the row limit raises TooManyRows before a byte is sent. SPARQL results are
written here rather than by Oxigraph so that rows can be counted while they are written.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from csto_kg.graph.namespaces import PREFIXES

from .negotiation import Format

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

_RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}


class TooManyRows(Exception):
    def __init__(self, limit: int, unit: str):
        self.limit = limit
        super().__init__(
            f"the answer has more than {limit} {unit}, the server's limit; "
            "add a LIMIT (and OFFSET to page through it) or narrow the query"
        )


class CannotWrite(Exception):
    """The answer cannot be expressed in the chosen format (e.g. RDF/XML and some IRIs)."""


def capped(items: Iterable, limit: int, unit: str) -> list:
    taken = []
    for item in items:
        if len(taken) >= limit:
            raise TooManyRows(limit, unit)
        taken.append(item)
    return taken


# -- SELECT ---------------------------------------------------------------------------------


def json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": json_term(term.subject),
                "predicate": json_term(term.predicate),
                "object": json_term(term.object),
            },
        }
    raise CannotWrite(f"unexpected term {term!r}")


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            attrs = f" xml:lang={quoteattr(term.language)}"
        elif term.datatype.value != XSD_STRING:
            attrs = f" datatype={quoteattr(term.datatype.value)}"
        else:
            attrs = ""
        return f"<literal{attrs}>{escape(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        return (
            f"<triple><subject>{_xml_term(term.subject)}</subject>"
            f"<predicate>{_xml_term(term.predicate)}</predicate>"
            f"<object>{_xml_term(term.object)}</object></triple>"
        )
    raise CannotWrite(f"unexpected term {term!r}")


def _csv_value(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def _tsv_value(term) -> str:
    # Oxigraph writes terms as N-Triples, which leaves a tab raw inside a literal; TSV can't.
    return "" if term is None else str(term).replace("\t", "\\t")


def _json_results(names: list[str], rows: list[tuple]) -> bytes:
    # Written from cached per-term fragments: the same IRIs recur in most rows, and this is
    # about twice as fast as building the whole document and dumping it.
    keys = [json.dumps(name, ensure_ascii=False) + ":" for name in names]
    fragments: dict = {}
    bindings = []
    for row in rows:
        items = []
        for key, term in zip(keys, row, strict=True):
            if term is None:
                continue
            fragment = fragments.get(term)
            if fragment is None:
                fragment = fragments[term] = json.dumps(json_term(term), ensure_ascii=False)
            items.append(key + fragment)
        bindings.append("{" + ",".join(items) + "}")
    head = json.dumps({"vars": names}, ensure_ascii=False)
    text = '{"head":' + head + ',"results":{"bindings":[' + ",".join(bindings) + "]}}"
    return text.encode("utf-8")


def write_solutions(solutions: ox.QuerySolutions, fmt: Format, max_rows: int) -> bytes:
    names = [v.value for v in solutions.variables]
    # tuple(solution) gives the values in variable order, None when unbound; it is several
    # times faster than looking each variable up by name.
    rows = [tuple(solution) for solution in capped(solutions, max_rows, "rows")]
    if fmt.name == "json":
        return _json_results(names, rows)
    if fmt.name == "xml":
        out = ['<?xml version="1.0" encoding="UTF-8"?>\n'
               '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
        out += [f"<variable name={quoteattr(n)}/>" for n in names]
        out.append("</head><results>")
        for row in rows:
            out.append("<result>")
            out += [
                f"<binding name={quoteattr(n)}>{_xml_term(t)}</binding>"
                for n, t in zip(names, row, strict=True)
                if t is not None
            ]
            out.append("</result>")
        out.append("</results></sparql>\n")
        return "".join(out).encode("utf-8")
    if fmt.name == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(names)
        writer.writerows([_csv_value(t) for t in row] for row in rows)
        return buffer.getvalue().encode("utf-8")
    if fmt.name == "tsv":
        lines = ["\t".join("?" + n for n in names)]
        lines += ["\t".join(_tsv_value(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise CannotWrite(f"{fmt.label} is not a format for SELECT results")


# -- ASK ------------------------------------------------------------------------------------


def write_boolean(value: bool, fmt: Format) -> bytes:
    word = "true" if value else "false"
    if fmt.name == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if fmt.name == "xml":
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
            f"<boolean>{word}</boolean></sparql>\n"
        ).encode()
    # CSV/TSV define no boolean form: the bare word, as Oxigraph writes it.
    if fmt.name in ("csv", "tsv"):
        return word.encode()
    raise CannotWrite(f"{fmt.label} is not a format for ASK results")


# -- CONSTRUCT / DESCRIBE -------------------------------------------------------------------


def write_triples(triples: Iterable[ox.Triple], fmt: Format, max_rows: int) -> bytes:
    return serialize_triples(capped(triples, max_rows, "triples"), fmt)


def serialize_triples(triples: list[ox.Triple], fmt: Format) -> bytes:
    rdf_format = _RDF_FORMATS.get(fmt.name)
    if rdf_format is None:
        raise CannotWrite(f"{fmt.label} is not a format for graphs")
    prefixes = PREFIXES if fmt.name in ("turtle", "trig", "rdfxml") else None
    try:
        return ox.serialize(triples, format=rdf_format, prefixes=prefixes)
    except (ValueError, TypeError, OSError) as e:
        raise CannotWrite(f"the graph cannot be written as {fmt.label}: {e}") from None
