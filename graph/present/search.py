"""Search: the states, organizations, people, bodies, conflicts and ontology terms whose label,
name or Wikidata id holds the words asked for, and the facts whose identifier or quote does."""

from __future__ import annotations

from ..labels import labels_of
from ..namespaces import local_name
from .shared import FACTS, GRAPH_KINDS, by_fact_id

_NAMED = """
SELECT DISTINCT ?x ?kind WHERE {
  { ?x a csto:State BIND("state" AS ?kind) } UNION { ?x a csto:InternationalOrganization BIND("organization" AS ?kind) }
  UNION { ?x a csto:Person BIND("person" AS ?kind) } UNION { ?x a csto:Body BIND("body" AS ?kind) }
  UNION { ?x a csto:Conflict BIND("conflict" AS ?kind) }
  UNION { GRAPH <https://w3id.org/csto-kg/graph/ontology> { ?x a ?type } FILTER(isIRI(?x))
          FILTER(?type IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty, owl:AnnotationProperty,
                           owl:NamedIndividual))
          BIND("term" AS ?kind) }
}"""

_WIKIDATA = """
SELECT DISTINCT ?x ?same WHERE {
  ?x skos:exactMatch|owl:sameAs ?same FILTER(STRSTARTS(STR(?same), "http://www.wikidata.org/entity/"))
}"""
SEARCH_LIMIT = 50
AGENT_KINDS = {"state", "organization", "person", "body", "conflict"}


def search(kg, q: str) -> dict:
    """States, organizations, people, bodies, conflicts and ontology terms whose label, name or
    Wikidata id holds q; and the facts whose identifier or quote holds it."""
    wanted = q.strip().casefold()
    found: dict[str, dict] = {}
    for row in kg.query(_NAMED):
        iri = row["x"].value
        found.setdefault(iri, {"iri": iri, "label": local_name(iri), "kinds": set(), "ids": []})["kinds"].add(
            row["kind"].value)
    for iri, label in labels_of(kg, found).items():
        found[iri]["label"] = label
    for row in kg.query(_WIKIDATA):
        if row["x"].value in found:
            found[row["x"].value]["ids"].append(local_name(row["same"].value))

    def holds(e):
        return (wanted in e["label"].casefold() or wanted in local_name(e["iri"]).casefold()
                or any(wanted == i.casefold() for i in e["ids"]))

    hits = sorted((e for e in found.values() if holds(e)),
                  key=lambda e: (not e["label"].casefold().startswith(wanted), e["label"].casefold()))
    groups = {"agents": [], "terms": []}
    for e in hits:
        kinds = sorted(e["kinds"])
        group = "terms" if not AGENT_KINDS & e["kinds"] else "agents"
        groups[group].append({**e, "kinds": kinds, "ids": sorted(e["ids"]),
                              "verdict": bool({"state", "organization"} & e["kinds"])})
    facts = _facts_holding(kg, wanted)
    return {"q": q, "agents": groups["agents"][:SEARCH_LIMIT], "terms": groups["terms"][:SEARCH_LIMIT],
            "facts": facts[:SEARCH_LIMIT],
            "more": sum(max(0, len(g) - SEARCH_LIMIT) for g in (*groups.values(), facts))}


def _facts_holding(kg, wanted: str) -> list[dict]:
    facts: dict[str, dict] = {}
    for row in kg.query(FACTS):
        fid, quote = row["id"].value, row["quote"].value
        if wanted == fid.casefold() or wanted in quote.casefold():
            facts.setdefault(fid, {"id": fid, "quote": quote, "graph": GRAPH_KINDS.get(row["g"].value, "other")})
    return by_fact_id(facts.values())
