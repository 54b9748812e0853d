"""The analyst's pages over a generated world of 400 candidates (benchmarks/worlds.py, seed 2019)
in chromium: a matrix a person can work with, and the page's weight and timing at that size,
written to build/page-weight.json for the README (measured here, asserted only as behaviour).
"""

import json
import re
from urllib.parse import quote

import pytest
from helpers import SCREENSHOTS, lines_through_boxes, screenshot, serious_violations
from playwright.sync_api import expect
from server_fixtures import running_server

from benchmarks.worlds import world
from csto_kg.graph import build
from csto_kg.server.matrix_page import natural_key

N = 400
WEIGHT = SCREENSHOTS.parent / "page-weight.json"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("world") / f"world-{N}.ttl"
    data.write_text(world(N), encoding="utf-8")
    with running_server(build([data], linked=False, cache=False)) as s:
        yield s


def states(page, status):
    return page.locator(f"#matrix-{status} tbody th[scope=row] > a").all_inner_texts()


def verdicts(page, status):
    return page.locator(f"#matrix-{status} tbody .badge.verdict").all_inner_texts()


def test_the_matrix_is_paged_in_natural_order_with_counts(page):
    page.goto(page.base + "/matrix")
    names = states(page, "observer")
    assert len(names) == 200
    assert names == sorted(names, key=natural_key)
    assert names.index("State 2") < names.index("State 10")
    counts = {a.get_attribute("data-verdict"): int(a.locator(".n").inner_text())
              for a in page.locator("#counts-observer a.count").all()}
    total = int(re.search(r"(\d+) candidates", page.locator("main > p.muted").first.inner_text())[1])
    assert sum(counts.values()) == total >= N
    expect(page.locator("#shown-observer")).to_have_text(f"· showing 1–200 of {total} rows")
    page.locator("#matrix-observer a.next").click()
    following = states(page, "observer")
    assert following[0] not in names and natural_key(names[-1]) < natural_key(following[0])
    ineligible = page.locator("#counts-observer a.count[data-verdict='ineligible']")
    ineligible.click()                                            # a count filters by its verdict
    assert set(verdicts(page, "observer")) == {"ineligible"}
    expect(page.locator("#shown-observer")).to_contain_text(f"of {counts['ineligible']} rows")


def test_sort_by_verdict_and_filter_by_a_requirements_result(page):
    page.goto(page.base + "/matrix")
    page.select_option("#matrix-sort", "verdict")                 # a choice shows at once
    expect(page.locator("#matrix-sort")).to_have_value("verdict")
    shown = verdicts(page, "partner")
    order = ["eligible", "ineligible", "no verdict"]
    assert [order.index(v) for v in shown] == sorted(order.index(v) for v in shown)
    page.select_option("#matrix-requirement", "ConsensusRequirement")
    page.select_option("#matrix-result", "failed")
    expect(page).to_have_url(re.compile(r"requirement=ConsensusRequirement&result=failed"))
    cells = page.locator("#matrix-observer td[data-requirement='ConsensusRequirement']")
    assert cells.count() > 0
    assert {cells.nth(i).get_attribute("data-result") for i in range(cells.count())} == {"failed"}
    assert set(verdicts(page, "observer")) == {"ineligible"}      # a failed requirement decides
    response = page.goto(page.base + "/matrix?requirement=NoSuchRequirement&result=failed")
    assert response.status == 400
    expect(page.locator("#error-message")).to_contain_text("requirement must be one of")


def test_requirement_columns_are_the_same_in_both_tables(page):
    page.goto(page.base + "/matrix")
    observer = page.locator("#matrix-observer thead th").all_inner_texts()
    partner = page.locator("#matrix-partner thead th").all_inner_texts()
    assert observer == partner and len(observer) > 8
    column = page.locator("#matrix-partner th.requirement[data-requirement='StudyInterestRequirement']")
    expect(column).to_have_class(re.compile("not-required"))       # observers' requirement only
    box = page.locator("#matrix-observer th[data-requirement='UNMembershipRequirement']").bounding_box()
    other = page.locator("#matrix-partner th[data-requirement='UNMembershipRequirement']").bounding_box()
    assert box["x"] == other["x"] and box["width"] == other["width"]


