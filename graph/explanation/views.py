"""Views of a served graph without some of its sources: the server's `?implied=0` and
`?linked=0`, which answer as `--no-implied` and `--no-linked` builds would, and the layers a
verdict's standing is read from (standing.py).

The left-out graphs' triples go, the generated axioms are rewritten for the facts that remain,
and what is left is reasoned afresh; the served graph is not touched.
"""

from __future__ import annotations

import weakref

import pyoxigraph as ox

from ..namespaces import IMPLIED, INFERRED, LINKED, OUTSIDE
from ..reasoning.axioms import Inputs, axioms_for, generated_axiom_quads
from ..store import KnowledgeGraph

# The default graph, among the graphs a view leaves out: where SPARQL Update may write.
DEFAULT = ""
# The last views asked of each graph, while the graph does not change: the page's switches
# and a verdict's standing each need their own, so one alone would be recomputed in turn.
_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_KEPT = 4


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
    return without(kg, left_out(implied, linked))


def without(kg: KnowledgeGraph, dropped: frozenset[str]) -> KnowledgeGraph:
    """kg without the named graphs in dropped (DEFAULT: the default graph), reasoned afresh;
    kg itself when dropped is empty."""
    if not dropped:
        return kg
    cached = {} if kg.shared else {k: v for k, v in _cache.get(kg, {}).items() if k[0] == kg.changes}
    key = (kg.changes, dropped)
    if key in cached:
        return cached[key]
    everything = list(kg.quads())
    quads = [q for q in everything if _name(q.graph_name) not in dropped | {INFERRED}]
    inputs = Inputs(quads)
    if inputs.key() != Inputs(everything).key():
        stale = generated_axiom_quads(quads)
        quads = [q for q in quads if q not in stale] + axioms_for(inputs)
    result = KnowledgeGraph.of(quads).infer()
    if not kg.shared:
        cached[key] = result
        _cache[kg] = dict(list(cached.items())[-_KEPT:])
    return result


def _name(graph) -> str:
    return DEFAULT if isinstance(graph, ox.DefaultGraph) else graph.value
