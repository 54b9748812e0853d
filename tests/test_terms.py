"""graph/terms.py's vocabularies are closed and true: a mistyped term is an error naming its
vocabulary, every csto: term is one the ontology declares (and every term it declares is listed),
and every W3C term listed is one of rdflib's closed namespaces for that vocabulary."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import rdflib.namespace

from csto_kg.graph import namespaces, terms

ONTOLOGY_FILE = files("csto_kg.ontology") / "csto.ttl"


def declared_csto_terms() -> set[str]:
    """The csto: IRIs ontology/csto.ttl gives a type, read by rdflib."""
    graph = rdflib.Graph().parse(data=ONTOLOGY_FILE.read_text(), format="turtle")
    return {str(s) for s in graph.subjects(rdflib.RDF.type, None) if str(s).startswith(str(namespaces.CSTO))}


def test_a_mistyped_term_is_an_error_naming_its_vocabulary_not_a_new_iri():
    with pytest.raises(AttributeError, match=r"csto:memberof .*csto: vocabulary <https://w3id.org/csto-kg/ontology#>"):
        terms.CSTO.memberof  # noqa: B018
    with pytest.raises(AttributeError, match="rdf:Type .*rdf: vocabulary"):
        terms.RDF.Type  # noqa: B018
    assert terms.CSTO.memberOf == ox.NamedNode("https://w3id.org/csto-kg/ontology#memberOf")


def test_a_vocabulary_is_closed_to_new_terms():
    with pytest.raises(AttributeError, match="csto: vocabulary is closed"):
        terms.CSTO.memberof = ox.NamedNode("https://w3id.org/csto-kg/ontology#memberof")
    with pytest.raises(ValueError, match="not-a-name"):
        terms.Vocabulary("ex", "http://example.org/", "fine not-a-name")


def test_rdflibs_csto_is_closed_over_the_same_terms():
    with pytest.raises(AttributeError, match="memberof"):
        namespaces.CSTO.memberof  # noqa: B018
    assert {str(namespaces.CSTO[name]) for name in namespaces.CSTO_TERMS} == {t.value for t in terms.CSTO}


def test_the_csto_terms_are_the_ontologys_declared_terms():
    """Both ways: a term the code names is declared, and a term the ontology adds is listed."""
    listed = {term.value for term in terms.CSTO}
    declared = declared_csto_terms()
    assert listed - declared == set(), "listed in graph/namespaces.py CSTO_TERMS, not declared in ontology/csto.ttl"
    assert declared - listed == set(), "declared in ontology/csto.ttl, not listed in graph/namespaces.py CSTO_TERMS"


@pytest.mark.parametrize("name", ["RDF", "RDFS", "OWL", "XSD", "SKOS", "DCTERMS", "VOID"])
def test_every_w3c_term_listed_is_in_rdflibs_closed_namespace(name):
    """sd: is not compared: rdflib has no namespace for it (test_server_protocol reads the
    service description with rdflib)."""
    ours, reference = getattr(terms, name), getattr(rdflib.namespace, name)
    assert issubclass(reference, rdflib.namespace.DefinedNamespace)
    unknown = [term.value for term in ours if term.value not in reference]
    assert unknown == []
    assert all(term.value.startswith(str(reference)) for term in ours)


def test_the_graph_vocabulary_names_the_builds_graphs():
    assert {terms.GRAPH.inferred, terms.GRAPH.assumed} <= set(terms.GRAPH)
    assert {term.value for term in terms.GRAPH} == {*namespaces.GRAPHS.values(), namespaces.ASSUMED}


def test_the_code_names_vocabulary_terms_only_through_terms_py():
    """No module turns an rdflib term into an Oxigraph one by hand (ox.NamedNode(str(...))), which
    would mint whatever IRI a typo spells; bridge.py converts data, which is its job."""
    root = Path(__file__).resolve().parents[1]
    offenders = [
        f"{path.relative_to(root)}:{n}"
        for package in ("graph", "server", "cli")
        for path in sorted((root / package).rglob("*.py"))
        if path.name not in ("terms.py", "bridge.py")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if "ox.NamedNode(str(" in line
    ]
    assert offenders == []
