"""Link: fetch what an open-data SPARQL endpoint (Wikidata by default) says about the states.

`link()` asks the endpoint, with SPARQLWrapper, for the facts that bear on eligibility and
identity, and splits the answer in two named graphs of one TriG file (`write_trig`):

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
    `csto:hasDiplomaticRelationsWith` (domain.md §3d, pitfall 1).

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
       prov:wasDerivedFrom <the Wikidata statement (wds:…) or item the fact comes from> ;
       csto:note "what Wikidata says, in words" .
The activity and the annotations live in LINKED beside the facts they describe; OUTSIDE holds
the statements `prov:wasDerivedFrom` points to.

Endpoint etiquette: a User-Agent naming csto-kg, its version and a contact URL; VALUES
batches of QIDs; one request at a time; retries with exponential backoff on 429 and 5xx,
honouring Retry-After; a timeout on every request. The queries are standard SPARQL 1.1 over
Wikidata's RDF model, without the `wikibase:label` service, so they run on any mirror.

Nothing here prints or exits; `csto_kg.cli.link` does. Every failure is a LinkError whose
message says what happened; nothing is written before every request has succeeded, and files
are replaced atomically.
"""

from __future__ import annotations

import ast
import email.utils
import json
import os
import re
import socket
import tempfile
import time
import urllib.error
import urllib.parse
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.term import Node
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
    URITooLong,
)

from .errors import CstoKgError
from .namespaces import CSTO, KG, LINKED, OUTSIDE, OWL, PREFIXES, PROV, RDF, RDFS, SKOS, WD, XSD

WIKIDATA_ENDPOINT = "https://query.wikidata.org/sparql"
CONTACT_URL = "https://w3id.org/csto-kg/"

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


# ---------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------


class LinkError(CstoKgError):
    """Fetching from the open-data endpoint failed; nothing was written."""


class EndpointUnreachable(LinkError):
    """No connection: refused, unknown host, network down."""


class EndpointTimeout(LinkError):
    """The endpoint did not answer within the timeout."""


class MalformedResponse(LinkError):
    """The endpoint answered, but not with SPARQL JSON results."""


class RateLimited(LinkError):
    """The endpoint kept answering 429 Too Many Requests."""


class EndpointHTTPError(LinkError):
    """The endpoint answered with an HTTP error that retrying does not cure."""


# ---------------------------------------------------------------------------------------
# Talking to the endpoint
# ---------------------------------------------------------------------------------------


