"""The Protégé bundle: Turtle ontologies with headers, imports resolved offline by the catalog,
declarations for every entity, and inferred assertions told apart from asserted ones."""

import gc
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import rdflib
from hermit import CATALOG_NS, ImportError_, import_closure, read_catalog
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS

from csto_kg.graph.build import build
from csto_kg.graph.errors import OutputError
from csto_kg.graph.namespaces import CSTO, GRAPH_BASE, GRAPHS, KG, OWL, RDF, RDFS
from csto_kg.graph.publish.export import INFERRED_BY, export_bundle

XSD_NS = "http://www.w3.org/2001/XMLSchema#"

NOT_OWL2_DATATYPES = {URIRef(XSD_NS + n) for n in ("date", "gYearMonth", "gYear")}
PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def kg():
    return build(linked=False, cache=False)


@pytest.fixture(scope="module")
def bundle(kg, tmp_path_factory):
    return export_bundle(kg, tmp_path_factory.mktemp("bundle"))


@pytest.fixture(scope="module")
def graphs(bundle):
    return {name: rdflib.Graph().parse(path, format="turtle")
            for name, path in bundle.files.items() if path.suffix == ".ttl"}


def test_bundle_has_the_expected_turtle_files(bundle):
    names = {p.name for p in bundle.out_dir.iterdir()}
    assert {"csto.ttl", "curated.ttl", "asserted.ttl", "implied.ttl", "inputs.ttl", "inferred.ttl", "merged.ttl",
            "catalog-v001.xml"} <= names
    assert "user.ttl" not in names


def test_every_file_has_one_ontology_header_with_a_version_iri(graphs, bundle):
    for name, g in graphs.items():
        heads = list(g.subjects(RDF.type, OWL.Ontology))
        assert heads == [URIRef(bundle.iris[name])], name
        assert g.value(heads[0], OWL.versionIRI) == URIRef(bundle.version_iris[name]), name


def test_catalog_is_well_formed_and_maps_every_import_to_a_local_file(bundle, graphs):
    root = ET.parse(bundle.catalog).getroot()
    assert root.tag == f"{{{CATALOG_NS}}}catalog"
    entries = root.findall(f"{{{CATALOG_NS}}}uri")
    assert entries and all(not Path(e.attrib["uri"]).is_absolute() for e in entries)
    catalog = read_catalog(bundle.catalog)
    imports = {o for g in graphs.values() for o in g.objects(None, OWL.imports)}
    assert imports
    for iri in imports:
        assert str(iri) in catalog, f"owl:imports <{iri}> is not in the catalog"
        target = catalog[str(iri)]
        assert target.is_file() and target.parent == bundle.out_dir.resolve()
        # the file the catalog names is the ontology imported (by IRI or version IRI)
        imported = rdflib.Graph().parse(target, format="turtle")
        head = next(imported.subjects(RDF.type, OWL.Ontology))
        assert iri in {head, imported.value(head, OWL.versionIRI)}
    for name in graphs:
        assert catalog[bundle.iris[name]] == bundle.files[name].resolve()
        assert catalog[bundle.version_iris[name]] == bundle.files[name].resolve()


def test_import_chain_reaches_every_input_from_inputs_and_inferred(bundle):
    closure = [p.name for _, p, _ in import_closure(bundle.files["inferred"])]
    assert closure == ["csto.ttl", "curated.ttl", "asserted.ttl", "generated.ttl", "implied.ttl", "inputs.ttl",
                       "inferred.ttl"]
    assert [p.name for _, p, _ in import_closure(bundle.files["asserted"])] == ["csto.ttl", "curated.ttl",
                                                                                "asserted.ttl"]


