"""Shared fixtures: an isolated cache and data folder, the built article graph, the web app
with its test client and the command line in this process (as flaskr's tests have them), and
Debian's chromium driven by Playwright for the browser tests."""

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from helpers import free_port, oxigraph_command, start_oxigraph

# Before anything builds: never read the user's linked data or cache, never write there.
_scratch = Path(tempfile.mkdtemp(prefix="csto-kg-tests-"))
os.environ["CSTO_KG_CACHE"] = str(_scratch / "cache")
os.environ["CSTO_KG_HOME"] = str(_scratch / "home")


@pytest.fixture(scope="session")
def kg():
    """The reasoned article graph with the implied facts, as users get it by default."""
    from csto_kg.graph import build

    return build()


@pytest.fixture(scope="session")
def kg_stated_only():
    """The reasoned article graph without the implied facts."""
    from csto_kg.graph import build

    return build(implied=False)


# -- the app, its client and the command line, without a real server or process ----------------


@pytest.fixture(scope="module")
def app(kg):
    """create_app over the article graph, its workers stopped after the module. A module that
    serves another graph or settings defines its own `app` with server_fixtures.served_app."""
    from server_fixtures import served_app

    with served_app(kg) as app:
        yield app


@pytest.fixture
def client(app):
    """Flask's test client: requests go to the app in this process, no socket (a real
    waitress server stays for the tests where the server is the point: running_server)."""
    return app.test_client()


@pytest.fixture
def runner(monkeypatch):
    """`csto-kg ARGS` in this process: runner("explain", "Serbia") gives click's Result
    (exit_code, stdout, stderr); it runs in / (or cwd), as an installed command does. Real
    processes stay where the process is the point: signals, serve, input that could hang it."""
    from click.testing import CliRunner

    from csto_kg.cli.main import cli

    monkeypatch.setenv("CSTO_KG_REASONER", "csto-kg")  # --reasoner sets it; undone after the test

    def run(*args, cwd="/"):
        with contextlib.chdir(cwd):
            return CliRunner().invoke(cli, list(args), prog_name="csto-kg", catch_exceptions=False)

    return run


# -- a local SPARQL server standing in for Wikidata ------------------------------------------

WIKIDATA_FIXTURE = Path(__file__).parent / "fixtures" / "wikidata" / "wikidata.ttl"


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory):
    """Start a read-only Oxigraph server on loopback over the Wikidata fixture (the PyPI
    `oxigraph` package's `oxigraph serve-read-only`); returns (process, query URL). Each call
    loads its own store, so a test may stop its server; every server is stopped at the end."""
    started = []

    def start() -> tuple[subprocess.Popen, str]:
        location = tmp_path_factory.mktemp("wikidata") / "db"
        subprocess.run([oxigraph_command(), "load", "--location", str(location), "--file", str(WIKIDATA_FIXTURE)],
                       check=True, capture_output=True)
        proc, base = start_oxigraph("serve-read-only", location, free_port())
        started.append(proc)
        return proc, f"{base}/query"

    yield start
    for proc in started:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="session")
def wikidata_endpoint(oxigraph) -> str:
    """The query URL of a local stand-in for Wikidata, for the whole session."""
    return oxigraph()[1]


@pytest.fixture(scope="session")
def linked_home(tmp_path_factory, wikidata_endpoint) -> Path:
    """A CSTO_KG_HOME holding linked.trig as `csto-kg link` writes it from the stand-in."""
    from csto_kg.graph.link import link, write_linked

    home = tmp_path_factory.mktemp("linked-home")
    write_linked(link(wikidata_endpoint, timeout=10), home / "linked.trig")
    return home


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without the background-networking flags chromium tries to reach Google's hosts at start-up.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, headless, one per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    """A fresh chromium page on the module's `server`, its address as page.base (modules that
    watch requests or errors define their own)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.base = server.base
    yield page
    context.close()


AXE = Path(__file__).resolve().parent.parent / "build" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe_script() -> str:
    """axe-core's script, as scripts/test.sh installs it from the npm registry."""
    assert AXE.is_file(), f"{AXE} is missing: scripts/test.sh installs it (npm install axe-core)"
    return AXE.read_text(encoding="utf-8")

