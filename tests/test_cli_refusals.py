"""Inputs the command line used to get wrong (issues 19 and 20): each is now answered, or refused
with a sentence and exit 2 — never a traceback, a silent exit 0, or a folder made from a URL.
Most run in this process (runner); a real process where a wrong answer would be a hang, a
memory exhausted or a signal."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

COMMAND = [str(Path(sys.executable).parent / "csto-kg")]


def run(*args, timeout=300):
    """csto-kg in a process of its own, for input that could hang it or exhaust its memory."""
    return subprocess.run(COMMAND + list(args), capture_output=True, text=True, cwd="/", timeout=timeout)


def refused(done) -> str:
    """The message of a command (runner's Result) that must end with exit 2 and no traceback."""
    assert done.exit_code == 2, (done.exit_code, done.stdout[-500:], done.stderr[-2000:])
    assert "Traceback" not in done.stderr
    return done.stderr


# -- 19.8: --store with a layout and no http(s) URL ------------------------------------------

@pytest.mark.parametrize("spec, expected", [
    ("virtuoso:localhost:8890", "virtuoso:http://"),
    ("fuseki:", "fuseki:http://"),
    ("Oxigraph:127.0.0.1:7878", "oxigraph:http://"),
    ("localhost:7878", "http://"),
    ("ftp://127.0.0.1/sparql", "http://"),
])
def test_a_store_that_looks_like_a_url_is_never_made_a_folder(runner, tmp_path, spec, expected):
    message = refused(runner("query", "ASK {}", "--store", spec, cwd=tmp_path))
    assert spec in message and expected in message
    assert list(tmp_path.iterdir()) == []


# -- 19.9: failures of the file system and of the network ------------------------------------

def test_build_out_below_a_file_is_a_sentence(runner, tmp_path):
    (tmp_path / "inputs.ttl").write_text("a file")
    message = refused(runner("build", "--out", str(tmp_path / "inputs.ttl" / "sub")))
    assert str(tmp_path / "inputs.ttl" / "sub") in message and "Not a directory" in message


def test_build_out_where_no_folder_can_be_made_is_a_sentence(runner):
    message = refused(runner("build", "--out", "/proc/nope"))
    assert "/proc/nope" in message


def test_serving_on_an_address_that_is_not_one_is_a_sentence(runner):
    message = refused(runner("serve", "--host", "999.1.1.1", "--port", "0"))
    assert "999.1.1.1" in message and "--host" in message


def test_ctrl_c_at_the_very_start_of_serve_exits_130_without_a_traceback():
    # A user's Ctrl+C, even where the suite itself runs with SIGINT ignored (nohup, some CI)
    process = subprocess.Popen(COMMAND + ["serve", "--port", "0"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        # Once csto-kg's own code runs (it has loaded pyoxigraph), while it still imports the rest:
        # before that, Python itself is starting, which no program can change.
        maps = Path(f"/proc/{process.pid}/maps")
        while process.poll() is None and "pyoxigraph" not in maps.read_text():
            time.sleep(0.001)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err


# -- 19.10: build --out into a folder of someone else's files --------------------------------

def test_build_out_refuses_a_folder_that_is_not_a_bundle(runner, tmp_path):
    (tmp_path / "merged.ttl").write_text("# the user's own merged graph\n")
    message = refused(runner("build", "--out", str(tmp_path)))
    assert "--force" in message and str(tmp_path) in message
    assert (tmp_path / "merged.ttl").read_text() == "# the user's own merged graph\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["merged.ttl"]


def test_build_out_lists_only_what_it_wrote(runner, tmp_path):
    first = runner("build", "--out", str(tmp_path))
    assert first.exit_code == 0, first.stderr
    written = first.stdout.split()
    assert sorted(written) == sorted(str(p) for p in tmp_path.iterdir())
    (tmp_path / "notes.txt").write_text("mine")
    again = runner("build", "--out", str(tmp_path))  # a previous bundle: replaced, notes kept
    assert again.exit_code == 0, again.stderr
    assert again.stdout.split() == written and (tmp_path / "notes.txt").read_text() == "mine"


def test_build_out_force_writes_into_any_folder(runner, tmp_path):
    (tmp_path / "merged.ttl").write_text("# old\n")
    done = runner("build", "--out", str(tmp_path), "--force")
    assert done.exit_code == 0, done.stderr
    assert str(tmp_path / "merged.ttl") in done.stdout.split()
    assert (tmp_path / "merged.ttl").read_text() != "# old\n"


# -- 19.11: organizations by their short names -----------------------------------------------

@pytest.mark.parametrize("name, label", [("CSTO", "Collective Security Treaty Organization"),
                                         ("ODKB", "Collective Security Treaty Organization"),
                                         ("un", "United Nations")])
def test_explain_knows_the_organizations_by_their_short_names(runner, name, label):
    done = runner("explain", name, "--status", "observer")
    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith(f"{label} — observer status")
    assert f"{label} is an international organization" in done.stdout
    assert " is a international" not in done.stdout


# -- 19.12: parser messages that name what is wrong ------------------------------------------

def test_an_update_given_to_query_says_how_updates_are_sent(runner):
    message = refused(runner("query", "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"))
    assert "INSERT" in message and "update" in message
    assert "SELECT, CONSTRUCT, ASK or DESCRIBE" in message and "application/sparql-update" in message
    assert "expected CONSTRUCT" not in message


def test_a_misspelled_query_form_is_named(runner):
    message = refused(runner("query", "PREFIX ex: <http://x/> SELEC ?s WHERE { ?s ?p ?o }"))
    assert "line 1, column 24: SELEC is not a query form" in message
    assert "SELECT, CONSTRUCT, ASK or DESCRIBE" in message
    assert "expected CONSTRUCT" not in message


# -- 19.13: ASK in a graph format ------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["turtle", "jsonld", "ntriples"])
def test_ask_in_a_graph_format_is_refused_as_select_is(runner, fmt):
    ask = refused(runner("query", "ASK {}", "--format", fmt))
    select = refused(runner("query", "SELECT * {}", "--format", fmt))
    assert ask == select and fmt in ask


# -- 19.14: switches ----------------------------------------------------------------------------

def test_status_names_are_case_insensitive(runner):
    done = runner("explain", "Armenia", "--status", "Observer", "--format", "json")
    assert done.exit_code == 0, done.stderr
    assert '"status": "observer"' in done.stdout


# -- 20.4: --data read once and bounded -----------------------------------------------------

def test_data_from_an_endless_device_is_refused(tmp_path):
    endless = tmp_path / "endless.ttl"
    endless.symlink_to("/dev/zero")
    done = run("query", "ASK {}", "--data", str(endless))
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr[-2000:]
    message = done.stderr
    assert str(endless) in message and "--max-data-size" in message and "MemoryError" not in message


def test_max_data_size_bounds_each_file(runner, tmp_path):
    data = tmp_path / "big.nt"
    line = "<urn:x:s> <urn:x:p> \"%s\" .\n" % ("x" * 1000)
    data.write_text(line * 1100)  # just over 1 MiB
    message = refused(runner("query", "ASK {}", "--data", str(data), "--max-data-size", "1"))
    assert "1 MiB" in message
    done = runner("query", "ASK { ?s <urn:x:p> ?o }", "--data", str(data), "--max-data-size", "2")
    assert done.exit_code == 0 and done.stdout == "true\n", done.stderr


def test_data_is_read_once(tmp_path):
    # A pipe can be read only once: a second read would wait for a writer forever.
    fifo = tmp_path / "once.ttl"
    os.mkfifo(fifo)

    def write():
        with open(fifo, "w") as f:
            f.write("<urn:x:once> <urn:x:read> <urn:x:one-time> .\n")

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    done = run("query", "ASK { <urn:x:once> ?p ?o }", "--data", str(fifo), timeout=60)
    writer.join(timeout=5)
    assert done.returncode == 0 and done.stdout == "true\n", done.stderr


# -- 20.7: a long query is not a file name ----------------------------------------------------

@pytest.mark.parametrize("query", ['SELECT ?x WHERE { BIND("%s" AS ?x) }' % ("y" * 300),
                                   "DESCRIBE <urn:x:%s>" % ("y" * 300)])
def test_a_long_query_is_read_as_sparql(runner, query):
    done = runner("query", query, "--format", "csv" if query.startswith("SELECT") else "ntriples")
    assert done.exit_code == 0, done.stderr
    assert "Traceback" not in done.stderr
    if query.startswith("SELECT"):
        assert "y" * 300 in done.stdout
