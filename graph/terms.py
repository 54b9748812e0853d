"""The RDF terms the code names, as pyoxigraph NamedNodes: one closed vocabulary per namespace.

Closed as rdflib's DefinedNamespace is with `_fail` (docs/decisions/0027): each vocabulary lists
its terms, and a name it does not list (`CSTO.memberof`) raises AttributeError naming the
vocabulary, never mints a new IRI. csto: lists the ontology's whole vocabulary (namespaces.py
holds the names, for rdflib's closed CSTO too); the others list the terms the code reads and
writes. tests/test_terms.py holds the lists against ontology/csto.ttl and rdflib's W3C namespaces.

    >>> from csto_kg.graph.terms import CSTO, RDF
    >>> RDF.type
    <NamedNode value=http://www.w3.org/1999/02/22-rdf-syntax-ns#type>
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib.namespace import DCTERMS as _DCTERMS
from rdflib.namespace import OWL as _OWL
from rdflib.namespace import RDF as _RDF
from rdflib.namespace import RDFS as _RDFS
from rdflib.namespace import SKOS as _SKOS
from rdflib.namespace import VOID as _VOID
from rdflib.namespace import XSD as _XSD

from .namespaces import CSTO as _CSTO
from .namespaces import CSTO_TERMS, GRAPH_BASE, GRAPHS
from .namespaces import KG as _KG


class Vocabulary:
    """A namespace's listed terms as attributes (RDF.type); iterating gives them all."""

    def __init__(self, prefix: str, namespace, names):
        names = names.split() if isinstance(names, str) else list(names)
        if unfit := [n for n in names if not n.isidentifier() or n.startswith("_")]:
            raise ValueError(f"{prefix}: {', '.join(unfit)} cannot be an attribute of the vocabulary")
        terms = {name: ox.NamedNode(str(namespace) + name) for name in names}
        # Plain instance attributes: a listed term costs one dict look-up, as a module constant would.
        vars(self).update(terms, _prefix=prefix, _namespace=str(namespace), _terms=frozenset(terms.values()))

    def __getattr__(self, name: str):
        # Only names the list lacks arrive here; a private name is Python's probing (copy, pickle).
        if name.startswith("_"):
            raise AttributeError(name)
        raise AttributeError(f"{self._prefix}:{name} is not a term of the {self._prefix}: vocabulary "
                             f"<{self._namespace}>", name=name, obj=self)

    def __setattr__(self, name: str, value):
        raise AttributeError(f"the {self._prefix}: vocabulary is closed: {name} cannot be added to it")

    def __iter__(self):
        return iter(sorted(self._terms, key=lambda term: term.value))

    def __repr__(self) -> str:
        return f"Vocabulary({self._prefix}: <{self._namespace}>, {len(self._terms)} terms)"


RDF = Vocabulary("rdf", _RDF, "type first rest nil Property PlainLiteral XMLLiteral")
RDFS = Vocabulary("rdfs", _RDFS, """subClassOf subPropertyOf domain range Class Datatype Resource Literal
    label comment seeAlso isDefinedBy""")
OWL = Vocabulary("owl", _OWL, """
    Thing Nothing Class Restriction NamedIndividual Ontology Axiom
    ObjectProperty DatatypeProperty AnnotationProperty FunctionalProperty InverseFunctionalProperty
    ReflexiveProperty IrreflexiveProperty SymmetricProperty AsymmetricProperty TransitiveProperty
    AllDisjointProperties AllDisjointClasses AllDifferent
    sameAs differentFrom equivalentClass equivalentProperty inverseOf onProperty hasValue someValuesFrom
    allValuesFrom intersectionOf unionOf complementOf oneOf disjointWith propertyDisjointWith maxCardinality
    maxQualifiedCardinality onClass hasKey propertyChainAxiom members distinctMembers
    sourceIndividual assertionProperty targetIndividual targetValue
    annotatedSource annotatedProperty annotatedTarget
    versionIRI versionInfo imports deprecated priorVersion backwardCompatibleWith incompatibleWith
    real rational""")
# The OWL 2 RL datatypes of XSD (OWL 2 Profiles §4.2).
XSD = Vocabulary("xsd", _XSD, """
    integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger long int short byte
    unsignedLong unsignedInt unsignedShort unsignedByte
    string normalizedString token language Name NCName NMTOKEN
    decimal double float boolean hexBinary base64Binary anyURI dateTime dateTimeStamp""")
SKOS = Vocabulary("skos", _SKOS, "member")
DCTERMS = Vocabulary("dcterms", _DCTERMS, "title description")
# SPARQL 1.1 Service Description (rdflib has no namespace for it).
SD = Vocabulary("sd", "http://www.w3.org/ns/sparql-service-description#", """
    Service Dataset Graph NamedGraph endpoint supportedLanguage SPARQL11Query SPARQL11Update feature
    UnionDefaultGraph BasicFederatedQuery resultFormat defaultDataset defaultGraph namedGraph name graph""")
VOID = Vocabulary("void", _VOID, "triples")

CSTO = Vocabulary("csto", _CSTO, CSTO_TERMS)
# Entities are data, not vocabulary: only those the code names.
KG = Vocabulary("kg", _KG, "CSTO")
# The named graphs of a build (namespaces.GRAPHS) and a what-if question's assumptions.
GRAPH = Vocabulary("graph", GRAPH_BASE, [*GRAPHS, "assumed"])
