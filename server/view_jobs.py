"""The worker jobs behind the analyst's pages: what each page shows, read from the served graph.

Every job takes `implied` and `linked`; with either False it reads a view of the graph without
those sources, reasoned afresh (graph/explanation/views.py), as `--no-implied` / `--no-linked` would build it.
Jobs return plain dicts for the templates, or raise Refused.
"""

from __future__ import annotations

import pyoxigraph as ox

from csto_kg.graph.errors import CstoKgError
from csto_kg.graph.explanation.standing import ELIGIBLE_FOR, INELIGIBLE_FOR, standings
from csto_kg.graph.explanation.verdicts import is_true
from csto_kg.graph.explanation.views import view
from csto_kg.graph.namespaces import CSTO, DCTERMS, FACT_GRAPHS, PROVENANCE, RDF, RDFS, SKOS, XSD, local_name
from csto_kg.graph.namespaces import STATUS_CLASSES as STATUS_IRIS

from . import article_text
from .errors import Refused, refusal

STATUSES = tuple(STATUS_IRIS)
RDF_TYPE = str(RDF.type)

_AGENTS = """
SELECT DISTINCT ?agent ?label ?candidate ?observer ?partner WHERE {
  { ?agent a csto:Candidate } UNION { ?agent csto:hasStatus csto:ObserverStatus }
  UNION { ?agent csto:hasStatus csto:PartnerStatus }
  OPTIONAL { ?agent rdfs:label ?label FILTER(LANG(?label) IN ("en", "")) }
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

_VERDICTS = """
SELECT DISTINCT ?agent ?status ?verdict WHERE {
  { ?agent csto:eligibleFor ?status BIND("eligible" AS ?verdict) }
  UNION { ?agent csto:ineligibleFor ?status BIND("ineligible" AS ?verdict) }
}"""

_SEEKS = "SELECT DISTINCT ?agent ?status WHERE { ?agent csto:seeksStatus ?status }"

STATUS_NAMES = {str(iri): name for name, iri in STATUS_IRIS.items()}


def _graph(ctx, implied: bool, linked: bool):
    try:
        return view(ctx.kg, implied=implied, linked=linked)
    except CstoKgError as e:
        raise refusal(e) from None


def _rows(kg, text: str):
    try:
        return list(kg.query(text))
    except CstoKgError as e:
        raise refusal(e) from None


def _v(term):
    return None if term is None else term.value


def labels_of(kg, iris) -> dict[str, str]:
    """English (or plain) labels of the given IRIs, in one query."""
    iris = sorted({i for i in iris if i})
    if not iris:
        return {}
    values = " ".join(str(ox.NamedNode(i)) for i in iris)
    found: dict[str, str] = {}
    for row in _rows(kg, f"SELECT DISTINCT ?x ?l WHERE {{ VALUES ?x {{ {values} }} ?x rdfs:label ?l "
                         f'FILTER(LANG(?l) IN ("en", "")) }} ORDER BY ?x ?l'):
        found.setdefault(row["x"].value, row["l"].value)
    return found


# -- 1. Verdict pages -----------------------------------------------------------------------


def verdict_page(ctx, state: str, statuses: tuple[str, ...] = STATUSES, why: bool = False,
                 implied: bool = True, linked: bool = True) -> dict:
    """Both verdicts (or the one asked for) on a state, with labels for every IRI they name."""
    from csto_kg.graph.explanation.verdicts import explain

    kg = _graph(ctx, implied, linked)
    try:
        verdicts = [explain(kg, state, status=s, why=why) for s in statuses]
    except CstoKgError as e:
        raise refusal(e) from None
    named = {verdicts[0]["iri"]}
    for v in verdicts:
        for r in v["requirements"]:
            named.add(r["id"])
            for e in r["evidence"]:
                named |= {e["triple"][0], e["triple"][1], e["triple"][2]}
    labels = labels_of(kg, [i for i in named if i.startswith("http")])
    labels[RDF_TYPE] = "is a"
    return {"state": verdicts[0]["state"], "iri": verdicts[0]["iri"], "verdicts": verdicts, "labels": labels}


# -- 2. The verdict matrix ------------------------------------------------------------------


def matrix(ctx, implied: bool = True, linked: bool = True) -> dict:
    """Every candidate and status holder × every requirement of each status."""
    kg = _graph(ctx, implied, linked)
    agents: dict[str, dict] = {}
    for row in _rows(kg, _AGENTS):
        iri = row["agent"].value
        entry = agents.setdefault(iri, {
            "iri": iri, "label": _v(row["label"]) or local_name(iri),
            "candidate": is_true(row["candidate"]),
            "holds": [name for name in STATUSES if is_true(row[name])],
            "seeks": [], "cells": {}, "verdicts": {}, "standing": {}})
        if row["label"] is not None and entry["label"] == local_name(iri):
            entry["label"] = row["label"].value
    requirements = {name: [] for name in STATUSES}
    for row in _rows(kg, _REQUIREMENTS):
        requirements[STATUS_NAMES[row["status"].value]].append(
            {"iri": row["r"].value, "label": row["label"].value, "slug": local_name(row["r"].value),
             "role": _v(row["role"])})
    for row in _rows(kg, _RESULTS):
        if row["agent"].value in agents:
            agents[row["agent"].value]["cells"][row["r"].value] = row["result"].value
    for row in _rows(kg, _VERDICTS):
        if row["agent"].value in agents and row["status"].value in STATUS_NAMES:
            agents[row["agent"].value]["verdicts"][STATUS_NAMES[row["status"].value]] = row["verdict"].value
    for row in _rows(kg, _SEEKS):
        if row["agent"].value in agents and row["status"].value in STATUS_NAMES:
            agents[row["agent"].value]["seeks"].append(STATUS_NAMES[row["status"].value])
    _add_standings(kg, agents)
    return {"requirements": requirements,
            "agents": sorted(agents.values(), key=lambda a: a["label"].casefold())}


def _add_standings(kg, agents: dict) -> None:
    """Each cell's and verdict's standing (stated, implied, linked, user), keyed as the cells and
    verdicts are: by requirement IRI, by status name."""
    try:
        found, _ = standings(kg)
    except CstoKgError as e:
        raise refusal(e) from None
    for (agent, _, o), kind in found.items():
        if agent in agents:
            agents[agent]["standing"][STATUS_NAMES.get(o, o)] = kind


# -- 3. The organization --------------------------------------------------------------------

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

GRAPH_KINDS = {iri: PROVENANCE[iri] for iri in FACT_GRAPHS}  # how a fact shown is known, by its graph
ROLE_ORDER = ("member", "observer", "partner", "candidate")
# Whether the graph says there are no partners (I19), rather than naming none.
_NO_PARTNERS = "ASK { ?list csto:about csto:PartnerStatus ; csto:listSize ?n FILTER(?n = 0) }"


def organization(ctx, implied: bool = True, linked: bool = True) -> dict:
    """The organization, its members, observers, partners and candidates, and the relations
    between them that decide verdicts."""
    kg = _graph(ctx, implied, linked)
    rows = _rows(kg, _ORGANIZATION)
    if not rows:
        return {"org": None, "nodes": [], "edges": [], "roles": {r: [] for r in ROLE_ORDER}}
    org = rows[0]["org"].value
    roles: dict[str, set] = {}
    said: dict[tuple, tuple] = {}  # (agent, role) -> the fact graph and fact that say it
    for row in _rows(kg, _ROLES % {"org": str(ox.NamedNode(org))}):
        if isinstance(row["agent"], ox.NamedNode):
            roles.setdefault(row["agent"].value, set()).add(row["role"].value)
            if row["g"] is not None and row["g"].value in GRAPH_KINDS:
                said.setdefault((row["agent"].value, row["role"].value), (GRAPH_KINDS[row["g"].value], _v(row["id"])))
    roles.pop(org, None)
    edges, seen = [], set()
    properties = " ".join(str(ox.NamedNode(p)) for p in RELATIONS)
    for row in _rows(kg, _RELATIONS % {"properties": properties}):
        s, p, o = row["s"].value, row["p"].value, row["o"].value
        if s not in roles or row["g"].value not in GRAPH_KINDS:
            continue
        kind = RELATIONS[p]
        key = (kind, *sorted((s, o))) if kind == "no-relations" else (kind, s, o)
        if key in seen:
            continue
        seen.add(key)
        edges.append({"source": s, "target": o, "kind": kind, "graph": GRAPH_KINDS[row["g"].value],
                      "fact": _v(row["id"])})
    conflicts = sorted({e["target"] for e in edges if e["kind"] == "conflict"})
    standings = _verdicts_with_standing(kg)
    labels = labels_of(kg, [org, *roles, *conflicts, *RELATIONS])
    nodes = [{"iri": org, "label": _v(rows[0]["label"]) or labels.get(org, local_name(org)), "role": "organization"}]
    for iri, held in roles.items():
        role = next(r for r in ROLE_ORDER if r in held)
        graph, fact = said.get((iri, role), (None, None))
        nodes.append({"iri": iri, "label": labels.get(iri, local_name(iri)), "role": role,
                      "also": sorted(held - {role}, key=ROLE_ORDER.index), "graph": graph, "fact": fact,
                      "standings": standings.get(iri, [])})
    nodes += [{"iri": c, "label": labels.get(c, local_name(c)), "role": "conflict"} for c in conflicts]
    verdicts: dict[str, dict] = {}
    for row in _rows(kg, _VERDICTS):
        if row["status"].value in STATUS_NAMES:
            verdicts.setdefault(row["agent"].value, {})[STATUS_NAMES[row["status"].value]] = row["verdict"].value
    for node in nodes:
        node["verdicts"] = verdicts.get(node["iri"], {})
    nodes.sort(key=lambda n: n["label"].casefold())
    return {"org": org, "nodes": nodes, "edges": edges, "no_partners": bool(kg.query(_NO_PARTNERS)),
            "relation_labels": {kind: labels.get(p, local_name(p)) for p, kind in RELATIONS.items()}}


def _verdicts_with_standing(kg) -> dict[str, list[dict]]:
    """Each agent's verdicts, status by status, with how each is known."""
    try:
        found, _ = standings(kg)
    except CstoKgError as e:
        raise refusal(e) from None
    verdicts: dict[str, list[dict]] = {}
    for (agent, p, o), kind in sorted(found.items()):
        if p in _VERDICT_WORDS and o in STATUS_NAMES:
            verdicts.setdefault(agent, []).append({"status": STATUS_NAMES[o], "verdict": _VERDICT_WORDS[p],
                                                   "standing": kind})
    return verdicts


