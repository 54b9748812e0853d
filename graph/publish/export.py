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

import functools
import gc
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import starmap
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

from ..errors import OutputError
from ..namespaces import (
    ASSERTED,
    BUILTIN,
    CURATED,
    GRAPH_BASE,
    GRAPH_TITLES,
    IMPLIED,
    INFERRED,
    LINKED,
    ONTOLOGY,
    ONTOLOGY_IRI,
    PREFIXES,
    USER,
)
from ..reasoning.axioms import generated_axioms
from ..store import KnowledgeGraph
from ..terms import CSTO, DCTERMS, OWL, RDF, RDFS

INFERRED_BY = "csto-kg OWL 2 RL/RDF rules (owlrl's closure)"
CATALOG = "catalog-v001.xml"

TYPE, AXIOM, NAMED_INDIVIDUAL, CLASS, HAS_VALUE = (
    RDF.type, OWL.Axiom, OWL.NamedIndividual, OWL.Class, OWL.hasValue)
SOURCE, PROPERTY, TARGET, INFERRED_BY_PROPERTY = (
    OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget, CSTO.inferredBy)
OBJECT_PROPERTY, DATA_PROPERTY, ANNOTATION_PROPERTY, ONTOLOGY_CLASS = (
    OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.Ontology)
_ENTITY_TYPES = {
    CLASS: "class", RDFS.Datatype: "datatype",
    OBJECT_PROPERTY: "object", DATA_PROPERTY: "data", ANNOTATION_PROPERTY: "annotation",
    NAMED_INDIVIDUAL: "individual", ONTOLOGY_CLASS: "ontology",
}
# Types that make an IRI a property, so it is never an individual.
_PROPERTY_TYPES = frozenset((
    OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property, OWL.TransitiveProperty,
    OWL.SymmetricProperty, OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.AsymmetricProperty,
    OWL.ReflexiveProperty, OWL.IrreflexiveProperty))
_CLASS_TYPES = frozenset((OWL.Class, RDFS.Class, RDFS.Datatype, OWL.Restriction))
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


# The bundle's files besides csto.ttl, each titled "CSTO eligibility: " and its GRAPH_TITLES words.
_PARTS = ("curated", "asserted", "implied", "user", "linked", "generated", "inputs", "inferred", "merged")


def _title(name: str) -> str:
    return f"CSTO eligibility: {GRAPH_TITLES[name]}"


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
        with collector_paused():
            written = _write_bundle(kg, staging)
        for name in set(_PARTS) - set(written.files):
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


