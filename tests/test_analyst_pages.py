"""The analyst's pages, asked through the app's test client: content negotiation, the
implied/linked switches, bad input, and that each page shows the served graph (a --data file's
state, the linked data), not the packaged files."""

import re
from pathlib import Path

import pytest
from server_fixtures import served_app, served_client

from csto_kg.graph import build

HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # what chromium sends
PAGE = {"Accept": HTML}
RURITANIA = Path(__file__).parent.parent / "examples" / "ruritania.ttl"
PAGES = ("/matrix", "/organization", "/organization.svg", "/article", "/timeline", "/explain/Azerbaijan")


def test_no_page_has_inline_script_or_style(client):
    """What a Content-Security-Policy without 'unsafe-inline' would block: script and style live
    in server/static/ (the query page's configuration is data, type=application/json)."""
    for path in (*(p for p in PAGES if not p.endswith(".svg")), "/", "/search?q=arm", "/ontology",
                 "/explain/Azerbaijan?why=1", "/id/Armenia", "/explain/Nowhere"):
        text = client.get(path, headers=PAGE).text
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=", text), path
        scripts = re.findall(r"<script([^>]*)>", text)
        assert all("src=" in s or 'type="application/json"' in s for s in scripts), path


@pytest.fixture(scope="module")
def app():
    with served_app(build([str(RURITANIA)])) as app:
        yield app


def cell(page: str, state: str, requirement: str) -> str:
    """The result shown in the matrix for one state and requirement (first table: observer)."""
    row = re.search(rf'<tr data-state="{state}">(.*?)</tr>', page, re.S).group(1)
    return re.search(rf'data-requirement="{requirement}" data-result="(\w+)"', row).group(1)


def verdicts(page: str) -> list[str]:
    return re.findall(r'data-verdict="([^"]+)"', page)


def test_a_browser_gets_the_verdict_page_and_a_json_client_the_json(client):
    page = client.get("/explain/Azerbaijan", headers=PAGE)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert verdicts(page.text) == ["ineligible", "ineligible"]
    assert "Without Armenia’s consent any comment" in page.text
    assert "Accept" in page.headers["Vary"]
    for accept in (None, "application/json", "*/*"):
        data = client.get("/explain/Azerbaijan", headers={"Accept": accept} if accept else {})
        assert data.mimetype == "application/json", accept
        assert data.json["eligible"] is False and data.json["status"] == "observer"


def test_the_verdict_page_with_why_shows_the_justification(client):
    page = client.get("/explain/Azerbaijan?status=observer&why=1", headers=PAGE).text
    assert verdicts(page) == ["ineligible"]
    assert "facts and rules, none of them dispensable" in page
    why = re.search(r'<details class="why".*?</details>', page, re.S).group(0)
    # one failed requirement's implied fact suffices, with the fact that makes Azerbaijan a candidate
    assert any(f">{fact}</a>" in why for fact in ("I02", "I03", "I04")) and ">F30</a>" in why


def test_an_unknown_state_is_a_404_page_with_close_matches(client):
    page = client.get("/explain/Azerbajan", headers=PAGE)
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert 'href="/explain/Azerbaijan"' in page.text
    assert client.get("/explain/Azerbajan").json["status"] == 404  # JSON clients as before


def test_bad_input_is_a_4xx_page_never_a_500(client):
    assert client.get("/explain/Azerbaijan?status=member", headers=PAGE).status_code == 400
    assert client.get("/explain/%00", headers=PAGE).status_code in (400, 404)
    # neither on nor off: refused, not guessed
    assert client.get("/matrix?implied=%ff", headers=PAGE).status_code == 400
    assert client.open("/matrix", method="POST").status_code == 405


def test_the_matrix_refuses_a_view_it_does_not_know_with_a_sentence(client):
    for query, words in (("page=0", "page must be 1 or more"), ("page=two", "page must be a whole number"),
                         ("sort=size", "sort must be one of name, verdict"),
                         ("verdict=maybe", "verdict must be one of eligible, ineligible, no verdict"),
                         ("requirement=ConsensusRequirement", "with both requirement= and result="),
                         ("q=" + "x" * 201, "longer than 200 characters")):
        page = client.get("/matrix?" + query, headers=PAGE)
        assert page.status_code == 400 and words in page.text, query
    last = client.get("/matrix?page=99", headers=PAGE)               # past the end: the last page
    assert last.status_code == 200 and 'data-state="Azerbaijan"' in last.text


