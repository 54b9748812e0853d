"""Every switch reaches every route, in every representation (issue 19, item 3).

The reference for `?implied=0` / `?linked=0` is a build without those sources (`--no-implied`,
`--no-linked`): each route with a switch off must answer what the same route answers, switch
on, from that build. Pages are compared by the text they show (their links keep the switch,
which the reference's do not need); JSON as data; RDF as graphs; the picture as bytes.
`status` and `why` are compared with the library's own verdict (graph.explain).
"""

from __future__ import annotations

import html
import itertools
import json
import os
import re
import urllib.parse
from collections import Counter
from contextlib import ExitStack

import pytest
import rdflib
from rdflib.compare import isomorphic
from server_fixtures import served_app

from csto_kg.graph import build, explain

HTML, JSON, SRJ = "text/html", "application/json", "application/sparql-results+json"
ASK = "ASK { kg:Azerbaijan csto:ineligibleFor csto:ObserverStatus }"

# route, representation: every route that takes the switches, each way it answers
ROUTES = [
    ("/explain/Azerbaijan", HTML), ("/explain/Azerbaijan", JSON),
    ("/explain/Azerbaijan?status=partner", HTML), ("/explain/Azerbaijan?status=partner", JSON),
    ("/explain/Azerbaijan?why=1", HTML), ("/explain/Azerbaijan?why=1", JSON),
    ("/matrix", HTML), ("/organization", HTML), ("/organization.svg", "image/svg+xml"),
    ("/article", HTML), ("/timeline", HTML), ("/search?q=Azerbaijan", HTML),
    ("/id/Azerbaijan", HTML), ("/id/Azerbaijan", "application/n-triples"),
    ("/sparql?" + urllib.parse.urlencode({"query": ASK}), SRJ),
    ("/queries/why_requirements_fail", SRJ),  # no GROUP_CONCAT or SAMPLE, whose order is undefined
]
SWITCHES = {"implied=0": {"implied": False}, "linked=0": {"linked": False},
            "implied=0&linked=0": {"implied": False, "linked": False}}


def build_with_home(home, **options):
    old = os.environ.get("CSTO_KG_HOME")
    os.environ["CSTO_KG_HOME"] = str(home)
    try:
        return build(**options)
    finally:
        if old is None:
            del os.environ["CSTO_KG_HOME"]
        else:
            os.environ["CSTO_KG_HOME"] = old


@pytest.fixture(scope="module")
def clients(linked_home):
    """A test client of the full graph (implied facts and linked data) and of each build without
    some of them."""
    variants = {"full": {}, **SWITCHES}
    graphs = {name: build_with_home(linked_home, **options) for name, options in variants.items()}
    with ExitStack() as apps:
        yield {name: apps.enter_context(served_app(kg)).test_client() for name, kg in graphs.items()}, graphs


def with_query(path: str, extra: str) -> str:
    return path + ("&" if "?" in path else "?") + extra if extra else path


def shown(response, representation):
    """What an answer says, comparable between apps."""
    assert response.status_code == 200, (response.status_code, response.text[:300])
    if representation == HTML:
        text = re.sub(r"<(script|style)\b.*?</\1>", " ", response.text, flags=re.S)
        text = re.sub(r'<p class="print-only" id="printed-from">.*?</p>', " ", text, flags=re.S)  # the address
        words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())
        return re.sub(r"(implied facts|linked data) : (included|left out)", "", words)  # the switches' own state
    if representation == JSON:
        return plain(response.json)
    if representation == SRJ:
        doc = response.json
        if "boolean" in doc:
            return doc["boolean"]
        unnamed = [{k: {"type": "bnode"} if v["type"] == "bnode" else v for k, v in row.items()}
                   for row in doc["results"]["bindings"]]
        return Counter(json.dumps(row, sort_keys=True) for row in unnamed)
    if representation == "application/n-triples":
        return rdflib.Graph().parse(data=response.data, format="nt")
    return response.data


def plain(verdict):
    """A verdict without what differs between two equal ones: blank node labels, the order of
    an axiom's triples, timings."""
    if isinstance(verdict, dict):
        return {k: 0 if k == "seconds" else plain(v) for k, v in verdict.items()}
    if isinstance(verdict, (list, tuple)):
        return [plain(v) for v in verdict]
    if isinstance(verdict, str) and "_:" in verdict:
        return sorted(re.sub(r"_:[A-Za-z0-9]+", "_:b", verdict).splitlines())
    return verdict


def same(a, b) -> bool:
    if isinstance(a, rdflib.Graph):
        return isomorphic(a, b)
    return a == b


def test_every_switch_reaches_every_route_in_every_representation(clients):
    running, _ = clients
    wrong, changed = [], Counter()
    for (path, representation), switch in itertools.product(ROUTES, SWITCHES):
        accept = {"Accept": representation}
        answer = shown(running["full"].get(with_query(path, switch), headers=accept), representation)
        reference = shown(running[switch].get(path, headers=accept), representation)
        if not same(answer, reference):
            wrong.append(f"{path} as {representation} with {switch}")
        full = shown(running["full"].get(path, headers=accept), representation)
        changed[switch] += not same(full, reference)
    assert wrong == []
    # the switches change answers, so the comparison above can fail
    assert changed["implied=0"] >= 10 and changed["linked=0"] >= 3, changed


@pytest.mark.parametrize("switch", ["", *SWITCHES])
@pytest.mark.parametrize("status,why", [("observer", False), ("partner", False), ("observer", True)])
def test_status_and_why_answer_as_the_library_does(clients, switch, status, why):
    running, graphs = clients
    path = with_query(f"/explain/Azerbaijan?status={status}&why={int(why)}", switch)
    answer = running["full"].get(path, headers={"Accept": JSON}).json
    assert plain(answer) == plain(explain(graphs[switch or "full"], "Azerbaijan", status=status, why=why))
    page = shown(running["full"].get(path, headers={"Accept": HTML}), HTML)
    other = "partner" if status == "observer" else "observer"
    assert f"{other} status" not in page.lower() or f"{status} status" in page.lower()

