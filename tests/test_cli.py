"""The command line as a user runs it, in this process (the `runner` fixture): its output, its
exit code. Real processes, where the process is the point, are in test_cli_errors.py,
test_cli_refusals.py, test_signals.py and test_packaging.py."""

import csv
import io
import json
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_explain_prints_each_requirement_with_the_articles_words(runner):
    r = runner("explain", "azerbaijan", "--status", "observer")
    assert r.exit_code == 0, r.stderr
    assert "observer status: INELIGIBLE" in r.stdout
    assert "Nagorno-Karabakh" in r.stdout
    assert "unknown must be UN members" in " ".join(r.stdout.split())


def test_explain_json_follows_the_contract(runner):
    r = runner("explain", "Q227", "--status", "partner", "--format", "json")
    assert r.exit_code == 0, r.stderr
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


def test_explain_without_status_gives_both(runner):
    r = runner("explain", "Serbia", "--format", "json")
    assert r.exit_code == 0, r.stderr
    verdicts = json.loads(r.stdout)
    assert [v["status"] for v in verdicts] == ["observer", "partner"]
    assert all(v["eligible"] is None for v in verdicts)


def test_no_implied_switch(runner):
    r = runner("explain", "Azerbaijan", "--status", "observer", "--format", "json", "--no-implied")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["eligible"] is None


def test_user_data_makes_a_hypothetical_candidate_eligible(runner):
    r = runner("explain", "Ruritania", "--data", str(EXAMPLES / "ruritania.ttl"), "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert [v["eligible"] for v in json.loads(r.stdout)] == [True, True]


def test_query_csv_pipes_well(runner):
    q = "SELECT ?state WHERE { ?state csto:memberOf kg:CSTO } ORDER BY ?state"
    r = runner("query", q, "--format", "csv")
    assert r.exit_code == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["state"].rsplit("/", 1)[1] for row in rows] == [
        "Armenia", "Belarus", "Kazakhstan", "Kyrgyzstan", "Russia", "Tajikistan"]


def test_query_table_is_readable(runner):
    r = runner("query", "SELECT ?s WHERE { ?s csto:hasStatus csto:ObserverStatus } ORDER BY ?s")
    assert r.exit_code == 0, r.stderr
    assert "kg:Afghanistan" in r.stdout and "kg:Serbia" in r.stdout and "(2 rows)" in r.stdout


