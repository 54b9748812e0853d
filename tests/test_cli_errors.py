"""Every failure of a command is a message and a documented exit code, never a traceback: in
this process (runner), or a real one where the process is the point (serve, Ctrl+C)."""

import signal
import socket
import subprocess
import sys
from pathlib import Path

from server_fixtures import RecordingListener

COMMAND = [str(Path(sys.executable).parent / "csto-kg")]


def run(*args):
    return subprocess.run(COMMAND + list(args), capture_output=True, text=True, timeout=300)


def test_serving_on_a_port_in_use_says_so():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run("serve", "--port", str(port))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "--port" in done.stderr


def test_a_graph_result_in_a_table_format_names_the_formats_that_fit(runner):
    done = runner("query", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1", "--format", "csv")
    assert done.exit_code == 2 and "Traceback" not in done.stderr and "turtle" in done.stderr


def test_an_unreachable_service_is_an_error_not_a_crash(runner):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        endpoint = f"http://127.0.0.1:{closed.getsockname()[1]}/sparql"  # nothing listens
    done = runner("query", f"SELECT * WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}", "--allow-service", endpoint)
    assert done.exit_code == 2 and "Traceback" not in done.stderr
    assert "could not be answered" in done.stderr


def test_ctrl_c_exits_130():
    # `link` against an endpoint that never answers waits until interrupted
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        endpoint = f"http://127.0.0.1:{silent.getsockname()[1]}/sparql"
        # A user's Ctrl+C, even where the suite itself runs with SIGINT ignored (nohup, some CI)
        process = subprocess.Popen(COMMAND + ["link", "--endpoint", endpoint, "--out", "/dev/null"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        try:
            silent.settimeout(60)
            connection, _ = silent.accept()  # the command has asked and now waits for an answer
            with connection:
                process.send_signal(signal.SIGINT)
                _, err = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 130, err
    assert "Traceback" not in err


def test_a_malformed_query_says_where_and_what_in_words(runner):
    done = runner("query", "SELECT * WHERE { cstoo:State ?p ?o }")
    assert done.exit_code == 2 and "Traceback" not in done.stderr
    assert "line 1, column 18: unknown prefix cstoo: (known: csto, kg," in done.stderr
    assert "Prefix not found" not in done.stderr and "['%']" not in done.stderr


def test_a_redirect_from_an_allowed_service_is_an_error_not_a_crash(runner):
    target = RecordingListener()
    redirect = RecordingListener(reply=(f"HTTP/1.1 301 Moved\r\nLocation: {target.url}\r\n"
                                        "Content-Length: 0\r\nConnection: close\r\n\r\n").encode())
    try:
        done = runner("query", f"SELECT * WHERE {{ SERVICE <{redirect.url}> {{ ?s ?p ?o }} }}",
                   "--allow-service", redirect.url)
    finally:
        redirect.close()
        target.close()
    assert done.exit_code == 2 and "Traceback" not in done.stderr
    assert f"redirect to {target.url}, which is not followed" in done.stderr
    assert target.connections == []
