"""The timeline: the dated events and statements, each date shown no more precisely than the
graph gives it, and said whether it is stated, implied or linked."""

from __future__ import annotations

import pyoxigraph as ox

from ..labels import labels_of
from ..namespaces import local_name
from .shared import GRAPH_KINDS, value

_DATES = """
SELECT DISTINCT ?item ?date ?g ?id WHERE {
  VALUES ?when { dcterms:date csto:startedIn }
  GRAPH ?g { ?item ?when ?date }
  FILTER(?g != <https://w3id.org/csto-kg/graph/inferred>)
  OPTIONAL { GRAPH ?g { ?ax owl:annotatedSource ?item ; owl:annotatedProperty ?when ;
                           owl:annotatedTarget ?date ; csto:fact/dcterms:identifier ?id } }
}"""

PRECISION = {"http://www.w3.org/2001/XMLSchema#date": "day",
             "http://www.w3.org/2001/XMLSchema#dateTime": "day",
             "http://www.w3.org/2001/XMLSchema#gYearMonth": "month",
             "http://www.w3.org/2001/XMLSchema#gYear": "year"}
_HOW = ("stated", "implied", "linked", "user", "curated")  # a date's kind: the narrowest source that gives it
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def timeline(kg, order: str) -> dict:
    """The dated events and statements in the order a query gives them (the named query
    `timeline`, which its callers pass: queries/ sits above graph/), each with its date's
    precision and whether the date is stated or implied."""
    dates: dict[str, dict] = {}
    for row in kg.query(_DATES):
        entry = dates.setdefault(row["item"].value, {"graphs": set(), "facts": set()})
        entry["graphs"].add(GRAPH_KINDS.get(row["g"].value, "other"))
        if row["id"] is not None:
            entry["facts"].add(row["id"].value)
    items = []
    for row in kg.query(order):
        iri = row["item"].value
        date = row["date"]
        known = dates.get(iri, {"graphs": set(), "facts": set()})
        items.append({
            "iri": iri, "label": value(row["label"]) or local_name(iri), "type": value(row["type"]),
            # GROUP_CONCAT's order is undefined: the same graph must read the same
            "who": ", ".join(sorted(row["who"].value.split(", "))) if row["who"] else None,
            "after": value(row["after"]),
            "date": value(date), "shown": date_words(date) if date is not None else None,
            "precision": PRECISION.get(date.datatype.value, "unknown") if isinstance(date, ox.Literal) else None,
            "how": next((k for k in _HOW if k in known["graphs"]), None) if date is not None else None,
            "facts": sorted(known["facts"]),
        })
    labels = labels_of(kg, [i["after"] for i in items if i["after"]])
    for item in items:
        item["after_label"] = labels.get(item["after"]) if item["after"] else None
    return {"items": items}


def date_words(date: ox.Literal) -> str:
    """12 September 2019 for a day, September 2019 for a month, 2019 for a year: no more precise
    than the literal."""
    parts = date.value.split("T")[0].split("-")
    try:
        if len(parts) >= 3:
            return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 2:
            return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        pass
    return date.value
