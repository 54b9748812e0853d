"""Export: a built graph as a Protégé bundle of Turtle ontologies that import each other offline.

    csto.ttl        the ontology as written by hand: every term declared, labelled, defined
    curated.ttl     the project's identifiers and reference data (types, labels, ISO codes, Wikidata and
                    DBpedia links), none of them in the article; imports csto
    asserted.ttl    the facts the article states, each triple annotated with its fact and quote; imports
                    curated (the graph keeps its first name; its facts are the stated ones)
    implied.ttl     the facts the article implies (absent with --no-implied); imports asserted
    user.ttl        the user's --data files, if any; imports asserted
    linked.ttl      open-data facts from `csto-kg link`, if any; imports asserted
    generated.ttl   the axioms this build wrote from the facts (graph/reasoning/axioms.py): the member-dependent
                    classes and each status's eligibility class; imports asserted
    inputs.ttl      no axioms of its own: imports every input above. Open it and run HermiT.
    inferred.ttl    what the OWL 2 RL rules entail and no input asserts: memberships in named classes and
                    property assertions between named individuals, each annotated
                    `csto:inferredBy` naming the reasoner; imports inputs
    merged.ttl      all of the above in one ontology, for tools that do not follow imports
    catalog-v001.xml  maps every ontology IRI and version IRI above to its file, so Protégé
                    resolves owl:imports with no network (docs/decisions/0006)

Every file has its owl:Ontology header with a version IRI, and declares the entities it uses
that its imports do not (owl:NamedIndividual, owl:Class, properties), so Protégé does not
report "entity not properly recognized".
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef

from ..bridge import to_rdflib
from ..errors import OutputError
from ..namespaces import (
    ASSERTED,
    BUILTIN,
    CSTO,
    CURATED,
    GRAPH_BASE,
    IMPLIED,
    INFERRED,
    LINKED,
    ONTOLOGY,
    ONTOLOGY_IRI,
    OWL,
    RDF,
    RDFS,
    USER,
    bind_prefixes,
)
from ..reasoning.axioms import generated_axioms
from ..store import KnowledgeGraph

INFERRED_BY = "csto-kg OWL 2 RL/RDF rules (owlrl's closure)"
CATALOG = "catalog-v001.xml"

_ENTITY_TYPES = {
    OWL.Class: "class", RDFS.Datatype: "datatype",
    OWL.ObjectProperty: "object", OWL.DatatypeProperty: "data", OWL.AnnotationProperty: "annotation",
    OWL.NamedIndividual: "individual", OWL.Ontology: "ontology",
}
# Types that make an IRI a property, so it is never an individual.
_PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property,
                   OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.FunctionalProperty,
                   OWL.InverseFunctionalProperty, OWL.AsymmetricProperty, OWL.ReflexiveProperty,
                   OWL.IrreflexiveProperty)
_CLASS_TYPES = (OWL.Class, RDFS.Class, RDFS.Datatype, OWL.Restriction)
# Triples of the RDF/OWL vocabulary whose IRI objects are individuals.
_INDIVIDUAL_LINKS = (OWL.sameAs, OWL.differentFrom)


@dataclass(frozen=True)
class Part:
    """One file of the bundle: its name, the build graph it comes from, what it imports."""

    name: str
    iri: str
    imports: tuple[str, ...]
    title: str


@dataclass
class Bundle:
    """What export_bundle wrote: the folder, each file by part name, triples per file."""

    out_dir: Path
    files: dict[str, Path] = field(default_factory=dict)
    triples: dict[str, int] = field(default_factory=dict)
    iris: dict[str, str] = field(default_factory=dict)
    version_iris: dict[str, str] = field(default_factory=dict)

    @property
    def catalog(self) -> Path:
        return self.out_dir / CATALOG


def part_iri(name: str) -> str:
    return ONTOLOGY_IRI if name == "csto" else GRAPH_BASE + name


_TITLES = {
    "curated": "CSTO eligibility: identifiers and reference data the project curates (not in the article)",
    "asserted": "CSTO eligibility: the facts the article states",
    "implied": "CSTO eligibility: the facts the article implies",
    "user": "CSTO eligibility: the user's data",
    "linked": "CSTO eligibility: facts linked from open data",
    "generated": "CSTO eligibility: the axioms this build wrote from the facts (members, requirement lists)",
    "inputs": "CSTO eligibility: every input of the build (open this and run HermiT)",
    "inferred": "CSTO eligibility: what the OWL 2 RL rules infer",
    "merged": "CSTO eligibility: ontology, facts and inferences in one file",
}


def export_bundle(kg: KnowledgeGraph, out_dir, *, force: bool = False) -> Bundle:
    """Write the Protégé bundle of a built graph into out_dir (created if missing).

    The files are written to a staging folder first and moved in only when all are written,
    so a failure leaves the previous bundle as it was; parts of a previous bundle that this
    build does not have (say user.ttl) are removed, so the folder never mixes two builds.
    A folder of other files is refused unless force (check_out_folder).
    Returns a Bundle naming each file written; the files are Turtle, the catalog XML.
    """
    out = Path(out_dir)
    check_out_folder(out, force=force)
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    except OSError as e:
        raise OutputError(f"{out}: cannot make the folder: {e.strerror or e}") from None
    try:
        written = _write_bundle(kg, staging)
        for name in set(_TITLES) - set(written.files):
            (out / f"{name}.ttl").unlink(missing_ok=True)
        bundle = Bundle(out, triples=written.triples, iris=written.iris, version_iris=written.version_iris)
        for name, path in written.files.items():
            os.replace(path, out / path.name)
            bundle.files[name] = out / path.name
        return bundle
    except OSError as e:
        raise OutputError(f"{out}: cannot write the bundle: {e.strerror or e}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def check_out_folder(out: Path, *, force: bool = False) -> None:
    """Refuse a folder that holds files but no bundle of csto-kg's: writing there would replace
    someone's own files (a merged.ttl) without a word. A previous bundle is replaced."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: not a folder; --out takes a folder")
    if force or not out.is_dir() or _holds_a_bundle(out) or not any(out.iterdir()):
        return
    raise OutputError(f"{out}: the folder holds files and no csto-kg bundle, which could be "
                      "overwritten; choose an empty or new folder, or give --force to write there anyway")