_VERDICT_WORDS = {ELIGIBLE_FOR: "eligible", INELIGIBLE_FOR: "ineligible"}


# -- 4. The article -------------------------------------------------------------------------

_ARTICLE = """
SELECT DISTINCT ?doc ?title ?text WHERE {
  ?doc a csto:NewsArticle ; csto:text ?text . OPTIONAL { ?doc dcterms:title ?title }
} ORDER BY ?doc LIMIT 1"""

_FACTS = """
SELECT DISTINCT ?id ?quote ?kind ?reason ?g WHERE {
  GRAPH ?g { ?fact dcterms:identifier ?id ; csto:quote ?quote }
  OPTIONAL { ?fact csto:evidenceKind/rdfs:label ?kind FILTER(LANG(?kind) IN ("en", "")) }
  OPTIONAL { ?fact csto:reason ?reason }
} ORDER BY ?id"""

_FACT_TRIPLES = """
SELECT DISTINCT ?id ?s ?p ?o WHERE {
  ?ax csto:fact ?fact ; owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o .
  ?fact dcterms:identifier ?id .
} ORDER BY ?id ?s ?p ?o"""


def article(ctx, implied: bool = True, linked: bool = True) -> dict:
    """The article's text, sentence by sentence, each with the facts whose quotes it holds."""
    kg = _graph(ctx, implied, linked)
    rows = _rows(kg, _ARTICLE)
    if not rows:
        raise Refused(404, "the served graph holds no article text (csto:text of a csto:NewsArticle)")
    facts: dict[str, dict] = {}
    for row in _rows(kg, _FACTS):
        facts.setdefault(row["id"].value, {
            "id": row["id"].value, "quote": row["quote"].value, "kind": _v(row["kind"]),
            "reason": _v(row["reason"]), "graph": GRAPH_KINDS.get(row["g"].value, "other"), "says": []})
    triples = [(r["id"].value, r["s"], r["p"], r["o"]) for r in _rows(kg, _FACT_TRIPLES) if r["id"].value in facts]
    labels = labels_of(kg, [t.value for _, s, p, o in triples for t in (s, p, o) if isinstance(t, ox.NamedNode)])
    for fid, s, p, o in triples:
        facts[fid]["says"].append(fact_words(s, p, o, labels))
    text = rows[0]["text"].value
    sentences, unplaced = article_text.annotate(text, {f["id"]: f["quote"] for f in facts.values()})
    _shade(sentences, facts)
    sentences_of: dict[str, list[int]] = {}
    for paragraph in sentences:
        for sentence in paragraph:
            for fid in sentence["facts"]:
                sentences_of.setdefault(fid, []).append(sentence["n"])
    return {"iri": rows[0]["doc"].value, "title": _v(rows[0]["title"]), "paragraphs": sentences,
            "sentences_of": sentences_of,
            "facts": sorted(facts.values(), key=lambda f: (f["id"][0] != "F", f["id"])),
            "unplaced": unplaced}


