"""The verdict pages and the verdict matrix: every candidate and status holder against every
requirement of each status, with each verdict's and result's standing."""

from __future__ import annotations

from ..explanation.standing import standings
from ..explanation.verdicts import explain, is_true
from ..labels import labels_of
from ..namespaces import RDF, local_name
from .shared import STATUS_NAMES, STATUSES, VERDICTS, value

RDF_TYPE = str(RDF.type)

_AGENTS = """
SELECT DISTINCT ?agent ?candidate ?observer ?partner WHERE {
  { ?agent a csto:Candidate } UNION { ?agent csto:hasStatus csto:ObserverStatus }
  UNION { ?agent csto:hasStatus csto:PartnerStatus }
  BIND(EXISTS { ?agent a csto:Candidate } AS ?candidate)
  BIND(EXISTS { ?agent csto:hasStatus csto:ObserverStatus } AS ?observer)
  BIND(EXISTS { ?agent csto:hasStatus csto:PartnerStatus } AS ?partner)
}"""

_REQUIREMENTS = """
SELECT DISTINCT ?status ?r ?label ?role WHERE {
  VALUES ?status { csto:ObserverStatus csto:PartnerStatus }
  ?r csto:requirementOf ?status ; rdfs:label ?label FILTER(LANG(?label) IN ("en", ""))
  OPTIONAL { VALUES ?kind { csto:DefiningCondition csto:CandidateRequirement csto:DecisionCondition }
             ?r a ?kind . ?kind rdfs:label ?role }
} ORDER BY ?status ?label"""

_RESULTS = """
SELECT DISTINCT ?agent ?r ?result WHERE {
  { ?agent csto:meets ?r BIND("met" AS ?result) } UNION { ?agent csto:fails ?r BIND("failed" AS ?result) }
  ?r csto:requirementOf ?status .
}"""

_SEEKS = "SELECT DISTINCT ?agent ?status WHERE { ?agent csto:seeksStatus ?status }"


def verdict_page(kg, state: str, statuses: tuple[str, ...] = STATUSES, why: bool = False) -> dict:
    """Both verdicts (or the one asked for) on a state, with labels for every IRI they name."""
    verdicts = [explain(kg, state, status=s, why=why) for s in statuses]
    named = {verdicts[0]["iri"]}
    for v in verdicts:
        for r in v["requirements"]:
            named.add(r["id"])
            for e in r["evidence"]:
                named |= {e["triple"][0], e["triple"][1], e["triple"][2]}
    labels = labels_of(kg, [i for i in named if i.startswith("http")])
    labels[RDF_TYPE] = "is a"
    return {"state": verdicts[0]["state"], "iri": verdicts[0]["iri"], "verdicts": verdicts, "labels": labels}


def matrix(kg) -> dict:
    """Every candidate and status holder × every requirement of each status."""
    agents: dict[str, dict] = {}
    for row in kg.query(_AGENTS):
        iri = row["agent"].value
        agents[iri] = {"iri": iri, "label": local_name(iri), "candidate": is_true(row["candidate"]),
                       "holds": [name for name in STATUSES if is_true(row[name])],
                       "seeks": [], "cells": {}, "verdicts": {}, "standing": {}}
    for iri, label in labels_of(kg, agents).items():
        agents[iri]["label"] = label
    requirements = {name: [] for name in STATUSES}
    for row in kg.query(_REQUIREMENTS):
        requirements[STATUS_NAMES[row["status"].value]].append(
            {"iri": row["r"].value, "label": row["label"].value, "slug": local_name(row["r"].value),
             "role": value(row["role"])})
    for row in kg.query(_RESULTS):
        if row["agent"].value in agents:
            agents[row["agent"].value]["cells"][row["r"].value] = row["result"].value
    for row in kg.query(VERDICTS):
        if row["agent"].value in agents and row["status"].value in STATUS_NAMES:
            agents[row["agent"].value]["verdicts"][STATUS_NAMES[row["status"].value]] = row["verdict"].value
    for row in kg.query(_SEEKS):
        if row["agent"].value in agents and row["status"].value in STATUS_NAMES:
            agents[row["agent"].value]["seeks"].append(STATUS_NAMES[row["status"].value])
    for entry in agents.values():
        entry["seeks"].sort(key=STATUSES.index)  # not in the store's order: the same graph reads the same
    _add_standings(kg, agents)
    return {"requirements": requirements,
            "agents": sorted(agents.values(), key=lambda a: a["label"].casefold())}


def _add_standings(kg, agents: dict) -> None:
    """Each cell's and verdict's standing (stated, implied, linked, user), keyed as the cells and
    verdicts are: by requirement IRI, by status name."""
    found, _ = standings(kg)
    for (agent, _, o), kind in found.items():
        if agent in agents:
            agents[agent]["standing"][STATUS_NAMES.get(o, o)] = kind
