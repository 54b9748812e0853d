"""Servers stop on SIGTERM, which works everywhere; SIGINT may be ignored (nohup, CI launchers)."""

import signal
import subprocess
import sys
from pathlib import Path

from helpers import start_serve, stop_serve

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