def test_an_import_the_catalog_does_not_map_is_reported(bundle, tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("<https://example.org/o> a <http://www.w3.org/2002/07/owl#Ontology> ;"
                      " <http://www.w3.org/2002/07/owl#imports> <https://example.org/elsewhere> .\n")
    with pytest.raises(ImportError_, match="elsewhere"):
        import_closure(broken, read_catalog(bundle.catalog))


def test_generated_module_carries_the_axioms_written_from_the_facts(graphs):
    g, plain = graphs["generated"], graphs["csto"]
    for cls, prop in ((CSTO.DiplomaticRelationsWithAllMembers, CSTO.hasDiplomaticRelationsWith),
                      (CSTO.ConsentOfAllMembers, CSTO.consentGivenBy)):
        (eq,) = list(g.objects(cls, OWL.equivalentClass))
        members = rdflib.collection.Collection(g, g.value(eq, OWL.intersectionOf))
        values = {g.value(r, OWL.hasValue) for r in members if g.value(r, OWL.onProperty) == prop}
        assert values == {KG[m] for m in ("Armenia", "Belarus", "Kazakhstan", "Kyrgyzstan", "Russia", "Tajikistan")}
        assert not list(plain.objects(cls, OWL.equivalentClass)), "csto.ttl is the hand-written ontology"
    (eq,) = list(g.objects(CSTO.EligibleForObserverStatus, OWL.equivalentClass))
    parts = list(rdflib.collection.Collection(g, g.value(eq, OWL.intersectionOf)))
    assert CSTO.Candidate in parts
    assert {g.value(r, OWL.hasValue) for r in parts if g.value(r, OWL.onProperty) == CSTO.meets} == {
        CSTO[r + "Requirement"] for r in ("StateOrOrganization", "NonMembership", "UNMembership", "NoConflict",
                                          "DiplomaticRelations", "Consensus", "StudyInterest")}
    assert (URIRef(GRAPH_BASE + "generated"), OWL.imports, URIRef(GRAPH_BASE + "asserted")) in g
    assert (CSTO.EligibleForObserverStatus, RDFS.label, None) in plain


def test_merged_file_declares_every_entity_it_uses(graphs):
    g = graphs["merged"]
    builtin = (str(RDF), str(RDFS), str(OWL), XSD_NS)
    axioms = set(g.subjects(RDF.type, OWL.Axiom))
    kinds = {}
    for s, o in g.subject_objects(RDF.type):
        kinds.setdefault(s, set()).add(o)
    for s, p, o in g:
        if s in axioms:
            continue
        if not str(p).startswith(builtin):
            assert kinds.get(p, set()) & set(PROPERTY_KINDS), f"undeclared property {p}"
        if p == RDF.type and isinstance(o, URIRef) and not str(o).startswith(builtin):
            assert OWL.Class in kinds.get(o, set()), f"undeclared class {o}"
            assert OWL.NamedIndividual in kinds.get(s, set()), f"undeclared individual {s}"
        if OWL.ObjectProperty in kinds.get(p, set()) and isinstance(s, URIRef):
            assert OWL.NamedIndividual in kinds[s] and OWL.NamedIndividual in kinds[o], (s, p, o)


def test_dates_are_only_annotation_values(graphs):
    """HermiT refuses xsd:date, gYearMonth, gYear as data property values (docs/decisions/0005)."""
    g = graphs["merged"]
    axioms = set(g.subjects(RDF.type, OWL.Axiom))  # their owl:annotatedTarget repeats the value
    dated = [(s, p) for s, p, o in g
             if isinstance(o, Literal) and o.datatype in NOT_OWL2_DATATYPES and s not in axioms]
    assert dated, "the article's statements carry dates"
    for _s, p in dated:
        assert (p, RDF.type, OWL.AnnotationProperty) in g, p


def axiom_annotations(g, prop):
    out = {}
    for ax in g.subjects(RDF.type, OWL.Axiom):
        t = (g.value(ax, OWL.annotatedSource), g.value(ax, OWL.annotatedProperty), g.value(ax, OWL.annotatedTarget))
        for v in g.objects(ax, prop):
            out.setdefault(t, set()).add(v)
    return out


def content(g):
    axioms = set(g.subjects(RDF.type, OWL.Axiom))
    heads = set(g.subjects(RDF.type, OWL.Ontology))
    return {t for t in g if t[0] not in axioms | heads and not (t[1] == RDF.type and t[2] == OWL.NamedIndividual)}


def test_every_inferred_assertion_is_marked_new_and_named(graphs, kg):
    inferred = graphs["inferred"]
    marks = axiom_annotations(inferred, CSTO.inferredBy)
    triples = content(inferred)
    assert (KG.Azerbaijan, CSTO.ineligibleFor, CSTO.ObserverStatus) in triples
    assert (KG.Azerbaijan, RDF.type, CSTO.IneligibleForObserverStatus) in triples
    inputs = rdflib.Graph()
    for name in ("csto", "curated", "asserted", "implied"):
        inputs += graphs[name]
    for t in triples:
        assert marks.get(t) == {Literal(INFERRED_BY)}, t
        assert t not in inputs, f"asserted, not new: {t}"
        assert not any(isinstance(x, (BNode, Literal)) for x in t), t
        assert t[1] == RDF.type or (t[1], RDF.type, OWL.ObjectProperty) in inputs, t
        assert t[1] != RDF.type or (t[2], RDF.type, OWL.Class) in inputs, t
    assert set(marks) == triples


def test_asserted_facts_keep_their_quotes_and_are_not_marked_inferred(graphs):
    g = graphs["asserted"]
    quotes = axiom_annotations(g, CSTO.quote)
    assert any("UN members" in str(q) for qs in quotes.values() for q in qs)
    assert not axiom_annotations(g, CSTO.inferredBy)
    merged_marks = axiom_annotations(graphs["merged"], CSTO.inferredBy)
    assert not set(merged_marks) & content(g)


def test_bundle_without_implied_facts_and_with_user_data(tmp_path):
    data = tmp_path / "mine.ttl"
    data.write_text("@prefix csto: <https://w3id.org/csto-kg/ontology#> .\n"
                    "<https://example.org/Utopia> a csto:State ;"
                    " csto:memberOf <https://w3id.org/csto-kg/id/UnitedNations> ;"
                    " <https://example.org/motto> \"Peace\" .\n"
                    "<https://example.org/mine> a <http://www.w3.org/2002/07/owl#Ontology> .\n")
    kg = build([data], implied=False, linked=False, cache=False)
    bundle = export_bundle(kg, tmp_path / "b")
    assert "implied" not in bundle.files and (tmp_path / "b" / "user.ttl").is_file()
    closure = [p.name for _, p, _ in import_closure(bundle.files["inputs"])]
    assert closure == ["csto.ttl", "curated.ttl", "asserted.ttl", "generated.ttl", "user.ttl", "inputs.ttl"]
    user = rdflib.Graph().parse(bundle.files["user"], format="turtle")
    assert list(user.subjects(RDF.type, OWL.Ontology)) == [URIRef(bundle.iris["user"])]
    ex = rdflib.Namespace("https://example.org/")
    assert (ex.Utopia, RDF.type, OWL.NamedIndividual) in user
    assert (ex.motto, RDF.type, OWL.AnnotationProperty) in user
    inferred = rdflib.Graph().parse(bundle.files["inferred"], format="turtle")
    assert (ex.Utopia, CSTO.meets, CSTO.UNMembershipRequirement) in inferred


# -- the OWL API (Protégé's parser, inside HermiT.jar) reads the Turtle files ------------------

def owlapi_hermit(iri: str, *options: str) -> str:
    """HermiT's command line: the OWL API parses the document, HermiT reasons over it."""
    import subprocess

    import owlready2

    command = [owlready2.JAVA_EXE, "-Xmx1000M", "-cp", owlready2.reasoning._HERMIT_CLASSPATH,
               "org.semanticweb.HermiT.cli.CommandLine", *options, iri]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_owl_api_reads_the_merged_turtle_file_and_hermit_finds_it_consistent(bundle):
    out = owlapi_hermit(bundle.files["merged"].resolve().as_uri(), "-k")
    assert "owl#Thing is satisfiable" in out


def test_owl_api_follows_the_imports_the_catalog_maps(bundle, tmp_path):
    """What Protégé does with catalog-v001.xml, done by hand for the OWL API's command line:
    each owl:imports IRI is replaced by the local file the catalog maps it to."""
    catalog = read_catalog(bundle.catalog)
    for path in bundle.files.values():
        if path.suffix != ".ttl":
            continue
        g = rdflib.Graph().parse(path, format="turtle")
        for s, o in list(g.subject_objects(OWL.imports)):
            g.remove((s, OWL.imports, o))
            g.add((s, OWL.imports, URIRef((tmp_path / catalog[str(o)].name).as_uri())))
        g.serialize(tmp_path / path.name, format="turtle")
    premise = (tmp_path / "inputs.ttl").as_uri()

    def entailed(cls) -> bool:
        conclusion = tmp_path / f"{cls.rsplit('#', 1)[-1]}.ttl"
        conclusion.write_text(
            "<https://example.org/conclusion> a <http://www.w3.org/2002/07/owl#Ontology> .\n"
            f"<{cls}> a <http://www.w3.org/2002/07/owl#Class> .\n"
            f"<{KG.Azerbaijan}> a <http://www.w3.org/2002/07/owl#NamedIndividual>, <{cls}> .\n")
        out = owlapi_hermit(premise, f"--premise={premise}", f"--conclusion={conclusion.as_uri()}", "-E")
        answers = set(out.split())
        assert answers in ({"true"}, {"false"}), out
        return answers == {"true"}

    assert entailed(CSTO.IneligibleForObserverStatus)
    assert not entailed(CSTO.EligibleForObserverStatus)


def test_a_new_bundle_replaces_the_old_one_whole(tmp_path):
    ruritania = Path(__file__).resolve().parent.parent / "examples" / "ruritania.ttl"
    out = tmp_path / "bundle"
    export_bundle(build([ruritania]), out)
    assert (out / "user.ttl").exists()
    export_bundle(build(), out)
    assert not (out / "user.ttl").exists(), "a part the new build lacks must not linger"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["csto.ttl", "curated.ttl", "asserted.ttl", "implied.ttl", "generated.ttl", "inputs.ttl", "inferred.ttl",
         "merged.ttl", "catalog-v001.xml"])


