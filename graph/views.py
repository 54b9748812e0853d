"""Views of a served graph without some of its sources: the server's `?implied=0` and
`?linked=0`, which answer as `--no-implied` and `--no-linked` builds would.

The left-out graphs' triples go, the member axioms are rewritten for the members that remain,
and what is left is reasoned afresh; the served graph is not touched.
"""

from __future__ import annotations

import weakref

import pyoxigraph as ox

from .axioms import member_axioms, members_among
from .namespaces import CSTO, IMPLIED, INFERRED, LINKED, ONTOLOGY, OUTSIDE, OWL, RDFS
from .reason import reason
from .store import KnowledgeGraph

# The last view asked of each graph, while the graph does not change.
_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def left_out(implied: bool, linked: bool) -> frozenset[str]:
    """The graphs a view without the implied facts and/or the linked data leaves out."""
    graphs = set()
    if not implied:
        graphs.add(IMPLIED)
    if not linked:
        graphs |= {LINKED, OUTSIDE}
    return frozenset(graphs)


def view(kg: KnowledgeGraph, *, implied: bool = True, linked: bool = True) -> KnowledgeGraph:
    """kg itself when nothing is left out; otherwise a reasoned copy without those graphs."""
    dropped = left_out(implied, linked)
    if not dropped:
        return kg
    key = (kg.changes, dropped)
    cached = None if kg.shared else _cache.get(kg)
    if cached is not None and cached[0] == key:
        return cached[1]
    everything = list(kg.quads())
    quads = [q for q in everything
             if isinstance(q.graph_name, ox.DefaultGraph) or q.graph_name.value not in dropped | {INFERRED}]
    members = members_among(quads)
    if members != members_among(everything):
        stale = member_axiom_quads(quads)
        quads = [q for q in quads if q not in stale] + member_axioms(members)
    store = ox.Store()
    store.bulk_extend(quads)
    result = KnowledgeGraph(store, reasoner=reason(store))
    if not kg.shared:
        _cache[kg] = (key, result)
    return result


def member_axiom_quads(quads) -> set:
    """The member-dependent axioms among quads, found by their shape, whatever their blank
    nodes are called: the two all-members classes' definitions and Candidate ⊑ ∃requiresConsentOf.{m}."""
    ontology = [q for q in quads if q.graph_name == ox.NamedNode(ONTOLOGY)]
    by_subject: dict = {}
    for q in ontology:
        by_subject.setdefault(q.subject, []).append(q)
    roots = {ox.NamedNode(str(CSTO.DiplomaticRelationsWithAllMembers)), ox.NamedNode(str(CSTO.ConsentOfAllMembers))}
    equivalent, sub_class = ox.NamedNode(str(OWL.equivalentClass)), ox.NamedNode(str(RDFS.subClassOf))
    on_property, requires = ox.NamedNode(str(OWL.onProperty)), ox.NamedNode(str(CSTO.requiresConsentOf))
    found, todo = set(), []
    for q in ontology:
        if isinstance(q.object, ox.BlankNode) and (
                (q.subject in roots and q.predicate == equivalent)
                or (q.subject == ox.NamedNode(str(CSTO.Candidate)) and q.predicate == sub_class
                    and any(r.predicate == on_property and r.object == requires for r in by_subject.get(q.object, [])))):
            found.add(q)
            todo.append(q.object)
    seen = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for q in by_subject.get(node, []):
            found.add(q)
            if isinstance(q.object, ox.BlankNode):
                todo.append(q.object)
    return found