def user_agent() -> str:
    """csto-kg/<version> (<contact URL>) SPARQLWrapper/<version>, as Wikidata's policy asks."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        mine = version("csto-kg")
    except PackageNotFoundError:
        mine = "unknown"
    try:
        theirs = version("SPARQLWrapper")
    except PackageNotFoundError:
        theirs = "unknown"
    return f"csto-kg/{mine} ({CONTACT_URL}) SPARQLWrapper/{theirs}"


def _retry_after(headers) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    value = headers.get("Retry-After") if headers is not None else None
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _is_timeout(error: BaseException) -> bool:
    reason = getattr(error, "reason", error)
    return isinstance(reason, (TimeoutError, socket.timeout)) or "timed out" in str(reason)


class Endpoint:
    """One SPARQL endpoint, asked one query at a time, politely.

    Args:
        url: the SPARQL 1.1 query endpoint.
        timeout: seconds to wait for a connection and for each read of the answer.
        retries: how often to retry after 429 or 5xx before giving up.
        backoff: the first wait between retries, doubled each time, when the endpoint gives
            no Retry-After.
        max_wait: the longest single wait; a Retry-After beyond it fails at once.
        on_retry: called with a message and the seconds about to be waited.
    """

    def __init__(self, url: str, *, timeout: float = 60.0, retries: int = 4, backoff: float = 1.0,
                 max_wait: float = 120.0, agent: str | None = None,
                 on_retry: Callable[[str, float], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep):
        parsed = urllib.parse.urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise LinkError(f"not an HTTP(S) endpoint URL: {url!r}")
        self.url = url
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.agent = agent or user_agent()
        self.on_retry = on_retry
        self.sleep = sleep
        self.requests = 0

    def select(self, query: str) -> list[dict[str, Node]]:
        """Run a SELECT query; its rows as rdflib terms by variable name."""
        attempt = 0
        while True:
            self.requests += 1
            try:
                return self._once(query)
            except _Retryable as e:
                if attempt >= self.retries:
                    if e.status == 429:
                        raise RateLimited(
                            f"{self.url} is rate-limiting csto-kg: it still answered 429 Too Many "
                            f"Requests after {_retries(self.retries)}. Wait a while, then run the "
                            f"command again."
                        ) from None
                    raise EndpointHTTPError(
                        f"{self.url} answered {e.describe()} {attempt + 1} times in a row; "
                        f"the endpoint seems to be in trouble. Try again later."
                    ) from None
                wait = e.retry_after if e.retry_after is not None else self.backoff * 2 ** attempt
                if wait > self.max_wait:
                    raise RateLimited(
                        f"{self.url} answered {e.describe()} and asks csto-kg to wait {wait:.0f} s "
                        f"(Retry-After), longer than it waits ({self.max_wait:.0f} s). Try again later."
                    ) from None
                attempt += 1
                if self.on_retry:
                    self.on_retry(
                        f"{self.url} answered {e.describe()}; retrying in {wait:.1f} s "
                        f"(retry {attempt} of {self.retries})", wait)
                self.sleep(wait)

    def _wrapper(self, query: str) -> SPARQLWrapper:
        sparql = SPARQLWrapper(self.url, agent=self.agent)
        sparql.setOnlyConneg(True)  # the standard Accept header, no format= parameters
        sparql.setReturnFormat(JSON)
        sparql.timeout = self.timeout  # not setTimeout(), which truncates 0.5 s to int 0: no timeout
        sparql.setQuery(query)
        if len(urllib.parse.quote(query)) > 1800:  # long URLs are refused by some servers
            sparql.setMethod(POST)
        return sparql

    def _once(self, query: str) -> list[dict[str, Node]]:
        sparql = self._wrapper(query)
        try:
            result = sparql.query()
            body = result.response.read()
            content_type = result.response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as e:
            if e.code == 429 or e.code >= 500:
                raise _Retryable(e.code, e.reason, _retry_after(e.headers)) from None
            raise EndpointHTTPError(
                f"{self.url} answered HTTP {e.code} {e.reason}: {_snippet(_read(e))}") from None
        except EndPointInternalError as e:  # SPARQLWrapper's name for HTTP 500
            raise _Retryable(500, "Internal Server Error", None, _body(e)) from None
        except QueryBadFormed as e:
            raise EndpointHTTPError(
                f"{self.url} refused the query as malformed (HTTP 400): {_body(e)}. "
                f"Is it a SPARQL 1.1 endpoint?") from None
        except EndPointNotFound:
            raise EndpointHTTPError(f"{self.url}: no SPARQL endpoint there (HTTP 404)") from None
        except Unauthorized:
            raise EndpointHTTPError(f"{self.url} requires authentication (HTTP 401)") from None
        except URITooLong:
            raise EndpointHTTPError(f"{self.url} refused the query as too long (HTTP 414)") from None
        except SPARQLWrapperException as e:
            raise EndpointHTTPError(f"{self.url}: {e}") from None
        except urllib.error.URLError as e:
            if _is_timeout(e):
                raise self._timeout() from None
            raise EndpointUnreachable(f"cannot connect to {self.url}: {_reason(e.reason)}") from None
        except (TimeoutError, socket.timeout):
            raise self._timeout() from None
        except (ConnectionError, OSError) as e:  # reset or closed mid-answer, etc.
            raise EndpointUnreachable(f"connection to {self.url} failed: {_reason(e)}") from None
        return parse_results(body, content_type, self.url)

    def _timeout(self) -> EndpointTimeout:
        return EndpointTimeout(
            f"{self.url} did not answer within {self.timeout:g} s; "
            f"try again later or raise --timeout")


def _retries(n: int) -> str:
    return f"{n} retry" if n == 1 else f"{n} retries"


class _Retryable(Exception):
    def __init__(self, status: int, reason: str, retry_after: float | None, detail: str = ""):
        self.status, self.reason, self.retry_after, self.detail = status, reason, retry_after, detail

    def describe(self) -> str:
        return f"HTTP {self.status} {self.reason}".rstrip()


def _read(error: urllib.error.HTTPError) -> bytes:
    try:
        return error.read()
    except Exception:  # the body of an error is a courtesy
        return b""


def _body(error: SPARQLWrapperException) -> str:
    """The server's words, which SPARQLWrapper keeps only inside its message, as a bytes repr."""
    text = str(error)
    _, found, tail = text.partition("Response:\n")
    if not found:
        return "(empty body)"
    try:
        return _snippet(ast.literal_eval(tail.strip()))
    except (ValueError, SyntaxError):
        return _snippet(tail)


def _snippet(data, limit: int = 160) -> str:
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    text = " ".join(str(data or "").split())
    return (text[:limit] + "…") if len(text) > limit else (text or "(empty body)")


def _reason(reason) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (is the endpoint running, and is the URL right?)"
    if isinstance(reason, socket.gaierror):
        return f"unknown host ({reason.strerror or reason})"
    return getattr(reason, "strerror", None) or str(reason)


