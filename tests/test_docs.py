"""The ontology's HTML page, as the app answers GET /ontology: every csto: class,
property and individual, with its label, definition and axioms, anchored by local name, and
nothing fetched from elsewhere."""

from html.parser import HTMLParser
from importlib.resources import files

import pytest
import rdflib
from rdflib.namespace import SKOS

from csto_kg.graph.namespaces import CSTO, OWL, RDF, RDFS

KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual)


class Page(HTMLParser):
    """Text per element id, every id, internal links and any external resource."""

    def __init__(self):
        super().__init__()
        self.ids, self.fragments, self.external, self.text = set(), set(), [], []
        self.stack: list[str | None] = []
        self.by_id: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
            self.by_id[attrs["id"]] = []
        if tag in ("link", "script", "img", "iframe") and any(k in attrs for k in ("src", "href")):
            self.external.append((tag, attrs))
        href = attrs.get("href", "")
        if href.startswith("#"):
            self.fragments.add(href[1:])
        self.stack.append(attrs.get("id"))

    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)
        for open_id in self.stack:
            if open_id is not None:
                self.by_id[open_id].append(data)


@pytest.fixture(scope="module")
def page(app):
    html = app.test_client().get("/ontology", headers={"Accept": "text/html"}).text
    parser = Page()
    assert html.lower().startswith("<!doctype html>")
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def ontology():
    return rdflib.Graph().parse(str(files("csto_kg.ontology").joinpath("csto.ttl")), format="turtle")


def csto_terms(g):
    return sorted({t for k in KINDS for t in g.subjects(RDF.type, k) if str(t).startswith(str(CSTO))})


def test_every_csto_term_has_an_entry_with_its_label_and_definition(page, ontology):
    terms = csto_terms(ontology)
    assert len(terms) > 50
    for term in terms:
        anchor = str(term)[len(str(CSTO)):]
        assert anchor in page.ids, f"no entry for {term}"
        entry = " ".join(" ".join(page.by_id[anchor]).split())
        label = ontology.value(term, RDFS.label)
        assert label is not None and str(label) in entry, term
        definition = ontology.value(term, SKOS.definition)
        if definition is not None:
            assert " ".join(str(definition).split()) in entry, term


def test_axioms_are_shown_in_manchester_syntax(page):
    entry = " ".join(" ".join(page.by_id["EligibleForObserverStatus"]).split())
    assert "Equivalent to" in entry and "meets value must be UN members" in entry
    assert "eligible for value observer" in entry
    failing = " ".join(" ".join(page.by_id["general-axioms"]).split())
    assert ("has conflict on territory some conflict ) SubClassOf "
            "( fails value should not have conflicts on their territories") in failing


def test_member_axioms_of_the_build_are_shown_and_marked(page):
    entry = " ".join(" ".join(page.by_id["ConsentOfAllMembers"]).split())
    for member in ("Armenia", "Belarus", "Kazakhstan", "Kyrgyzstan", "Russia", "Tajikistan"):
        assert f"consent given by value kg:{member}" in entry
    assert "written at build time" in entry


def test_internal_links_resolve_and_nothing_is_fetched(page):
    assert not page.fragments - page.ids, sorted(page.fragments - page.ids)
    loaded = [attrs.get("src") or attrs.get("href") for _, attrs in page.external]
    assert loaded and all(url.startswith("/static/") for url in loaded), loaded  # the server's own files only


def test_the_page_escapes_what_the_ontology_says():
    """The page's content is data and the template escapes it: a label or definition holding
    markup is shown as text, never run (no HTML is written outside the template)."""
    from flask import render_template

    from csto_kg.graph import build
    from csto_kg.graph.publish.docs import document
    from csto_kg.server import create_app

    graph = rdflib.Graph()
    hostile = rdflib.URIRef(CSTO + "Hostile")  # a class the ontology lacks: CSTO is closed
    graph.add((hostile, RDF.type, OWL.Class))
    graph.add((hostile, RDFS.label, rdflib.Literal("<script>alert('label')</script>")))
    graph.add((hostile, SKOS.definition, rdflib.Literal("<img src=x onerror=alert(1)>")))
    graph.add((hostile, RDFS.subClassOf, CSTO.Candidate))
    app = create_app(build())
    with app.test_request_context("/ontology"):
        html = render_template("ontology.html", doc=document(graph, set()), downloads=[])
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;" in html
    assert '<a href="#Candidate" title="csto:Candidate">' in html  # links are still links
