"""Docs: the ontology of a graph as the content of one page, every class, property and named
individual with its label, definition and axioms, anchored by local name so that the term IRIs
(https://w3id.org/csto-kg/ontology#Candidate) land on their entry when the page is served at
the ontology IRI. The server lays it out (templates/ontology.html): the content is plain data,
each value a list of pieces (text, or a dict: a link, a keyword, a literal as code, the mark of
an axiom written from the facts, a line break) that the template writes, escaping every text.

The page shows the ontology as the served graph has it: csto.ttl plus the axioms written from
its facts (graph/reasoning/axioms.py, docs/decisions/0004), which are marked as such, so a --data file that
adds a member shows in the definitions that depend on the members.
"""

from __future__ import annotations

import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from ..bridge import to_rdflib
from ..labels import label_in
from ..namespaces import CSTO, ONTOLOGY, ONTOLOGY_IRI, OWL, RDF, RDFS, XSD, curie, local_name
from ..reasoning.axioms import generated_axioms
from ..store import KnowledgeGraph
from .manchester import pieces

_KINDS = [
    ("classes", "Classes", OWL.Class, "class"),
    ("object-properties", "Object properties", OWL.ObjectProperty, "object property"),
    ("data-properties", "Data properties", OWL.DatatypeProperty, "data property"),
    ("annotation-properties", "Annotation properties", OWL.AnnotationProperty, "annotation property"),
    ("individuals", "Named individuals", OWL.NamedIndividual, "individual"),
]
_CHARACTERISTICS = {
    OWL.SymmetricProperty: "symmetric", OWL.TransitiveProperty: "transitive", OWL.FunctionalProperty: "functional",
    OWL.InverseFunctionalProperty: "inverse functional", OWL.AsymmetricProperty: "asymmetric",
    OWL.IrreflexiveProperty: "irreflexive", OWL.ReflexiveProperty: "reflexive",
}


def ontology_document(kg: KnowledgeGraph) -> dict:
    """The ontology page's content for the graph kg serves, as plain data (see above)."""
    graph = kg.rdflib_graph(ONTOLOGY)
    built = to_rdflib(generated_axioms(kg.quads()))
    return document(graph, {(s, p) for s, p, _ in built if not isinstance(s, BNode)})


def document(graph: rdflib.Graph, built: set) -> dict:
    r = _Renderer(graph, built)
    onto = URIRef(ONTOLOGY_IRI)
    sections = []
    for key, heading, kind, badge in _KINDS:
        terms = sorted((t for t in graph.subjects(RDF.type, kind) if isinstance(t, URIRef)),
                       key=lambda t: (not str(t).startswith(str(CSTO)), r.label(t).lower()))
        sections.append((key, heading, badge, terms))
    r.documented = {t for *_, terms in sections for t in terms}
    r.gcis = gcis(r)
    meta = [("IRI", ONTOLOGY_IRI)]
    for p, name in ((OWL.versionIRI, "Version IRI"), (OWL.versionInfo, "Version"), (DCTERMS.license, "License")):
        v = graph.value(onto, p)
        if v is not None:
            meta.append((name, str(v)))
    meta.append(("Profile", "OWL 2 RL"))
    return {
        "title": str(graph.value(onto, DCTERMS.title) or graph.value(onto, RDFS.label) or "Ontology"),
        "description": str(graph.value(onto, DCTERMS.description) or ""),
        "meta": meta,
        "sections": [{"key": key, "heading": heading,
                      "terms": [entry(r, t, heading, badge) for t in terms]}
                     for key, heading, badge, terms in sections],
        "general_axioms": [axiom for axiom, _ in r.gcis],
    }


class _Renderer:
    def __init__(self, graph: rdflib.Graph, built: set):
        self.g = graph
        self.built = built
        self.documented: set = set()
        self.gcis: list = []

    def qname(self, term) -> str:
        return curie(str(term)) or str(term)

    def label(self, term) -> str:
        return label_in(self.g, term) or self.qname(term)

    def link(self, term) -> list:
        """A term as pieces: a literal as code, a class expression, a link to its entry here or
        to its own IRI."""
        if isinstance(term, Literal):
            if term.datatype in (XSD.boolean, XSD.integer, XSD.decimal, XSD.nonNegativeInteger):
                return [{"code": str(term)}]
            suffix = f"^^{self.qname(term.datatype)}" if term.datatype else ""
            return [{"code": f'"{term}"{suffix}'}]
        if isinstance(term, BNode):
            return self.expression(term)
        if term in self.documented or str(term).startswith(str(CSTO)):
            return [{"href": "#" + anchor(self, term), "text": self.label(term), "title": self.qname(term)}]
        return [{"href": str(term), "text": self.qname(term)}]

    def expression(self, node) -> list:
        """A class expression in Manchester syntax, terms linked."""
        return pieces(self.g, node, self.link, lambda word: {"keyword": word}, {"anonymous": True})