def test_the_header_row_and_state_column_stay_in_sight(page):
    page.goto(page.base + "/matrix")
    region = page.locator("#matrix-observer .scroll")
    region.evaluate("(e) => { e.scrollTop = 3000; e.scrollLeft = 400; }")
    frame = region.bounding_box()
    header = page.locator("#matrix-observer thead th").nth(3).bounding_box()
    assert abs(header["y"] - frame["y"]) <= 2                        # stuck to the region's top
    row = page.locator("#matrix-observer tbody tr").nth(100)
    row.locator("td").nth(5).scroll_into_view_if_needed()
    region.evaluate("(e) => { e.scrollLeft = 600; }")
    state = row.locator("th").bounding_box()
    assert abs(state["x"] - frame["x"]) <= 2                         # stuck to the region's left
    region.evaluate("(e) => { e.scrollTop = 0; e.scrollLeft = 0; }")
    screenshot(page, "matrix-400", full_page=False)


def test_the_organization_at_400_grouped_by_verdict_with_deciding_lines_only(page, server):
    page.goto(page.base + "/organization")
    svg = page.locator("svg#organization-picture")
    headings = svg.locator("text.heading").all_text_contents()
    counted = {h.split(" (")[0]: int(re.search(r"\((\d+)\)$", h)[1]) for h in headings if h.endswith(")")}
    ineligible = server.get("/sparql?query=" + quote(
        "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a csto:Candidate ; csto:ineligibleFor ?s "
        "FILTER NOT EXISTS { ?c csto:hasStatus ?any } }"), accept="application/sparql-results+json")
    assert counted["Ineligible for observer or partner status"] == int(
        ineligible.json()["results"]["bindings"][0]["n"]["value"])
    assert sum(counted.values()) == svg.locator("g.node[data-role='candidate']").count() >= N
    kinds = set(svg.locator("g.edges path").evaluate_all("(ps) => ps.map((p) => p.dataset.kind)"))
    assert kinds == {"consent-withheld", "no-relations", "conflict"}
    assert svg.locator("g.mark.consent-all").count() > 100        # consent of all: a mark, not six lines each
    assert lines_through_boxes(page) == []
    expect(page.locator("ul.relations li").first).to_be_visible()
    assert page.locator("ul.relations li").count() < 1000          # the deciding relations, not every consent
    page.locator("figure.picture").screenshot(path=str(SCREENSHOTS / "organization-400.png"))


def test_no_serious_violation_at_400(page, axe_script):
    for path in ("/matrix", "/matrix?sort=verdict&verdict=no+verdict", "/organization", "/search?q=State+1"):
        page.goto(page.base + path)
        assert serious_violations(page, axe_script) == [], path


def test_page_weight_and_timing_at_400(page):
    """Measured for the README; asserted only as what a page holds."""
    figures = {}
    for path in ("/matrix", "/organization", "/"):
        page.goto(page.base + path, wait_until="load")
        timing = page.evaluate("""() => { const n = performance.getEntriesByType("navigation")[0];
            return {bytes: n.transferSize, html_bytes: n.decodedBodySize, load_ms: Math.round(n.loadEventEnd),
                    nodes: document.getElementsByTagName("*").length,
                    height: document.documentElement.scrollHeight}; }""")
        figures[path] = timing
        assert timing["nodes"] > 0 and timing["html_bytes"] > 0
    assert figures["/matrix"]["nodes"] < 30_000                      # paged: 200 rows a table, not 400+
    WEIGHT.parent.mkdir(parents=True, exist_ok=True)
    WEIGHT.write_text(json.dumps({"candidates": N, "pages": figures}, indent=2), encoding="utf-8")