def _shade(paragraphs: list, facts: dict) -> None:
    """Each quoted part with how many stated and implied facts quote it, and a shade from 1 to 4
    by how many facts do: the density of the highlight means something."""
    for sentence in (s for paragraph in paragraphs for s in paragraph):
        for part in sentence["parts"]:
            kinds = [facts[f]["graph"] for f in part["facts"]]
            part["stated"], part["implied"] = kinds.count("stated"), kinds.count("implied")
            part["shade"] = min(len(kinds), 4)


# How the RDF, RDFS and SKOS terms a fact may use read in a sentence; other predicates by label.
_VERBS = {str(RDF.type): "is a", str(RDFS.subClassOf): "is a kind of", str(RDFS.label): "is called",
          str(SKOS.altLabel): "is also called", str(RDFS.comment): "is described as",
          str(SKOS.definition): "is defined as", str(DCTERMS.date): "is dated", str(CSTO.startedIn): "started in"}


def fact_words(s, p, o, labels: dict) -> str:
    """A fact's triple as a sentence: 'former republic of the USSR is a kind of state', 'Borisov's
    comment of 12 September is dated 12 September 2019', 'the list … — exhaustive: yes'."""
    subject = _term_words(s, labels)
    verb = _VERBS.get(p.value) or labels.get(p.value, local_name(p.value))
    if p.value == str(RDFS.label):
        subject, verb = "", "named"  # the subject's label is this very name
    if isinstance(o, ox.Literal) and o.datatype.value in PRECISION:
        value = _date_words(o)
    elif isinstance(o, ox.Literal) and o.datatype.value == str(XSD.boolean):
        verb, value = f"— {verb}:", "yes" if o.value in ("true", "1") else "no"
    elif isinstance(o, ox.Literal) and o.datatype.value in (str(XSD.string), str(RDF.langString)):
        value = f"“{o.value if len(o.value) <= 80 else o.value[:79] + '…'}”"
    else:
        value = _term_words(o, labels)
    if verb == "is a" and value[:1].lower() in "aeiou":
        verb = "is an"
    return f"{subject} {verb} {value}".strip()


