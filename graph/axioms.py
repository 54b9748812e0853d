"""Axioms that depend on the member list, written from the member facts at build time.

"Diplomatic relations with all member states" and "consent of all member states" are, in
OWL 2 RL, intersections of one hasValue restriction per member (cls-int1 over cls-hv2).
Writing them from the facts keeps them right when a user's data adds a member.
"""

from __future__ import annotations

import pyoxigraph as ox

from .namespaces import ONTOLOGY

_MEMBERS = """
SELECT DISTINCT ?m WHERE {
  GRAPH ?g { { ?m csto:memberOf kg:CSTO } UNION { ?m csto:hasStatus csto:MemberStatus } }
  FILTER(?g IN (<https://w3id.org/csto-kg/graph/asserted>, <https://w3id.org/csto-kg/graph/implied>,
                <https://w3id.org/csto-kg/graph/user>, <https://w3id.org/csto-kg/graph/linked>))
} ORDER BY ?m
"""

_PREFIXES = """
@prefix csto: <https://w3id.org/csto-kg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


def member_states(store: ox.Store) -> list[ox.NamedNode]:
    from .namespaces import PREFIXES

    rows = store.query(_MEMBERS, prefixes=PREFIXES, use_default_graph_as_union=True)
    return [row["m"] for row in rows if isinstance(row["m"], ox.NamedNode)]


def _all_members(cls: str, prop: str, members: list[ox.NamedNode]) -> str:
    restrictions = "\n        ".join(
        f"[ a owl:Restriction ; owl:onProperty csto:{prop} ; owl:hasValue <{m.value}> ]" for m in members
    )
    return f"""csto:{cls} owl:equivalentClass [ a owl:Class ; owl:intersectionOf (
        {restrictions} ) ] .
"""


def member_axioms(members: list[ox.NamedNode]) -> list[ox.Quad]:
    """The member-dependent definitions, as quads in the ontology graph."""
    if not members:
        return []
    text = _PREFIXES
    text += _all_members("DiplomaticRelationsWithAllMembers", "hasDiplomaticRelationsWith", members)
    text += _all_members("ConsentOfAllMembers", "consentGivenBy", members)
    for m in members:
        text += (f"csto:Candidate rdfs:subClassOf [ a owl:Restriction ; "
                 f"owl:onProperty csto:requiresConsentOf ; owl:hasValue <{m.value}> ] .\n")
    graph = ox.NamedNode(ONTOLOGY)
    parsed = ox.parse(input=text.encode(), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True)
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in parsed]
