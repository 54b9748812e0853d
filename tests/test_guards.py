"""The query guards (graph/sparql/guards.py) against Oxigraph's own parser: a query Oxigraph
accepts must not reach an endpoint the guard did not see, and an expression the guard lets
through must be one the parser survives."""

import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from hostile import DEEP, deep_expressions, service_spellings
from hypothesis import HealthCheck, given, settings
from server_fixtures import RecordingListener, sparql_json_reply

from csto_kg.graph.errors import QueryError, ServiceNotAllowedError
from csto_kg.graph.namespaces import PREFIXES
from csto_kg.graph.sparql.guards import MAX_NESTING, check_nesting, check_services, check_update_is_local

LISTENER = RecordingListener(reply=sparql_json_reply("x", ["reached"]))
BASE = LISTENER.url.removesuffix("sparql")
ALLOWED = ("https://query.wikidata.org/sparql",)


@pytest.fixture(scope="module", autouse=True)
def listener():
    yield LISTENER
    LISTENER.close()


def oxigraph_runs(text: str) -> bool:
    """Run the query as the server would, SERVICE calls and all; False if Oxigraph refuses it."""
    try:
        result = ox.Store().query(text, prefixes=PREFIXES, use_default_graph_as_union=True)
        if not isinstance(result, ox.QueryBoolean):
            list(result)
    except (SyntaxError, OSError, RuntimeError, ValueError):
        return False
    return True


def guard_passes(text: str) -> bool:
    try:
        check_nesting(text)
        check_services(text, ALLOWED)
    except QueryError:
        return False
    return True


# The spellings of issue 20 that reached the listener before: no space after PREFIX.
BYPASSES = [
    "PREFIXf:<{base}> SELECT * WHERE {{ SERVICE f:sparql {{ ?s ?p ?o }} }}",
    "prefixf:<{base}> SELECT * WHERE {{ SERVICE f:sparql {{ ?s ?p ?o }} }}",
    "PREFIX:<{base}> SELECT * WHERE {{ SERVICE :sparql {{ ?s ?p ?o }} }}",
    "PREFIXf:<{base}> SELECT * WHERE {{ SERVICE SILENT f:sparql {{ ?s ?p ?o }} }}",
    "PREFIX wd: <https://query.wikidata.org/> PREFIXwd:<{base}> SELECT * WHERE {{ SERVICE wd:sparql {{ ?s ?p ?o }} }}",
]


@pytest.mark.parametrize("template", BYPASSES)
def test_a_prefix_declared_without_a_space_is_read_as_oxigraph_reads_it(template):
    text = template.format(base=BASE)
    with pytest.raises(ServiceNotAllowedError, match=LISTENER.url):
        check_services(text, ALLOWED)


def test_an_update_with_a_prefix_declared_without_a_space_is_refused():
    with pytest.raises(ServiceNotAllowedError, match="update"):
        check_update_is_local(f"PREFIXf:<{BASE}> INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE f:sparql {{ ?s ?p ?o }} }}")


def test_a_service_prefix_nobody_declared_is_refused_not_dropped():
    with pytest.raises(ServiceNotAllowedError, match="cannot be read for certain"):
        check_services("SELECT * WHERE { SERVICE nobody:sparql { ?s ?p ?o } }", ALLOWED)


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=service_spellings(BASE))
def test_no_query_oxigraph_runs_reaches_an_endpoint_the_guard_did_not_see(query):
    before = len(LISTENER.connections)
    if guard_passes(query):
        oxigraph_runs(query)
        time.sleep(0.01)
        assert len(LISTENER.connections) == before, f"the guard let through: {query!r}"


@settings(max_examples=40, deadline=None, database=None)
@given(query=deep_expressions(MAX_NESTING + 1))
def test_expressions_deeper_than_the_limit_are_refused_before_parsing(query):
    with pytest.raises(QueryError, match="levels deep"):
        check_nesting(query)


def test_deep_chains_of_every_kind_from_the_issue_are_refused():
    for text in (DEEP["not"](10_000), DEEP["sum"](10_000), DEEP["union"](20_000), DEEP["path"](2_000)):
        with pytest.raises(QueryError, match="levels deep"):
            check_nesting(text)


CRASH_PROBE = """
import sys, pyoxigraph as ox
sys.path.insert(0, "tests")
from hostile import DEEP
for kind, make in sorted(DEEP.items()):
    try:
        ox.Store().query(make(int(sys.argv[1])) + " }")  # one brace too many: parsed, never run
    except SyntaxError:
        pass
print("parsed all")
"""


def test_oxigraph_parses_every_kind_at_the_limit_without_crashing():
    """The limit is within the parser's reach: at MAX_NESTING levels of each kind it answers
    (here a syntax error for the extra brace) instead of overflowing its stack."""
    done = subprocess.run([sys.executable, "-c", CRASH_PROBE, str(MAX_NESTING)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and "parsed all" in done.stdout, done.stderr[-500:]
    for make in DEEP.values():
        check_nesting(make(MAX_NESTING - 10))  # and the guard lets them through (near the limit)


def test_large_data_updates_and_typed_literals_are_not_deep():
    data = " ".join(f'<http://example.org/s> <http://example.org/p> "-{i}"^^<http://example.org/t> .'
                    for i in range(5_000))
    check_nesting(f"INSERT DATA {{ {data} }}")
    check_nesting(f"ASK {{ {data} }}")


@pytest.mark.parametrize("kind,n", [("not", 10_000), ("sum", 10_000), ("union", 20_000), ("path", 2_000)])
def test_the_command_line_refuses_a_deep_query_with_exit_2_and_a_sentence(tmp_path, kind, n):
    query = tmp_path / "deep.rq"
    query.write_text(DEEP[kind](n))
    done = subprocess.run([str(Path(sys.executable).parent / "csto-kg"), "query", str(query)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr[-500:]
    assert "levels deep" in done.stderr and "Traceback" not in done.stderr
