"""A verdict's standing: how it is known, computed by reasoning, never written by hand.

The sources form layers, narrowest first: the article's *stated* facts (with the ontology and
the project's curated identifiers), then what the article *implies*, then *linked* open data,
then the *user*'s own facts (--data, updates, what-if assumptions). A conclusion's standing is
the first layer whose facts alone entail it: a verdict the stated facts give is stated; one
that needs the implied facts is implied, and names them. Each layer is the graph without the
later layers' graphs, reasoned afresh as `--no-implied` would build it (KnowledgeGraph.without,
kept like the pages' views); a layer that adds nothing to the graph costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from ..namespaces import ASSUMED, CSTO, IMPLIED, LINKED, OUTSIDE, USER
from ..store import DEFAULT, KnowledgeGraph

KINDS = ("stated", "implied", "linked", "user")
_LATER = {
    "stated": frozenset({IMPLIED, LINKED, OUTSIDE, USER, ASSUMED, DEFAULT}),
    "implied": frozenset({LINKED, OUTSIDE, USER, ASSUMED, DEFAULT}),
    "linked": frozenset({USER, ASSUMED, DEFAULT}),
    "user": frozenset(),
}
ELIGIBLE_FOR, INELIGIBLE_FOR = str(CSTO.eligibleFor), str(CSTO.ineligibleFor)

_CONCLUSIONS = """
SELECT DISTINCT ?agent ?p ?o WHERE {
  VALUES ?p { csto:meets csto:fails csto:eligibleFor csto:ineligibleFor }
  ?agent ?p ?o . %(agent)s
}"""


def layers(kg: KnowledgeGraph) -> Iterator[tuple[str, KnowledgeGraph]]:
    """(kind, graph) from the narrowest layer to kg itself, skipping the layers that would leave
    out nothing kg holds."""
    present = {g for g in _LATER["stated"] if _holds(kg, g)}
    previous = None
    for kind in KINDS:
        gone = _LATER[kind] & present
        if gone == previous:
            continue  # kg holds nothing of this kind: the narrower layer is the same graph
        previous = gone
        yield kind, kg.without(frozenset(gone))
        if not gone:
            return


def conclusions(kg: KnowledgeGraph, agent: str | None = None) -> set[tuple[str, str, str]]:
    """The requirement results and verdicts kg entails, as (agent, property, object) IRIs."""
    bound = f"FILTER(?agent = {ox.NamedNode(agent)})" if agent else ""
    return {(row["agent"].value, row["p"].value, row["o"].value)
            for row in kg.query(_CONCLUSIONS % {"agent": bound}) if isinstance(row["agent"], ox.NamedNode)}


def standings(kg: KnowledgeGraph, agent: str | None = None) -> tuple[dict, list]:
    """Each conclusion of kg (about agent, or about everyone) with its standing, the first layer
    that entails it; and the layers' conclusions, narrowest first, as (kind, set) pairs."""
    found, seen = {}, []
    for kind, layer in layers(kg):
        entailed = conclusions(layer, agent)
        seen.append((kind, entailed))
        for triple in entailed:
            found.setdefault(triple, kind)
    return found, seen


def verdict_standing(kg: KnowledgeGraph, agent: str, status: str, eligible: bool | None,
                     requirements: list[dict]) -> dict | None:
    """The standing of the verdict on agent for status, with the words the pages and the CLI
    show; the requirements (explain's) get theirs too. None when there is no verdict."""
    found, seen = standings(kg, agent)
    for r in requirements:
        verb = {"met": str(CSTO.meets), "failed": str(CSTO.fails)}.get(r["result"])
        r["standing"] = found.get((agent, verb, r["id"])) if verb else None
    if eligible is None:
        return None
    kind = found[(agent, ELIGIBLE_FOR if eligible else INELIGIBLE_FOR, status)]
    n = [k for k, _ in seen].index(kind)
    narrower, before = (seen[n - 1][0], _verdict(seen[n - 1][1], agent, status)) if n else (None, None)
    facts = _implied_facts(requirements, eligible) if kind == "implied" else []
    return {"kind": kind, "facts": facts, "without": before, "words": words(kind, facts, narrower, before)}


def _verdict(entailed: set, agent: str, status: str) -> bool | None:
    if (agent, ELIGIBLE_FOR, status) in entailed:
        return True
    if (agent, INELIGIBLE_FOR, status) in entailed:
        return False
    return None


def _implied_facts(requirements: list[dict], eligible: bool) -> list[str]:
    """The implied facts in the evidence of the requirements that decide the verdict (every
    one met, or those failed) whose result the stated facts alone do not give."""
    deciding = [r for r in requirements if r["result"] == ("met" if eligible else "failed")]
    return sorted({e["fact"] for r in deciding if r["standing"] != "stated"
                   for e in r["evidence"] if e["graph"] == "implied" and e["fact"]})


_LAYER_WORDS = {"stated": "the article's stated facts", "implied": "the article's facts",
                "linked": "the article's facts and the linked data"}
_VERDICT_WORDS = {True: "ELIGIBLE", False: "INELIGIBLE", None: "no verdict"}


def words(kind: str, facts: list[str], narrower: str | None, before: bool | None) -> str:
    """"by implication (I02, I03, I04); the article's stated facts alone give no verdict"."""
    if narrower is None:
        return "stated: the article's stated facts alone give it"
    how = {"implied": "by implication" + (f" ({', '.join(facts)})" if facts else ""),
           "linked": "by linked open data", "user": "by the user's data"}[kind]
    return f"{how}; {_LAYER_WORDS[narrower]} alone give {_VERDICT_WORDS[before]}"


def _holds(kg: KnowledgeGraph, graph: str) -> bool:
    name = ox.DefaultGraph() if graph == DEFAULT else ox.NamedNode(graph)
    return next(iter(kg.quads(None, None, None, name)), None) is not None
