"""csto-kg link when the endpoint misbehaves: down, stopped, silent, garbage, rate-limiting.

Each failure is a message that says what happened, exit code 2 from the CLI and no traceback,
and the previous linked.trig stays as it was, byte for byte. The endpoints are tiny servers on
127.0.0.1 started here (and one real Oxigraph that is stopped).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import scripted_server

from csto_kg.cli.link import link as link_command
from csto_kg.graph.errors import (
    EndpointError,
    EndpointHTTPError,
    EndpointTimeout,
    EndpointUnreachable,
    MalformedResponse,
    RateLimited,
)
from csto_kg.graph.link import link, load_article
from csto_kg.graph.sparql.client import CONTACT_URL, SparqlClient, _retry_after

FIXTURE = Path(__file__).parent / "fixtures" / "wikidata" / "wikidata.ttl"
EMPTY = json.dumps({"head": {"vars": ["item"]}, "results": {"bindings": []}}).encode()
RESULTS = {"Content-Type": "application/sparql-results+json"}


def azerbaijan_only(query: str):
    """A valid answer to every query: Azerbaijan's English label, and nothing else."""
    if "?label ?alpha2" not in query:
        return 200, RESULTS, EMPTY
    row = {"item": {"type": "uri", "value": "http://www.wikidata.org/entity/Q227"},
           "label": {"type": "literal", "value": "Azerbaijan", "xml:lang": "en"}}
    return 200, RESULTS, json.dumps({"head": {"vars": ["item", "label"]},
                                     "results": {"bindings": [row]}}).encode()
PREVIOUS = b"# the linked data of an earlier run\n<urn:a> <urn:b> <urn:c> <urn:g> .\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Every server here answers the article's items with Azerbaijan alone, unless told otherwise.
scripted = partial(scripted_server, default=azerbaijan_only)


