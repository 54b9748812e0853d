"""The formats a SPARQL answer can be written in: results (SELECT/ASK) and graphs
(CONSTRUCT/DESCRIBE), each with its name, media type, file extension, label and W3C IRI.
The server negotiates among them (server/negotiation.py), the CLI picks one by name.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    extension: str
    label: str
    sd_iri: str  # the W3C formats IRI a service description names


RESULT_FORMATS = {
    f.name: f
    for f in (
        Format("json", "application/sparql-results+json", "srj", "SPARQL JSON",
               "http://www.w3.org/ns/formats/SPARQL_Results_JSON"),
        Format("xml", "application/sparql-results+xml", "srx", "SPARQL XML",
               "http://www.w3.org/ns/formats/SPARQL_Results_XML"),
        Format("csv", "text/csv", "csv", "CSV",
               "http://www.w3.org/ns/formats/SPARQL_Results_CSV"),
        Format("tsv", "text/tab-separated-values", "tsv", "TSV",
               "http://www.w3.org/ns/formats/SPARQL_Results_TSV"),
    )
}

GRAPH_FORMATS = {
    f.name: f
    for f in (
        Format("turtle", "text/turtle", "ttl", "Turtle", "http://www.w3.org/ns/formats/Turtle"),
        Format("ntriples", "application/n-triples", "nt", "N-Triples",
               "http://www.w3.org/ns/formats/N-Triples"),
        Format("rdfxml", "application/rdf+xml", "rdf", "RDF/XML",
               "http://www.w3.org/ns/formats/RDF_XML"),
        Format("jsonld", "application/ld+json", "jsonld", "JSON-LD",
               "http://www.w3.org/ns/formats/JSON-LD"),
        Format("nquads", "application/n-quads", "nq", "N-Quads",
               "http://www.w3.org/ns/formats/N-Quads"),
        Format("trig", "application/trig", "trig", "TriG", "http://www.w3.org/ns/formats/TriG"),
    )
}