def test_a_data_files_state_is_in_the_matrix_and_the_picture(client):
    matrix = client.get("/matrix", headers=PAGE).text
    assert cell(matrix, "Ruritania", "UNMembershipRequirement") == "met"
    assert cell(matrix, "Azerbaijan", "ConsensusRequirement") == "failed"
    assert cell(matrix, "Azerbaijan", "UNMembershipRequirement") == "unknown"
    picture = client.get("/organization", headers=PAGE).text
    assert 'data-label="Ruritania" data-role="candidate"' in picture
    ruritania = re.search(r'<g class="node role-candidate" data-label="Ruritania".*?</g></a>', picture, re.S)[0]
    assert '<g class="mark consent-all">' in ruritania              # every member state's consent, one mark
    assert 'data-kind="consent-given"' not in picture                  # not six lines


def test_the_implied_switch_leaves_out_the_implied_facts_on_every_page(client):
    page = client.get("/explain/Azerbaijan?implied=0", headers=PAGE).text
    assert verdicts(page) == ["no verdict", "no verdict"]
    assert 'id="switch-implied" role="switch" aria-checked="false"' in page and "implied facts<span" in page
    assert ": left out</span>" in page  # said to screen readers
    matrix = client.get("/matrix?implied=0", headers=PAGE).text
    assert cell(matrix, "Azerbaijan", "ConsensusRequirement") == "unknown"
    assert cell(matrix, "Ruritania", "ConsensusRequirement") == "met"  # its facts are stated
    assert 'href="/explain/Azerbaijan?implied=0"' in matrix
    picture = client.get("/organization?implied=0", headers=PAGE).text
    assert 'data-kind="consent-withheld"' not in picture
    assert 'data-kind="consent-withheld"' in client.get("/organization", headers=PAGE).text
    article = client.get("/article?implied=0", headers=PAGE).text
    assert 'id="fact-I04"' not in article and 'id="fact-F49"' in article
    timeline = client.get("/timeline?implied=0", headers=PAGE).text
    assert "date implied" not in timeline and "date implied" in client.get("/timeline", headers=PAGE).text


def test_the_picture_opens_as_svg(client):
    svg = client.get("/organization.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert svg.headers["Content-Disposition"] == 'inline; filename="csto-organization.svg"'
    assert svg.text.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert 'data-label="CSTO" data-role="organization"' in svg.text


def test_the_picture_says_none_only_where_the_graph_says_so(client):
    # the article names no partner; that there are none is implied (I19)
    assert ">partners: none<" in client.get("/organization.svg").text
    assert ">partners: none named<" in client.get("/organization.svg?implied=0").text


def test_the_timeline_shows_month_dates_as_months(client):
    page = client.get("/timeline", headers=PAGE).text
    assert re.search(r'precision-month" datetime="2018-08"[^>]*>August 2018<', page)
    assert re.search(r'precision-day" datetime="2019-09-12"[^>]*>12 September 2019<', page)


def test_no_page_loads_anything_from_elsewhere(client):
    for path in PAGES:
        text = client.get(path, headers=PAGE).text
        assert not re.search(r'(src|href)="(https?:)?//', text), path


@pytest.fixture(scope="module")
def linked_client(linked_home):
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
    with served_client(kg) as client:
        yield client


def test_the_linked_switch_leaves_out_the_linked_data(linked_client):
    matrix = linked_client.get("/matrix", headers=PAGE).text
    assert cell(matrix, "Azerbaijan", "UNMembershipRequirement") == "met"  # Wikidata says so
    without = linked_client.get("/matrix?linked=0", headers=PAGE).text
    assert cell(without, "Azerbaijan", "UNMembershipRequirement") == "unknown"


def test_sparql_and_named_queries_take_the_switches(client):
    ask = "ASK { kg:Azerbaijan csto:ineligibleFor csto:ObserverStatus }"
    json = "application/sparql-results+json"
    assert client.query(ask, accept=json).json["boolean"] is True
    assert client.query(ask, accept=json, implied="0").json["boolean"] is False
    named = client.get("/queries/candidates_and_verdicts?implied=0", headers={"Accept": json})
    rows = named.json["results"]["bindings"]
    assert {r["verdict"]["value"] for r in rows if r["label"]["value"] == "Azerbaijan"} == {"no verdict"}


def test_search_finds_a_data_files_state_and_refuses_a_huge_query(client):
    page = client.get("/search?q=rurit", headers=PAGE)
    assert page.status_code == 200 and 'href="/explain/Ruritania"' in page.text
    assert client.get("/search?q=" + "x" * 201, headers=PAGE).status_code == 400


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