def parse_results(body: bytes, content_type: str, url: str) -> list[dict[str, Node]]:
    """SPARQL 1.1 Query Results JSON to rows of rdflib terms; MalformedResponse otherwise."""
    try:
        data = json.loads(body.decode("utf-8"))
        bindings = data["results"]["bindings"]
        if not isinstance(bindings, list):
            raise TypeError("bindings is not a list")
        return [{var: _term(value) for var, value in row.items()} for row in bindings]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as e:
        kind = content_type.split(";")[0].strip() or "no content type"
        raise MalformedResponse(
            f"{url} did not answer with SPARQL JSON results ({kind}, {len(body)} bytes: "
            f"{_snippet(body, 80)}): {type(e).__name__}. Is it a SPARQL endpoint?"
        ) from None


def _term(value: dict) -> Node:
    kind = value["type"]
    text = value["value"]
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text)
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in value:
            return Literal(text, lang=value["xml:lang"])
        if "datatype" in value:
            return Literal(text, datatype=URIRef(value["datatype"]))
        return Literal(text)
    raise ValueError(f"unknown RDF term type {kind!r}")


# ---------------------------------------------------------------------------------------
# What the built-in graph already says
# ---------------------------------------------------------------------------------------


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
    from .load import builtin_sources, read_quads

    if paths is None:
        sources = builtin_sources(implied=True)
        paths = sources.asserted + sources.implied
    store = ox.Store()
    for path in paths:
        store.extend(read_quads(Path(path)))
    article = Article()
    rows = store.query(_ARTICLE_QUERY, prefixes=PREFIXES, use_default_graph_as_union=True)
    triples = [(_rdflib(r["s"]), _rdflib(r["p"]), _rdflib(r["o"])) for r in rows]
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


def _rdflib(term) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


# ---------------------------------------------------------------------------------------
# Fetching
# ---------------------------------------------------------------------------------------


QID = re.compile(r"^Q[1-9][0-9]*$")


def normalize_qid(text: str) -> str:
    """'Q37', 'q37', 'wd:Q37' or the entity IRI to 'Q37'; ValueError otherwise."""
    value = text.strip()
    for prefix in (str(WD), "https://www.wikidata.org/wiki/", "wd:"):
        if value.startswith(prefix):
            value = value[len(prefix):]
    value = value.upper() if value[:1] in "qQ" else value
    if not QID.match(value):
        raise ValueError(f"not a Wikidata item id: {text!r} (expected Q followed by digits, e.g. Q37)")
    return value


@dataclass
class Fetched:
    """The rows of every query of a run, and the queries as sent."""

    items: list[dict] = field(default_factory=list)
    un: list[dict] = field(default_factory=list)
    statements: list[dict] = field(default_factory=list)
    organization: list[dict] = field(default_factory=list)
    queries: list[tuple[str, str]] = field(default_factory=list)  # (label, text)


def _values(qids: Iterable[str]) -> str:
    return " ".join(f"wd:{q}" for q in qids)


def fetch(endpoint: Endpoint, qids: list[str], organizations: list[str], *,
          batch_size: int = 50,
          progress: Callable[[int, int, str], None] | None = None) -> Fetched:
    """Ask the endpoint about the items, batch by batch, then about the CSTO item's side."""
    batches = [qids[i:i + batch_size] for i in range(0, len(qids), batch_size)] or [[]]
    total = 3 * len(batches) + 1
    done = 0
    fetched = Fetched()

    def ask(label: str, query: str, required: tuple[str, ...]) -> list[dict]:
        nonlocal done
        if progress:
            progress(done, total, label)
        fetched.queries.append((label, query))
        rows = endpoint.select(query)
        for row in rows:
            missing = [var for var in required if row.get(var) is None]
            if missing:
                raise MalformedResponse(
                    f"{endpoint.url} answered the query for {label} with rows that lack "
                    f"{', '.join('?' + v for v in missing)}: not an answer to that query")
        done += 1
        if progress:
            progress(done, total, label)
        return rows

    for n, batch in enumerate(batches, 1):
        of = f"batch {n} of {len(batches)}"
        items = _values(batch)
        fetched.items += ask(f"labels, ISO codes and classes, {of}",
                             ITEMS_QUERY.replace("$ITEMS", items), ("item",))
        fetched.un += ask(f"UN membership, {of}", UN_MEMBERSHIP_QUERY.replace("$ITEMS", items),
                          ("item", "statement", "rank"))
        fetched.statements += ask(
            f"memberships and diplomatic relations, {of}",
            STATEMENTS_QUERY.replace("$ITEMS", items)
            .replace("$ORGANIZATIONS", _values(organizations)).replace("$PARTNERS", _values(qids)),
            ("item", "property", "statement", "value", "rank"))
    fetched.organization += ask("the CSTO item's members and parts", ORGANIZATION_QUERY,
                                ("item", "property", "statement", "rank"))
    return fetched


# ---------------------------------------------------------------------------------------
# Linking
# ---------------------------------------------------------------------------------------


@dataclass
class LinkResult:
    """The two graphs to write, and the report of what was linked and what disagrees."""

    dataset: Dataset
    report: dict

    @property
    def linked(self):
        return self.dataset.graph(URIRef(LINKED))

    @property
    def outside(self):
        return self.dataset.graph(URIRef(OUTSIDE))