def _holds_a_bundle(out: Path) -> bool:
    try:
        return ONTOLOGY_IRI in (out / CATALOG).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def _write_bundle(kg: KnowledgeGraph, out: Path) -> Bundle:
    graphs = {name: graph_of(kg, iri) for name, iri in
              (("curated", CURATED), ("asserted", ASSERTED), ("implied", IMPLIED), ("user", USER),
               ("linked", LINKED))}
    generated = set(generated_axioms(kg.quads()))
    ontology = kg.quads(None, None, None, ox.NamedNode(ONTOLOGY))
    graphs["csto"] = to_rdflib(q for q in ontology if q not in generated)
    graphs["generated"] = to_rdflib(generated)
    version = ontology_version(graphs["csto"])
    inputs = ["curated", "asserted"] + [n for n in ("implied", "user", "linked", "generated") if len(graphs[n])]
    union = rdflib.Graph()
    for g in graphs.values():
        union += g
    known = Vocabulary(union)
    graphs["inferred"] = inferred_assertions(graph_of(kg, INFERRED), known)

    parts = [Part("csto", ONTOLOGY_IRI, (), "")]
    parts.append(Part("curated", part_iri("curated"), (ONTOLOGY_IRI,), _TITLES["curated"]))
    parts.append(Part("asserted", part_iri("asserted"), (part_iri("curated"),), _TITLES["asserted"]))
    for name in inputs[2:]:
        parts.append(Part(name, part_iri(name), (part_iri("asserted"),), _TITLES[name]))
    parts.append(Part("inputs", part_iri("inputs"), tuple(part_iri(n) for n in inputs), _TITLES["inputs"]))
    graphs["inputs"] = rdflib.Graph()
    parts.append(Part("inferred", part_iri("inferred"), (part_iri("inputs"),), _TITLES["inferred"]))
    merged = rdflib.Graph()
    for name in ("csto", *inputs, "inferred"):
        merged += graphs[name]
    graphs["merged"] = merged
    parts.append(Part("merged", part_iri("merged"), (), _TITLES["merged"]))

    bundle = Bundle(out)
    by_iri = {part.iri: part.name for part in parts}
    closure_declared: dict[str, dict] = {}  # per part: what its file and its imports declare
    for part in parts:
        graph = graphs[part.name]
        visible = kinds(graph)
        for imported in part.imports:
            merge_kinds(visible, closure_declared[by_iri[imported]])
        if part.name == "csto":
            vi = graph.value(URIRef(ONTOLOGY_IRI), OWL.versionIRI)
            version_iri = str(vi) if vi else f"{ONTOLOGY_IRI}/{version}"
            doc = ontology_document(graph, known, visible)
        else:
            version_iri = f"{part.iri}/{version}"
            doc = data_document(graph, part, version_iri, version, known, visible, kg.key)
        closure_declared[part.name] = merge_kinds(visible, kinds(doc))
        bundle.files[part.name] = write_turtle(doc, out / f"{part.name}.ttl", header_comment(part.name))
        bundle.triples[part.name] = len(doc)
        bundle.iris[part.name] = part.iri
        bundle.version_iris[part.name] = version_iri

    (out / CATALOG).write_text(catalog_xml(bundle), encoding="utf-8")
    bundle.files["catalog"] = out / CATALOG
    return bundle


