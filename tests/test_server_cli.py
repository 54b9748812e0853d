"""`csto-kg serve` as a user runs it: a real process that builds, listens and stops cleanly."""

import json
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import pytest
from click.testing import CliRunner
from helpers import SERVE, post_update, start_serve, stop_serve

from csto_kg.cli.serve import serve
from csto_kg.server.app import check_update_token

TOKEN = "a-long-enough-token"


def get(url):
    with urllib.request.urlopen(url, timeout=30) as reply:
        return reply.status, reply.read()


def test_serve_builds_answers_and_stops(tmp_path, kg):
    extra = tmp_path / "mine.ttl"
    extra.write_text("<https://w3id.org/csto-kg/id/MyThing> "
                     "<http://www.w3.org/2000/01/rdf-schema#label> \"my thing\" .\n")
    process, url = start_serve("--data", str(extra), "--timeout", "5")
    try:
        status, body = get(url + "health")
        health = json.loads(body)
        assert status == 200 and health["status"] == "ok"
        assert health["graphs"]["user"]["triples"] == 1
        assert health["graphs"]["ontology"]["triples"] == kg.counts()["ontology"]
        query = urllib.parse.quote("SELECT ?g WHERE { GRAPH ?g { kg:MyThing rdfs:label ?l } }")
        status, body = get(url + "sparql?query=" + query)
        rows = json.loads(body)["results"]["bindings"]
        assert [r["g"]["value"] for r in rows] == ["https://w3id.org/csto-kg/graph/user"]
        status, page = get(url)
        assert status == 200 and b"<textarea" in page
        assert post_update(url, "CLEAR ALL", TOKEN) == 403  # read-only by default
    finally:
        assert stop_serve(process) == 0


def test_serve_with_updates_and_a_token_from_the_environment():
    process, url = start_serve("--enable-update", env={"CSTO_KG_UPDATE_TOKEN": TOKEN})
    try:
        insert = "INSERT DATA { GRAPH <https://w3id.org/csto-kg/graph/user> { kg:X a csto:State } }"
        assert post_update(url, insert, "wrong-token-456") == 403
        assert post_update(url, insert, TOKEN) == 204
        _, body = get(url + "sparql?query=" + urllib.parse.quote("ASK { kg:X a csto:State }"))
        assert json.loads(body)["boolean"] is True
    finally:
        assert stop_serve(process) == 0


def test_failed_update_attempts_are_logged_with_the_client_address():
    process, url = start_serve("--enable-update", env={"CSTO_KG_UPDATE_TOKEN": TOKEN})
    insert = "INSERT DATA { kg:Y a csto:State }"
    try:
        assert post_update(url, insert, "wrong-token-789") == 403
        request = urllib.request.Request(url + "sparql", data=insert.encode(), method="POST",
                                         headers={"Content-Type": "application/sparql-update"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 401
    finally:
        assert stop_serve(process) == 0
    log = process.stderr.read()
    assert "update refused from 127.0.0.1: wrong token" in log
    assert "update refused from 127.0.0.1: no bearer token" in log
    assert "wrong-token-789" not in log and TOKEN not in log


MEMORY_BOMB = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . " + " ".join(
    f"VALUES ?v{i} {{ 1 2 3 4 5 6 7 8 9 10 }}" for i in range(7)) + " }"  # gigabytes within seconds


def test_a_query_that_needs_too_much_memory_is_stopped_and_the_server_goes_on():
    process, url = start_serve("--max-memory", "200", "--timeout", "60")
    try:
        with pytest.raises(urllib.error.HTTPError) as stopped:
            get(url + "sparql?query=" + urllib.parse.quote(MEMORY_BOMB))
        assert stopped.value.code == 503
        assert "200 MiB a query may use" in stopped.value.read().decode()
        assert stopped.value.headers["X-Memory-Limit"] == str(200 << 20)
        status, body = get(url + "sparql?query=" + urllib.parse.quote("ASK { ?s ?p ?o }"))
        assert status == 200 and json.loads(body)["boolean"] is True
    finally:
        assert stop_serve(process) == 0


def test_enable_update_needs_a_token():
    result = CliRunner().invoke(serve, ["--enable-update"], env={"CSTO_KG_UPDATE_TOKEN": ""})
    assert result.exit_code == 2
    assert "--update-token" in result.output


def test_serve_refuses_a_short_token_as_the_app_does():
    result = CliRunner().invoke(serve, ["--enable-update", "--update-token", "seven77"])
    with pytest.raises(ValueError) as refused:
        check_update_token("seven77")
    assert result.exit_code == 2
    assert str(refused.value) in result.output and "at least 8 characters" in str(refused.value)
    assert check_update_token("eight888") == "eight888" and check_update_token("") is None


def test_a_bad_data_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n")
    result = subprocess.run(SERVE + ["--port", "0", "--data", str(bad)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2
    assert "bad.ttl" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("option", [["--timeout", "0"], ["--max-rows", "0"], ["--port", "70000"]])
def test_bad_options_are_usage_errors(option):
    result = CliRunner().invoke(serve, option)
    assert result.exit_code == 2
