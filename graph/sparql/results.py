"""Write query answers in a chosen format (graph/sparql/formats.py), whole, or not at all.

The writers buffer the complete answer, so a client never gets a 200 followed by a cut-off
body: a result over the row limit raises TooManyRows before a byte is sent. SPARQL results are
written by Oxigraph, its rows counted as it writes them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import pyoxigraph as ox

from ..errors import CannotWrite, TooManyRows
from ..namespaces import PREFIXES
from .formats import Format

_RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}


def capped(items: Iterable, limit: int, unit: str) -> list:
    taken = []
    for item in items:
        if len(taken) >= limit:
            raise TooManyRows(limit, unit)
        taken.append(item)
    return taken


# -- SELECT ---------------------------------------------------------------------------------

_LIBRARY_FORMATS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                    "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}


class _CountingSink:
    """Where Oxigraph writes SPARQL XML results: kept whole, each <result> counted as it is
    written, and TooManyRows raised past the limit, before the rest is evaluated. Literal text
    is escaped in XML, so only a result element reads as "<result>"."""

    def __init__(self, limit: int):
        self.limit, self.rows, self.parts, self.tail = limit, 0, [], b""

    def write(self, data) -> int:
        data = bytes(data)
        self.rows += (self.tail + data).count(b"<result>")  # the tail is too short to hold one
        self.tail = data[-7:]
        if self.rows > self.limit:
            raise TooManyRows(self.limit, "rows")
        self.parts.append(data)
        return len(data)

    def flush(self) -> None:
        pass


def write_solutions(solutions: ox.QuerySolutions, fmt: Format, max_rows: int) -> bytes:
    """The results as Oxigraph writes them (several times faster than writing them here), read
    from its XML while the rows are counted."""
    if fmt.name not in _LIBRARY_FORMATS:
        raise CannotWrite(f"{fmt.label} is not a format for SELECT results")
    sink = _CountingSink(max_rows)
    solutions.serialize(sink, format=ox.QueryResultsFormat.XML)
    xml = b"".join(sink.parts)
    if fmt.name == "xml":
        return xml
    return ox.parse_query_results(xml, format=ox.QueryResultsFormat.XML).serialize(format=_LIBRARY_FORMATS[fmt.name])


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
