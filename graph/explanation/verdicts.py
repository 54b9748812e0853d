"""Explain: a candidate's verdict for a status, requirement by requirement, with the evidence.

Everything here reads the reasoned store; nothing decides eligibility in Python, nor how a
verdict is known (its standing: standing.py). A
requirement is met when the reasoner entailed `csto:meets`, failed when it entailed
`csto:fails`, unknown otherwise. The evidence for a requirement is the asserted triples about
the candidate on the properties that the ontology's axioms for that requirement mention,
each with the fact, quote, speaker and date it comes from.
"""

from __future__ import annotations

import difflib

import pyoxigraph as ox

from ..bridge import oxigraph_term
from ..errors import CstoKgError, UnknownStateError
from ..labels import label_of, labels_of
from ..load import parse_quads
from ..namespaces import ASSUMED, CSTO, FACT_GRAPHS, GRAPH_NAMES, PROVENANCE, STATUS_CLASSES, WD, local_name
from ..store import KnowledgeGraph
from ..terms import GRAPH, RDF
from .standing import verdict_standing


def is_true(term) -> bool:
    """A boolean answer: Virtuoso gives EXISTS as 1 (xsd:integer), not true."""
    return term is not None and term.value in ("true", "1")


# The states and organizations, with every name they have, in any language.
_AGENTS = """
SELECT DISTINCT ?agent ?name WHERE {
  { ?agent a csto:State } UNION { ?agent a csto:InternationalOrganization }
  FILTER(isIRI(?agent))
  OPTIONAL { ?agent rdfs:label|skos:prefLabel ?name }
}"""

# Short and other names (CSTO, ODKB, UN), in any language.
_ALIASES = "SELECT DISTINCT ?agent ?alias WHERE { ?agent skos:altLabel ?alias }"

_REQUIREMENTS = """
SELECT DISTINCT ?r ?label ?meets ?fails ?role WHERE {
  ?r csto:requirementOf %(status)s .
  OPTIONAL { ?r rdfs:label ?label }
  OPTIONAL { VALUES ?kind { csto:DefiningCondition csto:CandidateRequirement csto:DecisionCondition }
             ?r a ?kind . ?kind rdfs:label ?role }
  BIND(EXISTS { %(agent)s csto:meets ?r } AS ?meets)
  BIND(EXISTS { %(agent)s csto:fails ?r } AS ?fails)
} ORDER BY ?label"""

# The properties (or classes) that the axioms for requirement ?r mention on their left-hand side.
_BEARING = """
SELECT DISTINCT ?p ?value ?cls WHERE {
  ?sup owl:hasValue %(r)s ; owl:onProperty ?mf . FILTER(?mf IN (csto:meets, csto:fails))
  { ?sub rdfs:subClassOf ?sup }
  UNION { ?named rdfs:subClassOf ?sup . ?named owl:equivalentClass/owl:intersectionOf/rdf:rest*/rdf:first ?sub }
  OPTIONAL { ?sub owl:onProperty ?p OPTIONAL { ?sub owl:hasValue ?value } }
  BIND(IF(isIRI(?sub), ?sub, ?unbound) AS ?cls)
}"""

_EVIDENCE = """
SELECT DISTINCT ?g ?s ?p ?o ?id ?kind ?words ?reason ?source ?speaker ?date WHERE {
  GRAPH ?g { %(agent)s ?p ?o } BIND(%(agent)s AS ?s)
  FILTER(?g IN (%(graphs)s))
  OPTIONAL {
    GRAPH ?g { ?ax owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o }
    OPTIONAL { ?ax csto:fact ?fact . ?fact dcterms:identifier ?id .
      OPTIONAL { ?fact csto:evidenceKind/rdfs:label ?kind }
      OPTIONAL { ?fact csto:quote ?quote }
      OPTIONAL { ?fact csto:reason ?reason }
      OPTIONAL { ?fact prov:wasDerivedFrom ?factSource } }
    OPTIONAL { ?ax csto:note ?note }
    OPTIONAL { ?ax csto:readFrom ?axiomSource }
    BIND(COALESCE(?factSource, ?axiomSource) AS ?source)
    OPTIONAL { ?source prov:wasAttributedTo/rdfs:label ?speaker }
    OPTIONAL { ?source dcterms:date ?date }
  }
  BIND(COALESCE(?quote, ?note) AS ?words)
} ORDER BY ?id ?s ?p ?o"""

