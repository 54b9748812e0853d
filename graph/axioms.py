"""Axioms that depend on the member list, written from the member facts at build time.

"Diplomatic relations with all member states" and "consent of all member states" are, in
OWL 2 RL, intersections of one hasValue restriction per member (cls-int1 over cls-hv2).
Writing them from the facts keeps them right when a user's data adds a member.
"""

from __future__ import annotations

import pyoxigraph as ox

from .namespaces import CSTO, INFERRED, KG, ONTOLOGY, OUTSIDE

_PREFIXES = """
@prefix csto: <https://w3id.org/csto-kg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


_MEMBERSHIP = (
    (ox.NamedNode(str(CSTO.memberOf)), ox.NamedNode(str(KG.CSTO))),
    (ox.NamedNode(str(CSTO.hasStatus)), ox.NamedNode(str(CSTO.MemberStatus))),
)
_NOT_FACTS = {ox.NamedNode(g) for g in (ONTOLOGY, INFERRED, OUTSIDE)}


def member_states(store: ox.Store) -> list[ox.NamedNode]:
    """The members the facts name (in any graph of facts, the default graph included)."""
    return members_among(q for p, o in _MEMBERSHIP for q in store.quads_for_pattern(None, p, o, None))


def members_among(quads) -> list[ox.NamedNode]:
    members = {
        q.subject for q in quads
        if (q.predicate, q.object) in _MEMBERSHIP and q.graph_name not in _NOT_FACTS
        and isinstance(q.subject, ox.NamedNode)
    }
    return sorted(members, key=lambda m: m.value)


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
    # Blank nodes named by their order, so the same members always give the same quads and an
    # update that changes the members can take the old axioms out again.
    names: dict = {}

    def stable(term):
        if isinstance(term, ox.BlankNode):
            return names.setdefault(term, ox.BlankNode(f"csto-members-{len(names)}"))
        return term

    parsed = ox.parse(input=text.encode(), format=ox.RdfFormat.TURTLE)
    return [ox.Quad(stable(t.subject), t.predicate, stable(t.object), graph) for t in parsed]
