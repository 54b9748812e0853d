"""What the built-in graph already says, as far as linking needs to know."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef

from ..bridge import rdflib_term
from ..errors import LinkError
from ..namespaces import CSTO, RDF, RDFS, SKOS, WD
from .queries import CSTO_QID, ISO_PROPERTIES, UN_QID


@dataclass
class Article:
    """What the article and its entities say, as far as linking needs to know."""

    by_qid: dict[str, URIRef] = field(default_factory=dict)
    labels: dict[URIRef, set[str]] = field(default_factory=lambda: defaultdict(set))
    alt_labels: dict[URIRef, set[str]] = field(default_factory=lambda: defaultdict(set))
    iso: dict[tuple[URIRef, URIRef], set[str]] = field(default_factory=lambda: defaultdict(set))
    matches: dict[URIRef, set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    states: set[URIRef] = field(default_factory=set)
    organizations: set[URIRef] = field(default_factory=set)
    members: set[URIRef] = field(default_factory=set)  # of the CSTO
    observers: set[URIRef] = field(default_factory=set)
    member_of: set[tuple[URIRef, URIRef]] = field(default_factory=set)
    not_member_of: set[tuple[URIRef, URIRef]] = field(default_factory=set)
    lacks_relations: set[frozenset] = field(default_factory=set)
    names: set[URIRef] = field(default_factory=set)  # every IRI in use, for minting new ones

    def qid_of(self, iri: URIRef) -> str | None:
        for qid, known in self.by_qid.items():
            if known == iri:
                return qid
        return None


_ARTICLE_QUERY = """
SELECT ?s ?p ?o WHERE {
  ?s ?p ?o .
  VALUES ?p { skos:exactMatch rdfs:label skos:altLabel rdf:type csto:isoAlpha2 csto:isoAlpha3 csto:isoNumeric
              csto:memberOf csto:notMemberOf csto:hasStatus csto:lacksDiplomaticRelationsWith }
}
"""


def load_article(paths: Iterable[Path] | None = None) -> Article:
    """The built-in graph (entities, article, implied facts), or the given files, read as is."""
    from ..load import builtin_sources, read_quads

    if paths is None:
        sources = builtin_sources(implied=True)
        paths = sources.curated + sources.asserted + sources.implied
    from ..store import KnowledgeGraph

    graph = KnowledgeGraph.of(q for path in paths for q in read_quads(Path(path)))
    article = Article()
    rows = graph.query(_ARTICLE_QUERY)
    triples = [(rdflib_term(r["s"]), rdflib_term(r["p"]), rdflib_term(r["o"])) for r in rows]
    for s, p, o in triples:
        if isinstance(s, URIRef):
            article.names.add(s)
        if p == SKOS.exactMatch and isinstance(o, URIRef):
            article.matches[s].add(o)
            if str(o).startswith(str(WD)):
                article.by_qid[str(o)[len(str(WD)):]] = s
        elif p == RDFS.label and isinstance(o, Literal) and (o.language or "").lower().startswith("en"):
            article.labels[s].add(str(o))
        elif p == SKOS.altLabel and isinstance(o, Literal) and (o.language or "").lower().startswith("en"):
            article.alt_labels[s].add(str(o))
        elif p in ISO_PROPERTIES.values():
            article.iso[(s, p)].add(str(o))
        elif p == RDF.type and o == CSTO.State:
            article.states.add(s)
        elif p == RDF.type and o in (CSTO.InternationalOrganization, CSTO.Organization):
            article.organizations.add(s)
        elif p == CSTO.memberOf:
            article.member_of.add((s, o))
        elif p == CSTO.notMemberOf:
            article.not_member_of.add((s, o))
        elif p == CSTO.hasStatus and o == CSTO.ObserverStatus:
            article.observers.add(s)
        elif p == CSTO.hasStatus and o == CSTO.MemberStatus:
            article.members.add(s)
        elif p == CSTO.lacksDiplomaticRelationsWith:
            article.lacks_relations.add(frozenset((s, o)))
    csto = article.by_qid.get(CSTO_QID)
    article.members |= {s for s, o in article.member_of if o == csto}
    for needed in (UN_QID, CSTO_QID):
        if needed not in article.by_qid:
            raise LinkError(f"the built-in graph has no entity with skos:exactMatch wd:{needed}")
    return article
