"""Writing a link run: the TriG and the JSON report, each replaced atomically, and the report for people."""

from __future__ import annotations

import json
from pathlib import Path

from ..paths import replacing
from .linker import LinkResult


def _atomic_write(path: Path, data: bytes) -> None:
    with replacing(path) as tmp:
        tmp.write_bytes(data)


# A dataset format keeps the two graphs apart; a graph format can hold only one.
_DATASET_FORMATS = {".trig": "trig", ".nq": "nquads"}
_GRAPH_FORMATS = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml", ".owl": "xml", ".jsonld": "json-ld"}


def write_linked(result: LinkResult, path: Path) -> None:
    """What a link run found, in the format path's suffix names, replacing the file atomically:
    the LINKED and OUTSIDE graphs as TriG (the default) or N-Quads.

    A graph format (.ttl, .nt, .rdf, .jsonld) gets the LINKED graph alone, ready for `--data`:
    the OUTSIDE graph must never be reasoned over, and a single graph cannot keep it apart.
    """
    suffix = Path(path).suffix.lower()
    if suffix in _GRAPH_FORMATS:
        data = result.linked.serialize(format=_GRAPH_FORMATS[suffix], encoding="utf-8")
    else:
        data = result.dataset.serialize(format=_DATASET_FORMATS.get(suffix, "trig"), encoding="utf-8")
    _atomic_write(path, data)


def write_report(result: LinkResult, path: Path) -> None:
    _atomic_write(path, (json.dumps(result.report, indent=2, ensure_ascii=False) + "\n").encode())


def format_report(report: dict) -> str:
    """The report for people: what was linked, then each discrepancy on a line."""
    lines = [
        f"Linked {report['items']} items from {report['endpoint']} "
        f"({report['requests']} requests, {report['started']}).",
        f"  reasoned (linked graph): {report['linked_facts']} facts "
        f"({report['linked_triples']} triples with their provenance); "
        f"kept outside: {report['outside_triples']} triples; "
        f"{report['agreements']} values already in the graph agree.",
    ]
    if report["new_states"]:
        lines.append("  new states: " + ", ".join(f"{s['label']} ({s['qid']})" for s in report["new_states"]))
    if report["new_items"]:
        lines.append("  new items, not states: " + ", ".join(f"{s['label']} ({s['qid']})" for s in report["new_items"]))
    if report["un_members"]:
        lines.append(f"  current UN membership linked for {len(report['un_members'])}: "
                     + ", ".join(s["label"] for s in report["un_members"]))
    if report["discrepancies"]:
        lines.append(f"Open data and the article disagree or differ ({len(report['discrepancies'])}); "
                     f"the article wins, Wikidata's side is kept in the outside graph:")
        for d in report["discrepancies"]:
            lines.append(f"  [{d['severity']}] {d['kind']}: {d['message']}")
    else:
        lines.append("No discrepancies between open data and the article.")
    return "\n".join(lines)