@contextmanager
def collector_paused():
    """The cyclic garbage collector off while the bundle is computed: it makes hundreds of thousands
    of tuples, none in a cycle, and each collection they set off walked every object the build
    holds too (the reasoner's), which took about 40% of the export's time at N = 1,600."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
    graphs = {name: triples_of(kg, iri) for name, iri in
              (("curated", CURATED), ("asserted", ASSERTED), ("implied", IMPLIED), ("user", USER),
               ("linked", LINKED))}
    generated = {q.triple for q in generated_axioms(kg.quads())}
    graphs["csto"] = triples_of(kg, ONTOLOGY) - {(t.subject, t.predicate, t.object) for t in generated}
    graphs["generated"] = {(t.subject, t.predicate, t.object) for t in generated}
    version = ontology_version(graphs["csto"])
    inputs = ["curated", "asserted"] + [n for n in ("implied", "user", "linked", "generated") if graphs[n]]
    known = Vocabulary(set().union(*graphs.values()))
    graphs["inferred"] = inferred_assertions(triples_of(kg, INFERRED), known)

    parts = bundle_parts(inputs)
    graphs["inputs"] = set()

    bundle = Bundle(out)
    by_iri = {part.iri: part.name for part in parts}
    closure_declared: dict[str, dict] = {}  # per part: what its file and its imports declare
    bodies: dict[str, set] = {}  # per part: its triples but its header, which merged.ttl repeats
    written: dict[str, bytes] = {}  # the same as Turtle statements
    # each in a blank node of its own, so no other file holds them: written and counted apart
    axioms = {"inferred": annotation_axioms(graphs["inferred"], INFERRED_BY_PROPERTY, ox.Literal(INFERRED_BY))}
    for part in parts:
        version_iri = f"{part.iri}/{version}"
        if part.name == "csto":
            graph = graphs["csto"]
            vi = value(graph, ox.NamedNode(ONTOLOGY_IRI), OWL.versionIRI)
            version_iri = vi.value if vi else f"{ONTOLOGY_IRI}/{version}"
            doc = ontology_document(graph, known, kinds(graph))
            closure_declared["csto"] = kinds(doc)
            bodies["csto"] = without_headers(doc)
            head = doc - bodies["csto"]
        elif part.name == "merged":
            # every other file's triples and declarations, under one header of its own
            head = header(part, version_iri, version, kg.key)
            doc = set().union(head, *bodies.values())
        else:
            visible = kinds(graphs[part.name])
            for imported in part.imports:
                merge_kinds(visible, closure_declared[by_iri[imported]])
            bodies[part.name] = data_document(graphs[part.name], known, visible)
            head = header(part, version_iri, version, kg.key)
            doc = bodies[part.name] | head
            closure_declared[part.name] = merge_kinds(visible, kinds(doc - graphs[part.name]))
        extra = sum(map(len, axioms.values())) if part.name == "merged" else len(axioms.get(part.name, ()))
        if part.name != "merged":
            written[part.name] = statements(bodies[part.name]) + serialized(axioms.get(part.name, ()))
        body = list(written.values()) if part.name == "merged" else [written[part.name]]
        bundle.files[part.name] = write_turtle([statements(head), *body], out / f"{part.name}.ttl",
                                               header_comment(part.name))
        bundle.triples[part.name] = len(doc) + extra
        bundle.iris[part.name] = part.iri
        bundle.version_iris[part.name] = version_iri

    (out / CATALOG).write_text(catalog_xml(bundle), encoding="utf-8")
    bundle.files["catalog"] = out / CATALOG
    return bundle


def bundle_parts(inputs: list[str]) -> list[Part]:
    """The files in the order written, each after those it imports; inputs: the input parts present."""
    parts = [Part("csto", ONTOLOGY_IRI, (), "")]
    parts.append(Part("curated", part_iri("curated"), (ONTOLOGY_IRI,), _title("curated")))
    parts.append(Part("asserted", part_iri("asserted"), (part_iri("curated"),), _title("asserted")))
    for name in inputs[2:]:
        parts.append(Part(name, part_iri(name), (part_iri("asserted"),), _title(name)))
    parts.append(Part("inputs", part_iri("inputs"), tuple(part_iri(n) for n in inputs), _title("inputs")))
    parts.append(Part("inferred", part_iri("inferred"), (part_iri("inputs"),), _title("inferred")))
    parts.append(Part("merged", part_iri("merged"), (), _title("merged")))
    return parts


def triples_of(kg: KnowledgeGraph, iri: str) -> set[tuple]:
    """One named graph's triples, as (subject, predicate, object) of Oxigraph terms."""
    return {(q.subject, q.predicate, q.object) for q in kg.quads(None, None, None, ox.NamedNode(iri))}


def value(triples, subject, predicate):
    return next((o for s, p, o in triples if s == subject and p == predicate), None)


def ontology_version(ontology: set) -> str:
    info = value(ontology, ox.NamedNode(ONTOLOGY_IRI), OWL.versionInfo)
    return info.value if info else "0"


class Vocabulary:
    """What the ontology and the inputs declare or use: classes, properties by kind, individuals."""

    def __init__(self, triples: set):
        self.declared = kinds(triples)
        typed: dict = {}
        for s, p, o in triples:
            if p == TYPE and isinstance(s, ox.NamedNode):
                typed.setdefault(o, set()).add(s)
        self.classes = set().union(*(typed.get(t, ()) for t in _CLASS_TYPES))
        self.properties = set().union(*(typed.get(t, ()) for t in _PROPERTY_TYPES))
        self.object_properties = typed.get(OBJECT_PROPERTY, set())
        self.data_properties = typed.get(DATA_PROPERTY, set())
        self.annotation_properties = typed.get(ANNOTATION_PROPERTY, set())
        self.ontologies = typed.get(ONTOLOGY_CLASS, set())

    def is_schema(self, term) -> bool:
        return term in self.classes or term in self.properties or term in self.ontologies or builtin(term)

    def is_individual(self, term) -> bool:
        return isinstance(term, ox.NamedNode) and not self.is_schema(term)


