"""The command line as a user runs it: a real `csto-kg` process, its output, its exit code."""

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run(*args, cwd=None):
    """Run csto-kg from another folder than the repo, as an installed command."""
    return subprocess.run([sys.executable, "-m", "csto_kg.cli", *args], capture_output=True, text=True,
                          cwd=cwd or "/", env=os.environ.copy(), timeout=300)


def test_explain_prints_each_requirement_with_the_articles_words():
    r = run("explain", "azerbaijan", "--status", "observer")
    assert r.returncode == 0, r.stderr
    assert "observer status: INELIGIBLE" in r.stdout
    assert "Nagorno-Karabakh" in r.stdout
    assert "unknown must be UN members" in " ".join(r.stdout.split())


def test_explain_json_follows_the_contract():
    r = run("explain", "Q227", "--status", "partner", "--format", "json")
    assert r.returncode == 0, r.stderr
    v = json.loads(r.stdout)
    assert v["state"] == "Azerbaijan" and v["status"] == "partner" and v["eligible"] is False
    assert v["iri"] == "https://w3id.org/csto-kg/id/Azerbaijan"
    for req in v["requirements"]:
        assert req["result"] in ("met", "failed", "unknown")
        assert {"id", "label", "result", "evidence"} <= set(req)
        for e in req["evidence"]:
            assert {"quote", "source"} <= set(e)
    failed = [req for req in v["requirements"] if req["result"] == "failed"]
    assert failed and all(req["evidence"] and req["evidence"][0]["quote"] for req in failed)


def test_explain_without_status_gives_both():
    r = run("explain", "Serbia", "--format", "json")
    assert r.returncode == 0, r.stderr
    verdicts = json.loads(r.stdout)
    assert [v["status"] for v in verdicts] == ["observer", "partner"]
    assert all(v["eligible"] is None for v in verdicts)


def test_no_implied_switch():
    r = run("explain", "Azerbaijan", "--status", "observer", "--format", "json", "--no-implied")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["eligible"] is None


def test_user_data_makes_a_hypothetical_candidate_eligible():
    r = run("explain", "Ruritania", "--data", str(EXAMPLES / "ruritania.ttl"), "--format", "json")
    assert r.returncode == 0, r.stderr
    assert [v["eligible"] for v in json.loads(r.stdout)] == [True, True]


def test_query_csv_pipes_well():
    q = "SELECT ?state WHERE { ?state csto:memberOf kg:CSTO } ORDER BY ?state"
    r = run("query", q, "--format", "csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["state"].rsplit("/", 1)[1] for row in rows] == [
        "Armenia", "Belarus", "Kazakhstan", "Kyrgyzstan", "Russia", "Tajikistan"]


def test_query_table_is_readable():
    r = run("query", "SELECT ?s WHERE { ?s csto:hasStatus csto:ObserverStatus } ORDER BY ?s")
    assert r.returncode == 0, r.stderr
    assert "kg:Afghanistan" in r.stdout and "kg:Serbia" in r.stdout and "(2 rows)" in r.stdout


