"""Every axiom of the ontology, with the member axioms a build writes, is in OWL 2 RL.

Checked by py-horned-owl's profile checker (pyhornedowl.profile.check_profile, "RL"), which
names each offending axiom in OWL functional syntax. It misses one case the OWL 2 RL grammar rules out
(owl:Thing on the left of a subclass axiom), so that case is checked over the RDF here too.
"""

import pyhornedowl
import pyoxigraph as ox
import pytest
import rdflib
from pyhornedowl.profile import check_profile

from csto_kg.graph.bridge import to_rdflib
from csto_kg.graph.build import assemble, build
from csto_kg.graph.load import builtin_sources
from csto_kg.graph.namespaces import ONTOLOGY, OWL, RDF, RDFS
from csto_kg.graph.publish.export import export_bundle
from csto_kg.graph.reasoning.axioms import Inputs


def horned(graph: rdflib.Graph):
    """The graph as py-horned-owl reads it: RDF/XML (plain "xml": rdflib's pretty-xml drops
    triples on list nodes), without owl:versionIRI, which py-horned-owl 2.0.0 misreads as an
    undeclared annotation property when rdflib writes it before rdf:type owl:Ontology
    (the OWL 2 RL grammar, §4.2 of the profiles document). A version IRI does not bear on the profile."""
    copy = rdflib.Graph()
    copy += graph
    copy.remove((None, OWL.versionIRI, None))
    return pyhornedowl.open_ontology_from_string(copy.serialize(format="xml"), "rdf")


def rl_violations(graph: rdflib.Graph) -> list[str]:
    """Each axiom outside OWL 2 RL, in functional syntax, with the reason."""
    report = check_profile(horned(graph), "RL")
    found = [f"{v.message}: {v.axiom.component if hasattr(v, 'axiom') else v.iri}" for v in report.violations]
    # py-horned-owl 2.0.0 accepts owl:Thing as a subclass expression; RL does not (§4.2).
    for s, p in graph.subject_predicates(None):
        if s == OWL.Thing and p in (RDFS.subClassOf, OWL.disjointWith):
            found.append(f"owl:Thing is not a subclass expression in OWL 2 RL: {p.n3()}")
    assert report.conformant == (not report.violations)
    return found


@pytest.fixture(scope="module")
def ontology_graph():
    """The ontology graph as a build writes it: csto.ttl plus the member-dependent axioms."""
    quads = assemble(builtin_sources())
    return to_rdflib(q for q in quads if q.graph_name == ox.NamedNode(ONTOLOGY)), quads


def test_ontology_with_member_axioms_is_owl2_rl(ontology_graph):
    graph, _ = ontology_graph
    assert rl_violations(graph) == []


def test_the_member_axioms_are_among_those_checked(ontology_graph):
    graph, quads = ontology_graph
    members = Inputs(quads).members
    assert len(members) == 6
    plain = rdflib.Graph().parse(str(builtin_sources().ontology[0]), format="turtle")
    with_members = len(horned(graph).get_axioms())
    without = len(horned(plain).get_axioms())
    # two intersections over the members, one Candidate ⊑ requiresConsentOf value m each, and
    # the two eligibility classes' intersections over their requirements
    assert with_members - without == 2 + len(members) + 2


def test_whole_bundle_is_owl2_rl(tmp_path):
    """Facts too: the merged file (ontology, facts, inferences, declarations, annotations)."""
    bundle = export_bundle(build(linked=False, cache=False), tmp_path)
    for name in ("csto", "merged"):
        graph = rdflib.Graph().parse(bundle.files[name], format="turtle")
        assert rl_violations(graph) == [], name


NON_RL = """
@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix csto: <https://w3id.org/csto-kg/ontology#> .
csto:Candidate rdfs:subClassOf [ a owl:Restriction ; owl:onProperty csto:seeksStatus ;
                                 owl:someValuesFrom csto:Status ] .
owl:Thing rdfs:subClassOf csto:Candidate .
"""


def test_a_non_rl_axiom_is_named(ontology_graph):
    graph, _ = ontology_graph
    bad = rdflib.Graph()
    bad += graph
    bad.parse(data=NON_RL, format="turtle")
    found = rl_violations(bad)
    assert len(found) == 2, found
    assert "superclass position" in found[0] and "ObjectSomeValuesFrom" in found[0] and "#Candidate" in found[0]
    assert "owl:Thing" in found[1]


# -- with linked open data: `csto-kg link` against a local copy of the Wikidata fixture --------

def test_bundle_with_linked_open_data_is_owl2_rl(linked_home, tmp_path, monkeypatch):
    """Linked facts carry owl:Axiom annotations too; their properties must be annotation
    properties, or the bundle leaves OWL 2 DL (and RL) for Protégé and HermiT."""
    monkeypatch.setenv("CSTO_KG_HOME", str(linked_home))
    bundle = export_bundle(build(cache=False), tmp_path)
    assert "linked" in bundle.files
    graph = rdflib.Graph().parse(bundle.files["merged"], format="turtle")
    assert rl_violations(graph) == []


# The kinds PROV-O (W3C Recommendation, 2013) and SKOS (2009) give the terms the ontology reuses:
# typing them otherwise would make the ontology and the vocabulary it cites clash when imported.
REUSED_KINDS = {
    "http://www.w3.org/ns/prov#wasDerivedFrom": OWL.ObjectProperty,
    "http://www.w3.org/ns/prov#wasAttributedTo": OWL.ObjectProperty,
    "http://www.w3.org/ns/prov#wasAssociatedWith": OWL.ObjectProperty,
    "http://www.w3.org/ns/prov#actedOnBehalfOf": OWL.ObjectProperty,
    "http://www.w3.org/ns/prov#wasGeneratedBy": OWL.ObjectProperty,
    "http://www.w3.org/ns/prov#wasStartedBy": OWL.ObjectProperty,
    "http://www.w3.org/ns/prov#used": OWL.ObjectProperty,
    "http://www.w3.org/ns/prov#startedAtTime": OWL.DatatypeProperty,
    "http://www.w3.org/ns/prov#endedAtTime": OWL.DatatypeProperty,
    "http://www.w3.org/ns/prov#value": OWL.DatatypeProperty,
    "http://www.w3.org/2004/02/skos/core#definition": OWL.AnnotationProperty,
    "http://www.w3.org/2004/02/skos/core#altLabel": OWL.AnnotationProperty,
    "http://www.w3.org/2004/02/skos/core#exactMatch": OWL.ObjectProperty,
    "http://www.w3.org/2004/02/skos/core#member": OWL.ObjectProperty,
}


def test_reused_terms_keep_the_kind_their_vocabulary_gives_them(ontology_graph):
    graph, _ = ontology_graph
    kinds = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    for term, kind in REUSED_KINDS.items():
        declared = {k for k in kinds if (rdflib.URIRef(term), RDF.type, k) in graph}
        assert declared == {kind}, term
    reused = {s for s, k in graph.subject_objects(RDF.type) if k in kinds
              and str(s).startswith(("http://www.w3.org/ns/prov#", "http://www.w3.org/2004/02/skos/core#"))}
    assert {str(s) for s in reused} <= set(REUSED_KINDS), "a reused term the table above does not check"