def _term_words(term, labels: dict) -> str:
    if isinstance(term, ox.NamedNode):
        return labels.get(term.value, local_name(term.value))
    if isinstance(term, ox.BlankNode):
        return "(something)"
    return term.value


# -- 5. The timeline ------------------------------------------------------------------------

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


def timeline(ctx, implied: bool = True, linked: bool = True) -> dict:
    """The dated events and statements in the order of the named query `timeline`, each with
    its date's precision and whether the date is stated or implied."""
    from csto_kg.queries import get

    kg = _graph(ctx, implied, linked)
    dates: dict[str, dict] = {}
    for row in _rows(kg, _DATES):
        entry = dates.setdefault(row["item"].value, {"graphs": set(), "facts": set()})
        entry["graphs"].add(GRAPH_KINDS.get(row["g"].value, "other"))
        if row["id"] is not None:
            entry["facts"].add(row["id"].value)
    items = []
    for row in _rows(kg, get("timeline").text):
        iri = row["item"].value
        date = row["date"]
        known = dates.get(iri, {"graphs": set(), "facts": set()})
        items.append({
            "iri": iri, "label": _v(row["label"]) or local_name(iri), "type": _v(row["type"]),
            # GROUP_CONCAT's order is undefined: the same graph must read the same
            "who": ", ".join(sorted(row["who"].value.split(", "))) if row["who"] else None,
            "after": _v(row["after"]),
            "date": _v(date), "shown": _date_words(date) if date is not None else None,
            "precision": PRECISION.get(date.datatype.value, "unknown") if isinstance(date, ox.Literal) else None,
            "how": next((k for k in _HOW if k in known["graphs"]), None) if date is not None else None,
            "facts": sorted(known["facts"]),
        })
    labels = labels_of(kg, [i["after"] for i in items if i["after"]])
    for item in items:
        item["after_label"] = labels.get(item["after"]) if item["after"] else None
    return {"items": items}


