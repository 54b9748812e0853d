"""The query page in a real headless browser (Debian's chromium through Playwright).

Nothing may come from the network: the test fails on any request that is not to the server.
"""

import csv
import os
import re
import sys
from urllib.parse import quote, quote_plus

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
    assert formats == ["turtle", "ntriples", "rdfxml", "jsonld", "nquads", "trig"]


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
    expect(page.locator("#error")).to_have_attribute("role", "alert")
    expect(page.locator("#error")).to_have_attribute("data-status", "400")
    expect(page.locator("#error")).to_contain_text(re.compile(r"^Syntax error at line 1, column \d+"))
    expect(page.locator("#error")).not_to_contain_text("BAD REQUEST")
    expect(page.locator("#error")).not_to_contain_text("expected")  # the parser's list of words, unrelated here


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
            # the status counts every row; the table shows them a page (100) at a time
            counted = re.match(r"(\d+) (rows|triples)", page.locator("#status").inner_text())
            shown = int(counted[1]) if counted else page.locator("#boolean-result").count()
            assert page.locator("#results-table tbody tr").count() == min(shown, 100) or not counted
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


def test_the_query_and_its_view_are_in_the_address(page, server):
    page.click("button.named-query[data-name='members']")
    expect(page.locator("#results-table tbody tr")).to_have_count(2)
    assert "query=CONSTRUCT" in page.url
    page.click("#show-graph")
    assert "view=graph" in page.url
    page.reload()
    assert page.locator("#query").input_value() == TOY_QUERIES[1].text
    expect(page.locator("#results-graph svg")).to_be_visible()
    expect(page.locator("#show-graph")).to_have_attribute("aria-pressed", "true")
    page.goto(server.base + "/?query=" + quote("ASK { kg:Armenia csto:memberOf kg:CSTO }"))
    expect(page.locator("#boolean-result")).to_have_text("true")   # a shared link shows its answer


def test_copy_link_copies_a_link_that_opens_the_query(browser, server):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.base)
    page = context.new_page()
    try:
        page.goto(server.base + "/")
        type_query(page, "SELECT ?state WHERE { ?state a csto:State }")
        page.click("#copy-link")
        expect(page.locator("#status")).to_contain_text("Link copied")
        link = page.evaluate("navigator.clipboard.readText()")
        assert link == server.base + "/?query=" + quote_plus("SELECT ?state WHERE { ?state a csto:State }")
        page.goto(link)
        expect(page.locator("#results-table tbody tr")).to_have_count(3)
    finally:
        context.close()


def test_recent_queries_are_kept_in_this_browser(page):
    expect(page.locator("#history")).to_be_hidden()
    for text in ("SELECT ?s WHERE { ?s a csto:State }", "ASK { kg:Armenia csto:memberOf kg:CSTO }"):
        type_query(page, text)
        page.click("#run")
        expect(page.locator("#status")).to_contain_text(" ms")
    page.goto(page.url.split("?")[0])                     # a new visit, without the query in the address
    past = page.locator("#query-history button")
    expect(past).to_have_text(["ASK { kg:Armenia csto:memberOf kg:CSTO }", "SELECT ?s WHERE { ?s a csto:State }"])
    past.nth(1).click()
    expect(page.locator("#results-table tbody tr")).to_have_count(3)
    assert page.locator("#query").input_value() == "SELECT ?s WHERE { ?s a csto:State }"
    page.click("#clear-history")
    expect(page.locator("#history")).to_be_hidden()


def test_a_list_that_pops_up_while_typing_does_not_take_enter(page):
    type_query(page, "SELECT * WHERE { ?r")
    page.keyboard.type("d")                       # "?rd": the list offers rdf: and rdfs:
    expect(page.locator(".CodeMirror-hints li").first).to_contain_text("rdf:")
    page.keyboard.press("Enter")                  # nothing chosen: a new line
    expect(page.locator(".CodeMirror-hints")).to_have_count(0)
    assert page.locator("#query").input_value().startswith("SELECT * WHERE { ?rd\n")
    page.keyboard.type("?x csto:mem")
    expect(page.locator(".CodeMirror-hints li").first).to_be_visible()
    page.keyboard.press("Escape")                 # Esc closes it
    expect(page.locator(".CodeMirror-hints")).to_have_count(0)
    page.keyboard.type("b")
    expect(page.locator(".CodeMirror-hints li").first).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")                     # chosen: the first
    page.keyboard.press("Enter")
    assert page.locator("#query").input_value().endswith("?x csto:memberOf")