def anchor(r: _Renderer, term) -> str:
    """csto terms by local name (so IRI fragments work); reused terms by prefix-local."""
    if str(term).startswith(str(CSTO)):
        return local_name(term)
    return r.qname(term).replace(":", "-")


def entry(r: _Renderer, term, heading: str, badge: str) -> dict:
    g = r.g
    rows: list[tuple[str, str]] = []

    def add(name, values, render=r.expression):
        values = list(values)
        if values:
            rows.append(([name], lines([*render(v), *mark(r, term, v)] for v in values)))

    for p, name in ((SKOS.definition, "Definition"), (RDFS.comment, "Comment"), (SKOS.altLabel, "Also called")):
        for v in g.objects(term, p):
            rows.append(([name], [str(v)]))
    kinds = [_CHARACTERISTICS[o] for o in g.objects(term, RDF.type) if o in _CHARACTERISTICS]
    if kinds:
        rows.append((["Characteristics"], [", ".join(kinds)]))
    add("Equivalent to", g.objects(term, OWL.equivalentClass))
    add("Subclass of", g.objects(term, RDFS.subClassOf))
    add("Superclass of", (s for s in g.subjects(RDFS.subClassOf, term) if isinstance(s, URIRef)))
    add("Disjoint with", set(g.objects(term, OWL.disjointWith)) | set(g.subjects(OWL.disjointWith, term)))
    add("Subproperty of", g.objects(term, RDFS.subPropertyOf))
    add("Inverse of", set(g.objects(term, OWL.inverseOf)) | set(g.subjects(OWL.inverseOf, term)))
    add("Disjoint with",
        set(g.objects(term, OWL.propertyDisjointWith)) | set(g.subjects(OWL.propertyDisjointWith, term)))
    add("Domain", g.objects(term, RDFS.domain))
    add("Range", g.objects(term, RDFS.range))
    add("Type", [o for o in g.objects(term, RDF.type) if not str(o).startswith(str(OWL))])
    if heading == "Classes":
        add("Instances", sorted((s for s in g.subjects(RDF.type, term) if isinstance(s, URIRef)), key=r.label))
    shown = ((r.documented & set(g.subjects(RDF.type, OWL.ObjectProperty)))
             | set(g.subjects(RDF.type, OWL.DatatypeProperty)))
    for p, o in sorted(g.predicate_objects(term)):
        if p in shown:
            rows.append((r.link(p), r.link(o)))
    used = [axiom for axiom, mentioned_terms in r.gcis if term in mentioned_terms]
    if used:
        rows.append((["In general axioms"], lines(used)))
    source = g.value(term, RDFS.isDefinedBy)
    if source is not None:
        rows.append((["Defined by"], r.link(source)))
    return {"anchor": anchor(r, term), "badge": badge, "label": r.label(term), "iri": str(term), "rows": rows,
            "own": str(term).startswith(str(CSTO)), "curie": r.qname(term)}


def lines(values) -> list:
    """Several values' pieces, one value per line."""
    out: list = []
    for i, value in enumerate(values):
        out += ([{"break": True}] if i else []) + list(value)
    return out


def mark(r: _Renderer, term, value) -> list:
    """The note on an axiom the build wrote from the facts (r.built: their subjects and predicates)."""
    if isinstance(value, BNode) and any((term, p) in r.built for p in r.g.predicates(term, value)):
        return [" ", {"built": "written at build time from the facts"}]
    return []


def gcis(r: _Renderer) -> list[tuple[list, set]]:
    """Axioms whose subject is a class expression, as pieces, with the terms they mention."""
    g = r.g
    referenced = {o for o in g.objects() if isinstance(o, BNode)}
    out = []
    for s, p, o in g:
        if isinstance(s, BNode) and s not in referenced and p in (RDFS.subClassOf, OWL.equivalentClass):
            word = "SubClassOf" if p == RDFS.subClassOf else "EquivalentTo"
            axiom = [*r.expression(s), " ", {"keyword": word}, " ", *r.expression(o)]
            out.append((axiom, mentioned(g, s) | mentioned(g, o)))
    return sorted(out, key=lambda x: plain(x[0]))


def plain(axiom: list) -> str:
    """Pieces as the text a reader sees."""
    return "".join(p if isinstance(p, str) else p.get("text") or p.get("keyword") or p.get("code") or ""
                   for p in axiom)


def mentioned(g: rdflib.Graph, node, seen=None) -> set:
    if not isinstance(node, BNode):
        return {node}
    seen = seen if seen is not None else set()
    if node in seen:
        return set()
    seen.add(node)
    out = set()
    for _, o in g.predicate_objects(node):
        out |= mentioned(g, o, seen)
    return out
