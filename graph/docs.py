"""Docs: the ontology as one HTML page, every class, property and named individual with its
label, definition and axioms, anchored by local name so that the term IRIs
(https://w3id.org/csto-kg/ontology#Candidate) land on their entry when the page is served at
the ontology IRI. Self-contained: inline CSS, no script, nothing fetched.

The page shows the ontology as a build uses it: csto.ttl plus the member-dependent axioms
written from the article's member facts (graph/axioms.py), which are marked as such.
"""

from __future__ import annotations

import html
from functools import lru_cache

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, SKOS

from .namespaces import CSTO, ONTOLOGY, ONTOLOGY_IRI, OWL, PREFIXES, RDF, RDFS, XSD

_KINDS = [
    ("classes", "Classes", OWL.Class),
    ("object-properties", "Object properties", OWL.ObjectProperty),
    ("data-properties", "Data properties", OWL.DatatypeProperty),
    ("annotation-properties", "Annotation properties", OWL.AnnotationProperty),
    ("individuals", "Named individuals", OWL.NamedIndividual),
]
_CHARACTERISTICS = {
    OWL.SymmetricProperty: "symmetric", OWL.TransitiveProperty: "transitive", OWL.FunctionalProperty: "functional",
    OWL.InverseFunctionalProperty: "inverse functional", OWL.AsymmetricProperty: "asymmetric",
    OWL.IrreflexiveProperty: "irreflexive", OWL.ReflexiveProperty: "reflexive",
}
_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#222}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #ccc;margin-top:2.5rem}
.term{border-left:4px solid #7a9cc6;padding:.2rem 1rem;margin:1.2rem 0;background:#f8f9fb}
.term h3{margin:.3rem 0}.iri,code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
.iri{color:#555}dl{display:grid;grid-template-columns:12rem 1fr;gap:.2rem 1rem;margin:.5rem 0}
dt{font-weight:600;color:#444}dd{margin:0}.kind{font-size:.75em;color:#fff;background:#7a9cc6;border-radius:3px;padding:0 .3rem;margin-right:.4rem;vertical-align:middle}
.built{font-size:.8em;color:#8a5a00}.toc{columns:3}.toc a{display:block}a{color:#1a4f8b}
"""


@lru_cache(maxsize=1)
def ontology_html() -> str:
    """The ontology's HTML documentation, as the server returns it for GET /ontology (text/html)."""
    graph, built = ontology_graph()
    return render(graph, built)


def ontology_graph() -> tuple[rdflib.Graph, set]:
    """The ontology as a default build has it, and the triples the build wrote from the facts."""
    from .axioms import generated_axioms
    from .build import assemble
    from .load import builtin_sources
    from .bridge import to_rdflib

    store = assemble(builtin_sources())
    graph = to_rdflib(store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY)))
    built = to_rdflib(generated_axioms(store))
    roots = {(s, p) for s, p, _ in built if not isinstance(s, BNode)}
    built_triples = {(s, p, o) for s, p, o in graph if (s, p) in roots and isinstance(o, BNode)}
    return graph, built_triples


class _Renderer:
    def __init__(self, graph: rdflib.Graph, built: set):
        self.g = graph
        self.built = built
        self.prefixes = sorted(((ns, p) for p, ns in PREFIXES.items()), key=lambda x: -len(x[0]))

    def qname(self, term) -> str:
        text = str(term)
        for ns, prefix in self.prefixes:
            if text.startswith(ns):
                return f"{prefix}:{text[len(ns):]}"
        return text

    def label(self, term) -> str:
        value = self.g.value(term, RDFS.label)
        return str(value) if value is not None else self.qname(term)

    def link(self, term) -> str:
        if isinstance(term, Literal):
            if term.datatype in (XSD.boolean, XSD.integer, XSD.decimal, XSD.nonNegativeInteger):
                return f"<code>{html.escape(str(term))}</code>"
            suffix = f"^^{self.qname(term.datatype)}" if term.datatype else ""
            return f'<code>"{html.escape(str(term))}"{html.escape(suffix)}</code>'
        if isinstance(term, BNode):
            return self.expression(term)
        text = html.escape(self.label(term))
        if str(term).startswith(str(CSTO)):
            return f'<a href="#{html.escape(local(term))}" title="{html.escape(self.qname(term))}">{text}</a>'
        if term in self.documented:
            return f'<a href="#{html.escape(anchor(self, term))}" title="{html.escape(self.qname(term))}">{text}</a>'
        return f'<a href="{html.escape(str(term))}">{html.escape(self.qname(term))}</a>'

    def expression(self, node) -> str:
        """A class expression in Manchester syntax, terms linked."""
        g = self.g
        if not isinstance(node, BNode):
            return self.link(node)
        prop = g.value(node, OWL.onProperty)
        if prop is not None:
            for key, word in ((OWL.hasValue, "value"), (OWL.someValuesFrom, "some"), (OWL.allValuesFrom, "only"),
                              (OWL.maxCardinality, "max"), (OWL.maxQualifiedCardinality, "max")):
                value = g.value(node, key)
                if value is not None:
                    inner = self.link(value) if key != OWL.someValuesFrom and key != OWL.allValuesFrom else self.expression(value)
                    return f"({self.link(prop)} <b>{word}</b> {inner})"
        for key, word in ((OWL.intersectionOf, "and"), (OWL.unionOf, "or")):
            head = g.value(node, key)
            if head is not None:
                return "(" + f" <b>{word}</b> ".join(self.expression(m) for m in Collection(g, head)) + ")"
        members = g.value(node, OWL.oneOf)
        if members is not None:
            return "{" + ", ".join(self.link(m) for m in Collection(g, members)) + "}"
        complement = g.value(node, OWL.complementOf)
        if complement is not None:
            return f"(<b>not</b> {self.expression(complement)})"
        return "<i>anonymous</i>"


def local(term) -> str:
    return str(term).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def anchor(r: _Renderer, term) -> str:
    """csto terms by local name (so IRI fragments work); reused terms by prefix-local."""
    if str(term).startswith(str(CSTO)):
        return local(term)
    return r.qname(term).replace(":", "-")


def render(graph: rdflib.Graph, built: set) -> str:
    r = _Renderer(graph, built)
    onto = URIRef(ONTOLOGY_IRI)
    title = graph.value(onto, DCTERMS.title) or graph.value(onto, RDFS.label) or "Ontology"
    sections = []
    for key, heading, kind in _KINDS:
        terms = sorted((t for t in graph.subjects(RDF.type, kind) if isinstance(t, URIRef)),
                       key=lambda t: (not str(t).startswith(str(CSTO)), r.label(t).lower()))
        sections.append((key, heading, terms))
    r.documented = {t for _, _, terms in sections for t in terms}
    r.gcis = gcis(r)

    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{html.escape(str(title))}</title>",
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<style>{_CSS}</style></head><body>",
           f"<h1>{html.escape(str(title))}</h1>"]
    meta = [("IRI", f'<span class="iri">{html.escape(ONTOLOGY_IRI)}</span>')]
    for p, name in ((OWL.versionIRI, "Version IRI"), (OWL.versionInfo, "Version"), (DCTERMS.license, "License")):
        v = graph.value(onto, p)
        if v is not None:
            meta.append((name, html.escape(str(v))))
    meta.append(("Profile", "OWL 2 RL"))
    out.append("<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in meta) + "</dl>")
    description = graph.value(onto, DCTERMS.description)
    if description:
        out.append(f"<p>{html.escape(str(description))}</p>")
    out.append("<p>Other formats: <code>GET /ontology</code> with <code>Accept: text/turtle</code>. "
               "Terms marked <span class=\"built\">written at build time</span> are defined from the "
               "facts (the member list, each status's requirements), so they follow the data.</p>")
    out.append("<nav><h2>Contents</h2><ul>")
    for key, heading, terms in sections:
        out.append(f'<li><a href="#{key}">{heading}</a> ({len(terms)})</li>')
    out.append('<li><a href="#general-axioms">General class axioms</a></li></ul></nav>')

    for key, heading, terms in sections:
        out.append(f'<section id="{key}"><h2>{heading}</h2><div class="toc">')
        out += [f'<a href="#{html.escape(anchor(r, t))}">{html.escape(r.label(t))}</a>' for t in terms]
        out.append("</div>")
        for t in terms:
            out.append(entry(r, t, heading))
        out.append("</section>")
    out.append(general_axioms(r))
    out.append("</body></html>")
    return "\n".join(out)


def entry(r: _Renderer, term, heading: str) -> str:
    g = r.g
    rows: list[tuple[str, str]] = []

    def add(name, values, render=r.expression):
        values = list(values)
        if values:
            rows.append((name, "<br>".join(render(v) + mark(r, term, v) for v in values)))

    for p, name in ((SKOS.definition, "Definition"), (RDFS.comment, "Comment"), (SKOS.altLabel, "Also called")):
        for v in g.objects(term, p):
            rows.append((name, html.escape(str(v))))
    kinds = [_CHARACTERISTICS[o] for o in g.objects(term, RDF.type) if o in _CHARACTERISTICS]
    if kinds:
        rows.append(("Characteristics", ", ".join(kinds)))
    add("Equivalent to", g.objects(term, OWL.equivalentClass))
    add("Subclass of", g.objects(term, RDFS.subClassOf))
    add("Superclass of", (s for s in g.subjects(RDFS.subClassOf, term) if isinstance(s, URIRef)))
    add("Disjoint with", set(g.objects(term, OWL.disjointWith)) | set(g.subjects(OWL.disjointWith, term)))
    add("Subproperty of", g.objects(term, RDFS.subPropertyOf))
    add("Inverse of", set(g.objects(term, OWL.inverseOf)) | set(g.subjects(OWL.inverseOf, term)))
    add("Disjoint with", set(g.objects(term, OWL.propertyDisjointWith)) | set(g.subjects(OWL.propertyDisjointWith, term)))
    add("Domain", g.objects(term, RDFS.domain))
    add("Range", g.objects(term, RDFS.range))
    types = [o for o in g.objects(term, RDF.type) if not str(o).startswith(str(OWL))]
    add("Type", types)
    if heading == "Classes":
        add("Instances", sorted((s for s in g.subjects(RDF.type, term) if isinstance(s, URIRef)), key=r.label))
    for p, o in sorted(g.predicate_objects(term)):
        if p in (r.documented & set(g.subjects(RDF.type, OWL.ObjectProperty))) or p in set(
                g.subjects(RDF.type, OWL.DatatypeProperty)):
            rows.append((r.link(p), r.link(o)))
    used = [text for text, mentioned_terms in r.gcis if term in mentioned_terms]
    if used:
        rows.append(("In general axioms", "<br>".join(used)))
    source = g.value(term, RDFS.isDefinedBy)
    if source is not None:
        rows.append(("Defined by", r.link(source)))
    badge = {"Classes": "class", "Object properties": "object property", "Data properties": "data property",
             "Annotation properties": "annotation property", "Named individuals": "individual"}[heading]
    return (f'<div class="term" id="{html.escape(anchor(r, term))}">'
            f'<h3><span class="kind">{badge}</span>{html.escape(r.label(term))}</h3>'
            f'<div class="iri">{html.escape(str(term))}</div>'
            "<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl></div>")


def mark(r: _Renderer, term, value) -> str:
    if any(t[0] == term and t[2] == value for t in r.built):
        return ' <span class="built">written at build time from the facts</span>'
    return ""


def gcis(r: _Renderer) -> list[tuple[str, set]]:
    """Axioms whose subject is a class expression, rendered, with the terms they mention."""
    g = r.g
    referenced = {o for o in g.objects() if isinstance(o, BNode)}
    out = []
    for s, p, o in g:
        if isinstance(s, BNode) and s not in referenced and p in (RDFS.subClassOf, OWL.equivalentClass):
            word = "SubClassOf" if p == RDFS.subClassOf else "EquivalentTo"
            out.append((f"{r.expression(s)} <b>{word}</b> {r.expression(o)}", mentioned(g, s) | mentioned(g, o)))
    return sorted(out, key=lambda x: x[0])


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


def general_axioms(r: _Renderer) -> str:
    """Axioms whose subject is a class expression: what makes a requirement met or failed."""
    items = [f"<li>{text}</li>" for text, _ in r.gcis]
    return ('<section id="general-axioms"><h2>General class axioms</h2>'
            "<p>Where a requirement is met or failed by a pattern of facts rather than a named class.</p>"
            f"<ul>{''.join(items)}</ul></section>")
