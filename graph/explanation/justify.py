"""Justify: why does the graph entail a triple? A minimal set of asserted facts and ontology axioms.

Black-box, the way Protégé's explanation workbench finds justifications: the reasoner (the
build's own, rules.Closure) is only asked "does this set entail the triple?".

  1. Units. Every input triple is one unit, except that an axiom written with blank nodes
     (a restriction, an intersection list, a GCI) is one unit with all its blank-node triples.
  2. Facts. The facts are ordered ring by ring from the conclusion's terms (ring 0 mentions
     one of them, ring k+1 shares a term with ring k); the shortest prefix that entails the
     triple together with the whole ontology is found by doubling, then halving, and shrunk.
     Each such check is a trial extension of the ontology's closure, computed once.
  3. Axioms. With those facts fixed, the same for the ontology's axioms (annotations and bare
     declarations last, and dropped in one check when they are not needed).
  Shrinking drops halves, then quarters ... then single units, keeping each drop after which
  the rest still entails the triple; the last pass tries every unit alone, so the result is
  minimal: removing any one member loses the entailment (the entailment is monotone, and a
  fact needed with the whole ontology is needed with any part of it).

Each asserted fact comes back with its fact number and the article's words, from the owl:Axiom
annotations the build writes (csto:fact, csto:quote).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from functools import cached_property

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef

from .. import terms
from ..bridge import oxigraph_term, rdflib_term, to_rdflib
from ..errors import CstoKgError
from ..labels import label_in
from ..load import Sources
from ..namespaces import (
    ASSERTED,
    ASSUMED,
    BUILTIN,
    CURATED,
    IMPLIED,
    LINKED,
    ONTOLOGY,
    OWL,
    PREFIXES,
    RDF,
    RDFS,
    USER,
    XSD,
    bind_prefixes,
    local_name,
)
from ..publish.manchester import class_expression
from ..reasoning.reason import is_axiom_annotation
from ..reasoning.rules import Closure
from ..store import KnowledgeGraph

# Each graph by how its facts are known (namespaces.PROVENANCE's words; a what-if question's
# assumptions, which are the user's, kept apart as "assumed").
_GRAPHS = {"ontology": ONTOLOGY, "stated": ASSERTED, "curated": CURATED, "implied": IMPLIED, "user": USER,
           "linked": LINKED, "assumed": ASSUMED}
# Predicates that state an axiom about their (blank) subject rather than describe it.
_AXIOM_PREDICATES = {RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith, RDFS.subPropertyOf,
                     OWL.equivalentProperty, OWL.propertyDisjointWith, OWL.inverseOf, RDFS.domain, RDFS.range}
_DECLARATIONS = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual,
                 RDFS.Class, RDF.Property, OWL.Ontology}
_ANNOTATION = {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.versionInfo, OWL.versionIRI}


class NotEntailedError(CstoKgError):
    """The triple to justify is not entailed by the graph, so nothing justifies it."""


@dataclass
class Axiom:
    """One member of a justification: an asserted fact or an ontology axiom."""

    kind: str                 # ontology | stated | curated | implied | user | linked | assumed
    label: str                # in words, with the entities' labels
    turtle: str               # the unit's triples as Turtle (prefixes as in PREFIXES)
    ntriples: str             # the same as N-Triples
    fact: str | None = None   # the fact's IRI (asserted kinds), e.g. .../id/I03
    fact_id: str | None = None  # its number, e.g. "I03"
    quote: str | None = None  # the article's words for it
    source: str | None = None  # where the words come from (prov:wasDerivedFrom)


@dataclass
class Justification:
    """A minimal set of axioms and facts from which the reasoner entails triple, and the rules that link them."""

    triple: tuple[str, str, str]   # N-Triples terms
    label: str
    axioms: list[Axiom] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)  # the OWL 2 RL rules from the axioms to triple
    module_size: int = 0           # units in the expanded set before shrinking
    checks: int = 0                # entailment checks made
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


# -- units -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Unit:
    kind: str
    triples: tuple  # rdflib triples

    @cached_property
    def ox(self) -> tuple:
        """The same triples as pyoxigraph terms, as the reasoner reads them."""
        return tuple(tuple(oxigraph_term(x) for x in t) for t in self.triples)

    @cached_property
    def terms(self) -> frozenset:
        """The IRIs and literals the unit mentions, outside the RDF/RDFS/OWL vocabulary."""
        return frozenset(x for t in self.triples for x in t
                         if isinstance(x, Literal) or (isinstance(x, URIRef) and not str(x).startswith(BUILTIN)))


def units_of(graph: rdflib.Graph, kind: str) -> list[Unit]:
    """Split a graph into units: triples with a named subject, or a blank subject's axiom
    triples, each with the blank-node structure they reach."""
    axiom_nodes = set(graph.subjects(RDF.type, OWL.Axiom))
    referenced = {o for o in graph.objects() if isinstance(o, BNode)}

    def description(node, seen):
        out = []
        if node in seen:
            return out
        seen.add(node)
        for p, o in graph.predicate_objects(node):
            if p in _AXIOM_PREDICATES and node not in referenced:
                continue  # an axiom of a root blank node is a unit of its own
            out.append((node, p, o))
            if isinstance(o, BNode):
                out += description(o, seen)
        return out

    units = []
    for s, p, o in graph:
        if s in axiom_nodes or o in axiom_nodes:
            continue
        if isinstance(s, BNode):
            if s in referenced:
                continue  # part of the description of whatever refers to it
            if p not in _AXIOM_PREDICATES and any(q in _AXIOM_PREDICATES for q in graph.predicates(s)):
                continue  # a root GCI's description, carried by its axiom triples
        triples = [(s, p, o)]
        seen: set = set()
        if isinstance(s, BNode):
            triples += description(s, seen)
        if isinstance(o, BNode):
            triples += description(o, seen)
        units.append(Unit(kind, tuple(dict.fromkeys(triples))))
    unique = {frozenset(u.triples): u for u in units}  # e.g. each triple of an owl:AllDifferent
    return list(unique.values())


def is_annotation(unit: Unit, annotation_props: set) -> bool:
    return all(p in _ANNOTATION or p in annotation_props for _, p, _ in unit.triples)


def is_inert(unit: Unit, annotation_props: set) -> bool:
    """An annotation or a bare declaration (x a owl:Class): seldom part of a derivation, so
    tried last when growing a module and dropped first when shrinking it."""
    if is_annotation(unit, annotation_props):
        return True
    return len(unit.triples) == 1 and unit.triples[0][1] == RDF.type and unit.triples[0][2] in _DECLARATIONS


# -- the entailment oracle -------------------------------------------------------------------

class Oracle:
    """The reasoner asked one question: does this set of units entail the triple?

    It is the build's own (rules.Closure, the OWL 2 RL closure; tests check every justification
    with plain owlrl as well). Each question is asked of `given` plus the units, either afresh
    or, with `over`, as a trial extension of a closure computed once (the whole ontology's,
    while the facts are chosen), which costs only the facts' own consequences."""

    def __init__(self, triple, given=(), over: Closure | None = None):
        self.triple = triple
        self.target = tuple(oxigraph_term(x) for x in triple)
        self.checks = 0
        self.given = list(given)
        self.over = over

    def __call__(self, units) -> bool:
        self.checks += 1
        triples = {t for u in [*self.given, *units] for t in u.ox}
        if self.target in triples:
            return True
        if self.over is None:
            return self.target in Closure(triples)
        self.over.extend(triples)
        try:
            return self.target in self.over
        finally:
            self.over.undo()