def test_tab_leaves_the_editor(page):
    page.click("#editor-cm .CodeMirror-lines")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "run"
    page.keyboard.press("Shift+Tab")                 # back into the editor ...
    assert page.evaluate("document.getElementById('editor-cm').contains(document.activeElement)")
    page.keyboard.press("Shift+Tab")                 # ... and out of it, backwards too
    assert not page.evaluate("document.getElementById('editor-cm').contains(document.activeElement)")


def test_an_unclosed_bracket_is_marked_where_it_is(page):
    type_query(page, "SELECT ?x WHERE {\n?x csto:memberOf ?y .\nFILTER( ?y }")
    page.click("#run")
    expect(page.locator("#error")).to_have_text(re.compile(
        r"^Syntax error at line 3, column \d+: this “}” closes the “\(” opened at line 3, column \d+$"))
    expect(page.locator("#editor-cm .syntax-error")).to_have_text("}")


def test_a_misspelt_keyword_is_marked_where_it_is(page):
    type_query(page, "SELECT ?x WHERE {\n?x csto:memberOf ?y .\n} LIMT 3")
    page.click("#run")
    expect(page.locator("#error")).to_have_text(re.compile(
        r"^Syntax error at line 3, column \d+: “LIMT” is no SPARQL keyword or function$"))
    expect(page.locator("#editor-cm .syntax-error")).to_have_text("LIMT")
    type_query(page, 'SELECT ?x WHERE { ?x rdfs:label "LIMT"@en ; a ?t FILTER(STRSTARTS(STR(?t), "x")) } LIMIT')
    page.click("#run")                                # words in strings, names and functions are no stray words
    expect(page.locator("#error")).not_to_contain_text("no SPARQL keyword")


ROWS = 250


def test_filter_and_page_through_many_rows(page):
    type_query(page, "SELECT ?n WHERE { VALUES ?n { " + " ".join(map(str, range(1, ROWS + 1))) + " } }")
    page.click("#run")
    rows = page.locator("#results-table tbody tr")
    expect(rows).to_have_count(100)
    expect(page.locator("#page-shown")).to_have_text(f"rows 1–100 of {ROWS}")
    expect(page.locator("#page-previous")).to_be_disabled()
    page.click("#page-next")
    expect(rows.first).to_have_text("101")
    page.click("#results-table th button.sort")   # sorting sorts every row, not one page
    expect(rows.first).to_have_text("1")
    page.click("#results-table th button.sort")
    expect(rows.first).to_have_text(str(ROWS))
    page.fill("#results-filter", "17")
    wanted = [str(n) for n in range(ROWS, 0, -1) if "17" in str(n)]
    expect(rows).to_have_text(wanted)
    expect(page.locator("#page-shown")).to_have_text(f"rows 1–{len(wanted)} of {len(wanted)}")
    assert "filter=17" in page.url


def test_construct_answers_drawn_as_a_graph(page):
    page.click("button.named-query[data-name='members']")
    expect(page.locator("#results-table tbody tr")).to_have_count(2)
    page.click("#show-graph")
    graph = page.locator("#results-graph svg")
    expect(graph.locator("g.graph-node")).to_have_count(3)         # the CSTO and its two members
    expect(graph.locator("g.graph-edge")).to_have_count(2)
    expect(graph.locator("g.graph-edge title").first).to_contain_text("hasMember")
    expect(graph.locator("g.graph-node a", has_text="Armenia")).to_have_attribute(
        "href", "/resource?iri=https%3A%2F%2Fw3id.org%2Fcsto-kg%2Fid%2FArmenia")
    page.click("#show-table")
    expect(page.locator("#results-table tbody tr")).to_have_count(2)


def test_a_browser_opening_a_query_url_sees_the_query_run_on_the_page(page, server):
    # /sparql?query=… gave a browser SPARQL XML to download (issue 19, item 7)
    import urllib.parse

    query = "SELECT ?org WHERE { ?org a csto:Organization }"
    page.goto(server.base + "/sparql?" + urllib.parse.urlencode({"query": query, "implied": "0"}))
    expect(page.locator("#results-table tbody tr")).to_have_count(1)
    expect(page.locator("#results-table tbody tr td:nth-child(1)")).to_have_text(  # once its label has come
        ["Collective Security Treaty Organization"])
    assert page.locator("#query").input_value() == query
    assert "implied=0" in page.url  # the switch goes with it


def test_a_browser_opening_a_named_query_sees_it_run_on_the_page(page, server):
    page.goto(server.base + "/queries/organizations")
    expect(page.locator("#results-table tbody tr")).to_have_count(1)
    assert page.locator('.named-query[data-name="organizations"]').get_attribute("aria-current") == "true"
    assert page.locator("#query").input_value() == TOY_QUERIES[0].text
