"""The analyst's pages over HTTP: content negotiation, the implied/linked switches, bad input,
and that each page shows the served graph (a --data file's state, the linked data), not the
packaged files."""

import re
from pathlib import Path

import pytest
from server_fixtures import running_server

from csto_kg.graph import build

HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # what chromium sends
RURITANIA = Path(__file__).parent.parent / "examples" / "ruritania.ttl"
PAGES = ("/matrix", "/organization", "/organization.svg", "/article", "/timeline", "/explain/Azerbaijan")


def test_no_page_has_inline_script_or_style(server):
    """What a Content-Security-Policy without 'unsafe-inline' would block: script and style live
    in server/static/ (the query page's configuration is data, type=application/json)."""
    for path in (*(p for p in PAGES if not p.endswith(".svg")), "/", "/search?q=arm", "/ontology",
                 "/explain/Azerbaijan?why=1", "/id/Armenia", "/explain/Nowhere"):
        text = server.get(path, accept=HTML).text
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=", text), path
        scripts = re.findall(r"<script([^>]*)>", text)
        assert all("src=" in s or 'type="application/json"' in s for s in scripts), path


@pytest.fixture(scope="module")
def server():
    with running_server(build([str(RURITANIA)])) as s:
        yield s


def cell(page: str, state: str, requirement: str) -> str:
    """The result shown in the matrix for one state and requirement (first table: observer)."""
    row = re.search(rf'<tr data-state="{state}">(.*?)</tr>', page, re.S).group(1)
    return re.search(rf'data-requirement="{requirement}" data-result="(\w+)"', row).group(1)


def verdicts(page: str) -> list[str]:
    return re.findall(r'data-verdict="([^"]+)"', page)


def test_a_browser_gets_the_verdict_page_and_a_json_client_the_json(server):
    page = server.get("/explain/Azerbaijan", accept=HTML)
    assert page.status == 200 and page.content_type == "text/html"
    assert verdicts(page.text) == ["ineligible", "ineligible"]
    assert "Without Armenia’s consent any comment" in page.text
    assert "Accept" in page.headers["Vary"]
    for accept in (None, "application/json", "*/*"):
        data = server.get("/explain/Azerbaijan", accept=accept)
        assert data.content_type == "application/json", accept
        assert data.json()["eligible"] is False and data.json()["status"] == "observer"


def test_the_verdict_page_with_why_shows_the_justification(server):
    page = server.get("/explain/Azerbaijan?status=observer&why=1", accept=HTML).text
    assert verdicts(page) == ["ineligible"]
    assert "facts and rules, none of them dispensable" in page
    why = re.search(r'<details class="why".*?</details>', page, re.S).group(0)
    # one failed requirement's implied fact suffices, with the fact that makes Azerbaijan a candidate
    assert any(f">{fact}</a>" in why for fact in ("I02", "I03", "I04")) and ">F30</a>" in why


def test_an_unknown_state_is_a_404_page_with_close_matches(server):
    page = server.get("/explain/Azerbajan", accept=HTML)
    assert page.status == 404 and page.content_type == "text/html"
    assert 'href="/explain/Azerbaijan"' in page.text
    assert server.get("/explain/Azerbajan").json()["status"] == 404  # JSON clients as before


def test_bad_input_is_a_4xx_page_never_a_500(server):
    assert server.get("/explain/Azerbaijan?status=member", accept=HTML).status == 400
    assert server.get("/explain/%00", accept=HTML).status in (400, 404)
    assert server.get("/matrix?implied=%ff", accept=HTML).status == 400  # neither on nor off: refused, not guessed
    assert server.request("POST", "/matrix").status == 405


def test_the_matrix_refuses_a_view_it_does_not_know_with_a_sentence(server):
    for query, words in (("page=0", "page must be 1 or more"), ("page=two", "page must be a whole number"),
                         ("sort=size", "sort must be one of name, verdict"),
                         ("verdict=maybe", "verdict must be one of eligible, ineligible, no verdict"),
                         ("requirement=ConsensusRequirement", "with both requirement= and result="),
                         ("q=" + "x" * 201, "longer than 200 characters")):
        page = server.get("/matrix?" + query, accept=HTML)
        assert page.status == 400 and words in page.text, query
    last = server.get("/matrix?page=99", accept=HTML)               # past the end: the last page
    assert last.status == 200 and 'data-state="Azerbaijan"' in last.text


def test_a_data_files_state_is_in_the_matrix_and_the_picture(server):
    matrix = server.get("/matrix", accept=HTML).text
    assert cell(matrix, "Ruritania", "UNMembershipRequirement") == "met"
    assert cell(matrix, "Azerbaijan", "ConsensusRequirement") == "failed"
    assert cell(matrix, "Azerbaijan", "UNMembershipRequirement") == "unknown"
    picture = server.get("/organization", accept=HTML).text
    assert 'data-label="Ruritania" data-role="candidate"' in picture
    ruritania = re.search(r'<g class="node role-candidate" data-label="Ruritania".*?</g></a>', picture, re.S)[0]
    assert '<g class="mark consent-all">' in ruritania              # every member state's consent, one mark
    assert 'data-kind="consent-given"' not in picture                  # not six lines


