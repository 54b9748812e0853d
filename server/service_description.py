"""The SPARQL 1.1 Service Description a GET /sparql without a query answers with."""

from __future__ import annotations

import pyoxigraph as ox

from csto_kg.graph.namespaces import GRAPH_TITLES
from csto_kg.graph.sparql.formats import GRAPH_FORMATS, RESULT_FORMATS
from csto_kg.graph.terms import DCTERMS, RDF, SD, VOID, XSD


def service_description(endpoint: str, counts: dict[str, dict], *, update: bool,
                        federated: bool) -> list[ox.Triple]:
    service = ox.BlankNode()
    triples = [
        ox.Triple(service, RDF.type, SD.Service),
        ox.Triple(service, SD.endpoint, ox.NamedNode(endpoint)),
        ox.Triple(service, SD.supportedLanguage, SD.SPARQL11Query),
        ox.Triple(service, DCTERMS.title, ox.Literal("csto-kg SPARQL endpoint")),
        ox.Triple(service, SD.feature, SD.UnionDefaultGraph),
    ]
    if update:
        triples.append(ox.Triple(service, SD.supportedLanguage, SD.SPARQL11Update))
    if federated:
        triples.append(ox.Triple(service, SD.feature, SD.BasicFederatedQuery))
    for fmt in (*RESULT_FORMATS.values(), *GRAPH_FORMATS.values()):
        triples.append(ox.Triple(service, SD.resultFormat, ox.NamedNode(fmt.sd_iri)))

    dataset, default_graph = ox.BlankNode(), ox.BlankNode()
    total = sum(c["triples"] for c in counts.values())
    triples += [
        ox.Triple(service, SD.defaultDataset, dataset),
        ox.Triple(dataset, RDF.type, SD.Dataset),
        ox.Triple(dataset, SD.defaultGraph, default_graph),
        ox.Triple(default_graph, RDF.type, SD.Graph),
        ox.Triple(default_graph, DCTERMS.description, ox.Literal("The union of all the graphs")),
        ox.Triple(default_graph, VOID.triples, ox.Literal(str(total), datatype=XSD.integer)),
    ]
    for name, info in counts.items():
        if not info["iri"]:
            continue
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [
            ox.Triple(dataset, SD.namedGraph, named),
            ox.Triple(named, RDF.type, SD.NamedGraph),
            ox.Triple(named, SD.name, ox.NamedNode(info["iri"])),
            ox.Triple(named, DCTERMS.title, ox.Literal(GRAPH_TITLES.get(name, name))),
            ox.Triple(named, SD.graph, graph),
            ox.Triple(graph, RDF.type, SD.Graph),
            ox.Triple(graph, VOID.triples, ox.Literal(str(info["triples"]), datatype=XSD.integer)),
        ]
    return triples