# The statuses the agent holds already (a member state's is inferred), with the fact that says so.
_HOLDS = """
SELECT DISTINCT ?status ?label ?id WHERE {
  %(agent)s csto:hasStatus ?status . ?status rdfs:label ?label .
  OPTIONAL { ?ax owl:annotatedSource %(agent)s ; owl:annotatedProperty csto:hasStatus ; owl:annotatedTarget ?status ;
                 csto:fact/dcterms:identifier ?id }
} ORDER BY ?label"""

_STATED_BY = """
SELECT DISTINCT ?id ?kind ?quote ?who ?date ?dateFact WHERE {
  %(r)s csto:statedIn ?statement .
  ?ax owl:annotatedSource %(r)s ; owl:annotatedProperty csto:statedIn ; owl:annotatedTarget ?statement ;
      csto:fact ?fact .
  ?fact dcterms:identifier ?id ; csto:quote ?quote .
  OPTIONAL { ?fact csto:evidenceKind/rdfs:label ?kind }
  OPTIONAL { ?statement prov:wasAttributedTo/rdfs:label ?who }
  OPTIONAL { ?statement dcterms:date ?date
    OPTIONAL { ?dateAxiom owl:annotatedSource ?statement ; owl:annotatedProperty dcterms:date ;
                          owl:annotatedTarget ?date ; csto:fact/dcterms:identifier ?dateFact } }
} ORDER BY ?id ?who"""


# The facts that make the requirement one of the status's (an implied one among them: I17).
_REQUIRED_BY = """
SELECT DISTINCT ?id ?quote ?kind WHERE {
  ?ax owl:annotatedSource %(r)s ; owl:annotatedProperty csto:requirementOf ; owl:annotatedTarget %(status)s ;
      csto:fact ?fact .
  ?fact dcterms:identifier ?id ; csto:quote ?quote .
  OPTIONAL { ?fact csto:evidenceKind/rdfs:label ?kind }
} ORDER BY ?id"""


def _sparql(template: str, **terms) -> str:
    """A query with terms put in as N-Triples (IRIs from the store: no injection possible)."""
    return template % {name: str(term) for name, term in terms.items()}


def resolve(kg: KnowledgeGraph, name: str) -> tuple[str, str]:
    """The IRI and label of the state (or organization) called name: a name in any language, an
    IRI or a QID. The label is the one every page shows (graph/labels.py)."""
    rows = list(kg.query(_AGENTS))
    labels = labels_of(kg, {row["agent"].value for row in rows})
    agents = {row["agent"].value: labels.get(row["agent"].value, local_name(row["agent"].value)) for row in rows}
    wanted = name.strip()
    if wanted in agents:
        return wanted, agents[wanted]
    if wanted.upper().startswith("Q") and wanted[1:].isdigit():
        rows = kg.query(_sparql("SELECT ?agent WHERE { ?agent skos:exactMatch %(wd)s }",
                                wd=ox.NamedNode(f"{WD}{wanted.upper()}")))
        for row in rows:
            if row["agent"].value in agents:
                return row["agent"].value, agents[row["agent"].value]
    by_name = {row["alias"].value.casefold(): row["agent"].value for row in kg.query(_ALIASES)
               if row["agent"].value in agents}
    by_name.update({row["name"].value.casefold(): row["agent"].value for row in rows if row["name"] is not None})
    by_name.update({label.casefold(): iri for iri, label in agents.items()})  # the shown label comes first
    if wanted.casefold() in by_name:
        iri = by_name[wanted.casefold()]
        return iri, agents[iri]
    close = difflib.get_close_matches(wanted.casefold(), list(by_name), n=3, cutoff=0.5)
    raise UnknownStateError(name, list(dict.fromkeys(agents[by_name[c]] for c in close)))


