"""HermiT, Protégé's reasoner, over a Protégé bundle: the second opinion on owlrl's conclusions.

The bundle's imports are resolved the way Protégé resolves them: through catalog-v001.xml in
the opened file's folder, never the network. Each file is read (Turtle, by rdflib) and handed
to owlready2 as N-Triples under its ontology IRI, imported files first; owlready2 then runs its
bundled HermiT (Java) and writes back what HermiT entails: the types of the named individuals
and, with property values on, their object property assertions.
"""

from __future__ import annotations

import io
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib import URIRef

from csto_kg.graph.namespaces import OWL, RDF

CATALOG_NS = "urn:oasis:names:tc:entity:xmlns:xml:catalog"
_BUILTIN = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#",
            "http://www.w3.org/2002/07/owl#", "http://www.w3.org/2001/XMLSchema#")


class ImportError_(Exception):
    """An owl:imports the catalog does not map to an existing local file."""


def read_catalog(path: Path) -> dict[str, Path]:
    """IRI → local file of an OASIS XML catalog, relative paths taken from the catalog's folder."""
    path = Path(path)
    root = ET.parse(path).getroot()
    mapping: dict[str, Path] = {}
    for el in root.iter(f"{{{CATALOG_NS}}}uri"):
        mapping[el.attrib["name"]] = (path.parent / el.attrib["uri"]).resolve()
    return mapping


def ontology_iri(graph: rdflib.Graph) -> str:
    heads = [s for s in graph.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef)]
    if len(heads) != 1:
        raise ValueError(f"expected one owl:Ontology header, found {len(heads)}")
    return str(heads[0])


def import_closure(entry: Path, catalog: dict[str, Path] | None = None) -> list[tuple[str, Path, rdflib.Graph]]:
    """The files entry imports, directly or not, resolved through the catalog beside entry;
    imported files come before the files importing them. Raises ImportError_ on an import the
    catalog does not resolve to an existing file."""
    entry = Path(entry).resolve()
    if catalog is None:
        catalog = read_catalog(entry.parent / "catalog-v001.xml")
    order: list[tuple[str, Path, rdflib.Graph]] = []
    seen: set[Path] = set()

    def visit(path: Path, via: str):
        if path in seen:
            return
        seen.add(path)
        if not path.is_file():
            raise ImportError_(f"{via}: {path} does not exist")
        graph = rdflib.Graph().parse(path, format="turtle")
        iri = ontology_iri(graph)
        for imported in sorted(graph.objects(URIRef(iri), OWL.imports)):
            target = catalog.get(str(imported))
            if target is None:
                raise ImportError_(f"{path.name}: owl:imports <{imported}> is not in the catalog")
            visit(target, f"{path.name} imports <{imported}>")
        order.append((iri, path, graph))

    visit(entry, str(entry))
    return order


@dataclass
class HermitResult:
    """What HermiT entails about named individuals (asserted or inferred), as IRIs."""

    consistent: bool
    types: set[tuple[str, str]] = field(default_factory=set)        # (individual, class)
    relations: set[tuple[str, str, str]] = field(default_factory=set)  # (subject, property, object)
    seconds: float = 0.0
    message: str = ""


def run_hermit(files: list[tuple[str, Path, rdflib.Graph]] | Path) -> HermitResult:
    """Load the files (an import closure, or the entry file to resolve) into a fresh owlready2
    world and run HermiT with property values. An inconsistent ontology is a result, not an error."""
    import owlready2

    if isinstance(files, (str, Path)):
        files = import_closure(Path(files))
    world = owlready2.World()
    for iri, _, graph in files:
        data = graph.serialize(format="nt", encoding="utf-8")
        world.get_ontology(iri).load(fileobj=io.BytesIO(data), format="ntriples")
    start = time.perf_counter()
    try:
        owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError as e:
        return HermitResult(False, seconds=time.perf_counter() - start, message=str(e))
    seconds = time.perf_counter() - start
    result = HermitResult(True, seconds=seconds)
    for ind in world.individuals():
        for cls in ind.INDIRECT_is_a:
            if isinstance(cls, owlready2.ThingClass) and cls is not owlready2.Thing:
                result.types.add((ind.iri, cls.iri))
    # HermiT lists a property's instances without those of its sub-properties, and owlready2
    # stores what it lists: close under the (inferred) property hierarchy, inverses, symmetry.
    for prop in world.object_properties():
        supers = [q for q in prop.ancestors()
                  if isinstance(q, owlready2.ObjectPropertyClass) and not q.iri.startswith(str(OWL))]
        for s, o in prop.get_relations():
            if not (getattr(s, "iri", "") and getattr(o, "iri", "")):
                continue  # anonymous individuals, e.g. an owl:Axiom node with a misused property
            for q in supers:
                result.relations.add((s.iri, q.iri, o.iri))
                if q.inverse_property is not None:
                    result.relations.add((o.iri, q.inverse_property.iri, s.iri))
                if owlready2.SymmetricProperty in q.is_a:
                    result.relations.add((o.iri, q.iri, s.iri))
    return result


def owlrl_entailments(kg) -> HermitResult:
    """owlrl's view in HermitResult's terms: named-class memberships and object property
    assertions between named individuals, asserted or inferred, from a built graph."""
    from csto_kg.graph.namespaces import GRAPHS
    from csto_kg.graph.publish.export import OBJECT_PROPERTY, TYPE, Vocabulary, property_kind, triples_of

    graph = set().union(*(triples_of(kg, GRAPHS[name]) for name in
                          ("ontology", "asserted", "curated", "implied", "user", "linked", "inferred")))
    known = Vocabulary(graph)
    result = HermitResult(True)
    for s, p, o in graph:
        if p == TYPE:
            if known.is_individual(s) and o in known.classes and not o.value.startswith(str(OWL)):
                result.types.add((s.value, o.value))
        # a property the ontology does not declare counts as the bundle declares it
        elif not p.value.startswith(_BUILTIN) and property_kind(p, o, known) == OBJECT_PROPERTY \
                and known.is_individual(s) and known.is_individual(o):
            result.relations.add((s.value, p.value, o.value))
    return result
