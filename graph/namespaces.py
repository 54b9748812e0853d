"""The IRIs csto-kg mints: its ontology, its entities, its named graphs."""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

CSTO = Namespace("https://w3id.org/csto-kg/ontology#")
KG = Namespace("https://w3id.org/csto-kg/id/")
WD = Namespace("http://www.wikidata.org/entity/")
DBR = Namespace("http://dbpedia.org/resource/")

ONTOLOGY_IRI = "https://w3id.org/csto-kg/ontology"
GRAPH_BASE = "https://w3id.org/csto-kg/graph/"

# The named graphs of a build; the default graph is their union.
ONTOLOGY = GRAPH_BASE + "ontology"
ASSERTED = GRAPH_BASE + "asserted"
IMPLIED = GRAPH_BASE + "implied"
USER = GRAPH_BASE + "user"
LINKED = GRAPH_BASE + "linked"
INFERRED = GRAPH_BASE + "inferred"
# Facts a what-if question assumes (graph/explain.py what_if): never part of a build.
ASSUMED = GRAPH_BASE + "assumed"
# Open-data facts kept beside the reasoning graph, never reasoned over (e.g. Wikidata's P530).
OUTSIDE = GRAPH_BASE + "outside"
GRAPHS = {
    "ontology": ONTOLOGY,
    "asserted": ASSERTED,
    "implied": IMPLIED,
    "user": USER,
    "linked": LINKED,
    "inferred": INFERRED,
    "outside": OUTSIDE,
}

PREFIXES = {
    "csto": str(CSTO),
    "kg": str(KG),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "org": str(ORG),
    "wd": str(WD),
    "dbr": str(DBR),
}

__all__ = [
    "CSTO", "KG", "WD", "DBR", "DCTERMS", "ORG", "OWL", "PROV", "RDF", "RDFS", "SKOS", "XSD",
    "ONTOLOGY_IRI", "GRAPHS", "PREFIXES",
    "ONTOLOGY", "ASSERTED", "IMPLIED", "USER", "LINKED", "INFERRED", "OUTSIDE", "ASSUMED",
]
