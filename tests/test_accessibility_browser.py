"""Every page as axe-core sees it in chromium: no serious or critical violation (WCAG 2.x A and
AA rules: contrast, labels, roles, landmarks), in the states a person brings a page into; and
the keyboard: a skip link, switches that Space toggles.

axe-core comes from the npm registry (scripts/test.sh installs it); nothing else is fetched.
"""

from urllib.parse import quote

import pytest
from helpers import serious_violations, type_query
from playwright.sync_api import expect
from server_fixtures import running_server

from csto_kg.graph import build

PAGES = ["/", "/matrix", "/matrix?implied=0", "/organization", "/article", "/timeline", "/search?q=arm",
         "/search?q=nothing-is-called-this", "/explain/Azerbaijan", "/explain/Azerbaijan?why=1",
         "/explain/Serbia", "/explain/Azerbajan", "/ontology", "/id/Armenia",
         "/resource?iri=" + quote("https://w3id.org/csto-kg/ontology#consentWithheldBy", safe="")]


@pytest.fixture(scope="module")
def server():
    with running_server(build()) as s:
        yield s


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_violation_on_the_page(page, axe_script, path):
    page.goto(page.base + path)
    assert serious_violations(page, axe_script) == []


def test_no_serious_violation_on_the_query_page_in_use(page, axe_script):
    page.goto(page.base + "/")
    page.click("button.named-query[data-name='candidates_and_verdicts']")
    expect(page.locator("#results-table tbody tr")).to_have_count(6)
    assert serious_violations(page, axe_script) == [], "with results"
    page.goto(page.base + "/?view=graph&query=" + quote("DESCRIBE <https://w3id.org/csto-kg/id/Armenia>"))
    expect(page.locator("#results-graph svg")).to_be_visible()
    assert serious_violations(page, axe_script) == [], "with a graph"
    type_query(page, "SELECT ?x WHERE { ?x csto:memberOf }")
    page.click("#run")
    expect(page.locator("#error")).to_be_visible()
    assert serious_violations(page, axe_script) == [], "with an error"
    page.keyboard.type("")
    page.click("#editor-cm .CodeMirror-lines")
    page.keyboard.press("Control+End")
    page.keyboard.type(" csto:mem")
    expect(page.locator(".CodeMirror-hints li").first).to_be_visible()
    assert serious_violations(page, axe_script) == [], "with completions"


def test_the_skip_link_leads_past_the_navigation(page):
    page.goto(page.base + "/matrix")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_space_toggles_a_switch(page):
    page.goto(page.base + "/explain/Azerbaijan")
    page.focus("#switch-implied")
    page.keyboard.press("Space")
    expect(page.locator("#switch-implied")).to_have_attribute("aria-checked", "false")
    expect(page.locator("#status-observer h2 .badge.verdict")).to_have_text("no verdict")
    page.focus("#switch-implied")
    page.keyboard.press(" ")
    expect(page.locator("#switch-implied")).to_have_attribute("aria-checked", "true")