def test_query_from_a_file(runner, tmp_path):
    f = tmp_path / "ask.rq"
    f.write_text("ASK { kg:Azerbaijan csto:ineligibleFor csto:ObserverStatus }")
    r = runner("query", str(f), "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["boolean"] is True


def test_construct_as_turtle_parses_back(runner):
    import rdflib

    r = runner("query", "CONSTRUCT { ?s csto:fails ?r } WHERE { ?s csto:fails ?r }", "--format", "turtle")
    assert r.exit_code == 0, r.stderr
    g = rdflib.Graph().parse(data=r.stdout, format="turtle")
    assert len(g) > 0


def test_queries_lists_named_queries(runner):
    r = runner("queries")
    assert r.exit_code == 0, r.stderr
    from csto_kg import queries

    for q in queries.all_queries():
        assert q.name in r.stdout and q.title in r.stdout


def test_build_out_is_a_clear_error_without_permission(runner, tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a folder")
    r = runner("build", "--out", str(blocked))
    assert r.exit_code != 0
    assert "Traceback" not in r.stderr


# -- bad input: a message that says what and where, a non-zero exit, no traceback ----------

def test_malformed_turtle_names_the_file_and_line(runner, tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b \n")
    r = runner("explain", "Azerbaijan", "--data", str(bad))
    assert r.exit_code == 2
    assert "broken.ttl" in r.stderr and "line 4" in r.stderr
    assert "Traceback" not in r.stderr


def test_missing_data_file(runner, tmp_path):
    r = runner("query", "ASK {}", "--data", str(tmp_path / "nowhere.ttl"))
    assert r.exit_code == 2
    assert "nowhere.ttl" in r.stderr and "Traceback" not in r.stderr


def test_misspelled_ontology_term_suggests_the_right_one(runner, tmp_path):
    bad = tmp_path / "typo.ttl"
    bad.write_text("<https://example.org/X> <https://w3id.org/csto-kg/ontology#memberof> "
                   "<https://w3id.org/csto-kg/id/UnitedNations> .\n")
    r = runner("explain", "Azerbaijan", "--data", str(bad))
    assert r.exit_code == 2
    assert "csto:memberof" in r.stderr and "csto:memberOf" in r.stderr


def test_unknown_state_suggests_close_matches(runner):
    r = runner("explain", "Azerbajan")
    assert r.exit_code == 2
    assert "unknown state 'Azerbajan'" in r.stderr and "Azerbaijan" in r.stderr
    assert "Traceback" not in r.stderr


def test_an_unlinked_wikidata_id_gets_the_command_that_links_it(runner):
    r = runner("explain", "Q191", "--no-linked")
    assert r.exit_code == 2 and "csto-kg link --states Q191" in r.stderr


def test_malformed_query_shows_the_parsers_message_and_position(runner):
    r = runner("query", "SELECT ?s WHERE { ?s ?p ")
    assert r.exit_code == 2
    assert "malformed query: line 1, column" in r.stderr
    assert "Traceback" not in r.stderr


def test_unknown_named_query_suggests(runner):
    r = runner("query", "member_state")
    assert r.exit_code == 2
    assert "member_state" in r.stderr and "Traceback" not in r.stderr


def test_service_not_on_the_allow_list_is_refused(runner):
    r = runner("query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert r.exit_code == 2
    assert "allow-list" in r.stderr and "Traceback" not in r.stderr


def test_inconsistent_data_exits_1_naming_the_resources(runner, tmp_path):
    bad = tmp_path / "contradiction.ttl"
    bad.write_text("<https://w3id.org/csto-kg/id/Azerbaijan> "
                   "<https://w3id.org/csto-kg/ontology#hasDiplomaticRelationsWith> "
                   "<https://w3id.org/csto-kg/id/Armenia> .\n")
    r = runner("explain", "Azerbaijan", "--data", str(bad))
    assert r.exit_code == 1
    assert "inconsistent" in r.stderr and "Armenia" in r.stderr and "Traceback" not in r.stderr


def test_from_names_the_default_graph(runner):
    q = "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/csto-kg/graph/implied> WHERE { ?s ?p ?o }"
    r = runner("query", q, "--format", "csv")
    assert r.exit_code == 0, r.stderr
    only_implied = int(r.stdout.splitlines()[1])
    r = runner("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv")
    union = int(r.stdout.splitlines()[1])
    assert 0 < only_implied < union


def test_explain_why_gives_minimal_justifications_with_the_articles_words(runner):
    r = runner("explain", "Azerbaijan", "--status", "observer", "--format", "json", "--why")
    assert r.exit_code == 0, r.stderr
    v = json.loads(r.stdout)
    assert v["why"]["axioms"], "the verdict has a justification"
    failed = {req["id"].rsplit("#", 1)[1]: req for req in v["requirements"] if req["result"] == "failed"}
    conflict = failed["NoConflictRequirement"]["why"]
    assert [a["fact_id"] for a in conflict["axioms"] if a["fact_id"]] == ["I03"]
    assert any(a["kind"] == "ontology" for a in conflict["axioms"])
    assert all("why" not in req for req in v["requirements"] if req["result"] == "unknown")
    assert "prp-rng" in conflict["rules"]
    text = runner("explain", "Azerbaijan", "--status", "observer", "--why")
    assert "none of them dispensable" in text.stdout
    assert "linked by the OWL 2 RL rules prp-rng, cls-svf1" in text.stdout


@pytest.mark.parametrize("query", ["ASK { ?s a csto:MemberState }",
                                   "SELECT ?s ?l WHERE { ?s a csto:MemberState ; rdfs:label ?l } ORDER BY ?s"])
@pytest.mark.parametrize("fmt, media", [("csv", "text/csv"), ("tsv", "text/tab-separated-values"),
                                        ("json", "application/sparql-results+json")])
def test_the_cli_writes_results_as_the_server_does(runner, client, query, fmt, media):
    cli = runner("query", query, "--format", fmt)
    assert cli.exit_code == 0, cli.stderr
    prefixed = "PREFIX csto: <https://w3id.org/csto-kg/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    served = client.query(prefixed + query, accept=media)
    assert served.status_code == 200
    # bytes, so that CSV's CRLF is compared; the CLI ends its last line for the terminal
    assert cli.stdout_bytes.rstrip(b"\n") == served.data.rstrip(b"\n")


@pytest.mark.parametrize("page", ["matrix", "organization"])
def test_the_cli_prints_the_data_the_server_gives_a_program(runner, client, page):
    """`csto-kg matrix --format json` and the server's /matrix to a JSON client: one reading of the
    graph (graph/present/), the same data; and the text names what the page shows."""
    cli = runner(page, "--format", "json")
    assert cli.exit_code == 0, cli.stderr
    r = client.get(f"/{page}", headers={"Accept": "application/json"})
    assert r.mimetype == "application/json"
    served_data = r.json
    assert json.loads(cli.stdout) == served_data
    if page == "matrix":  # lists in a fixed order, not the store's, which differs between processes
        assert next(a for a in served_data["agents"] if a["label"] == "Azerbaijan")["seeks"] == ["observer", "partner"]
    names = {a["label"] for a in served_data["agents"]} if page == "matrix" else {
        n["label"] for n in served_data["nodes"]}
    assert {"Azerbaijan", "Serbia"} <= names
    text = runner(page).stdout
    assert all(name in text for name in names)
    without = runner(page, "--format", "json", "--no-implied")  # the server's ?implied=0, from a build without them
    r = client.get(f"/{page}?implied=0", headers={"Accept": "application/json"})
    assert json.loads(without.stdout) == r.json != served_data
    assert "Azerbaijan   observer: ineligible  partner: ineligible" in text if page == "matrix" else (
        "Azerbaijan consent withheld by Armenia" in text)


def test_the_pages_commands_refuse_a_bad_input_with_a_sentence(runner, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle")
    for page in ("matrix", "organization"):
        r = runner(page, "--data", str(bad))
        assert r.exit_code == 2 and "bad.ttl" in r.stderr and "Traceback" not in r.stderr
