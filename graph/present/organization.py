"""The organization: its members, observers, partners and candidates, each with the fact that
says its role and its verdicts, and the relations between them that decide verdicts."""

from __future__ import annotations

import pyoxigraph as ox

from ..explanation.standing import ELIGIBLE_FOR, INELIGIBLE_FOR, standings
from ..labels import labels_of
from ..namespaces import local_name
from .shared import GRAPH_KINDS, STATUS_NAMES, VERDICTS, value

_ORGANIZATION = """
SELECT DISTINCT ?org ?label WHERE {
  ?member csto:memberOf ?org . ?org a csto:InternationalOrganization .
  OPTIONAL { ?org skos:altLabel ?label FILTER(LANG(?label) IN ("en", "")) }
  BIND(?org = kg:CSTO AS ?csto)
} ORDER BY DESC(?csto) ?org LIMIT 1"""

_ROLES = """
SELECT DISTINCT ?agent ?role ?g ?id WHERE {
  { ?agent csto:memberOf %(org)s BIND("member" AS ?role) BIND(csto:memberOf AS ?p) BIND(%(org)s AS ?o) }
  UNION { ?agent csto:hasStatus csto:ObserverStatus BIND("observer" AS ?role)
          BIND(csto:hasStatus AS ?p) BIND(csto:ObserverStatus AS ?o) }
  UNION { ?agent csto:hasStatus csto:PartnerStatus BIND("partner" AS ?role)
          BIND(csto:hasStatus AS ?p) BIND(csto:PartnerStatus AS ?o) }
  UNION { ?agent a csto:Candidate BIND("candidate" AS ?role) BIND(csto:seeksStatus AS ?p) }
  OPTIONAL { GRAPH ?g { ?agent ?p ?o } FILTER(?g != <https://w3id.org/csto-kg/graph/inferred>)
    OPTIONAL { GRAPH ?g { ?ax owl:annotatedSource ?agent ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o ;
                             csto:fact/dcterms:identifier ?id } } }
}"""

# The relations that decide verdicts, in the graph that says them.
RELATIONS = {
    "https://w3id.org/csto-kg/ontology#consentWithheldBy": "consent-withheld",
    "https://w3id.org/csto-kg/ontology#consentGivenBy": "consent-given",
    "https://w3id.org/csto-kg/ontology#lacksDiplomaticRelationsWith": "no-relations",
    "https://w3id.org/csto-kg/ontology#hasConflictOnTerritory": "conflict",
}

_RELATIONS = """
SELECT DISTINCT ?s ?p ?o ?g ?id WHERE {
  VALUES ?p { %(properties)s }
  GRAPH ?g { ?s ?p ?o }
  FILTER(?g != <https://w3id.org/csto-kg/graph/inferred>)
  OPTIONAL { GRAPH ?g { ?ax owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o ;
                           csto:fact/dcterms:identifier ?id } }
} ORDER BY ?s ?p ?o"""

ROLE_ORDER = ("member", "observer", "partner", "candidate")
# Whether the graph says there are no partners (I19), rather than naming none.
_NO_PARTNERS = "ASK { ?list csto:about csto:PartnerStatus ; csto:listSize ?n FILTER(?n = 0) }"


def organization(kg) -> dict:
    """The organization, its members, observers, partners and candidates, and the relations
    between them that decide verdicts."""
    rows = list(kg.query(_ORGANIZATION))
    if not rows:
        return {"org": None, "nodes": [], "edges": [], "roles": {r: [] for r in ROLE_ORDER}}
    org = rows[0]["org"].value
    roles: dict[str, set] = {}
    said: dict[tuple, tuple] = {}  # (agent, role) -> the fact graph and fact that say it
    for row in kg.query(_ROLES % {"org": str(ox.NamedNode(org))}):
        if isinstance(row["agent"], ox.NamedNode):
            roles.setdefault(row["agent"].value, set()).add(row["role"].value)
            if row["g"] is not None and row["g"].value in GRAPH_KINDS:
                said.setdefault((row["agent"].value, row["role"].value),
                                (GRAPH_KINDS[row["g"].value], value(row["id"])))
    roles.pop(org, None)
    edges, seen = [], set()
    properties = " ".join(str(ox.NamedNode(p)) for p in RELATIONS)
    for row in kg.query(_RELATIONS % {"properties": properties}):
        s, p, o = row["s"].value, row["p"].value, row["o"].value
        if s not in roles or row["g"].value not in GRAPH_KINDS:
            continue
        kind = RELATIONS[p]
        key = (kind, *sorted((s, o))) if kind == "no-relations" else (kind, s, o)
        if key in seen:
            continue
        seen.add(key)
        edges.append({"source": s, "target": o, "kind": kind, "graph": GRAPH_KINDS[row["g"].value],
                      "fact": value(row["id"])})
    conflicts = sorted({e["target"] for e in edges if e["kind"] == "conflict"})
    known = _verdicts_with_standing(kg)
    labels = labels_of(kg, [org, *roles, *conflicts, *RELATIONS])
    nodes = [{"iri": org, "label": value(rows[0]["label"]) or labels.get(org, local_name(org)), "role": "organization"}]
    for iri, held in roles.items():
        role = next(r for r in ROLE_ORDER if r in held)
        graph, fact = said.get((iri, role), (None, None))
        nodes.append({"iri": iri, "label": labels.get(iri, local_name(iri)), "role": role,
                      "also": sorted(held - {role}, key=ROLE_ORDER.index), "graph": graph, "fact": fact,
                      "standings": known.get(iri, [])})
    nodes += [{"iri": c, "label": labels.get(c, local_name(c)), "role": "conflict"} for c in conflicts]
    verdicts: dict[str, dict] = {}
    for row in kg.query(VERDICTS):
        if row["status"].value in STATUS_NAMES:
            verdicts.setdefault(row["agent"].value, {})[STATUS_NAMES[row["status"].value]] = row["verdict"].value
    for node in nodes:
        node["verdicts"] = verdicts.get(node["iri"], {})
    nodes.sort(key=lambda n: n["label"].casefold())
    return {"org": org, "nodes": nodes, "edges": edges, "no_partners": bool(kg.query(_NO_PARTNERS)),
            "relation_labels": {kind: labels.get(p, local_name(p)) for p, kind in RELATIONS.items()}}


def _verdicts_with_standing(kg) -> dict[str, list[dict]]:
    """Each agent's verdicts, status by status, with how each is known."""
    found, _ = standings(kg)
    verdicts: dict[str, list[dict]] = {}
    for (agent, p, o), kind in sorted(found.items()):
        if p in _VERDICT_WORDS and o in STATUS_NAMES:
            verdicts.setdefault(agent, []).append({"status": STATUS_NAMES[o], "verdict": _VERDICT_WORDS[p],
                                                   "standing": kind})
    return verdicts


_VERDICT_WORDS = {ELIGIBLE_FOR: "eligible", INELIGIBLE_FOR: "ineligible"}