def link(endpoint: str = WIKIDATA_ENDPOINT, states: Iterable[str] = (), *,
         article: Article | None = None, timeout: float = 60.0, retries: int = 4,
         backoff: float = 1.0, max_wait: float = 120.0, batch_size: int = 50,
         agent: str | None = None,
         progress: Callable[[int, int, str], None] | None = None,
         on_retry: Callable[[str, float], None] | None = None) -> LinkResult:
    """Fetch the open-data facts about the article's entities and the extra states.

    Args:
        endpoint: a SPARQL 1.1 endpoint with Wikidata's data model (Wikidata, a mirror, a
            local copy).
        states: extra Wikidata items (Q-ids) to bring in as candidates.
        article: what the built-in graph says; read from the package when None.
        timeout, retries, backoff, max_wait, agent, on_retry: see Endpoint.
        batch_size: Q-ids per request.
        progress: called with (requests done, requests in all, what is being asked).

    Raises:
        LinkError: the endpoint is unreachable, too slow, rate-limiting, or answers garbage.
    """
    article = article or load_article()
    client = Endpoint(endpoint, timeout=timeout, retries=retries, backoff=backoff,
                      max_wait=max_wait, agent=agent, on_retry=on_retry)
    extra = []
    for text in states:
        try:
            qid = normalize_qid(text)
        except ValueError as e:
            raise LinkError(str(e)) from None
        if qid not in extra and qid not in article.by_qid:
            extra.append(qid)
    qids = list(dict.fromkeys([*article.by_qid, *extra]))
    organizations = [q for q, iri in article.by_qid.items()
                     if iri in article.organizations or q in (UN_QID, CSTO_QID, NATO_QID)]
    started = _now()
    fetched = fetch(client, qids, organizations, batch_size=batch_size, progress=progress)
    ended = _now()
    if not any(_qid(row.get("item")) in qids for row in fetched.items):
        shown = " ".join(f"wd:{q}" for q in qids[:4]) + (" …" if len(qids) > 4 else "")
        raise LinkError(
            f"{client.url} knows nothing about any of the {len(qids)} items asked for ({shown}): "
            f"is it a SPARQL endpoint with Wikidata's data?")
    return _Linker(article, client.url, extra, fetched, started, ended).run()


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _qid(term) -> str | None:
    text = str(term)
    return text[len(str(WD)):] if text.startswith(str(WD)) and QID.match(text[len(str(WD)):]) else None


def _date(term) -> str | None:
    return str(term)[:10] if term is not None else None


def _mint(label: str | None, qid: str, taken: set[URIRef]) -> URIRef:
    """kg:<CamelCaseLabel> for a new entity, or kg:<QID> when the name is taken or unusable."""
    words = re.findall(r"[A-Za-z0-9]+", label or "")
    name = "".join(w[:1].upper() + w[1:] for w in words)
    if name and name[0].isalpha() and KG[name] not in taken:
        return KG[name]
    return KG[qid]


