"""The article: its text, sentence by sentence, each with the facts whose quotes it holds, and
each fact's triples in words."""

from __future__ import annotations

import pyoxigraph as ox

from ..errors import NotFoundError
from ..labels import labels_of
from ..namespaces import CSTO, DCTERMS, RDF, RDFS, SKOS, XSD, local_name
from .sentences import annotate
from .shared import FACTS, GRAPH_KINDS, by_fact_id, value
from .timeline import PRECISION, date_words

_ARTICLE = """
SELECT DISTINCT ?doc ?title ?text WHERE {
  ?doc a csto:NewsArticle ; csto:text ?text . OPTIONAL { ?doc dcterms:title ?title }
} ORDER BY ?doc LIMIT 1"""

_FACT_TRIPLES = """
SELECT DISTINCT ?id ?s ?p ?o WHERE {
  ?ax csto:fact ?fact ; owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o .
  ?fact dcterms:identifier ?id .
} ORDER BY ?id ?s ?p ?o"""


def article(kg) -> dict:
    """The article's text, sentence by sentence, each with the facts whose quotes it holds."""
    rows = list(kg.query(_ARTICLE))
    if not rows:
        raise NotFoundError("the served graph holds no article text (csto:text of a csto:NewsArticle)")
    facts: dict[str, dict] = {}
    for row in kg.query(FACTS):
        facts.setdefault(row["id"].value, {
            "id": row["id"].value, "quote": row["quote"].value, "kind": value(row["kind"]),
            "reason": value(row["reason"]), "graph": GRAPH_KINDS.get(row["g"].value, "other"), "says": []})
    triples = [(r["id"].value, r["s"], r["p"], r["o"]) for r in kg.query(_FACT_TRIPLES) if r["id"].value in facts]
    labels = labels_of(kg, [t.value for _, s, p, o in triples for t in (s, p, o) if isinstance(t, ox.NamedNode)])
    for fid, s, p, o in triples:
        facts[fid]["says"].append(fact_words(s, p, o, labels))
    text = rows[0]["text"].value
    paragraphs, unplaced = annotate(text, {f["id"]: f["quote"] for f in facts.values()})
    _shade(paragraphs, facts)
    sentences_of: dict[str, list[int]] = {}
    for paragraph in paragraphs:
        for sentence in paragraph:
            for fid in sentence["facts"]:
                sentences_of.setdefault(fid, []).append(sentence["n"])
    return {"iri": rows[0]["doc"].value, "title": value(rows[0]["title"]), "paragraphs": paragraphs,
            "sentences_of": sentences_of, "facts": by_fact_id(facts.values()), "unplaced": unplaced}


def _shade(paragraphs: list, facts: dict) -> None:
    """Each quoted part with how many stated and implied facts quote it, and a shade from 1 to 4
    by how many facts do: the density of the highlight means something."""
    for sentence in (s for paragraph in paragraphs for s in paragraph):
        for part in sentence["parts"]:
            kinds = [facts[f]["graph"] for f in part["facts"]]
            part["stated"], part["implied"] = kinds.count("stated"), kinds.count("implied")
            part["shade"] = min(len(kinds), 4)


# How the RDF, RDFS and SKOS terms a fact may use read in a sentence; other predicates by label.
_VERBS = {str(RDF.type): "is a", str(RDFS.subClassOf): "is a kind of", str(RDFS.label): "is called",
          str(SKOS.altLabel): "is also called", str(RDFS.comment): "is described as",
          str(SKOS.definition): "is defined as", str(DCTERMS.date): "is dated", str(CSTO.startedIn): "started in"}


def fact_words(s, p, o, labels: dict) -> str:
    """A fact's triple as a sentence: 'former republic of the USSR is a kind of state', 'Borisov's
    comment of 12 September is dated 12 September 2019', 'the list … — exhaustive: yes'."""
    subject = _term_words(s, labels)
    verb = _VERBS.get(p.value) or labels.get(p.value, local_name(p.value))
    if p.value == str(RDFS.label):
        subject, verb = "", "named"  # the subject's label is this very name
    if isinstance(o, ox.Literal) and o.datatype.value in PRECISION:
        value = date_words(o)
    elif isinstance(o, ox.Literal) and o.datatype.value == str(XSD.boolean):
        verb, value = f"— {verb}:", "yes" if o.value in ("true", "1") else "no"
    elif isinstance(o, ox.Literal) and o.datatype.value in (str(XSD.string), str(RDF.langString)):
        value = f"“{o.value if len(o.value) <= 80 else o.value[:79] + '…'}”"
    else:
        value = _term_words(o, labels)
    if verb == "is a" and value[:1].lower() in "aeiou":
        verb = "is an"
    return f"{subject} {verb} {value}".strip()


def _term_words(term, labels: dict) -> str:
    if isinstance(term, ox.NamedNode):
        return labels.get(term.value, local_name(term.value))
    if isinstance(term, ox.BlankNode):
        return "(something)"
    return term.value
