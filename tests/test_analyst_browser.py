"""The analyst's pages in a real headless browser (Debian's chromium through Playwright), as a
person would look at them. Each test writes a screenshot of its page to build/screenshots/;
the README's tour shows copies of them (docs/screenshots/).

Nothing may come from the network: every request must go to the server on 127.0.0.1.
"""

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from helpers import lines_through_boxes, screenshot, type_query
from playwright.sync_api import expect
from server_fixtures import running_server

from csto_kg.graph import build

RED = "rgb(207, 34, 46)"        # failed
GREY = "rgb(87, 96, 106)"        # unknown (4.5:1 or more on its background)
GREEN = "rgb(26, 127, 55)"      # met
RED_BACKGROUND = "rgb(255, 235, 233)"
GREY_BACKGROUND = "rgb(238, 241, 244)"


@pytest.fixture(scope="module")
def server():
    with running_server(build()) as s:
        yield s


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    hosts = []
    page.on("request", lambda request: hosts.append(urlparse(request.url).hostname))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # what the Content-Security-Policy blocks, chromium reports on the console
    page.on("console", lambda message: errors.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.base = server.base
    yield page
    context.close()
    assert hosts and set(hosts) == {"127.0.0.1"}, f"requests left 127.0.0.1: {set(hosts)}"
    assert errors == [], errors


def style(locator, prop):
    return locator.evaluate(f"(e) => getComputedStyle(e).{prop}")


def test_azerbaijans_verdicts_in_colour_with_the_evidence(page):
    page.goto(page.base + "/explain/Azerbaijan")
    observer = page.locator("#status-observer")
    expect(observer.locator("h2 .badge.verdict")).to_have_text("ineligible")
    assert style(observer.locator("h2 .badge.verdict"), "backgroundColor") == RED
    failed = page.locator("#observer-ConsensusRequirement")
    assert style(failed, "borderLeftColor") == RED
    assert style(failed.locator(".badge.result"), "color") == RED
    expect(failed.locator(".evidence")).to_contain_text("Without Armenia’s consent any comment")
    expect(failed.locator(".evidence .badge.source")).to_have_text("implied")
    expect(failed.locator(".stated-by")).to_contain_text("Valery Semerikov")
    unknown = page.locator("#observer-UNMembershipRequirement")
    expect(unknown.locator(".badge.result")).to_have_text("unknown")
    assert style(unknown, "borderLeftColor") == GREY
    assert style(unknown.locator(".badge.result"), "color") == GREY
    met = page.locator("#observer-NonMembershipRequirement")
    assert style(met.locator(".badge.result"), "color") == GREEN
    screenshot(page, "verdict")
    failed.locator(".evidence a", has_text="Armenia").first.click()  # the entity's page ...
    expect(page.locator("h1")).to_have_text("Armenia")
    page.goto(page.base + "/id/Azerbaijan")
    page.click("#verdict-link")                                     # ... and back to a verdict
    expect(page.locator("#status-partner h2 .badge.verdict")).to_have_text("ineligible")


def test_why_adds_the_minimal_justification(page):
    page.goto(page.base + "/explain/Azerbaijan?status=observer")
    page.click("#why-link")
    expect(page.locator("#status-observer > details.why > summary")).to_contain_text("none of them dispensable")
    expect(page.locator("#status-observer > details.why")).to_contain_text(re.compile(r"I0[234]"))
    why = page.locator("#status-observer > details.why")
    sentences = why.locator("ul.plain li .sentence").all_inner_texts()
    assert "Azerbaijan seeks status partner." in sentences                      # plain sentences ...
    assert "Whatever has consent withheld by some “member state” also fails “adopted by consensus”." in sentences
    assert not any("SubClassOf" in s or " Type " in s for s in sentences)
    consent = why.locator("ul.plain li", has_text="Azerbaijan has consent withheld by Armenia.")
    expect(consent.locator("a.fact-id")).to_have_text("I04")                     # ... with the fact ...
    expect(consent.locator("q")).to_contain_text("Without Armenia’s consent")   # ... and its quote
    formal = why.locator("details.formal")
    expect(formal.locator("code").first).to_be_hidden()
    formal.locator("summary").click()                                            # the formal form, one click away
    expect(formal.locator("code", has_text="SubClassOf").first).to_be_visible()
    screenshot(page, "verdict-why")


def test_the_implied_switch_turns_a_verdict_into_no_verdict(page):
    page.goto(page.base + "/explain/Azerbaijan")
    expect(page.locator("#status-observer h2 .badge.verdict")).to_have_text("ineligible")
    page.click("#switch-implied")
    expect(page.locator("#switch-implied")).to_have_attribute("aria-checked", "false")
    expect(page.locator("#status-observer h2 .badge.verdict")).to_have_text("no verdict")
    expect(page.locator("#status-partner h2 .badge.verdict")).to_have_text("no verdict")
    page.click("nav >> text=Verdicts")                       # the switch follows to every page
    expect(page.locator("#matrix-observer tr[data-state='Azerbaijan'] .badge.verdict")).to_have_text("no verdict")
    page.click("#switch-implied")
    expect(page.locator("#matrix-observer tr[data-state='Azerbaijan'] .badge.verdict")).to_have_text("ineligible")


def test_the_matrix_cells_are_coloured_and_lead_to_their_evidence(page):
    page.goto(page.base + "/matrix")
    row = page.locator("#matrix-observer tr[data-state='Azerbaijan']")
    failed = row.locator("td[data-requirement='ConsensusRequirement']")
    expect(failed.locator("a")).to_have_text("failed")
    expect(failed.locator(".badge.standing")).to_have_text("implied")  # I04: the article never says so
    assert style(failed, "backgroundColor") == RED_BACKGROUND
    unknown = row.locator("td[data-requirement='UNMembershipRequirement']")
    expect(unknown).to_have_text("unknown")
    assert style(unknown, "backgroundColor") == GREY_BACKGROUND
    expect(page.locator("#matrix-observer tbody tr")).to_have_count(3)  # Afghanistan, Azerbaijan, Serbia
    expect(page.locator("#matrix-observer tr[data-state='Serbia'] .badge.verdict")).to_have_text("no verdict")
    screenshot(page, "matrix")
    page.fill("#matrix-search", "serb")
    expect(page.locator("#matrix-observer tbody tr:visible")).to_have_count(1)
    page.fill("#matrix-search", "")
    failed.locator("a").click()
    assert page.url.endswith("/explain/Azerbaijan?status=observer#observer-ConsensusRequirement")
    expect(page.locator("#observer-ConsensusRequirement")).to_be_in_viewport()


def test_the_picture_of_the_organization(page):
    page.goto(page.base + "/organization")
    svg = page.locator("svg#organization-picture")
    armenia = svg.locator("g.node[data-label='Armenia']")
    expect(armenia).to_have_attribute("data-role", "member")
    assert style(armenia.locator("rect"), "stroke") == "rgb(31, 95, 168)"
    expect(svg.locator("g.node[data-role='member']")).to_have_count(6)
    expect(svg.locator("g.node[data-role='observer']")).to_have_count(2)
    expect(svg.locator("g.placeholder")).to_have_text("partners: none")
    withheld = svg.locator("path[data-kind='consent-withheld']")
    expect(withheld).to_have_count(1)
    assert withheld.get_attribute("data-source") == "Azerbaijan" and withheld.get_attribute("data-target") == "Armenia"
    assert style(withheld, "stroke") == RED
    expect(withheld.locator("title")).to_have_text("Azerbaijan consent withheld by Armenia (I04, implied)")
    expect(svg.locator("path[data-kind='no-relations']")).to_have_count(1)
    expect(svg.locator("g.legend")).to_contain_text("consent withheld by")
    assert lines_through_boxes(page) == []                       # lines go around boxes, not through them
    drawn = set(svg.locator("g.edges path").evaluate_all("(ps) => ps.map((p) => p.dataset.kind)"))
    assert drawn == {"consent-withheld", "no-relations", "conflict"}   # only what decides verdicts
    expect(svg.locator("text.heading", has_text="Ineligible")).to_have_text(
        "Ineligible for observer or partner status (1)")              # Azerbaijan, grouped by verdict
    box = armenia.bounding_box()
    other = svg.locator("g.node[data-label='Belarus']").bounding_box()
    assert box["x"] + box["width"] <= other["x"], "nodes overlap"
    screenshot(page, "organization")
    with page.expect_download() as download:
        page.click("#download-svg")
    assert download.value.suggested_filename == "csto-organization.svg"
    assert "consent withheld by" in Path(download.value.path()).read_text(encoding="utf-8")
    page.click("#open-svg")                                  # opens in the tab, not as a download
    expect(page.locator("svg#organization-picture g.legend")).to_contain_text("consent withheld by")
    assert page.evaluate("document.documentElement.localName") == "svg"
    page.go_back()
    svg = page.locator("svg#organization-picture")
    armenia = svg.locator("g.node[data-label='Armenia']")
    armenia.click()
    expect(page.locator("h1")).to_have_text("Armenia")


def test_the_article_with_its_sentences_and_facts(page):
    page.goto(page.base + "/article")
    sentence = page.locator(".sentence.supports", has_text="Without Armenia’s consent any comment")
    expect(sentence.locator("mark.quote")).to_have_count(1)
    assert style(sentence.locator("mark.quote"), "backgroundColor") != "rgba(0, 0, 0, 0)"
    sentence.click()
    panel = page.locator("#sentence-facts")
    expect(panel.locator("li[data-fact='I04']")).to_contain_text("consent withheld by")
    expect(panel.locator("li[data-fact='F58']")).to_be_visible()
    screenshot(page, "article")
    panel.locator("a.fact-id", has_text="I04").click()
    fact = page.locator("#fact-I04")
    expect(fact).to_be_in_viewport()
    fact.locator("a.to-sentence").click()
    sentence_id = sentence.get_attribute("id")
    assert page.url.endswith(f"#{sentence_id}")
    expect(sentence).to_be_in_viewport()


def test_the_timeline_in_order_with_honest_dates(page):
    page.goto(page.base + "/timeline")
    items = page.locator("#timeline li.event")
    labels = items.locator(".what a.label").all_inner_texts()
    assert labels[0].startswith("Huseynli's initiative")
    assert labels.index("Borisov's comment of 12 September") < labels.index(
        "Semerikov's comment following Borisov's statement")
    dates = [d for d in items.evaluate_all("(es) => es.map((e) => e.dataset.date)") if d]
    assert dates == sorted(dates, key=lambda d: d[:7])
    month = items.filter(has=page.locator("a.label", has_text="Huseynli's initiative")).locator("time")
    expect(month).to_have_text("August 2018")
    assert style(month, "borderTopStyle") == "dashed"
    day = items.filter(has=page.locator("a.label", has_text="Borisov's comment of 12 September")).locator("time")
    expect(day).to_have_text("12 September 2019")
    assert style(day, "borderTopStyle") == "solid"
    implied = items.filter(has_text="Semerikov's comment following")
    expect(implied.locator(".badge.how-implied")).to_have_text("date implied")
    # "On 12 September": the day is the article's, the year implied (I18)
    borisov = items.filter(has=page.locator("a.label", has_text="Borisov's comment of 12 September"))
    expect(borisov.locator(".badge.how-implied")).to_have_text("date implied")
    screenshot(page, "timeline")


def test_an_unknown_state_gets_a_page_saying_so(page):
    response = page.goto(page.base + "/explain/Azerbajan")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Not found")
    screenshot(page, "not-found")
    page.click("a[href='/explain/Azerbaijan']")
    expect(page.locator("#status-observer h2 .badge.verdict")).to_have_text("ineligible")


def test_query_results_read_as_labels_and_badges(page):
    page.goto(page.base + "/")
    page.click("button.named-query[data-name='candidates_and_verdicts']")
    rows = page.locator("#results-table tbody tr")
    expect(rows).to_have_count(6)
    azerbaijan = rows.filter(has_text="ineligible").first
    expect(azerbaijan.locator("td").nth(0)).to_have_text("Azerbaijan")  # the label, not kg:Azerbaijan
    expect(azerbaijan.locator("td").nth(1)).to_have_text("Azerbaijan")  # no @en
    expect(azerbaijan.locator(".badge.verdict-ineligible")).to_have_text("ineligible")
    assert style(azerbaijan.locator(".badge.verdict-ineligible"), "backgroundColor") == RED
    expect(azerbaijan.locator(".badge.boolean-true")).to_have_text("true")  # ?seeks
    screenshot(page, "query")
    page.check("#raw-terms")
    expect(rows.first.locator("td").nth(0)).to_have_text("kg:Afghanistan")
    expect(rows.first.locator("td .lang").first).to_have_text("@en")


def test_the_implied_switch_applies_to_queries_too(page):
    query = "SELECT ?status WHERE { kg:Azerbaijan csto:ineligibleFor ?status }"
    page.goto(page.base + "/")
    type_query(page, query)
    page.click("#run")
    expect(page.locator("#status")).to_contain_text("2 rows")
    page.click("#switch-implied")
    expect(page.locator("#switch-implied")).to_have_attribute("aria-checked", "false")
    type_query(page, query)
    page.click("#run")
    expect(page.locator("#status")).to_contain_text("0 rows")
    assert "implied=0" in page.locator("#downloads a[data-format='csv']").get_attribute("href")


def test_search_for_a_state_and_a_term(page):
    page.goto(page.base + "/matrix")
    page.fill("#search", "azer")
    page.press("#search", "Enter")
    expect(page.locator("#agent-hits li").first).to_contain_text("Azerbaijan")
    page.locator("#agent-hits li").first.locator("a.to-verdict").click()
    expect(page.locator("#status-observer h2 .badge.verdict")).to_have_text("ineligible")
    page.goto(page.base + "/search?q=withheld")
    expect(page.locator("#term-hits")).to_contain_text("consent withheld by")
    page.goto(page.base + "/search?q=Karabakh")                   # a conflict, and the facts quoting it
    expect(page.locator("#agent-hits")).to_contain_text("Nagorno-Karabakh conflict")
    expect(page.locator("#agent-hits .badge", has_text="conflict")).to_have_count(1)
    expect(page.locator("#fact-hits li").first).to_contain_text("Karabakh")
    page.goto(page.base + "/search?q=Ministry")                   # a body
    expect(page.locator("#agent-hits")).to_contain_text("Ministry of Foreign Affairs of Armenia")
    expect(page.locator("#fact-hits")).to_contain_text("The Armenian Ministry of Foreign Affairs")
    page.goto(page.base + "/search?q=Q227")                       # a Wikidata id
    expect(page.locator("#agent-hits li").first).to_contain_text("Azerbaijan")
    expect(page.locator("#agent-hits li").first.locator(".wikidata-id")).to_have_text("Q227")
    page.goto(page.base + "/search?q=f58")                        # a fact by its id
    expect(page.locator("#fact-hits li a.fact-id")).to_have_text("F58")
    page.locator("#fact-hits li a.fact-id").click()
    expect(page.locator("#fact-F58")).to_be_in_viewport()
    screenshot(page, "search")
    page.goto(page.base + "/search?q=nothing-is-called-this")
    expect(page.locator("#no-hits")).to_be_visible()


def test_the_editor_completes_prefixes_and_the_ontologys_terms(page):
    page.goto(page.base + "/")
    expect(page.locator("#editor")).not_to_have_attribute("data-names", "0")
    expect(page.locator("#editor")).to_have_attribute("data-names", re.compile(r"^[1-9]\d+$"))
    type_query(page, "SELECT ?s WHERE { ?s csto:consentWith")
    page.keyboard.press("Control+Space")
    hints = page.locator(".CodeMirror-hints li")
    expect(hints.first).to_contain_text("csto:consentWithheldBy")
    expect(hints.first).to_contain_text("consent withheld by")
    page.keyboard.press("Enter")
    assert page.locator("#query").input_value() == "SELECT ?s WHERE { ?s csto:consentWithheldBy"
    page.keyboard.type(" kg:Arm")
    page.keyboard.press("Control+Space")
    expect(hints.first).to_have_text(re.compile(r"^kg:Armenia"))
    page.keyboard.press("Escape")
    type_query(page, "PREFIX cs")
    page.keyboard.press("Control+Space")
    expect(hints.first).to_have_text("csto: <https://w3id.org/csto-kg/ontology#>")
    screenshot(page, "editor-completion")


def test_the_editor_marks_the_parsers_error_where_it_is(page):
    page.goto(page.base + "/")
    type_query(page, "SELECT ?x WHERE {")
    page.keyboard.press("Enter")
    page.keyboard.type("?x csto:memberOf ?y .")
    page.keyboard.press("Enter")
    page.keyboard.type("FILTER( }")
    page.keyboard.press("Escape")
    page.click("#run")
    expect(page.locator("#error")).to_contain_text("line 3, column")
    line = page.locator("#editor-cm .CodeMirror-code > div").nth(2)
    expect(line.locator(".syntax-error")).to_have_count(1)
    expect(line.locator(".error-marker")).to_have_count(1)
    expect(page.locator("#editor-cm .syntax-error")).to_have_count(1)
    screenshot(page, "editor-error")
    page.click("#editor-cm .CodeMirror-lines")
    page.keyboard.type(" ")                                   # editing clears the mark
    expect(page.locator("#editor-cm .syntax-error")).to_have_count(0)


def test_a_verdict_prints_as_a_report_with_its_sources(page):
    page.goto(page.base + "/explain/Azerbaijan")
    expect(page.locator("#printed-from")).to_be_hidden()
    page.emulate_media(media="print")
    for chrome in ("header.top", ".switches", ".skip-link", ".verdicts > p.muted"):
        assert style(page.locator(chrome).first, "display") == "none", chrome
    failed = page.locator("#observer-ConsensusRequirement")
    assert style(failed, "breakInside") == "avoid"                       # a card is never split
    assert style(page.locator("#status-partner"), "breakBefore") == "page"
    expect(failed.locator(".evidence blockquote")).to_be_visible()         # its sources print
    expect(failed.locator(".stated-by")).to_contain_text("F49")
    assert style(failed.locator(".badge.result"), "color") == RED          # and in colour
    expect(page.locator("#printed-from")).to_be_visible()
    expect(page.locator("#printed-from")).to_contain_text("/explain/Azerbaijan")
    screenshot(page, "verdict-print")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_the_ontology_index_keeps_its_two_lists_apart(page):
    page.goto(page.base + "/ontology")
    own = page.locator("#toc-classes-own li").all_inner_texts()
    reused = page.locator("#toc-classes-reused li").all_inner_texts()
    assert "person" in own and "candidate" in own
    assert any(r.startswith("person ") and ":Person" in r for r in reused)   # the other person, by its name
    assert len(own) == len(set(own)) and not set(own) & set(reused)
    assert own == sorted(own, key=str.casefold)
    page.locator("#toc-classes-own").get_by_role("link", name="candidate", exact=True).click()
    expect(page.locator("#Candidate")).to_be_in_viewport()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 21_000, height  # was 30,000 px at this width (19,000 before the provenance terms)
    screenshot(page, "ontology", full_page=False)