class _Linker:
    """Turns the rows of one run into LINKED, OUTSIDE and the report."""

    def __init__(self, article: Article, endpoint: str, extra: list[str], fetched: Fetched,
                 started: datetime, ended: datetime):
        self.article = article
        self.endpoint = endpoint
        self.extra = extra
        self.fetched = fetched
        self.started, self.ended = started, ended
        self.dataset = Dataset()
        self.linked = self.dataset.graph(URIRef(LINKED))
        self.outside = self.dataset.graph(URIRef(OUTSIDE))
        for prefix, ns in {**PREFIXES, "wdt": WDT, "p": P, "ps": PS, "pq": PQ,
                           "wikibase": WIKIBASE, "schema": SCHEMA,
                           "wds": "http://www.wikidata.org/entity/statement/"}.items():
            self.dataset.bind(prefix, ns)
        self.activity = KG[f"fetch/{uuid.uuid4()}"]
        self.discrepancies: list[dict] = []
        self.agreements: list[dict] = []
        self.labels: dict[str, str] = {}  # qid -> Wikidata's English label
        self.iri: dict[str, URIRef] = dict(article.by_qid)
        self.added: dict[str, list[str]] = defaultdict(list)
        self.typed: set[str] = set()

    # -- helpers ---------------------------------------------------------------------

    def name(self, qid: str | None) -> str:
        """What to call an item: the graph's label, else Wikidata's, else its Q-id."""
        iri = self.iri.get(qid) if qid else None
        names = self.article.labels.get(iri) if iri is not None else None
        return (sorted(names)[0] if names else None) or self.labels.get(qid) or str(qid)

    def who(self, qid: str | None) -> dict:
        iri = self.iri.get(qid) if qid else None
        return {"qid": qid, "iri": str(iri) if iri is not None else None, "label": self.name(qid)}

    def discrepancy(self, kind: str, subject: str | None, message: str, *, obj: str | None = None,
                    severity: str = "disagrees", statements: Iterable = (), article: str | None = None):
        entry = {"kind": kind, "severity": severity, "subject": self.who(subject)}
        if obj is not None:
            entry["object"] = self.who(obj)
        entry["message"] = message
        if article:
            entry["article"] = article
        entry["statements"] = sorted({str(s) for s in statements})
        entry["kept_in"] = OUTSIDE
        self.discrepancies.append(entry)

    def fact(self, s: URIRef, p: URIRef, o: Node, source: Node, note: str) -> None:
        """A triple in LINKED, annotated with where it comes from."""
        self.linked.add((s, p, o))
        axiom = BNode()
        for triple in ((axiom, RDF.type, OWL.Axiom), (axiom, OWL.annotatedSource, s),
                       (axiom, OWL.annotatedProperty, p), (axiom, OWL.annotatedTarget, o),
                       (axiom, CSTO.retrievedBy, self.activity),
                       (axiom, PROV.wasDerivedFrom, source), (axiom, CSTO.note, Literal(note))):
            self.linked.add(triple)
        qid = self.article.qid_of(s) or next((q for q, i in self.iri.items() if i == s), str(s))
        self.added[qid].append(f"{self.dataset.namespace_manager.normalizeUri(p)} "
                               f"{self._show(o)}")

    def _show(self, o: Node) -> str:
        if isinstance(o, URIRef):
            return self.dataset.namespace_manager.normalizeUri(o)
        return f'"{o}"'

    def raw(self, *triples) -> None:
        for triple in triples:
            self.outside.add(triple)

    def raw_statement(self, item: Node, prop: str, row: dict, value: Node) -> None:
        st = row["statement"]
        self.raw((item, URIRef(P + prop), st), (st, URIRef(PS + prop), value),
                 (st, URIRef(WIKIBASE + "rank"), row["rank"]))
        for var, q in (("start", "P580"), ("end", "P582"), ("role", "P2868")):
            if row.get(var) is not None:
                self.raw((st, URIRef(PQ + q), row[var]))

    # -- the run -----------------------------------------------------------------------

    def run(self) -> LinkResult:
        items = self.read_items()
        self.new_entities(items)
        self.identity(items)
        self.un_membership(items)
        self.memberships_and_relations()
        self.organization_side()
        self.provenance()
        return LinkResult(self.dataset, self.report())

    def read_items(self) -> dict[str, dict]:
        items: dict[str, dict] = defaultdict(lambda: defaultdict(set))
        for row in self.fetched.items:
            qid = _qid(row.get("item"))
            if qid is None:
                continue
            entry = items[qid]
            item = URIRef(WD[qid])
            for var in ("label", "alpha2", "alpha3", "numeric", "class", "dissolved", "enwiki"):
                value = row.get(var)
                if value is None:
                    continue
                entry[var].add(value)
                if var == "enwiki":
                    self.raw((value, URIRef(SCHEMA + "about"), item),
                             (value, URIRef(SCHEMA + "isPartOf"), URIRef(ENWIKI)))
                elif var == "label":
                    self.raw((item, RDFS.label, value))
                else:
                    prop = {"alpha2": "P297", "alpha3": "P298", "numeric": "P299",
                            "class": "P31", "dissolved": "P576"}[var]
                    self.raw((item, URIRef(WDT + prop), value))
            labels = sorted(str(v) for v in entry["label"])
            if labels:
                self.labels[qid] = labels[0]
        for row in self.fetched.organization:
            qid = _qid(row.get("item"))
            if qid and row.get("label") is not None and qid not in self.labels:
                self.labels[qid] = str(row["label"])
                self.raw((URIRef(WD[qid]), RDFS.label, row["label"]))
        return items

    def new_entities(self, items: dict[str, dict]) -> None:
        """IRIs, typing and exactMatch for the extra states."""
        taken = set(self.article.names)
        for qid in self.extra:
            entry = items.get(qid)
            if not entry:
                self.discrepancy("not-found", qid, f"wd:{qid} has no label, code, class or "
                                 f"sitelink on {self.endpoint}: nothing linked for it",
                                 severity="missing")
                continue
            iri = _mint(self.labels.get(qid), qid, taken)
            taken.add(iri)
            self.iri[qid] = iri
            item = URIRef(WD[qid])
            self.fact(iri, SKOS.exactMatch, item, item, f"The Wikidata item {qid}.")
            classes = {_qid(c) for c in entry["class"]}
            if SOVEREIGN_STATE_QID in classes and not entry["dissolved"]:
                self.typed.add(qid)
                self.fact(iri, RDF.type, CSTO.State, item,
                          f"Wikidata: {self.name(qid)} is an instance of (P31) "
                          f"sovereign state ({SOVEREIGN_STATE_QID}).")
            else:
                why = ("has a dissolution date (P576)" if entry["dissolved"]
                       else f"is not an instance of (P31) sovereign state ({SOVEREIGN_STATE_QID})")
                self.discrepancy("not-a-state", qid, f"Wikidata's {self.name(qid)} {why}: "
                                 f"not typed csto:State, so it gets no verdict", severity="missing")

    def identity(self, items: dict[str, dict]) -> None:
        """Labels, ISO codes and DBpedia IRIs: added where missing, compared where present."""
        for qid, entry in items.items():
            iri = self.iri.get(qid)
            if iri is None:
                continue
            item = URIRef(WD[qid])
            theirs = {str(v) for v in entry["label"]}
            mine = self.article.labels.get(iri, set())
            if theirs and not mine:
                for label in sorted(theirs):
                    self.fact(iri, RDFS.label, Literal(label, lang="en"), item,
                              f"Wikidata's English label of {qid}.")
            elif theirs and not (theirs & (mine | self.article.alt_labels.get(iri, set()))):
                self.discrepancy("label-differs", qid,
                                 f"Wikidata labels {qid} {', '.join(map(repr, sorted(theirs)))}; "
                                 f"the graph says {', '.join(map(repr, sorted(mine)))}",
                                 severity="differs")
            for var, prop in (("alpha2", "P297"), ("alpha3", "P298"), ("numeric", "P299")):
                theirs = {str(v) for v in entry[var]}
                mine = self.article.iso.get((iri, ISO_PROPERTIES[prop]), set())
                if theirs and not mine:
                    for code in sorted(theirs):
                        self.fact(iri, ISO_PROPERTIES[prop], Literal(code), item,
                                  f"Wikidata: {PROPERTY_LABELS[prop]} ({prop}) of {qid} is {code}.")
                elif theirs and theirs != mine:
                    self.discrepancy("code-differs", qid,
                                     f"Wikidata's {PROPERTY_LABELS[prop]} ({prop}) is "
                                     f"{', '.join(sorted(theirs))}; the graph says {', '.join(sorted(mine))}",
                                     severity="differs")
                elif theirs:
                    self.agreements.append({"qid": qid, "what": prop})
            pages = {URIRef(DBR + urllib.parse.unquote(str(p)[len(ENWIKI + "wiki/"):]))
                     for p in entry["enwiki"] if str(p).startswith(ENWIKI + "wiki/")}
            known = {m for m in self.article.matches.get(iri, set()) if str(m).startswith(DBR)}
            if pages and not known:
                for page in sorted(pages):
                    self.fact(iri, SKOS.exactMatch, page, next(iter(entry["enwiki"])),
                              f"The DBpedia resource of {qid}'s English Wikipedia article.")
            elif pages and not (pages & known):
                self.discrepancy("dbpedia-differs", qid,
                                 f"{qid}'s English Wikipedia article gives {', '.join(sorted(pages))}; "
                                 f"the graph links {', '.join(sorted(known))} (a redirect?)",
                                 severity="differs")

    def un_membership(self, items: dict[str, dict]) -> None:
        """The one membership that is reasoned over: current UN membership."""
        un = self.article.by_qid[UN_QID]
        current: dict[str, list[dict]] = defaultdict(list)
        for row in self.fetched.un:
            qid = _qid(row.get("item"))
            if qid:
                current[qid].append(row)
        for qid, rows in current.items():
            iri = self.iri.get(qid)
            if iri is None or iri == un:
                continue
            label = self.name(qid)
            statements = [r["statement"] for r in rows]
            if items.get(qid, {}).get("dissolved"):
                self.discrepancy("dissolved", qid,
                                 f"Wikidata records {label} as a UN member without an end time, but "
                                 f"also as dissolved (P576 {_date(min(items[qid]['dissolved']))}): "
                                 f"not linked as a current member", severity="note", statements=statements)
                continue
            if (iri, un) in self.article.not_member_of:
                self.discrepancy("contradicts-article", qid,
                                 f"Wikidata records {label} as a UN member; the graph says it is not",
                                 statements=statements, article="notMemberOf United Nations")
                continue
            if (iri, un) in self.article.member_of:
                self.agreements.append({"qid": qid, "what": "UN membership"})
                continue
            row = sorted(rows, key=lambda r: str(r["statement"]))[0]
            since = f", start time (P580) {_date(row.get('start'))}" if row.get("start") is not None else ""
            rank = str(row["rank"]).rsplit("#", 1)[-1]
            self.fact(iri, CSTO.memberOf, un, row["statement"],
                      f"Wikidata: {label} member of (P463) United Nations ({UN_QID}){since}, "
                      f"{rank}, no end time (P582).")

    def memberships_and_relations(self) -> None:
        """P463 and P530 statements of the run's items: OUTSIDE, compared with the article."""
        un_members = {_qid(r.get("item")) for r in self.fetched.un}
        un_statements: dict[str, list[dict]] = defaultdict(list)
        relations: dict[frozenset, list] = defaultdict(list)
        for row in self.fetched.statements:
            qid, value = _qid(row.get("item")), row.get("value")
            prop = str(row.get("property"))
            if qid is None or value is None or prop not in ("P463", "P530"):
                continue
            self.raw_statement(URIRef(WD[qid]), prop, row, value)
            if prop == "P463" and _qid(value) == UN_QID:
                un_statements[qid].append(row)
            elif prop == "P530" and str(row["rank"]) != DEPRECATED:
                relations[frozenset((qid, _qid(value)))].append(row["statement"])
            elif prop == "P463" and row.get("end") is not None and _qid(value) != CSTO_QID:
                self.discrepancy("former-member", qid,
                                 f"Wikidata: {self.name(qid)} was a member of "
                                 f"{self.name(_qid(value))} until "
                                 f"{_date(row['end'])}", obj=_qid(value),
                                 severity="note", statements=[row["statement"]])
        for qid in self.iri:
            if qid in un_members or qid not in un_statements:
                continue
            rows = un_statements[qid]
            why = []
            if any(r.get("end") is not None for r in rows):
                why.append("ended " + ", ".join(sorted(_date(r["end"]) for r in rows if r.get("end") is not None)))
            if any(str(r["rank"]) == DEPRECATED for r in rows):
                why.append("deprecated rank")
            if any(r.get("role") is not None for r in rows):
                why.append("with a role qualifier (P2868)")
            self.discrepancy("un-membership-not-current", qid,
                             f"Wikidata's UN membership statement for {self.name(qid)} is "
                             f"not current ({'; '.join(why)}): not linked, UN membership stays unknown",
                             severity="note", statements=[r["statement"] for r in rows])
        for pair, statements in sorted(relations.items(), key=lambda kv: sorted(kv[0])):
            a, b = sorted(pair)
            ia, ib = self.iri.get(a), self.iri.get(b)
            if ia is not None and ib is not None and frozenset((ia, ib)) in self.article.lacks_relations:
                self.discrepancy(
                    "diplomatic-relation-listed", a,
                    f"Wikidata lists a diplomatic relation (P530) between {self.name(a)} and "
                    f"{self.name(b)}; the article implies they have none. Kept out of the "
                    f"reasoned graph", obj=b, statements=statements,
                    article="lacksDiplomaticRelationsWith")

    def organization_side(self) -> None:
        """CSTO membership on both sides, compared with the article's closed list."""
        csto = CSTO_QID
        country_side: dict[str, list[dict]] = defaultdict(list)
        seen = set()
        for row in self.fetched.statements:
            if str(row.get("property")) == "P463" and _qid(row.get("value")) == csto:
                country_side[_qid(row["item"])].append(row)
                seen.add(row["statement"])
        org_side_parts: dict[str, list[dict]] = defaultdict(list)
        for row in self.fetched.organization:
            qid = _qid(row.get("item"))
            if qid is None:
                continue
            if str(row["property"]) == "P527":
                self.raw_statement(URIRef(WD[csto]), "P527", row, row["item"])
                org_side_parts[qid].append(row)
            else:
                self.raw_statement(URIRef(WD[qid]), "P463", row, URIRef(WD[csto]))
                if row["statement"] not in seen:
                    seen.add(row["statement"])
                    country_side[qid].append(row)

        def current(rows):
            return [r for r in rows if str(r["rank"]) != DEPRECATED and r.get("end") is None
                    and r.get("role") is None]

        members = {self.article.qid_of(m) for m in self.article.members} - {None}
        says_member = {q for q, rows in country_side.items() if current(rows)}
        has_part = {q for q, rows in org_side_parts.items() if current(rows)}
        for qid in sorted(members):
            name = self.name(qid)
            if qid not in says_member:
                self.discrepancy("member-missing-on-country-side", qid,
                                 f"the article lists {name} as a CSTO member; Wikidata's item {qid} "
                                 f"has no current member of (P463) CSTO statement", severity="missing")
            if qid not in has_part:
                self.discrepancy("member-missing-on-organization-side", qid,
                                 f"the article lists {name} as a CSTO member; the CSTO item "
                                 f"({csto}) does not list it under has part(s) (P527)", severity="missing")
        for qid in sorted(says_member - members):
            self.discrepancy("member-not-in-article", qid,
                             f"Wikidata records {self.name(qid)} as a current CSTO member "
                             f"(P463, no end time); the article's member list does not include it",
                             statements=[r["statement"] for r in current(country_side[qid])])
        for qid in sorted(has_part - members):
            self.discrepancy("part-not-member", qid,
                             f"the CSTO item lists {self.name(qid)} under has part(s) "
                             f"(P527); the article's member list does not include it, and P527 is "
                             f"no membership", statements=[r["statement"] for r in org_side_parts[qid]])
        for qid in sorted(country_side):
            for row in country_side[qid]:
                if row.get("end") is not None:
                    self.discrepancy("former-member", qid,
                                     f"Wikidata: {self.name(qid)} was a CSTO member "
                                     f"(P463) until {_date(row['end'])}", obj=csto, severity="note",
                                     statements=[row["statement"]])
        for qid in sorted(says_member | has_part):  # a P2868 role (observer) is no membership
            iri = self.iri.get(qid)
            if iri is not None and iri in self.article.observers:
                self.discrepancy("observer-as-member", qid,
                                 f"the article gives {self.name(qid)} observer status; "
                                 f"Wikidata records a current CSTO membership or part",
                                 statements=[r["statement"] for r in country_side.get(qid, [])
                                             + org_side_parts.get(qid, [])])

    def provenance(self) -> None:
        g, act = self.linked, self.activity
        g.add((act, RDF.type, PROV.Activity))
        g.add((act, RDFS.label, Literal(f"csto-kg link from {self.endpoint}", lang="en")))
        g.add((act, PROV.used, URIRef(self.endpoint)))
        g.add((act, PROV.startedAtTime, Literal(self.started.isoformat(), datatype=XSD.dateTime)))
        g.add((act, PROV.endedAtTime, Literal(self.ended.isoformat(), datatype=XSD.dateTime)))
        for n, (label, text) in enumerate(self.fetched.queries, 1):
            query = URIRef(f"{act}/query/{n}")
            g.add((act, PROV.used, query))
            g.add((query, RDF.type, PROV.Entity))
            g.add((query, RDFS.label, Literal(label, lang="en")))
            g.add((query, PROV.value, Literal(text)))
        for prop, label in PROPERTY_LABELS.items():  # so OUTSIDE reads in words
            for ns in (P, PS, PQ, WDT):
                if (None, URIRef(ns + prop), None) in self.outside:
                    self.outside.add((URIRef(ns + prop), RDFS.label,
                                      Literal(f"{label} (Wikidata {prop})", lang="en")))

    def report(self) -> dict:
        order = {"disagrees": 0, "missing": 1, "differs": 2, "note": 3}
        self.discrepancies.sort(key=lambda d: (order.get(d["severity"], 9), d["kind"],
                                               d["subject"]["label"] or ""))
        return {
            "endpoint": self.endpoint,
            "activity": str(self.activity),
            "started": self.started.isoformat(),
            "ended": self.ended.isoformat(),
            "requests": len(self.fetched.queries),
            "items": len(self.iri),
            "new_states": [self.who(q) for q in self.extra if q in self.typed],
            "new_items": [self.who(q) for q in self.extra if q in self.iri and q not in self.typed],
            "un_members": sorted((self.who(q) for q, facts in self.added.items()
                                  if any(f.startswith("csto:memberOf") for f in facts)),
                                 key=lambda who: who["label"]),
            "linked_facts": sum(len(v) for v in self.added.values()),
            "linked_triples": len(self.linked),
            "outside_triples": len(self.outside),
            "added": {q: sorted(v) for q, v in sorted(self.added.items())},
            "agreements": len(self.agreements),
            "discrepancies": self.discrepancies,
        }