def kinds(triples) -> dict[ox.NamedNode, set[str]]:
    """What the triples declare each IRI to be: class, object, data, annotation, individual, ..."""
    out: dict[ox.NamedNode, set[str]] = {}
    for s, o in {(s, o) for s, p, o in triples if p == TYPE and o in _ENTITY_TYPES}:
        if isinstance(s, ox.NamedNode):
            out.setdefault(s, set()).add(_ENTITY_TYPES[o])
    return out


def merge_kinds(into: dict, other: dict) -> dict:
    for term, ks in other.items():
        into.setdefault(term, set()).update(ks)
    return into


@functools.lru_cache(maxsize=1 << 16)  # asked for every term of every triple written
def builtin(term) -> bool:
    return isinstance(term, ox.NamedNode) and term.value.startswith(BUILTIN)


def inferred_assertions(inferred: set, known: Vocabulary) -> set:
    """The inferences a person reads: memberships in named classes, object property assertions
    between named individuals (annotation_axioms marks each as inferred). Schema entailments
    (owl:Thing ranges, subclass closure) and anything about blank nodes or literals are left out."""
    individuals = {t for t in {x for s, p, o in inferred for x in (s, o)} if known.is_individual(t)}
    classes = {c for c in known.classes if isinstance(c, ox.NamedNode) and not builtin(c)}
    return {(s, p, o) for s, p, o in inferred if s in individuals and
            (o in classes if p == TYPE else p in known.object_properties and o in individuals)}


def annotation_axioms(triples, prop, annotation) -> list:
    """An owl:Axiom for each triple, annotated prop annotation; each axiom's triples together."""
    out: list = []
    for s, p, o in triples:
        axiom = ox.BlankNode()
        out += ((axiom, TYPE, AXIOM), (axiom, SOURCE, s), (axiom, PROPERTY, p), (axiom, TARGET, o),
                (axiom, prop, annotation))
    return out


def declarations(triples: set, known: Vocabulary, visible: dict) -> set:
    """Declarations for the entities the triples use: individuals, and any class or property the
    ontology does not declare (a property with literal values becomes an annotation property,
    which no reasoner interprets: user data may carry xsd:date values HermiT refuses).
    visible: what the file and its imports already declare; known: what the whole build declares.
    Each term used is gathered into a set and checked once, not once per triple."""
    axiom_nodes = {s for s, p, o in triples if p == TYPE and o == AXIOM}
    facts = [t for t in triples if t[0] not in axiom_nodes] if axiom_nodes else triples
    types = {(s, o) for s, p, o in facts if p == TYPE}
    type_objects = {o for s, o in types}
    out = {(o, TYPE, CLASS) for o in type_objects
           if isinstance(o, ox.NamedNode) and not builtin(o) and "class" not in visible.get(o, ())}
    typing = {o for o in type_objects if not builtin(o) or o == NAMED_INDIVIDUAL}
    used = {s for s, o in types if o in typing}
    used.update(x for s, p, o in facts if p in _INDIVIDUAL_LINKS for x in (s, o))
    used.update(o for s, p, o in facts if p == HAS_VALUE)
    properties = {p for s, p, o in facts if not builtin(p)}
    undeclared = {p for p in properties if declared_kind(p, known) is None}
    kinds_used = {(p, declared_kind(p, known)) for p in properties - undeclared}
    kinds_used.update({(p, property_kind(p, o, known)) for s, p, o in facts if p in undeclared})
    out.update((p, TYPE, kind) for p, kind in kinds_used if p not in visible)
    # is_individual below keeps only the IRIs that are not schema, as the subjects and values
    # of an object property must be to be declared individuals
    object_properties = {p for p, kind in kinds_used if kind == OBJECT_PROPERTY}
    used.update({s for s, p, o in facts if p in properties}, {o for s, p, o in facts if p in object_properties})
    out.update((t, TYPE, NAMED_INDIVIDUAL) for t in used
               if known.is_individual(t) and "individual" not in visible.get(t, ()))
    return out