def test_the_implied_switch_leaves_out_the_implied_facts_on_every_page(server):
    page = server.get("/explain/Azerbaijan?implied=0", accept=HTML).text
    assert verdicts(page) == ["no verdict", "no verdict"]
    assert 'id="switch-implied" role="switch" aria-checked="false"' in page and "implied facts<span" in page
    assert ": left out</span>" in page  # said to screen readers
    matrix = server.get("/matrix?implied=0", accept=HTML).text
    assert cell(matrix, "Azerbaijan", "ConsensusRequirement") == "unknown"
    assert cell(matrix, "Ruritania", "ConsensusRequirement") == "met"  # its facts are stated
    assert 'href="/explain/Azerbaijan?implied=0"' in matrix
    picture = server.get("/organization?implied=0", accept=HTML).text
    assert 'data-kind="consent-withheld"' not in picture
    assert 'data-kind="consent-withheld"' in server.get("/organization", accept=HTML).text
    article = server.get("/article?implied=0", accept=HTML).text
    assert 'id="fact-I04"' not in article and 'id="fact-F49"' in article
    timeline = server.get("/timeline?implied=0", accept=HTML).text
    assert "date implied" not in timeline and "date implied" in server.get("/timeline", accept=HTML).text


def test_the_picture_opens_as_svg(server):
    svg = server.get("/organization.svg")
    assert svg.status == 200 and svg.content_type == "image/svg+xml"
    assert svg.headers["Content-Disposition"] == 'inline; filename="csto-organization.svg"'
    assert svg.text.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert 'data-label="CSTO" data-role="organization"' in svg.text


def test_the_picture_says_none_only_where_the_graph_says_so(server):
    # the article names no partner; that there are none is implied (I19)
    assert ">partners: none<" in server.get("/organization.svg").text
    assert ">partners: none named<" in server.get("/organization.svg?implied=0").text


def test_the_timeline_shows_month_dates_as_months(server):
    page = server.get("/timeline", accept=HTML).text
    assert re.search(r'precision-month" datetime="2018-08"[^>]*>August 2018<', page)
    assert re.search(r'precision-day" datetime="2019-09-12"[^>]*>12 September 2019<', page)


def test_no_page_loads_anything_from_elsewhere(server):
    for path in PAGES:
        text = server.get(path, accept=HTML).text
        assert not re.search(r'(src|href)="(https?:)?//', text), path


@pytest.fixture(scope="module")
def linked_server(linked_home):
    import os

    old = os.environ.get("CSTO_KG_HOME")
    os.environ["CSTO_KG_HOME"] = str(linked_home)
    try:
        kg = build()
    finally:
        if old is None:
            del os.environ["CSTO_KG_HOME"]
        else:
            os.environ["CSTO_KG_HOME"] = old
    with running_server(kg) as s:
        yield s


def test_the_linked_switch_leaves_out_the_linked_data(linked_server):
    matrix = linked_server.get("/matrix", accept=HTML).text
    assert cell(matrix, "Azerbaijan", "UNMembershipRequirement") == "met"  # Wikidata says so
    without = linked_server.get("/matrix?linked=0", accept=HTML).text
    assert cell(without, "Azerbaijan", "UNMembershipRequirement") == "unknown"


def test_sparql_and_named_queries_take_the_switches(server):
    ask = "ASK { kg:Azerbaijan csto:ineligibleFor csto:ObserverStatus }"
    json = "application/sparql-results+json"
    assert server.query(ask, accept=json).json()["boolean"] is True
    assert server.query(ask, accept=json, implied="0").json()["boolean"] is False
    rows = server.get("/queries/candidates_and_verdicts?implied=0", accept=json).json()["results"]["bindings"]
    assert {r["verdict"]["value"] for r in rows if r["label"]["value"] == "Azerbaijan"} == {"no verdict"}


def test_search_finds_a_data_files_state_and_refuses_a_huge_query(server):
    page = server.get("/search?q=rurit", accept=HTML)
    assert page.status == 200 and 'href="/explain/Ruritania"' in page.text
    assert server.get("/search?q=" + "x" * 201, accept=HTML).status == 400


def test_the_pages_show_a_remote_stores_graph(tmp_path):
    """`csto-kg serve --store URL --data F`: the pages read the remote store, switches included."""
    import urllib.request

    from helpers import free_port, start_oxigraph, start_serve, stop_serve

    oxigraph, base = start_oxigraph("serve", tmp_path / "oxigraph", free_port())
    try:
        serve, url = start_serve("--store", base, "--data", str(RURITANIA))
        try:
            def page(path):
                request = urllib.request.Request(url.rstrip("/") + path, headers={"Accept": HTML})
                with urllib.request.urlopen(request, timeout=60) as reply:
                    return reply.read().decode("utf-8")

            matrix = page("/matrix")
            assert cell(matrix, "Ruritania", "UNMembershipRequirement") == "met"
            assert cell(matrix, "Azerbaijan", "ConsensusRequirement") == "failed"
            assert cell(page("/matrix?implied=0"), "Azerbaijan", "ConsensusRequirement") == "unknown"
            assert 'data-label="Ruritania" data-role="candidate"' in page("/organization")
            assert 'id="fact-I04"' in page("/article")
        finally:
            assert stop_serve(serve) == 0
    finally:
        oxigraph.terminate()
        oxigraph.wait(10)