def explain(kg: KnowledgeGraph, state: str, status: str = "observer", *, why: bool = False) -> dict:
    """The verdict on state for status, in the JSON contract the README documents.

    With why, the verdict and each met or failed requirement also carry a justification: a
    minimal set of asserted facts and ontology axioms that entails them (graph/explanation/justify.py).
    """
    if status not in STATUS_CLASSES:
        raise CstoKgError(f"unknown status {status!r}: choose one of {', '.join(STATUS_CLASSES)}")
    if kg.shared:
        # The store's graphs as they are now, asked in memory: Virtuoso 7.2 answers the
        # evidence query (nested OPTIONALs) with fewer rows or none, depending on its plan.
        kg = kg.snapshot()
    iri, label = resolve(kg, state)
    agent = ox.NamedNode(iri)
    status_node = oxigraph_term(STATUS_CLASSES[status])
    eligible = None
    if kg.query(_sparql("ASK { %(a)s csto:eligibleFor %(s)s }", a=agent, s=status_node)):
        eligible = True
    elif kg.query(_sparql("ASK { %(a)s csto:ineligibleFor %(s)s }", a=agent, s=status_node)):
        eligible = False
    about = _asserted_about(kg, agent)
    requirements = []
    for row in kg.query(_sparql(_REQUIREMENTS, agent=agent, status=status_node)):
        result = "met" if is_true(row["meets"]) else "failed" if is_true(row["fails"]) else "unknown"
        requirements.append({
            "id": row["r"].value,
            "label": row["label"].value if row["label"] else label_of(kg, row["r"]),
            "result": result,
            "role": _value(row["role"]),  # what the article makes it: a defining condition, ...
            "evidence": _evidence(kg, about, row["r"]),
            "stated_by": _stated_by(kg, row["r"], status_node),
        })
    order = {"failed": 0, "met": 1, "unknown": 2}
    requirements.sort(key=lambda r: (order[r["result"]], r["label"]))
    verdict = {
        "state": label,
        "iri": iri,
        "status": status,
        "eligible": eligible,
        "candidate": bool(kg.query(_sparql("ASK { %(a)s a csto:Candidate }", a=agent))),
        "holds": [{"status": row["label"].value, "iri": row["status"].value, "fact": _value(row["id"])}
                  for row in kg.query(_sparql(_HOLDS, agent=agent))],
        "requirements": requirements,
    }
    verdict["standing"] = verdict_standing(kg, iri, status_node.value, eligible, requirements)
    if why:
        _add_justifications(kg, verdict, status_node)
    return verdict


# Facts assumed in one what-if question: each is reasoned over in a copy of the graph.
MAX_ASSUMED_TRIPLES = 10_000


def what_if(kg: KnowledgeGraph, state: str, facts, status: str = "observer", *, why: bool = False,
            fmt: ox.RdfFormat = ox.RdfFormat.TURTLE, where: str = "the assumed facts") -> dict:
    """The verdict on state if facts (Turtle text, or fmt, or quads already read) were added,
    kg left as it is.

    The verdict is explain()'s over the graph plus the facts, which are evidence of kind
    "assumed"; `what_if` says how it differs from the served graph's: the verdict before and
    after, and each requirement whose result changed. The state may be one the facts introduce.
    Raises InputError for facts that do not parse, InconsistencyError for facts that clash.
    """
    if isinstance(facts, (str, bytes)):
        facts = parse_quads(facts.encode("utf-8") if isinstance(facts, str) else facts, fmt, where=where,
                            max_triples=MAX_ASSUMED_TRIPLES)
    graph = GRAPH.assumed
    assumed = [ox.Quad(q.subject, q.predicate, q.object, graph) for q in facts]
    with kg.assuming(assumed) as assumed_graph:
        after = explain(assumed_graph, state, status, why=why)
    try:
        before = explain(kg, after["iri"], status)
    except UnknownStateError:
        before = None  # a state the facts introduce: nothing was known of it
    results = {r["id"]: r["result"] for r in before["requirements"]} if before else {}
    after["what_if"] = {
        "assumed_triples": len(set(assumed)),
        "known_before": before is not None,
        "eligible_before": before["eligible"] if before else None,
        "verdict_changed": (before["eligible"] if before else None) != after["eligible"],
        "changed": [{"id": r["id"], "label": r["label"], "before": results.get(r["id"], "unknown"),
                     "after": r["result"]}
                    for r in after["requirements"] if results.get(r["id"], "unknown") != r["result"]],
    }
    return after