@contextmanager
def silent():
    """A server that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    finally:
        stop.set()
        thread.join(2)
        for conn in held:
            conn.close()
        listener.close()


@pytest.fixture()
def home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / "linked.trig").write_bytes(PREVIOUS)
    monkeypatch.setenv("CSTO_KG_HOME", str(home))
    monkeypatch.setenv("CSTO_KG_CACHE", str(tmp_path / "cache"))
    return home


def run_cli(*args):
    return CliRunner().invoke(link_command, list(args))


def assert_failed_cleanly(out, home: Path, *words: str):
    assert out.exit_code == 2, out.output
    assert isinstance(out.exception, SystemExit)
    assert "Traceback" not in out.output
    assert any(line.startswith("error: ") for line in out.stderr.splitlines())
    for word in words:
        assert word in out.stderr
    assert "unchanged" in out.stderr
    assert (home / "linked.trig").read_bytes() == PREVIOUS
    assert sorted(p.name for p in home.iterdir()) == ["linked.trig"]


# -- endpoint down ------------------------------------------------------------------------------


def test_connection_refused(home):
    url = f"http://127.0.0.1:{free_port()}/sparql"
    with pytest.raises(EndpointUnreachable, match="connection refused"):
        link(url, timeout=2)
    assert_failed_cleanly(run_cli("--endpoint", url, "--timeout", "2"), home,
                          f"cannot connect to {url}", "connection refused")


def test_the_command_fails_cleanly(tmp_path):
    """The installed csto-kg, in its own process: one message, exit 2, the old file kept."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "linked.trig").write_bytes(PREVIOUS)
    env = {**os.environ, "CSTO_KG_HOME": str(home), "CSTO_KG_CACHE": str(tmp_path / "cache")}
    url = f"http://127.0.0.1:{free_port()}/sparql"
    done = subprocess.run([str(Path(sys.executable).parent / "csto-kg"), "link", "--endpoint", url],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == (
        f"error: cannot connect to {url}: connection refused (is the endpoint running, and is the URL right?)")
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert (home / "linked.trig").read_bytes() == PREVIOUS


def test_a_failed_first_run_says_no_file_was_created(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("CSTO_KG_HOME", str(home))
    monkeypatch.setenv("CSTO_KG_CACHE", str(tmp_path / "cache"))
    out = run_cli("--endpoint", f"http://127.0.0.1:{free_port()}/sparql", "--timeout", "2")
    assert out.exit_code == 2 and "Traceback" not in out.output
    assert "linked.trig was not created" in out.stderr and "unchanged" not in out.stderr
    assert not (home / "linked.trig").exists()


def test_endpoint_stopped_between_runs(home, oxigraph):
    """A real Oxigraph: linking works, then the server is stopped and linking fails cleanly."""
    proc, url = oxigraph()
    try:
        out = run_cli("--endpoint", url, "-q")
        assert out.exit_code == 0, out.output
        good = (home / "linked.trig").read_bytes()
        assert good != PREVIOUS and b"Azerbaijan" in good
    finally:
        proc.terminate()
        proc.wait(10)
    (home / "linked.trig").write_bytes(PREVIOUS)
    assert_failed_cleanly(run_cli("--endpoint", url), home, "cannot connect", "connection refused")


# -- timeout ------------------------------------------------------------------------------------


def test_timeout_on_a_server_that_never_answers(home):
    with silent() as url:
        started = time.monotonic()
        with pytest.raises(EndpointTimeout, match=r"did not answer within 0\.5 s"):
            link(url, timeout=0.5)
        assert time.monotonic() - started < 5
        assert_failed_cleanly(run_cli("--endpoint", url, "--timeout", "0.5"), home,
                              "did not answer within 0.5 s", "--timeout")


# -- malformed answers -------------------------------------------------------------------------


@pytest.mark.parametrize("content_type, body, words", [
    ("text/html", b"<html><body>Welcome to the hotel wifi</body></html>", ["text/html", "hotel wifi"]),
    ("application/sparql-results+json", b'{"head": {"vars": ["item"]}, "results": {"bindi',
     ["application/sparql-results+json", "JSONDecodeError"]),
    ("application/sparql-results+json", b'{"head": {"vars": []}}', ["KeyError"]),
    ("application/octet-stream", bytes(range(256)) * 4, ["application/octet-stream", "1024 bytes"]),
])
def test_malformed_response(home, content_type, body, words):
    with scripted(default=(200, {"Content-Type": content_type}, body)) as (url, _):
        with pytest.raises(MalformedResponse, match="did not answer with SPARQL JSON results"):
            link(url, timeout=5)
        assert_failed_cleanly(run_cli("--endpoint", url), home, "did not answer with SPARQL JSON results", *words)


def test_client_errors_are_not_retried(home):
    with scripted(default=(400, {"Content-Type": "text/plain"}, b"Parse error: unexpected VALUES")) as (url, seen):
        with pytest.raises(EndpointHTTPError, match="refused the query as malformed .HTTP 400.: Parse error"):
            link(url, timeout=5)
        assert len(seen) == 1
    with scripted(default=(403, {"Content-Type": "text/plain"}, b"You are banned")) as (url, seen):
        assert_failed_cleanly(run_cli("--endpoint", url), home, "HTTP 403", "You are banned")
        assert len(seen) == 1


def test_rows_that_do_not_answer_the_query(home):
    row = {"item": {"type": "uri", "value": "http://www.wikidata.org/entity/Q227"}}
    body = json.dumps({"head": {"vars": ["item"]}, "results": {"bindings": [row]}}).encode()
    with scripted(default=(200, RESULTS, body)) as (url, _):
        with pytest.raises(MalformedResponse,
                           match=r"UN membership, batch 1 of 1 with rows that lack \?statement, \?rank"):
            link(url, timeout=5)


def test_an_endpoint_without_wikidata_data_replaces_nothing(home):
    """Pointed at the wrong endpoint (say, DBpedia's), link must not wipe the earlier linked data."""
    with scripted(default=(200, RESULTS, EMPTY)) as (url, _):
        items = len(load_article().by_qid)
        assert_failed_cleanly(run_cli("--endpoint", url), home,
                              f"knows nothing about any of the {items} items", "wd:Q", "Wikidata's data")


# -- rate limits and server errors -------------------------------------------------------------


def test_429_then_success_is_retried_after_retry_after(home):
    too_many = (429, {"Retry-After": "1", "Content-Type": "text/plain"}, b"Too Many Requests")
    with scripted(too_many) as (url, seen):
        started = time.monotonic()
        out = run_cli("--endpoint", url)
        elapsed = time.monotonic() - started
    assert out.exit_code == 0, out.output
    assert elapsed >= 1.0  # Retry-After: 1 was honoured
    assert len(seen) == 5  # 4 queries, the first one twice
    assert "answered HTTP 429 Too Many Requests; retrying in 1.0 s (retry 1 of 4)" in out.stderr
    assert "[4/4]" in out.stderr  # the progress display, shown once the fetch took a moment
    assert (home / "linked.trig").read_bytes() != PREVIOUS


def test_5xx_is_retried_with_backoff():
    answers = [(503, {"Content-Type": "text/plain"}, b"busy"),
               (500, {"Content-Type": "text/plain"}, b"java.util.concurrent.TimeoutException"),
               (502, {"Content-Type": "text/plain"}, b"bad gateway")]
    waits = []
    with scripted(*answers) as (url, seen):
        endpoint = SparqlClient(url, retries=4, backoff=0.01, on_retry=lambda message, wait: waits.append(wait))
        assert list(endpoint.query("SELECT ?item WHERE {}")) == []
    assert len(seen) == 4
    assert waits == [0.01, 0.02, 0.04]


def test_429_forever_is_a_clear_error(home):
    too_many = (429, {"Retry-After": "0", "Content-Type": "text/plain"}, b"Too Many Requests")
    with scripted(default=too_many) as (url, seen):
        with pytest.raises(RateLimited, match="still answered 429 Too Many Requests after 2 retries"):
            link(url, retries=2, timeout=5)
        assert len(seen) == 3
        assert_failed_cleanly(run_cli("--endpoint", url, "--retries", "1"), home,
                              "rate-limiting", "after 1 retry.", "Wait a while")


def test_a_retry_after_too_long_fails_at_once(home):
    too_many = (429, {"Retry-After": "3600", "Content-Type": "text/plain"}, b"")
    with scripted(default=too_many) as (url, seen):
        started = time.monotonic()
        assert_failed_cleanly(run_cli("--endpoint", url), home, "wait 3600 s", "Try again later")
        assert time.monotonic() - started < 5 and len(seen) == 1


def test_retry_after_as_a_date():
    later = datetime.now(timezone.utc) + timedelta(seconds=30)
    assert 25 <= _retry_after({"Retry-After": format_datetime(later, usegmt=True)}) <= 31
    assert _retry_after({"Retry-After": "7"}) == 7.0
    assert _retry_after({}) is None
    assert _retry_after({"Retry-After": "soon"}) is None


# -- etiquette ----------------------------------------------------------------------------------


def test_user_agent_names_the_tool_its_version_and_a_contact():
    from importlib.metadata import version

    with scripted() as (url, seen):
        link(url, timeout=5)
    agents = {r["headers"]["User-Agent"] for r in seen}
    python = "%d.%d" % sys.version_info[:2]
    assert agents == {f"csto-kg/{version('csto-kg')} ({CONTACT_URL}) Python-urllib/{python}"}
    accepts = {r["headers"]["Accept"] for r in seen}
    assert all("application/sparql-results+json" in a for a in accepts)
    assert all("format=" not in r["path"] for r in seen)  # content negotiation only


def test_not_an_endpoint_url():
    with pytest.raises(EndpointError, match="not an HTTP"):
        link("ftp://example.org/sparql")
    out = CliRunner().invoke(link_command, ["--endpoint", "localhost:7878"])
    assert out.exit_code == 2 and "not an HTTP(S) endpoint URL" in out.stderr


def test_a_file_is_replaced_whole_or_not_at_all(tmp_path):
    from csto_kg.graph.paths import replacing

    target = tmp_path / "linked.trig"
    target.write_text("old")
    with pytest.raises(RuntimeError), replacing(target) as tmp:
        tmp.write_text("half of the new")
        raise RuntimeError("the writer failed")
    assert target.read_text() == "old" and list(tmp_path.iterdir()) == [target]  # no temporary left
    with replacing(target) as tmp:
        tmp.write_text("new")
        assert target.read_text() == "old"  # a reader sees the old file until the block ends
    assert target.read_text() == "new" and list(tmp_path.iterdir()) == [target]