def graph_of(kg: KnowledgeGraph, iri: str) -> rdflib.Graph:
    return kg.rdflib_graph(iri)


def ontology_version(ontology: rdflib.Graph) -> str:
    info = ontology.value(URIRef(ONTOLOGY_IRI), OWL.versionInfo)
    return str(info) if info else "0"


class Vocabulary:
    """What the ontology and the inputs declare or use: classes, properties by kind, individuals."""

    def __init__(self, graph: rdflib.Graph):
        self.declared = kinds(graph)
        self.classes = {s for t in _CLASS_TYPES for s in graph.subjects(RDF.type, t) if isinstance(s, URIRef)}
        self.properties = {s for t in _PROPERTY_TYPES for s in graph.subjects(RDF.type, t) if isinstance(s, URIRef)}
        self.object_properties = set(graph.subjects(RDF.type, OWL.ObjectProperty))
        self.data_properties = set(graph.subjects(RDF.type, OWL.DatatypeProperty))
        self.annotation_properties = set(graph.subjects(RDF.type, OWL.AnnotationProperty))
        self.ontologies = set(graph.subjects(RDF.type, OWL.Ontology))

    def is_schema(self, term) -> bool:
        return term in self.classes or term in self.properties or term in self.ontologies or builtin(term)

    def is_individual(self, term) -> bool:
        return isinstance(term, URIRef) and not self.is_schema(term)


def kinds(graph: rdflib.Graph) -> dict[URIRef, set[str]]:
    """What graph declares each IRI to be: class, object, data, annotation, individual, ..."""
    out: dict[URIRef, set[str]] = {}
    for s, o in graph.subject_objects(RDF.type):
        if isinstance(s, URIRef) and o in _ENTITY_TYPES:
            out.setdefault(s, set()).add(_ENTITY_TYPES[o])
    return out


def merge_kinds(into: dict, other: dict) -> dict:
    for term, ks in other.items():
        into.setdefault(term, set()).update(ks)
    return into