def _justifier(kg: KnowledgeGraph):
    """One Justifier per graph while it does not change: its units and closures are reused."""
    from .justify import Justifier

    return kg.kept("justifier", lambda: Justifier(kg))


def _add_justifications(kg: KnowledgeGraph, verdict: dict, status: ox.NamedNode) -> None:
    justify = _justifier(kg)
    agent = verdict["iri"]
    lemmas = []
    for r in verdict["requirements"]:
        if r["result"] != "unknown":
            triple = (agent, str(CSTO.meets if r["result"] == "met" else CSTO.fails), r["id"])
            r["why"] = justify(triple).to_dict()
            lemmas.append(triple)
    if verdict["eligible"] is not None:
        verb = CSTO.eligibleFor if verdict["eligible"] else CSTO.ineligibleFor
        verdict["why"] = justify((agent, str(verb), status.value), lemmas).to_dict()


def _asserted_about(kg: KnowledgeGraph, agent: ox.NamedNode) -> list:
    """Every asserted triple about agent, with the fact, words and source behind it."""
    graphs = ", ".join(str(ox.NamedNode(iri)) for iri in (*FACT_GRAPHS, ASSUMED))
    return list(kg.query(_sparql(_EVIDENCE, agent=agent, graphs=graphs)))


def _evidence(kg: KnowledgeGraph, about: list, requirement: ox.NamedNode) -> list[dict]:
    """The asserted triples about the agent on what the requirement's axioms mention."""
    properties: dict[str, set] = {}  # property -> the values the axioms name (None: any value)
    classes = set()
    for row in kg.query(_sparql(_BEARING, r=requirement)):
        if row["p"] is not None:
            properties.setdefault(row["p"].value, set()).add(row["value"])
        elif row["cls"] is not None:
            classes.add(row["cls"].value)
    evidence = []
    for row in about:
        p, o = row["p"].value, row["o"]
        values = properties.get(p, set())
        bears = None in values or o in values or row["s"] in values or (p.endswith("#type") and o.value in classes)
        if not bears:
            continue
        evidence.append({
            "triple": [row["s"].value, p, o.value],
            "text": _sentence(kg, row["s"], row["p"], o),
            "graph": GRAPH_NAMES[row["g"].value],
            "provenance": PROVENANCE[row["g"].value],
            "fact": _value(row["id"]),
            "kind": _value(row["kind"]),
            "quote": _value(row["words"]),
            "reason": _value(row["reason"]),
            "source": _value(row["source"]),
            "speaker": _value(row["speaker"]),
            "date": _value(row["date"]),
        })
    return evidence


def _stated_by(kg: KnowledgeGraph, requirement: ox.NamedNode, status: ox.NamedNode) -> list[dict]:
    """The facts that state a requirement (one per fact, every speaker named in order), and
    those that make it a requirement of status without naming a statement, such as I17."""
    statements: dict[str, dict] = {}
    for row in kg.query(_sparql(_STATED_BY, r=requirement)):
        entry = statements.setdefault(row["id"].value, {
            "fact": row["id"].value, "kind": _value(row["kind"]), "quote": row["quote"].value, "speaker": None,
            "date": _value(row["date"]), "date_fact": _value(row["dateFact"])})
        who = _value(row["who"])
        if who and who not in (entry["speaker"] or "").split(", "):
            entry["speaker"] = f"{entry['speaker']}, {who}" if entry["speaker"] else who
    for row in kg.query(_sparql(_REQUIRED_BY, r=requirement, status=status)):
        statements.setdefault(row["id"].value, {
            "fact": row["id"].value, "kind": _value(row["kind"]), "quote": row["quote"].value, "speaker": None,
            "date": None, "date_fact": None})
    return sorted(statements.values(), key=lambda s: s["fact"])


def _value(term) -> str | None:
    return None if term is None else term.value


def _sentence(kg: KnowledgeGraph, s, p, o) -> str:
    kind = label_of(kg, o)
    if p == RDF.type:
        return f"{label_of(kg, s)} is {'an' if kind[:1] in 'aeiou' else 'a'} {kind}"
    return f"{label_of(kg, s)} {label_of(kg, p)} {kind}"
