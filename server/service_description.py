"""The SPARQL 1.1 Service Description a GET /sparql without a query answers with."""

from __future__ import annotations

import pyoxigraph as ox

from csto_kg.graph.namespaces import GRAPH_TITLES, RDF
from csto_kg.graph.sparql.formats import GRAPH_FORMATS, RESULT_FORMATS

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode(str(RDF.type))


def _sd(term: str) -> ox.NamedNode:
    return ox.NamedNode(SD + term)


def service_description(endpoint: str, counts: dict[str, dict], *, update: bool,
                        federated: bool) -> list[ox.Triple]:
    service = ox.BlankNode()
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, ox.NamedNode(DCTERMS + "title"), ox.Literal("csto-kg SPARQL endpoint")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
    ]
    if update:
        triples.append(ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Update")))
    if federated:
        triples.append(ox.Triple(service, _sd("feature"), _sd("BasicFederatedQuery")))
    for fmt in (*RESULT_FORMATS.values(), *GRAPH_FORMATS.values()):
        triples.append(ox.Triple(service, _sd("resultFormat"), ox.NamedNode(fmt.sd_iri)))

    dataset, default_graph = ox.BlankNode(), ox.BlankNode()
    total = sum(c["triples"] for c in counts.values())
    triples += [
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, _sd("Graph")),
        ox.Triple(default_graph, ox.NamedNode(DCTERMS + "description"),
                  ox.Literal("The union of all the graphs")),
        ox.Triple(default_graph, ox.NamedNode(VOID + "triples"), ox.Literal(str(total), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
    ]
    for name, info in counts.items():
        if not info["iri"]:
            continue
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(named, _sd("name"), ox.NamedNode(info["iri"])),
            ox.Triple(named, ox.NamedNode(DCTERMS + "title"),
                      ox.Literal(GRAPH_TITLES.get(name, name))),
            ox.Triple(named, _sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, _sd("Graph")),
            ox.Triple(graph, ox.NamedNode(VOID + "triples"),
                      ox.Literal(str(info["triples"]),
                                 datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
        ]
    return triples