def builtin(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(BUILTIN)


def inferred_assertions(inferred: rdflib.Graph, known: Vocabulary) -> rdflib.Graph:
    """The inferences a person reads: memberships in named classes, object property assertions
    between named individuals, each annotated as inferred. Schema entailments (owl:Thing
    ranges, subclass closure) and anything about blank nodes or literals are left out."""
    out = rdflib.Graph()
    for s, p, o in sorted(inferred):
        if not known.is_individual(s):
            continue
        if p == RDF.type:
            keep = isinstance(o, URIRef) and o in known.classes and not builtin(o)
        else:
            keep = p in known.object_properties and known.is_individual(o)
        if keep:
            out.add((s, p, o))
            annotate(out, (s, p, o), CSTO.inferredBy, Literal(INFERRED_BY))
    return out


def annotate(graph: rdflib.Graph, triple, prop, value) -> None:
    axiom = BNode()
    s, p, o = triple
    graph.add((axiom, RDF.type, OWL.Axiom))
    graph.add((axiom, OWL.annotatedSource, s))
    graph.add((axiom, OWL.annotatedProperty, p))
    graph.add((axiom, OWL.annotatedTarget, o))
    graph.add((axiom, prop, value))


def declarations(graph: rdflib.Graph, known: Vocabulary, visible: dict) -> rdflib.Graph:
    """Declarations for the entities graph uses: individuals, and any class or property the
    ontology does not declare (a property with literal values becomes an annotation property,
    which no reasoner interprets: user data may carry xsd:date values HermiT refuses).
    visible: what the file and its imports already declare; known: what the whole build declares."""
    out = rdflib.Graph()
    axiom_nodes = set(graph.subjects(RDF.type, OWL.Axiom))

    def individual(term):
        if known.is_individual(term) and "individual" not in visible.get(term, ()):
            out.add((term, RDF.type, OWL.NamedIndividual))

    for s, p, o in graph:
        if s in axiom_nodes:
            continue
        if p == RDF.type:
            if isinstance(o, URIRef) and not builtin(o) and "class" not in visible.get(o, ()):
                out.add((o, RDF.type, OWL.Class))
            if not builtin(o) or o == OWL.NamedIndividual:
                individual(s)
            continue
        if p in _INDIVIDUAL_LINKS:
            individual(s), individual(o)
            continue
        if p == OWL.hasValue and isinstance(o, URIRef):
            individual(o)
            continue
        if builtin(p):
            continue
        kind = property_kind(p, o, known)
        if p not in visible:
            out.add((p, RDF.type, kind))
        if not known.is_schema(s):
            individual(s)
        if kind == OWL.ObjectProperty:
            individual(o)
    return out


def property_kind(p, value, known: Vocabulary) -> URIRef:
    """The kind the build declares p to be; an undeclared one is an object property if its
    value is an IRI, else an annotation property."""
    for kind, members in ((OWL.ObjectProperty, known.object_properties), (OWL.DatatypeProperty, known.data_properties),
                          (OWL.AnnotationProperty, known.annotation_properties)):
        if p in members:
            return kind
    return OWL.ObjectProperty if isinstance(value, (URIRef, BNode)) and not builtin(value) else OWL.AnnotationProperty


def ontology_document(graph: rdflib.Graph, known: Vocabulary, visible: dict) -> rdflib.Graph:
    doc = bind_prefixes(rdflib.Graph())
    doc += graph
    doc += declarations(graph, known, visible)
    return doc


def data_document(graph, part: Part, version_iri: str, version: str, known: Vocabulary, visible: dict,
                  key: str) -> rdflib.Graph:
    """A data graph as an ontology: its header (any header of its own dropped), its imports,
    its triples, its declarations."""
    doc = bind_prefixes(rdflib.Graph())
    headers = set(graph.subjects(RDF.type, OWL.Ontology))
    for t in graph:
        if t[0] not in headers:
            doc.add(t)
    doc += declarations(doc, known, visible)
    iri = URIRef(part.iri)
    doc.add((iri, RDF.type, OWL.Ontology))
    doc.add((iri, OWL.versionIRI, URIRef(version_iri)))
    doc.add((iri, OWL.versionInfo, Literal(version)))
    doc.add((iri, rdflib.namespace.DCTERMS.title, Literal(part.title, lang="en")))
    if key:
        doc.add((iri, RDFS.comment, Literal(f"Exported from csto-kg build {key}.", lang="en")))
    for imported in part.imports:
        doc.add((iri, OWL.imports, URIRef(imported)))
    return doc


def header_comment(name: str) -> str:
    lines = {
        "csto": "The CSTO eligibility ontology, as written by hand (generated.ttl adds what the facts define).",
        "generated": "Written from this build's facts by graph/reasoning/axioms.py: the member-dependent classes and\n"
                     "# the eligibility classes, one intersection over each status's requirements.",
        "inputs": "Imports every input of the build. Open this file in Protégé and run HermiT.",
        "inferred": "Inferred assertions, each annotated csto:inferredBy with the reasoner that entailed it.",
        "merged": "Ontology, inputs and inferred assertions (annotated csto:inferredBy) in one file.",
    }
    text = lines.get(name, _TITLES.get(name, ""))
    return f"# {text}\n# Written by csto-kg (graph/publish/export.py); imports resolve through {CATALOG}.\n\n"


def write_turtle(graph: rdflib.Graph, path: Path, comment: str) -> Path:
    text = graph.serialize(format="turtle")
    path.write_text(comment + text, encoding="utf-8")
    return path


def catalog_xml(bundle: Bundle) -> str:
    """An OASIS XML catalog with relative paths, the form Protégé reads (catalog-v001.xml)."""
    rows = []
    for name, path in bundle.files.items():
        if name == "catalog":
            continue
        for iri in (bundle.iris[name], bundle.version_iris[name]):
            rows.append(f'    <uri id="csto-kg {name}" name={quoteattr(iri)} uri={quoteattr(path.name)}/>')
    body = "\n".join(rows)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
            '<catalog prefer="public" xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">\n'
            f"{body}\n</catalog>\n")
