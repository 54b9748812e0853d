"""What link asks: Wikidata's items and vocabulary, the named sets of candidates, the SPARQL queries."""

from __future__ import annotations

from ..namespaces import CSTO

UN_QID = "Q1065"
CSTO_QID = "Q318693"
NATO_QID = "Q7184"
SOVEREIGN_STATE_QID = "Q3624078"

# Wikidata's RDF vocabulary (https://www.mediawiki.org/wiki/Wikibase/Indexing/RDF_Dump_Format)
WDT = "http://www.wikidata.org/prop/direct/"
P = "http://www.wikidata.org/prop/"
PS = "http://www.wikidata.org/prop/statement/"
PQ = "http://www.wikidata.org/prop/qualifier/"
WIKIBASE = "http://wikiba.se/ontology#"
SCHEMA = "http://schema.org/"
DBR = "http://dbpedia.org/resource/"
ENWIKI = "https://en.wikipedia.org/"
DEPRECATED = WIKIBASE + "DeprecatedRank"

# Named sets of extra candidates for `--set`. The other former Soviet republics, those the
# article does not name (it names Armenia, Azerbaijan, Belarus, Kazakhstan, Kyrgyzstan, Russia
# and Tajikistan).
NAMED_SETS: dict[str, dict[str, str]] = {
    "post-soviet": {
        "Q191": "Estonia", "Q211": "Latvia", "Q37": "Lithuania", "Q230": "Georgia",
        "Q217": "Moldova", "Q212": "Ukraine", "Q874": "Turkmenistan", "Q265": "Uzbekistan",
    },
}

# Words for Wikidata's properties, in the report and in the notes of LINKED facts.
PROPERTY_LABELS = {
    "P31": "instance of", "P297": "ISO 3166-1 alpha-2 code", "P298": "ISO 3166-1 alpha-3 code",
    "P299": "ISO 3166-1 numeric code", "P463": "member of", "P527": "has part(s)",
    "P530": "diplomatic relation", "P576": "dissolved, abolished or demolished date",
    "P580": "start time", "P582": "end time", "P2868": "subject has role",
}
ISO_PROPERTIES = {"P297": CSTO.isoAlpha2, "P298": CSTO.isoAlpha3, "P299": CSTO.isoNumeric}

_PREFIX_BLOCK = """PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX p: <http://www.wikidata.org/prop/>
PREFIX ps: <http://www.wikidata.org/prop/statement/>
PREFIX pq: <http://www.wikidata.org/prop/qualifier/>
PREFIX wikibase: <http://wikiba.se/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <http://schema.org/>
"""

# Who the items are: English label, ISO codes, classes, dissolution, English Wikipedia page.
ITEMS_QUERY = _PREFIX_BLOCK + """
SELECT ?item ?label ?alpha2 ?alpha3 ?numeric ?class ?dissolved ?enwiki WHERE {
  VALUES ?item { $ITEMS }
  { ?item rdfs:label ?label FILTER(LANG(?label) = "en") }
  UNION { ?item wdt:P297 ?alpha2 }
  UNION { ?item wdt:P298 ?alpha3 }
  UNION { ?item wdt:P299 ?numeric }
  UNION { ?item wdt:P31 ?class }
  UNION { ?item wdt:P576 ?dissolved }
  UNION { ?enwiki schema:about ?item ; schema:isPartOf <https://en.wikipedia.org/> }
}
"""

# Current UN membership, the only membership that goes into the reasoned graph: a P463
# statement on the UN, not deprecated, without an end time and without a role qualifier.
UN_MEMBERSHIP_QUERY = _PREFIX_BLOCK + """
SELECT ?item ?statement ?rank ?start WHERE {
  VALUES ?item { $ITEMS }
  ?item p:P463 ?statement .
  ?statement ps:P463 wd:Q1065 ;
             wikibase:rank ?rank .
  FILTER(?rank != wikibase:DeprecatedRank)
  FILTER NOT EXISTS { ?statement pq:P582 ?end }
  FILTER NOT EXISTS { ?statement pq:P2868 ?role }
  OPTIONAL { ?statement pq:P580 ?start }
}
"""

# Every P463 statement on the organizations of the graph and every P530 statement between
# the items of the run, whatever their rank and qualifiers: kept in OUTSIDE, and compared.
STATEMENTS_QUERY = _PREFIX_BLOCK + """
SELECT ?item ?property ?statement ?value ?rank ?start ?end ?role WHERE {
  VALUES ?item { $ITEMS }
  {
    VALUES ?value { $ORGANIZATIONS }
    ?item p:P463 ?statement .
    ?statement ps:P463 ?value .
    BIND("P463" AS ?property)
  } UNION {
    VALUES ?value { $PARTNERS }
    ?item p:P530 ?statement .
    ?statement ps:P530 ?value .
    BIND("P530" AS ?property)
  }
  ?statement wikibase:rank ?rank .
  OPTIONAL { ?statement pq:P580 ?start }
  OPTIONAL { ?statement pq:P582 ?end }
  OPTIONAL { ?statement pq:P2868 ?role }
}
"""

# The CSTO item's side: its P527 "has part(s)", and every item with a P463 statement on it.
ORGANIZATION_QUERY = _PREFIX_BLOCK + """
SELECT ?item ?property ?statement ?rank ?start ?end ?role ?label WHERE {
  {
    wd:Q318693 p:P527 ?statement .
    ?statement ps:P527 ?item .
    BIND("P527" AS ?property)
  } UNION {
    ?item p:P463 ?statement .
    ?statement ps:P463 wd:Q318693 .
    BIND("P463" AS ?property)
  }
  ?statement wikibase:rank ?rank .
  OPTIONAL { ?statement pq:P580 ?start }
  OPTIONAL { ?statement pq:P582 ?end }
  OPTIONAL { ?statement pq:P2868 ?role }
  OPTIONAL { ?item rdfs:label ?label FILTER(LANG(?label) = "en") }
}
"""
