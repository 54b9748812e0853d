"""Link: fetch what an open-data SPARQL endpoint (Wikidata by default) says about the states.

`link()` asks the endpoint (graph/sparql/client.py) for the facts that bear on eligibility and
identity, and splits the answer in two named graphs, written to one TriG file by default
(`write_linked`, which writes the format the file's suffix names):

LINKED (reasoned over with the article)
    UN membership (`csto:memberOf kg:UnitedNations`) from a P463 statement on the UN (Q1065)
    that is current (no P582 end time), not of deprecated rank, has no P2868 role (an
    observer is no member), and whose item has no P576 dissolution date; English labels,
    ISO 3166-1 codes (P297, P298, P299) and `skos:exactMatch` (Wikidata, and DBpedia from the
    English Wikipedia sitelink) where the built-in graph has none; `csto:State` for the extra
    states a user asks for that Wikidata says are sovereign states (P31 Q3624078).
    LINKED only adds: it never repeats what the built-in graph says, and never contradicts it.

OUTSIDE (served, never reasoned over)
    Everything fetched, verbatim in Wikidata's own RDF model (wd:, wdt:, p:, ps:, pq:,
    wikibase:rank, rdfs:label, schema:about sitelinks): P463 memberships of the CSTO, the UN
    and NATO with their qualifiers, the CSTO item's P527 "has part(s)" and the items that say
    they are CSTO members, P530 "diplomatic relation" between the states of the run, P31.
    Because it keeps Wikidata's vocabulary, nothing in it can be read as an article fact:
    Armenia's P530 listing Azerbaijan stays `wd:Q399 p:P530 [ps:P530 wd:Q227]`, never
    `csto:hasDiplomaticRelationsWith` (docs/decisions/0008).

Open data never overrides the article. Where they disagree, `link()` reports it
(`LinkResult.report["discrepancies"]`): Wikidata's P530 against the article's implied lack of
relations, former members (P582), parts of the CSTO item that the article does not list as
members (North Korea under P527), article members missing on either side, labels, codes and
DBpedia IRIs that differ, UN memberships that are ended, deprecated or of dissolved states.

Provenance, one pattern: each run is one `prov:Activity`
(`https://w3id.org/csto-kg/id/fetch/<uuid>`) that `prov:used` the endpoint and each query it
sent (a `prov:Entity` whose `prov:value` is the query text), with `prov:startedAtTime` and
`prov:endedAtTime` (xsd:dateTime). Every triple in LINKED carries an OWL axiom annotation, the
same form the build gives article facts:
    [] a owl:Axiom ; owl:annotatedSource s ; owl:annotatedProperty p ; owl:annotatedTarget o ;
       csto:retrievedBy <activity> ;
       csto:readFrom <the Wikidata statement (wds:…) or item the fact comes from> ;
       csto:note "what Wikidata says, in words" .
The activity and the annotations live in LINKED beside the facts they describe; OUTSIDE holds
the statements `csto:readFrom` points to.

Endpoint etiquette: a User-Agent naming csto-kg, its version and a contact URL; VALUES
batches of QIDs; one request at a time; retries with exponential backoff on 429 and 5xx,
honouring Retry-After; a timeout on every request. The queries are standard SPARQL 1.1 over
Wikidata's RDF model, without the `wikibase:label` service, so they run on any mirror.

Nothing here prints or exits; `csto_kg.cli.link` does. Every failure is an EndpointError (the
endpoint failed) or a LinkError (it knows nothing of the items, a bad Q-id) whose message says
what happened; nothing is written before every request has succeeded, and files are replaced
atomically.

One job per module: `queries` (what is asked), `article` (what the built-in graph says),
`fetching` (the requests of a run, through graph/sparql/client.py), `linker` (rows
to LINKED, OUTSIDE and the report), `write` (the files and the report for people).
"""

from .article import Article, load_article
from .fetching import QID, Fetched, fetch, normalize_qid, select
from .linker import LinkResult, link
from .queries import (
    CSTO_QID,
    DBR,
    DEPRECATED,
    ENWIKI,
    ISO_PROPERTIES,
    ITEMS_QUERY,
    NAMED_SETS,
    NATO_QID,
    ORGANIZATION_QUERY,
    PQ,
    PROPERTY_LABELS,
    PS,
    SCHEMA,
    SOVEREIGN_STATE_QID,
    STATEMENTS_QUERY,
    UN_MEMBERSHIP_QUERY,
    UN_QID,
    WDT,
    WIKIBASE,
    P,
)
from .write import format_report, write_linked, write_report

__all__ = [
    "Article", "load_article",
    "QID", "Fetched", "fetch", "normalize_qid", "select",
    "LinkResult", "link",
    "CSTO_QID", "DBR", "DEPRECATED", "ENWIKI", "ISO_PROPERTIES", "ITEMS_QUERY", "NAMED_SETS",
    "NATO_QID", "ORGANIZATION_QUERY", "PROPERTY_LABELS", "PQ", "PS", "SCHEMA",
    "SOVEREIGN_STATE_QID", "STATEMENTS_QUERY", "UN_MEMBERSHIP_QUERY", "UN_QID", "WDT",
    "WIKIBASE", "P",
    "format_report", "write_report", "write_linked",
]