def _date_words(date: ox.Literal) -> str:
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


# -- Search ---------------------------------------------------------------------------------

_NAMED = """
SELECT DISTINCT ?x ?label ?kind WHERE {
  { ?x a csto:State BIND("state" AS ?kind) } UNION { ?x a csto:InternationalOrganization BIND("organization" AS ?kind) }
  UNION { ?x a csto:Person BIND("person" AS ?kind) } UNION { ?x a csto:Body BIND("body" AS ?kind) }
  UNION { ?x a csto:Conflict BIND("conflict" AS ?kind) }
  UNION { GRAPH <https://w3id.org/csto-kg/graph/ontology> { ?x a ?type } FILTER(isIRI(?x))
          FILTER(?type IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty, owl:AnnotationProperty,
                           owl:NamedIndividual))
          BIND("term" AS ?kind) }
  OPTIONAL { ?x rdfs:label ?label FILTER(LANG(?label) IN ("en", "")) }
}"""

_WIKIDATA = """
SELECT DISTINCT ?x ?same WHERE {
  ?x skos:exactMatch|owl:sameAs ?same FILTER(STRSTARTS(STR(?same), "http://www.wikidata.org/entity/"))
}"""
SEARCH_LIMIT = 50
AGENT_KINDS = {"state", "organization", "person", "body", "conflict"}


def search(ctx, q: str, implied: bool = True, linked: bool = True) -> dict:
    """States, organizations, people, bodies, conflicts and ontology terms whose label, name or
    Wikidata id holds q; and the facts whose identifier or quote holds it."""
    kg = _graph(ctx, implied, linked)
    wanted = q.strip().casefold()
    found: dict[str, dict] = {}
    for row in _rows(kg, _NAMED):
        iri = row["x"].value
        label = _v(row["label"])
        entry = found.setdefault(iri, {"iri": iri, "label": label or local_name(iri), "kinds": set(), "ids": []})
        if label and entry["label"] == local_name(iri):
            entry["label"] = label
        entry["kinds"].add(row["kind"].value)
    for row in _rows(kg, _WIKIDATA):
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
    for row in _rows(kg, _FACTS):
        fid, quote = row["id"].value, row["quote"].value
        if wanted == fid.casefold() or wanted in quote.casefold():
            facts.setdefault(fid, {"id": fid, "quote": quote, "graph": GRAPH_KINDS.get(row["g"].value, "other")})
    return sorted(facts.values(), key=lambda f: (f["id"][0] != "F", f["id"]))
