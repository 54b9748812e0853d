"""`csto-kg matrix` and `csto-kg organization`: what the server's /matrix and /organization
show, read from the build by graph/present/; with --format json, the very data the server gives
a program (Accept: application/json)."""

from __future__ import annotations

import json

import click

from csto_kg.graph import present

from .common import build_from, build_options, fails_cleanly

FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)


def _echo(data, fmt: str, text) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False) if fmt == "json" else text(data))


@click.command()
@FORMAT
@build_options
@fails_cleanly
def matrix(fmt, data, max_data_size, no_implied, no_linked, store):
    """Every candidate and status holder with its verdict for each status (the server's /matrix)."""
    kg = build_from(data, no_implied, no_linked, store, max_data_size=max_data_size)
    _echo(present.matrix(kg), fmt, matrix_text)


@click.command()
@FORMAT
@build_options
@fails_cleanly
def organization(fmt, data, max_data_size, no_implied, no_linked, store):
    """The organization, its members, observers, partners and candidates, and the relations that
    decide verdicts (the server's /organization)."""
    kg = build_from(data, no_implied, no_linked, store, max_data_size=max_data_size)
    _echo(present.organization(kg), fmt, organization_text)


def matrix_text(shown: dict) -> str:
    """One line an agent: its name and its verdict for each status."""
    width = max((len(a["label"]) for a in shown["agents"]), default=0)
    return "\n".join(
        a["label"].ljust(width) + "  " + "  ".join(f"{s}: {a['verdicts'].get(s, 'no verdict')}"
                                                   for s in present.STATUSES)
        for a in shown["agents"])


def organization_text(shown: dict) -> str:
    """The organization, then one line a role with who holds it, then the relations in words."""
    if shown["org"] is None:
        return "the graph names no international organization with members"
    label = {n["iri"]: n["label"] for n in shown["nodes"]}
    lines = [label[shown["org"]]]
    for role in ("member", "observer", "partner", "candidate"):
        holders = [n["label"] for n in shown["nodes"] if n["role"] == role]
        lines.append(f"  {role}s: {', '.join(holders) or 'none'}")
    lines += [f"  {label.get(e['source'], e['source'])} {shown['relation_labels'][e['kind']]} "
              f"{label.get(e['target'], e['target'])}" for e in shown["edges"]]
    return "\n".join(lines)
