"""The query page in a real headless browser (Debian's chromium through Playwright).

Nothing may come from the network: the test fails on any request that is not to the server.
"""

import csv
import os
import sys

import pytest
import rdflib
from playwright.sync_api import expect

sys.path.insert(0, os.path.dirname(__file__))
from helpers import type_query  # noqa: E402
from server_fixtures import running_server, toy_graph  # noqa: E402

from csto_kg.queries import NamedQuery  # noqa: E402

KG = "https://w3id.org/csto-kg/id/"

TOY_QUERIES = [
    NamedQuery("organizations", "Organizations", "Every organization.",
               "SELECT ?org ?label WHERE { ?org a csto:Organization ; rdfs:label ?label }"),
    NamedQuery("members", "Members as a graph", "The CSTO's members, as triples.",
               "CONSTRUCT { kg:CSTO csto:hasMember ?m } WHERE { kg:CSTO csto:hasMember ?m }"),
    NamedQuery("awkward", "Awkward <text>", "A query whose text could break the page.",
               '# </script><script>window.broken = true</script> <!--\n'
               'SELECT ?link WHERE { VALUES ?link { <javascript:window.broken=true> } }'),
]


@pytest.fixture(scope="module")
def server():
    with running_server(toy_graph(), {"NAMED_QUERIES": lambda: TOY_QUERIES}) as s:
        yield s


