"""How results look on a terminal and in a pipe."""

from __future__ import annotations

import io
import sys

import pyoxigraph as ox

from csto_kg.graph.errors import CstoKgError
from csto_kg.graph.namespaces import curie
from csto_kg.graph.sparql.formats import GRAPH_FORMATS, RESULT_FORMATS
from csto_kg.graph.sparql.results import serialize_triples, write_boolean, write_solutions

FORMATS = ["table", "json", "csv", "tsv", "xml", "turtle", "ntriples", "jsonld"]
# A graph asked for in a results format is written in the nearest graph format.
_AS_GRAPH = {"table": "turtle", "json": "jsonld", "xml": "rdfxml", "turtle": "turtle", "ntriples": "ntriples",
             "jsonld": "jsonld"}


def render(result, fmt: str) -> str:
    """A query result in fmt, written as the server writes it (graph/sparql/results.py); a table
    is for people, the others for pipes and tools."""
    if isinstance(result, ox.QueryTriples):
        if fmt not in _AS_GRAPH:
            raise CstoKgError(f"a CONSTRUCT or DESCRIBE query gives a graph, which cannot be written as {fmt}: "
                              f"choose --format {', '.join(sorted(set(_AS_GRAPH) - {'table'}))} (or table)")
        return serialize_triples(list(result), GRAPH_FORMATS[_AS_GRAPH[fmt]]).decode("utf-8")
    if fmt in RESULT_FORMATS:
        if isinstance(result, ox.QueryBoolean):
            return write_boolean(bool(result), RESULT_FORMATS[fmt]).decode("utf-8")
        return write_solutions(result, RESULT_FORMATS[fmt], max_rows=sys.maxsize).decode("utf-8")
    if fmt != "table":
        raise CstoKgError(f"a SELECT or ASK query gives results, which cannot be written as {fmt}: "
                          f"choose --format table, {', '.join(RESULT_FORMATS)}")
    if isinstance(result, ox.QueryBoolean):
        return f"{str(bool(result)).lower()}\n"
    return table(result)


def compact(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return curie(term.value) or f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def table(solutions) -> str:
    names = [v.value for v in solutions.variables]
    rows = [[compact(row[n]) for n in names] for row in solutions]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    out = io.StringIO()
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip() + "\n"  # noqa: E731
    out.write(line(names))
    out.write(line(["-" * w for w in widths]))
    for r in rows:
        out.write(line(r))
    out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")
    return out.getvalue()


_VERDICT = {True: "ELIGIBLE", False: "INELIGIBLE", None: "NO VERDICT (not enough is known)"}
_SHORT = {True: "ELIGIBLE", False: "INELIGIBLE", None: "NO VERDICT"}


def explanation_text(v: dict) -> str:
    out = io.StringIO()
    if v["candidate"] and v.get("standing"):
        out.write(f"{v['state']} — {v['status']} status: {_VERDICT[v['eligible']]} — {v['standing']['words']}\n")
    elif v["candidate"]:
        out.write(f"{v['state']} — {v['status']} status: {_VERDICT[v['eligible']]}\n")
    else:
        out.write(f"{v['state']} — {v['status']} status: NO VERDICT (not a candidate: it seeks no status)\n")
    for held in v["holds"]:
        source = f" ({held['fact']})" if held["fact"] else ""
        out.write(f"  holds {held['status']} status already{source}\n")
    if "what_if" in v:
        w = v["what_if"]
        was = _SHORT[w["eligible_before"]] if w["known_before"] else "not in the graph"
        out.write(f"  with {w['assumed_triples']} assumed triples; without them: {was}\n")
        for c in w["changed"]:
            out.write(f"    {c['label']}: {c['before']} → {c['after']}\n")
    if "why" in v:
        out.write(justification_text(v["why"], indent="  "))
    for r in v["requirements"]:
        standing = f"  ({r['standing']})" if r.get("standing") else ""
        out.write(f"  {r['result']:<8}{r['label']}{standing}\n")
        if "why" in r:
            out.write(justification_text(r["why"], indent="            "))
        for e in r["evidence"]:
            where = ", ".join(x for x in (e["fact"], e["kind"] or e.get("provenance") or e["graph"]) if x)
            out.write(f"            {e['text']}  [{where}]\n")
            if e["quote"]:
                said = " — " + ", ".join(x for x in (e["speaker"], e["date"]) if x) if e["speaker"] else ""
                out.write(f"              “{e['quote']}”{said}\n")
        if r["result"] == "unknown" and not r["evidence"]:
            out.write("            nothing in the graph says either way\n")
        for s in r["stated_by"]:
            date = s["date"] and (f"{s['date']}, date implied ({s['date_fact']})"
                                  if (s["date_fact"] or "").startswith("I") else s["date"])
            by = ", ".join(x for x in (s["speaker"], date, s["kind"] == "implied" and "implied") if x)
            out.write(f"            required by {s['fact']} ({by}): “{s['quote']}”\n")
    return out.getvalue()


def justification_text(j: dict, indent: str) -> str:
    """A justification as a person reads it: the facts with their words, then the axioms."""
    out = io.StringIO()
    out.write(f"{indent}why ({len(j['axioms'])} facts and axioms, none of them dispensable):\n")
    for a in j["axioms"]:
        tag = f"[{a['fact_id']}] " if a["fact_id"] else f"[{a['kind']}] "
        out.write(f"{indent}  {tag}{a['label']}\n")
        if a["quote"]:
            out.write(f"{indent}      “{a['quote']}”\n")
    if j.get("rules"):
        out.write(f"{indent}  linked by the OWL 2 RL rules {', '.join(j['rules'])}\n")
    return out.getvalue()
