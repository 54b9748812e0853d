"""What the pages share: the statuses by name, how a fact shown is known (by the graph that
says it), and the queries more than one page asks."""

from __future__ import annotations

from ..namespaces import FACT_GRAPHS, PROVENANCE, STATUS_CLASSES

STATUSES = tuple(STATUS_CLASSES)  # the statuses' names
STATUS_NAMES = {str(iri): name for name, iri in STATUS_CLASSES.items()}
GRAPH_KINDS = {iri: PROVENANCE[iri] for iri in FACT_GRAPHS}  # how a fact shown is known, by its graph

VERDICTS = """
SELECT DISTINCT ?agent ?status ?verdict WHERE {
  { ?agent csto:eligibleFor ?status BIND("eligible" AS ?verdict) }
  UNION { ?agent csto:ineligibleFor ?status BIND("ineligible" AS ?verdict) }
}"""

FACTS = """
SELECT DISTINCT ?id ?quote ?kind ?reason ?g WHERE {
  GRAPH ?g { ?fact dcterms:identifier ?id ; csto:quote ?quote }
  OPTIONAL { ?fact csto:evidenceKind/rdfs:label ?kind FILTER(LANG(?kind) IN ("en", "")) }
  OPTIONAL { ?fact csto:reason ?reason }
} ORDER BY ?id"""


def value(term):
    return None if term is None else term.value


def by_fact_id(facts) -> list[dict]:
    """The article's facts (F…) first, then the others (I…), each group in identifier order."""
    return sorted(facts, key=lambda f: (f["id"][0] != "F", f["id"]))