@pytest.fixture
def page(browser, server):
    context = browser.new_context()
    page = context.new_page()
    foreign = []
    page.on("request", lambda request: None if request.url.startswith(server.base)
            else foreign.append(request.url))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # what the Content-Security-Policy blocks, chromium reports on the console
    page.on("console", lambda message: errors.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(server.base + "/")
    yield page
    context.close()
    assert foreign == [], "the page fetched something from outside the server"
    assert errors == [], errors


def column(page, index):
    return page.locator(f"#results-table tbody tr td:nth-child({index})").all_inner_texts()


def test_editor_starts_with_prefixes_and_highlights(page):
    text = page.locator("#query").input_value()
    assert "PREFIX csto: <https://w3id.org/csto-kg/ontology#>" in text
    assert "PREFIX kg: <https://w3id.org/csto-kg/id/>" in text
    expect(page.locator("#editor-cm .cm-keyword").first).to_have_text("PREFIX")
    type_query(page, "SELECT ?x WHERE { ?x a csto:State }")
    expect(page.locator("#editor-cm .cm-variable-2").first).to_have_text("?x")
    expect(page.locator("#editor-cm .cm-atom", has_text="csto:State")).to_have_count(1)
    assert page.locator("#query").input_value() == "SELECT ?x WHERE { ?x a csto:State }"


def test_type_a_query_run_it_and_see_the_rows(page):
    type_query(page, "SELECT ?state ?pop WHERE { ?state csto:population ?pop } ORDER BY ?state")
    page.click("#run")
    expect(page.locator("#results-table tbody tr")).to_have_count(3)
    # cells read as labels; the raw terms are one click away
    states = page.locator("#results-table tbody tr td:nth-child(1)")
    expect(states).to_have_text(["Armenia", "Azerbaijan", "Belarus"])
    page.check("#raw-terms")
    expect(states).to_have_text(["kg:Armenia", "kg:Azerbaijan", "kg:Belarus"])
    expect(page.locator("#status")).to_contain_text("3 rows")
    # IRIs are links; our own lead to the resource page
    link = page.locator("#results-table tbody tr td:nth-child(1) a").first
    assert link.get_attribute("href") == "/resource?iri=https%3A%2F%2Fw3id.org%2Fcsto-kg%2Fid%2FArmenia"


def test_ctrl_enter_runs_the_query(page):
    type_query(page, "ASK { kg:Armenia csto:memberOf kg:CSTO }")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#boolean-result")).to_have_text("true")


def test_sort_a_column(page):
    type_query(page, "SELECT ?state ?pop WHERE { ?state csto:population ?pop } ORDER BY ?state")
    page.click("#run")
    expect(page.locator("#results-table tbody tr")).to_have_count(3)
    sort_population = page.locator("#results-table th button.sort", has_text="pop")
    sort_population.click()  # ascending, numerically
    assert column(page, 2) == ["2777970", "9155978", "10353296"]
    sort_population.click()  # descending
    assert column(page, 2) == ["10353296", "9155978", "2777970"]
    expect(page.locator("#results-table th").nth(1)).to_have_attribute("aria-sort", "descending")


def test_click_a_named_query(page):
    page.click("button.named-query[data-name='organizations']")
    expect(page.locator("#results-table tbody tr")).to_have_count(1)
    assert page.locator("#query").input_value() == TOY_QUERIES[0].text
    cell = page.locator("#results-table tbody tr td:nth-child(2)")
    expect(cell).to_have_text("Collective Security Treaty Organization")  # no @en
    page.check("#raw-terms")
    expect(cell.locator(".literal")).to_have_text("Collective Security Treaty Organization")
    expect(cell.locator(".lang")).to_have_text("@en")


def test_construct_shows_triples_and_graph_downloads(page):
    page.click("button.named-query[data-name='members']")
    expect(page.locator("#results-table tbody tr")).to_have_count(2)
    headers = page.locator("#results-table th").all_inner_texts()
    assert [h.strip() for h in headers] == ["subject", "predicate", "object"]
    formats = [a.get_attribute("data-format") for a in page.locator("#downloads a").all()]
    assert formats == ["turtle", "ntriples", "rdfxml", "jsonld"]


def test_downloads_in_each_result_format(page, server):
    type_query(page, "SELECT ?state WHERE { ?state a csto:State }")
    page.click("#run")
    expect(page.locator("#results-table tbody tr")).to_have_count(3)
    links = page.locator("#downloads a")
    assert [a.get_attribute("data-format") for a in links.all()] == ["json", "xml", "csv", "tsv"]
    with page.expect_download() as download_info:
        page.click("#downloads a[data-format='csv']")
    path = download_info.value.path()
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["state"]
    assert sorted(r[0] for r in rows[1:]) == [KG + s for s in ("Armenia", "Azerbaijan", "Belarus")]


def test_a_bad_query_shows_the_servers_message(page):
    type_query(page, "SELECT ?x WHERE { ?x }")
    page.click("#run")
    expect(page.locator("#error")).to_be_visible()
    expect(page.locator("#error")).to_contain_text("400")
    expect(page.locator("#error")).to_contain_text("line 1, column")


def test_query_text_and_iris_cannot_inject_script(page):
    page.click("button.named-query[data-name='awkward']")
    expect(page.locator("#results-table tbody tr")).to_have_count(1)
    assert "</script>" in page.locator("#query").input_value()
    link = page.locator("#results-table tbody a")
    assert link.get_attribute("href").startswith("/resource?iri=javascript")
    assert page.evaluate("window.broken === undefined")


@pytest.fixture(scope="module")
def real_server(kg):
    with running_server(kg) as s:
        yield s


def test_every_shipped_named_query_is_one_click_away(browser, real_server):
    from csto_kg.queries import all_queries

    shipped = all_queries()
    page = browser.new_page()
    try:
        page.goto(real_server.base + "/")
        buttons = page.locator("button.named-query")
        expect(buttons).to_have_count(len(shipped))
        for named in shipped:
            page.click(f"button.named-query[data-name='{named.name}']")
            expect(page.locator("#status")).to_contain_text(" ms")
            assert page.locator("#error").is_hidden(), (named.name, page.locator("#error").inner_text())
            assert page.locator("#query").input_value() == named.text
            shown = page.locator("#results-table tbody tr").count() + page.locator("#boolean-result").count()
            expected = real_server.get(f"/queries/{named.name}",
                                       accept="application/sparql-results+json, application/n-triples;q=0.9")
            if expected.content_type == "application/n-triples":
                assert shown == len(rdflib.Graph().parse(data=expected.body, format="nt")), named.name
            elif "boolean" in expected.json():
                assert page.locator("#boolean-result").inner_text() == str(expected.json()["boolean"]).lower()
            else:
                assert shown == len(expected.json()["results"]["bindings"]), named.name
    finally:
        page.close()