def declared_kind(p, known: Vocabulary) -> ox.NamedNode | None:
    """The kind the build declares p to be, if it declares one."""
    for kind, members in ((OBJECT_PROPERTY, known.object_properties), (DATA_PROPERTY, known.data_properties),
                          (ANNOTATION_PROPERTY, known.annotation_properties)):
        if p in members:
            return kind
    return None


def property_kind(p, value, known: Vocabulary) -> ox.NamedNode:
    """The kind the build declares p to be; an undeclared one is an object property if its
    value is an IRI, else an annotation property."""
    kind = declared_kind(p, known)
    if kind is not None:
        return kind
    return OBJECT_PROPERTY if isinstance(value, (ox.NamedNode, ox.BlankNode)) and not builtin(value) \
        else ANNOTATION_PROPERTY


def ontology_document(triples: set, known: Vocabulary, visible: dict) -> set:
    return triples | declarations(triples, known, visible)


def data_document(triples: set, known: Vocabulary, visible: dict) -> set:
    """A data graph's triples for its file, less any header of its own, with its declarations
    (its own header is header()'s)."""
    doc = without_headers(triples)
    return doc | declarations(doc, known, visible)


def without_headers(triples: set) -> set:
    """The triples less those about an ontology (its header)."""
    headers = {s for s, p, o in triples if p == TYPE and o == ONTOLOGY_CLASS}
    return {t for t in triples if t[0] not in headers} if headers else triples


def header(part: Part, version_iri: str, version: str, key: str) -> set:
    """A file's owl:Ontology header: its IRI, version, title, the build it comes from, its imports."""
    iri = ox.NamedNode(part.iri)
    doc = {(iri, TYPE, ONTOLOGY_CLASS), (iri, OWL.versionIRI, ox.NamedNode(version_iri)),
           (iri, OWL.versionInfo, ox.Literal(version)),
           (iri, DCTERMS.title, ox.Literal(part.title, language="en"))}
    if key:
        doc.add((iri, RDFS.comment, ox.Literal(f"Exported from csto-kg build {key}.", language="en")))
    for imported in part.imports:
        doc.add((iri, OWL.imports, ox.NamedNode(imported)))
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
    text = lines.get(name) or (_title(name) if name in _PARTS else "")
    return f"# {text}\n# Written by csto-kg (graph/publish/export.py); imports resolve through {CATALOG}.\n\n"


def statements(triples: set) -> bytes:
    """Turtle statements by Oxigraph's serializer (rdflib's pretty one took most of the export's
    time), with csto-kg's prefixes, which write_turtle declares once: each subject's triples
    together, named subjects first, in order."""
    # a sort is stable, so each subject's triples stay together; "<iri>" sorts before "_:blank"
    return serialized(sorted(triples, key=_subject_key))


def serialized(triples) -> bytes:
    """statements() of triples in the order given."""
    text = ox.serialize(starmap(ox.Triple, triples), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return text[len(_PROLOGUE):] if text.startswith(_PROLOGUE) else text


def _subject_key(triple) -> str:
    return str(triple[0])


def _prologue() -> bytes:
    """The @prefix lines Oxigraph writes before the statements."""
    sample = ox.serialize([ox.Triple(ox.NamedNode(ONTOLOGY_IRI), TYPE, ONTOLOGY_CLASS)], format=ox.RdfFormat.TURTLE,
                          prefixes=PREFIXES)
    return sample[:sample.rindex(b"\n", 0, len(sample) - 1) + 1]


_PROLOGUE = _prologue()


def write_turtle(chunks: list[bytes], path: Path, comment: str) -> Path:
    """A Turtle file: the comment, the prefixes, then the statements (statements()) in order."""
    with path.open("wb") as out:
        out.write(comment.encode("utf-8") + _PROLOGUE)
        for chunk in chunks:
            out.write(chunk)
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
