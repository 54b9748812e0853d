"""Servers stop on SIGTERM, which works everywhere; SIGINT may be ignored (nohup, CI launchers)."""

import json
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from helpers import start_serve, stop_serve, wait_for

TESTS = Path(__file__).parent


def test_serve_exits_0_on_sigterm_without_a_traceback():
    process, url = start_serve()
    code = stop_serve(process)
    err = process.stderr.read()
    assert code == 0, err
    assert "Traceback" not in err and "SPARQL endpoint at" in err


def test_tests_that_stop_servers_pass_with_sigint_ignored():
    ignore_sigint = lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)  # noqa: E731
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         f"{TESTS / 'test_server_cli.py'}::test_serve_with_updates_and_a_token_from_the_environment",
         f"{TESTS / 'test_cli_errors.py'}::test_ctrl_c_exits_130"],
        cwd=TESTS.parent, capture_output=True, text=True, timeout=120, preexec_fn=ignore_sigint)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout


SLOW = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(
    f"VALUES ?v{i} {{ 1 2 3 4 5 6 7 8 9 10 }}" for i in range(9)) + " }"  # runs for minutes


def test_sigterm_with_a_query_running_answers_it_503_and_exits_0():
    process, url = start_serve("--timeout", "300")
    replies = []

    def ask():
        try:
            urllib.request.urlopen(url + "sparql?query=" + urllib.parse.quote(SLOW), timeout=120)
        except urllib.error.HTTPError as e:
            replies.append((e.code, e.read().decode()))
        except OSError as e:
            replies.append((None, repr(e)))

    client = threading.Thread(target=ask)
    client.start()
    try:
        wait_for(lambda: json.load(urllib.request.urlopen(url + "health", timeout=30))["workers"]["running"] > 0,
                 what="the query in a worker")
    finally:
        code = stop_serve(process)
    client.join(timeout=60)
    assert code == 0, process.stderr.read()
    assert replies and replies[0][0] == 503 and "the server is stopping" in replies[0][1], replies