# -- the search ------------------------------------------------------------------------------

def rings(units: list[Unit], start: set) -> list[list[Unit]]:
    """Units by distance from the start terms: ring 0 mentions one of them, ring k+1 shares a
    term with ring k."""
    by_term = defaultdict(list)
    unit_terms = [u.terms for u in units]
    for i, ts in enumerate(unit_terms):
        for t in ts:
            by_term[t].append(i)
    placed: set[int] = set()
    frontier_terms = set(start)
    out = []
    while frontier_terms:
        ring = sorted({i for t in frontier_terms for i in by_term.get(t, ()) if i not in placed})
        if not ring:
            break
        placed.update(ring)
        out.append([units[i] for i in ring])
        frontier_terms = {t for i in ring for t in unit_terms[i]} - frontier_terms
    rest = [units[i] for i in range(len(units)) if i not in placed]
    if rest:
        out.append(rest)  # units sharing no term with the conclusion: the last resort
    return out


def expand(units: list[Unit], start: set, entails: Oracle, inert: set = frozenset(),
           first: list[Unit] = ()) -> list[Unit]:
    """The shortest prefix that entails, of the units ordered ring by ring (inert units last,
    `first` before all): found by doubling the prefix, then halving the last step, so that the
    checks stay small and the module handed to shrink() is a few dozen units, not the graph."""
    among = set(units)
    ahead = [u for u in dict.fromkeys(first) if u in among]
    placed = set(ahead)
    ordered = ahead + sorted((u for ring in rings(units, start) for u in ring if u not in placed),
                             key=lambda u: u in inert)
    if entails([]):
        return []
    size = 1
    while size < len(ordered) and not entails(ordered[:size]):
        size *= 2
    if size >= len(ordered):
        size = len(ordered)
        if not entails(ordered):
            raise NotEntailedError(f"the graph does not entail {' '.join(x.n3() for x in entails.triple)}")
    low, high = size // 2, size  # the prefix of length high entails, of length low does not
    while high - low > 1:
        middle = (low + high) // 2
        if entails(ordered[:middle]):
            high = middle
        else:
            low = middle
    return ordered[:high]


