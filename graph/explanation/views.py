"""Views of a served graph without some of its sources: the server's `?implied=0` and
`?linked=0`, which answer as `--no-implied` and `--no-linked` builds would.

The left-out graphs' triples go, the generated axioms are rewritten for the facts that remain,
and what is left is reasoned afresh; the served graph is not touched.
"""

from __future__ import annotations

import weakref

import pyoxigraph as ox

from ..namespaces import IMPLIED, INFERRED, LINKED, OUTSIDE
from ..reasoning.axioms import Inputs, axioms_for, generated_axiom_quads
from ..store import KnowledgeGraph

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
    inputs = Inputs(quads)
    if inputs.key() != Inputs(everything).key():
        stale = generated_axiom_quads(quads)
        quads = [q for q in quads if q not in stale] + axioms_for(inputs)
    result = KnowledgeGraph.of(quads).infer()
    if not kg.shared:
        _cache[kg] = (key, result)
    return result