# ---------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------


def _atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, then rename it over the target."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_trig(result: LinkResult, path: Path) -> None:
    """The LINKED and OUTSIDE graphs as TriG, replacing the file atomically."""
    data = result.dataset.serialize(format="trig", encoding="utf-8")
    _atomic_write(path, data)


def write_report(result: LinkResult, path: Path) -> None:
    _atomic_write(path, (json.dumps(result.report, indent=2, ensure_ascii=False) + "\n").encode())


def format_report(report: dict) -> str:
    """The report for people: what was linked, then each discrepancy on a line."""
    lines = [
        f"Linked {report['items']} items from {report['endpoint']} "
        f"({report['requests']} requests, {report['started']}).",
        f"  reasoned (linked graph): {report['linked_facts']} facts "
        f"({report['linked_triples']} triples with their provenance); "
        f"kept outside: {report['outside_triples']} triples; "
        f"{report['agreements']} values already in the graph agree.",
    ]
    if report["new_states"]:
        lines.append("  new states: " + ", ".join(f"{s['label']} ({s['qid']})" for s in report["new_states"]))
    if report["new_items"]:
        lines.append("  new items, not states: " + ", ".join(f"{s['label']} ({s['qid']})" for s in report["new_items"]))
    if report["un_members"]:
        lines.append(f"  current UN membership linked for {len(report['un_members'])}: "
                     + ", ".join(s["label"] for s in report["un_members"]))
    if report["discrepancies"]:
        lines.append(f"Open data and the article disagree or differ ({len(report['discrepancies'])}); "
                     f"the article wins, Wikidata's side is kept in the outside graph:")
        for d in report["discrepancies"]:
            lines.append(f"  [{d['severity']}] {d['kind']}: {d['message']}")
    else:
        lines.append("No discrepancies between open data and the article.")
    return "\n".join(lines)
