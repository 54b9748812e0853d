"""Turning the fetched rows into the LINKED and OUTSIDE graphs and the report of discrepancies."""

from __future__ import annotations

import re
import urllib.parse
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.term import Node

from ..errors import LinkError
from ..namespaces import CSTO, KG, LINKED, OUTSIDE, OWL, PREFIXES, PROV, RDF, RDFS, SKOS, WD, WIKIDATA_SPARQL, XSD
from ..sparql.client import SparqlClient
from .article import Article, load_article
from .fetching import QID, Fetched, fetch, normalize_qid
from .queries import (
    CSTO_QID,
    DBR,
    DEPRECATED,
    ENWIKI,
    ISO_PROPERTIES,
    NATO_QID,
    PQ,
    PROPERTY_LABELS,
    PS,
    SCHEMA,
    SOVEREIGN_STATE_QID,
    UN_QID,
    WDT,
    WIKIBASE,
    P,
)


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


def link(endpoint: str = WIKIDATA_SPARQL, states: Iterable[str] = (), *,
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
        timeout, retries, backoff, max_wait, agent, on_retry: see SparqlClient.
        batch_size: Q-ids per request.
        progress: called with (requests done, requests in all, what is being asked).

    Raises:
        EndpointError: the endpoint is unreachable, too slow, rate-limiting, or answers garbage.
        LinkError: it knows nothing about the items, or a Q-id is malformed.
    """
    article = article or load_article()
    client = SparqlClient(endpoint, timeout=timeout, retries=retries, backoff=backoff,
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
            f"{client.query_url} knows nothing about any of the {len(qids)} items asked for ({shown}): "
            f"is it a SPARQL endpoint with Wikidata's data?")
    return _Linker(article, client.query_url, extra, fetched, started, ended).run()


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
                       (axiom, CSTO.readFrom, source), (axiom, CSTO.note, Literal(note))):
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