def test_query_from_a_file(tmp_path):
    f = tmp_path / "ask.rq"
    f.write_text("ASK { kg:Azerbaijan csto:ineligibleFor csto:ObserverStatus }")
    r = run("query", str(f), "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["boolean"] is True


def test_construct_as_turtle_parses_back():
    import rdflib

    r = run("query", "CONSTRUCT { ?s csto:fails ?r } WHERE { ?s csto:fails ?r }", "--format", "turtle")
    assert r.returncode == 0, r.stderr
    g = rdflib.Graph().parse(data=r.stdout, format="turtle")
    assert len(g) > 0


def test_queries_lists_named_queries():
    r = run("queries")
    assert r.returncode == 0, r.stderr
    from csto_kg import queries

    for q in queries.all_queries():
        assert q.name in r.stdout and q.title in r.stdout


def test_build_out_is_a_clear_error_without_permission(tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a folder")
    r = run("build", "--out", str(blocked))
    assert r.returncode != 0
    assert "Traceback" not in r.stderr


# -- bad input: a message that says what and where, a non-zero exit, no traceback ----------

def test_malformed_turtle_names_the_file_and_line(tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b \n")
    r = run("explain", "Azerbaijan", "--data", str(bad))
    assert r.returncode == 2
    assert "broken.ttl" in r.stderr and "line 4" in r.stderr
    assert "Traceback" not in r.stderr


def test_missing_data_file(tmp_path):
    r = run("query", "ASK {}", "--data", str(tmp_path / "nowhere.ttl"))
    assert r.returncode == 2
    assert "nowhere.ttl" in r.stderr and "Traceback" not in r.stderr


def test_misspelled_ontology_term_suggests_the_right_one(tmp_path):
    bad = tmp_path / "typo.ttl"
    bad.write_text("<https://example.org/X> <https://w3id.org/csto-kg/ontology#memberof> "
                   "<https://w3id.org/csto-kg/id/UnitedNations> .\n")
    r = run("explain", "Azerbaijan", "--data", str(bad))
    assert r.returncode == 2
    assert "csto:memberof" in r.stderr and "csto:memberOf" in r.stderr


def test_unknown_state_suggests_close_matches():
    r = run("explain", "Azerbajan")
    assert r.returncode == 2
    assert "unknown state 'Azerbajan'" in r.stderr and "Azerbaijan" in r.stderr
    assert "Traceback" not in r.stderr


def test_an_unlinked_wikidata_id_gets_the_command_that_links_it():
    r = run("explain", "Q191", "--no-linked")
    assert r.returncode == 2 and "csto-kg link --states Q191" in r.stderr


def test_malformed_query_shows_the_parsers_message_and_position():
    r = run("query", "SELECT ?s WHERE { ?s ?p ")
    assert r.returncode == 2
    assert "malformed query: line 1, column" in r.stderr
    assert "Traceback" not in r.stderr


def test_unknown_named_query_suggests():
    r = run("query", "member_state")
    assert r.returncode == 2
    assert "member_state" in r.stderr and "Traceback" not in r.stderr


def test_service_not_on_the_allow_list_is_refused():
    r = run("query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert r.returncode == 2
    assert "allow-list" in r.stderr and "Traceback" not in r.stderr


def test_inconsistent_data_exits_1_naming_the_resources(tmp_path):
    bad = tmp_path / "contradiction.ttl"
    bad.write_text("<https://w3id.org/csto-kg/id/Azerbaijan> "
                   "<https://w3id.org/csto-kg/ontology#hasDiplomaticRelationsWith> "
                   "<https://w3id.org/csto-kg/id/Armenia> .\n")
    r = run("explain", "Azerbaijan", "--data", str(bad))
    assert r.returncode == 1
    assert "inconsistent" in r.stderr and "Armenia" in r.stderr and "Traceback" not in r.stderr


def test_from_names_the_default_graph():
    q = "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/csto-kg/graph/implied> WHERE { ?s ?p ?o }"
    r = run("query", q, "--format", "csv")
    assert r.returncode == 0, r.stderr
    only_implied = int(r.stdout.splitlines()[1])
    r = run("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv")
    union = int(r.stdout.splitlines()[1])
    assert 0 < only_implied < union


def test_explain_why_gives_minimal_justifications_with_the_articles_words():
    r = run("explain", "Azerbaijan", "--status", "observer", "--format", "json", "--why")
    assert r.returncode == 0, r.stderr
    v = json.loads(r.stdout)
    assert v["why"]["axioms"], "the verdict has a justification"
    failed = {req["id"].rsplit("#", 1)[1]: req for req in v["requirements"] if req["result"] == "failed"}
    conflict = failed["NoConflictRequirement"]["why"]
    assert [a["fact_id"] for a in conflict["axioms"] if a["fact_id"]] == ["I03"]
    assert any(a["kind"] == "ontology" for a in conflict["axioms"])
    assert all("why" not in req for req in v["requirements"] if req["result"] == "unknown")
    assert "prp-rng" in conflict["rules"]
    text = run("explain", "Azerbaijan", "--status", "observer", "--why")
    assert "none of them dispensable" in text.stdout
    assert "linked by the OWL 2 RL rules prp-rng, cls-svf1" in text.stdout


@pytest.fixture(scope="module")
def served():
    from helpers import start_serve, stop_serve

    process, base = start_serve()
    yield base
    stop_serve(process)


@pytest.mark.parametrize("query", ["ASK { ?s a csto:MemberState }",
                                   "SELECT ?s ?l WHERE { ?s a csto:MemberState ; rdfs:label ?l } ORDER BY ?s"])
@pytest.mark.parametrize("fmt, media", [("csv", "text/csv"), ("tsv", "text/tab-separated-values"),
                                        ("json", "application/sparql-results+json")])
def test_the_cli_writes_results_as_the_server_does(served, query, fmt, media):
    import urllib.parse
    import urllib.request

    cli = subprocess.run([sys.executable, "-m", "csto_kg.cli", "query", query, "--format", fmt],
                         capture_output=True, cwd="/", timeout=300)  # bytes: CSV's CRLF kept
    assert cli.returncode == 0, cli.stderr
    prefixed = "PREFIX csto: <https://w3id.org/csto-kg/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    url = served + "/sparql?" + urllib.parse.urlencode({"query": prefixed + query})
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": media})) as r:
        assert cli.stdout.rstrip(b"\n") == r.read().rstrip(b"\n")  # the CLI ends a line for the terminal


@pytest.mark.parametrize("page", ["matrix", "organization"])
def test_the_cli_prints_the_data_the_server_gives_a_program(served, page):
    """`csto-kg matrix --format json` and the server's /matrix to a JSON client: one reading of the
    graph (graph/present/), the same data; and the text names what the page shows."""
    import urllib.request

    cli = run(page, "--format", "json")
    assert cli.returncode == 0, cli.stderr
    with urllib.request.urlopen(urllib.request.Request(f"{served}/{page}",
                                                       headers={"Accept": "application/json"})) as r:
        assert r.headers["Content-Type"] == "application/json"
        served_data = json.loads(r.read())
    assert json.loads(cli.stdout) == served_data
    if page == "matrix":  # lists in a fixed order, not the store's, which differs between processes
        assert next(a for a in served_data["agents"] if a["label"] == "Azerbaijan")["seeks"] == ["observer", "partner"]
    names = {a["label"] for a in served_data["agents"]} if page == "matrix" else {
        n["label"] for n in served_data["nodes"]}
    assert {"Azerbaijan", "Serbia"} <= names
    text = run(page).stdout
    assert all(name in text for name in names)
    without = run(page, "--format", "json", "--no-implied")  # the server's ?implied=0, from a build without them
    with urllib.request.urlopen(urllib.request.Request(f"{served}/{page}?implied=0",
                                                       headers={"Accept": "application/json"})) as r:
        assert json.loads(without.stdout) == json.loads(r.read()) != served_data
    assert "Azerbaijan   observer: ineligible  partner: ineligible" in text if page == "matrix" else (
        "Azerbaijan consent withheld by Armenia" in text)


def test_the_pages_commands_refuse_a_bad_input_with_a_sentence(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle")
    for page in ("matrix", "organization"):
        r = run(page, "--data", str(bad))
        assert r.returncode == 2 and "bad.ttl" in r.stderr and "Traceback" not in r.stderr
