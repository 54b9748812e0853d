"""Asking the endpoint every query of a run, batch by batch, and checking the rows answer them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib.term import Node

from ..bridge import rdflib_term
from ..errors import MalformedResponse
from ..namespaces import WD
from ..sparql.client import SparqlClient
from .queries import ITEMS_QUERY, ORGANIZATION_QUERY, STATEMENTS_QUERY, UN_MEMBERSHIP_QUERY

QID = re.compile(r"^Q[1-9][0-9]*$")


def normalize_qid(text: str) -> str:
    """'Q37', 'q37', 'wd:Q37' or the entity IRI to 'Q37'; ValueError otherwise."""
    value = text.strip()
    for prefix in (str(WD), "https://www.wikidata.org/wiki/", "wd:"):
        if value.startswith(prefix):
            value = value[len(prefix):]
    value = value.upper() if value[:1] in "qQ" else value
    if not QID.match(value):
        raise ValueError(f"not a Wikidata item id: {text!r} (expected Q followed by digits, e.g. Q37)")
    return value


@dataclass
class Fetched:
    """The rows of every query of a run, and the queries as sent."""

    items: list[dict] = field(default_factory=list)
    un: list[dict] = field(default_factory=list)
    statements: list[dict] = field(default_factory=list)
    organization: list[dict] = field(default_factory=list)
    queries: list[tuple[str, str]] = field(default_factory=list)  # (label, text)


def select(endpoint: SparqlClient, query: str) -> list[dict[str, Node]]:
    """A SELECT query's rows as rdflib terms by variable name (the linker builds rdflib graphs)."""
    solutions = endpoint.query(query)
    names = [v.value for v in solutions.variables]
    return [{name: rdflib_term(row[name]) for name in names if row[name] is not None} for row in solutions]


def _values(qids: Iterable[str]) -> str:
    return " ".join(f"wd:{q}" for q in qids)


def fetch(endpoint: SparqlClient, qids: list[str], organizations: list[str], *,
          batch_size: int = 50,
          progress: Callable[[int, int, str], None] | None = None) -> Fetched:
    """Ask the endpoint about the items, batch by batch, then about the CSTO item's side."""
    batches = [qids[i:i + batch_size] for i in range(0, len(qids), batch_size)] or [[]]
    total = 3 * len(batches) + 1
    done = 0
    fetched = Fetched()

    def ask(label: str, query: str, required: tuple[str, ...]) -> list[dict]:
        nonlocal done
        if progress:
            progress(done, total, label)
        fetched.queries.append((label, query))
        rows = select(endpoint, query)
        for row in rows:
            missing = [var for var in required if row.get(var) is None]
            if missing:
                raise MalformedResponse(
                    f"{endpoint.query_url} answered the query for {label} with rows that lack "
                    f"{', '.join('?' + v for v in missing)}: not an answer to that query")
        done += 1
        if progress:
            progress(done, total, label)
        return rows

    for n, batch in enumerate(batches, 1):
        of = f"batch {n} of {len(batches)}"
        items = _values(batch)
        fetched.items += ask(f"labels, ISO codes and classes, {of}",
                             ITEMS_QUERY.replace("$ITEMS", items), ("item",))
        fetched.un += ask(f"UN membership, {of}", UN_MEMBERSHIP_QUERY.replace("$ITEMS", items),
                          ("item", "statement", "rank"))
        fetched.statements += ask(
            f"memberships and diplomatic relations, {of}",
            STATEMENTS_QUERY.replace("$ITEMS", items)
            .replace("$ORGANIZATIONS", _values(organizations)).replace("$PARTNERS", _values(qids)),
            ("item", "property", "statement", "value", "rank"))
    fetched.organization += ask("the CSTO item's members and parts", ORGANIZATION_QUERY,
                                ("item", "property", "statement", "rank"))
    return fetched