def shrink(units: list[Unit], entails: Oracle, window: int | None = None) -> list[Unit]:
    """Drop windows of halving size while the rest entails; the last pass, window 1, leaves a
    set from which no single member can be dropped."""
    kept = list(units)
    size = window or max(1, len(kept) // 2)
    while True:
        i = 0
        while i < len(kept):
            rest = kept[:i] + kept[i + size:]
            if rest and entails(rest):
                kept = rest
            else:
                i += size
        if size == 1:
            return kept
        size = max(1, size // 2)


# -- entry point -----------------------------------------------------------------------------

def justify(source, triple) -> Justification:
    """A minimal set of asserted triples and ontology axioms from which the triple follows.

    Args:
        source: a built KnowledgeGraph, or the build's Sources (assembled here, not reasoned).
        triple: (subject, predicate, object) as rdflib terms, IRIs, N-Triples terms (<...>) or
            prefixed names with csto-kg's prefixes (kg:Azerbaijan, csto:ineligibleFor).

    Raises:
        NotEntailedError: the inputs do not entail the triple.
    """
    return Justifier(source)(triple)


class Justifier:
    """justify() for several triples of one graph: the graph is split into units once."""

    def __init__(self, source):
        self.kg = kg = _graph(source)
        self.graphs = {kind: to_rdflib(_reasoned_quads(kg, iri)) for kind, iri in _GRAPHS.items()}
        self.annotation_props = {a for g in self.graphs.values() for a in g.subjects(RDF.type, OWL.AnnotationProperty)}
        # a stable order, so that the same inputs give the same justification every run
        units = sorted((u for kind, g in self.graphs.items() for u in units_of(g, kind)), key=_canonical)
        self.facts = [u for u in units if u.kind != "ontology"]
        self.axioms = [u for u in units if u.kind == "ontology"]
        self.described = rdflib.Graph()
        for g in self.graphs.values():
            self.described += g
        self.index = _fact_index(kg)
        self._found: dict[tuple, list[Unit]] = {}
        self._axioms: dict[Unit, Axiom] = {}
        self.inert = {u for u in units if is_inert(u, self.annotation_props)}

    def __call__(self, triple, lemmas=()) -> Justification:
        """The justification of triple; lemmas are triples justified before by this Justifier
        from which it may follow (a verdict from its requirements): their units are tried first."""
        first = [u for lemma in lemmas for u in self._found.get(tuple(_term(x) for x in lemma), ())]
        return self._justify(triple, first)

    @cached_property
    def ontology_closure(self) -> Closure:
        """The closure of every ontology axiom: the facts are chosen as trial extensions of it."""
        return Closure({t for u in self.axioms for t in u.ox})

    def _justify(self, triple, first: list[Unit]) -> Justification:
        start_time = time.perf_counter()
        described, index = self.described, self.index
        s, p, o = (_term(x) for x in triple)
        if not _possibly_entailed(self.kg, (s, p, o)):
            raise NotEntailedError(f"the graph does not entail {s.n3()} {p.n3()} {o.n3()}")
        start = {x for x in (s, p, o) if not (isinstance(x, URIRef) and str(x).startswith(BUILTIN))}
        facts_judge = Oracle((s, p, o), over=self.ontology_closure)
        facts = shrink(expand(self.facts, start, facts_judge, self.inert, first), facts_judge)
        judge = Oracle((s, p, o), given=facts)
        module = expand(self.axioms, start, judge, self.inert, first)
        inert = [u for u in module if u in self.inert]
        if inert and judge([u for u in module if u not in inert]):
            module = [u for u in module if u not in inert]  # one check that spares one per unit
        axioms = shrink(module, judge)
        kept = facts + axioms
        self._found[(s, p, o)] = kept
        result = Justification(
            triple=(s.n3(), p.n3(), o.n3()),
            label=_statement(described, (s, p, o)),
            rules=Closure({t for u in kept for t in u.ox}, trace=True).rules_behind(facts_judge.target),
            module_size=len(facts) + len(module),
            checks=facts_judge.checks + judge.checks,
        )
        for unit in sorted(kept, key=lambda u: (u.kind == "ontology", _sort_key(u))):
            if unit not in self._axioms:
                self._axioms[unit] = _describe(unit, described, index)
            result.axioms.append(self._axioms[unit])
        result.seconds = time.perf_counter() - start_time
        return result


def _graph(source) -> KnowledgeGraph:
    if isinstance(source, KnowledgeGraph):
        return source
    if isinstance(source, Sources):
        from ..build import assemble

        return KnowledgeGraph.of(assemble(source))
    raise TypeError(f"justify needs a KnowledgeGraph or Sources, not {type(source).__name__}")


def _possibly_entailed(kg: KnowledgeGraph, triple) -> bool:
    """False when a built graph's inputs and inferred graph both lack the triple; a graph
    without an inferred graph (assembled, not reasoned) cannot tell, so True."""
    if not kg.triples_in(terms.GRAPH.inferred):
        return True
    s, p, o = (oxigraph_term(x) for x in triple)
    graphs = [terms.GRAPH.inferred] + [ox.NamedNode(g) for g in _GRAPHS.values()]
    return any(any(True for _ in kg.quads(s, p, o, g)) for g in graphs)


def _reasoned_quads(kg: KnowledgeGraph, graph: str):
    """A graph's quads as the reasoner sees them: without the owl:Axiom annotation nodes."""
    quads = list(kg.quads(graph=ox.NamedNode(graph)))
    nodes = {q.subject for q in quads if is_axiom_annotation(q)}
    return [q for q in quads if q.subject not in nodes]


def _term(x):
    if isinstance(x, (URIRef, Literal, BNode)):
        return x
    if isinstance(x, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return rdflib_term(x)
    if isinstance(x, bool):
        return Literal(x)
    text = str(x)
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if text.startswith('"'):
        return rdflib.util.from_n3(text)
    prefix, _, local = text.partition(":")
    if prefix in PREFIXES and not local.startswith("//"):
        return URIRef(PREFIXES[prefix] + local)
    return URIRef(text)


def _fact_index(kg: KnowledgeGraph) -> dict:
    """(s, p, o) → (fact IRI, fact number, quote, source) from the owl:Axiom annotations."""
    query = """
    SELECT ?s ?p ?o ?fact ?id ?quote ?source WHERE {
      ?a a owl:Axiom ; owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o ;
         csto:fact ?fact .
      OPTIONAL { ?a csto:quote ?quote }
      OPTIONAL { ?fact dcterms:identifier ?id }
      OPTIONAL { ?fact prov:wasDerivedFrom ?source }
    }"""
    index = {}
    for row in kg.query(query):
        key = tuple(_term(row[v]) for v in ("s", "p", "o"))
        index.setdefault(key, tuple(row[v].value if row[v] is not None else None
                                    for v in ("fact", "id", "quote", "source")))
    return index


def _canonical(unit: Unit) -> tuple:
    kinds = list(_GRAPHS)
    shapes = sorted(" ".join("[]" if isinstance(x, BNode) else x.n3() for x in t) for t in unit.triples)
    return kinds.index(unit.kind), shapes


def _sort_key(unit: Unit) -> str:
    return " ".join(x.n3() for t in unit.triples for x in t if not isinstance(x, BNode))


def _describe(unit: Unit, graph: rdflib.Graph, index: dict) -> Axiom:
    snippet = bind_prefixes(rdflib.Graph())
    for t in unit.triples:
        snippet.add(t)
    turtle = "\n".join(line for line in snippet.serialize(format="turtle").splitlines()
                       if line and not line.startswith("@prefix")).strip()
    ntriples = snippet.serialize(format="nt").strip()
    axiom = Axiom(unit.kind, _unit_label(unit, graph), turtle, "\n".join(sorted(ntriples.splitlines())))
    if unit.kind != "ontology" and len(unit.triples) == 1:
        found = index.get(unit.triples[0])
        if found:
            axiom.fact, axiom.fact_id, axiom.quote, axiom.source = found
    return axiom


# -- words -----------------------------------------------------------------------------------

def _name(graph: rdflib.Graph, term) -> str:
    if isinstance(term, Literal):
        return str(term).lower() if term.datatype == XSD.boolean else f'"{term}"'
    text = label_in(graph, term) or local_name(term)
    return f"'{text}'" if " " in text else text


def _statement(graph: rdflib.Graph, triple) -> str:
    s, p, o = triple
    if p == RDF.type:
        return f"{_name(graph, s)} Type {_class(graph, o)}"
    return f"{_name(graph, s)} {_name(graph, p)} {_name(graph, o)}"


def _class(graph: rdflib.Graph, node) -> str:
    """A class expression in Manchester syntax, with labels."""
    return class_expression(graph, node, lambda term: _name(graph, term))


_AXIOM_WORDS = {
    RDFS.subClassOf: "SubClassOf", OWL.equivalentClass: "EquivalentTo", OWL.disjointWith: "DisjointWith",
    RDFS.subPropertyOf: "SubPropertyOf", OWL.equivalentProperty: "EquivalentTo",
    OWL.propertyDisjointWith: "DisjointWith", OWL.inverseOf: "InverseOf", RDFS.domain: "Domain", RDFS.range: "Range",
}
_CHARACTERISTICS = {
    OWL.SymmetricProperty: "Symmetric", OWL.TransitiveProperty: "Transitive", OWL.FunctionalProperty: "Functional",
    OWL.InverseFunctionalProperty: "InverseFunctional", OWL.AsymmetricProperty: "Asymmetric",
    OWL.IrreflexiveProperty: "Irreflexive",
}


def _unit_label(unit: Unit, graph: rdflib.Graph) -> str:
    s, p, o = unit.triples[0]
    local = bind_prefixes(rdflib.Graph())
    for t in unit.triples:
        local.add(t)
    for term in {x for t in unit.triples for x in t if isinstance(x, URIRef)}:
        for label in graph.objects(term, RDFS.label):
            local.add((term, RDFS.label, label))
    if p in _AXIOM_WORDS:
        return f"{_class(local, s)} {_AXIOM_WORDS[p]} {_class(local, o)}"
    if p == RDF.type and o in _CHARACTERISTICS:
        return f"{_name(local, s)} is {_CHARACTERISTICS[o]}"
    if p == RDF.type and isinstance(o, URIRef) and str(o).startswith(str(OWL)):
        return f"{_name(local, s)} is declared {o.rsplit('#', 1)[-1]}"
    return _statement(local, (s, p, o))