def test_a_failed_export_leaves_the_previous_bundle_untouched(tmp_path, monkeypatch):
    from csto_kg.graph.publish import export

    out = tmp_path / "bundle"
    export_bundle(build(), out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real_write, calls = export.write_turtle, []

    def failing_write(doc, path, header):
        calls.append(path)
        if len(calls) == 3:
            raise OSError("disk full")
        return real_write(doc, path, header)

    monkeypatch.setattr(export, "write_turtle", failing_write)
    with pytest.raises(OutputError, match="disk full"):
        export_bundle(build(), out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert gc.isenabled(), "the garbage collector the export paused is on again"


def test_the_bundle_says_how_each_part_is_known(graphs):
    # the article has no ISO codes or Wikidata links: they are the project's (curated), apart from
    # the stated facts, and the ontology names each graph's kind in the one vocabulary (issue 25)
    curated, stated = graphs["curated"], graphs["asserted"]
    assert (KG.Azerbaijan, CSTO.isoAlpha2, Literal("AZ")) in curated
    assert not list(stated.triples((None, CSTO.isoAlpha2, None)))
    ontology = graphs["csto"]
    kinds = {str(g): str(ontology.value(k, RDFS.label)) for k, g in ontology.subject_objects(CSTO.keptIn)}
    assert kinds[GRAPH_BASE + "asserted"] == "stated" and kinds[GRAPH_BASE + "curated"] == "curated"
    assert set(kinds.values()) == {"stated", "implied", "curated", "linked", "user"}


DECLARATION_TYPES = {OWL.NamedIndividual, OWL.Class, RDFS.Datatype, *PROPERTY_KINDS}


def canonical(triples) -> set:
    """Triples with each blank node named by what hangs off it (the bundle's blank nodes are
    trees: axioms, restrictions, lists), so files can be compared whatever their labels."""
    triples = list(triples)
    edges: dict = {}
    for s, p, o in triples:
        if isinstance(s, BNode):
            edges.setdefault(s, []).append((p, o))
    names: dict = {}

    def name(term):
        if not isinstance(term, BNode):
            return term
        if term not in names:
            names[term] = "_:" + "|".join(sorted(f"{p} {name(o)!r}" for p, o in edges.get(term, ())))
        return names[term]

    return {(name(s), p, name(o)) for s, p, o in triples}


def declarations(g) -> set:
    return {t for t in g if isinstance(t[0], URIRef) and t[1] == RDF.type and t[2] in DECLARATION_TYPES}


def body(g) -> set:
    """A file's or a named graph's triples but its owl:Ontology header and its declarations."""
    heads = set(g.subjects(RDF.type, OWL.Ontology))
    return {t for t in g if t[0] not in heads} - declarations(g)


def test_each_file_holds_its_named_graph_adding_only_a_header_and_declarations(kg, graphs, bundle):
    """The graph's named graphs are the reference: what each file holds besides the
    owl:Ontology header and the declarations Protégé needs is exactly its named graph."""
    for name in ("curated", "asserted", "implied"):
        expected = kg.rdflib_graph(GRAPHS[name])
        assert canonical(body(graphs[name])) == canonical(body(expected)), name
        assert declarations(expected) <= declarations(graphs[name]), name
    # the ontology's graph is split in two: as written by hand, and what the build generated
    ontology = body(kg.rdflib_graph(GRAPHS["ontology"]))
    assert canonical(body(graphs["csto"])) | canonical(body(graphs["generated"])) == canonical(ontology)
    assert not body(graphs["inputs"])


def test_merged_holds_every_other_file_and_each_count_is_its_files(graphs, bundle):
    others = set().union(*(canonical(body(g)) for name, g in graphs.items() if name != "merged"))
    assert canonical(body(graphs["merged"])) == others
    assert declarations(graphs["merged"]) == set().union(
        *(declarations(g) for name, g in graphs.items() if name != "merged"))
    assert {name: len(g) for name, g in graphs.items()} == {n: bundle.triples[n] for n in graphs}


def test_each_inferred_assertion_is_in_the_inferred_graph_with_one_annotation(graphs, kg):
    inferred = set(kg.rdflib_graph(GRAPHS["inferred"]))
    marks = axiom_annotations(graphs["inferred"], CSTO.inferredBy)
    assert set(marks) <= inferred
    axioms = set(graphs["inferred"].subjects(RDF.type, OWL.Axiom))
    assert len(axioms) == len(marks)
    assert all(len(set(graphs["inferred"].predicate_objects(a))) == 5 for a in axioms)


def test_a_graph_has_one_title_in_the_bundle_and_in_the_service_description(bundle, graphs):
    """One table of what each graph holds (namespaces.GRAPH_TITLES): the file of a graph in the
    bundle is titled as the endpoint's service description titles the graph."""
    import pyoxigraph as ox

    from csto_kg.server.service_description import service_description

    counts = {name: {"iri": iri, "triples": 1} for name, iri in GRAPHS.items()}
    described = service_description("http://127.0.0.1/sparql", counts, update=False, federated=False)
    named = {t.object.value: t.subject for t in described if t.predicate.value.endswith("#name")}
    title = {t.subject: t.object.value for t in described if t.predicate == ox.NamedNode(str(DCTERMS.title))}
    shared = [name for name in ("curated", "asserted", "implied", "linked", "inferred") if name in graphs]
    assert len(shared) >= 4
    for name in shared:
        bundled = graphs[name].value(URIRef(bundle.iris[name]), DCTERMS.title)
        assert str(bundled) == "CSTO eligibility: " + title[named[GRAPHS[name]]], name
