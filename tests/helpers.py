"""Helpers the test modules share: real processes on loopback, started and stopped cleanly."""

import shutil
import signal
import socket
import subprocess
import sys
import threading
import urllib.parse
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SERVE = [sys.executable, "-c", "from csto_kg.cli.serve import serve; serve(prog_name='csto-kg serve')"]


def oxigraph_command() -> str:
    """The `oxigraph` CLI of the PyPI package, beside this Python or on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(*args, env=None, stderr=subprocess.PIPE) -> tuple[subprocess.Popen, str]:
    """`csto-kg serve --port 0 ARGS` in its own process; returns it and the URL it printed.
    stderr: a file for a server that logs much (a pipe nobody reads would fill and stall it)."""
    import os

    process = subprocess.Popen(SERVE + ["--port", "0", *args], stdout=subprocess.PIPE,
                               stderr=stderr, text=True, env={**os.environ, **(env or {})})
    url = process.stdout.readline().strip()
    if not url.startswith("http://127.0.0.1:"):
        process.kill()
        raise AssertionError(f"no URL printed; stderr: {process.stderr.read() if process.stderr else ''}")
    return process, url


def stop_serve(process: subprocess.Popen) -> int:
    """SIGTERM, as a service manager stops it (SIGINT may be ignored where tests run); its exit
    code."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()


def wait_until_answering(proc: subprocess.Popen, url: str, *, seconds: float, what: str, log: Path | None = None):
    """Return once url answers; kill proc and raise (with the end of its log) if it exits or
    the time is up first."""
    import time
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError as e:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                proc.wait(10)
                tail = f"; its log ends:\n{log.read_text(errors='replace')[-1500:]}" if log else ""
                raise RuntimeError(f"{what} did not start{tail}") from e
            time.sleep(0.1)


def wait_for(condition, seconds: float = 20, what: str = "the expected state") -> None:
    """Return once condition() is true, asking again every 50 ms: a test waits on what it needs,
    never a fixed time; fails if that never comes."""
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"never reached {what} in {seconds} s"
        time.sleep(0.05)


def start_oxigraph(command: str, location, port: int) -> tuple[subprocess.Popen, str]:
    """`oxigraph COMMAND` (serve or serve-read-only) on loopback; returns it and its base URL
    once it answers a query."""

    proc = subprocess.Popen([oxigraph_command(), command, "--location", str(location),
                             "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_until_answering(proc, f"{base}/query?query=ASK%7B%7D", seconds=20, what="oxigraph")
    return proc, base


def post_update(url: str, text: str, token: str, **params) -> int:
    """A SPARQL Update to csto-kg serve at url, with a bearer token; the HTTP status. With
    params (using_graph_uri=… for using-graph-uri), it is sent as a form with them."""
    import urllib.error
    import urllib.parse
    import urllib.request

    if params:
        fields = [("update", text), *[(k.replace("_", "-"), v) for k, v in params.items()]]
        body, media = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
    else:
        body, media = text.encode(), "application/sparql-update"
    request = urllib.request.Request(url + "sparql", data=body, method="POST", headers={
        "Content-Type": media, "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status
    except urllib.error.HTTPError as e:
        return e.code


VIRTUOSO_INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{isql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 10
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


def start_virtuoso(directory: Path) -> tuple[subprocess.Popen, str]:
    """Debian's Virtuoso (`virtuoso-t`) on loopback with its own database in directory; returns
    it and its base URL once /sparql answers. Its dba account has the password dba."""

    binary = shutil.which("virtuoso-t")
    if binary is None:
        raise RuntimeError("virtuoso-t is not installed: install Debian's virtuoso-opensource "
                           "(scripts/test.sh does)")
    directory.mkdir(parents=True, exist_ok=True)
    http_port = free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=directory, isql_port=free_port(), http_port=http_port))
    log = open(directory / "stdout.log", "wb")
    proc = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=directory,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    wait_until_answering(proc, f"{base}/sparql?query=ASK%7B%7D", seconds=60, what=f"Virtuoso on 127.0.0.1:{http_port}",
                         log=directory / "stdout.log")
    return proc, base


def stop_process(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


@contextmanager
def scripted_server(*answers, default=(404, {}, b"")):
    """An HTTP server on loopback that gives the answers (status, headers, body) in order, then
    the default one (a function of the query, or a fixed answer); it records each request's
    method, path, headers, query or update and body. Yields (its URL ending in /sparql, seen)."""
    queue = list(answers)
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.answer(urllib.parse.urlparse(self.path).query.encode())

        def do_POST(self):
            self.answer(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        do_PUT = do_POST

        def answer(self, body: bytes):
            form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
            query = form.get("query", [""])[0]
            seen.append({"method": self.command, "path": self.path, "headers": dict(self.headers), "query": query,
                         "update": form.get("update", [""])[0], "body": body})
            if queue:
                status, headers, data = queue.pop(0)
            else:
                status, headers, data = default(query) if callable(default) else default
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql", seen
    finally:
        server.shutdown()
        server.server_close()


def type_query(page, text: str) -> None:
    """Type into the query page's editor as a person does: select all, type over it, close any
    completions (a Playwright page)."""
    page.click("#editor-cm .CodeMirror-lines")
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(text)
    page.keyboard.press("Escape")


def serious_violations(page, axe_script: str) -> list[str]:
    """What axe-core finds serious or critical on the page as it is now, one line each."""
    page.evaluate(axe_script)  # evaluated, not a <script> tag: the pages' CSP allows no inline script
    found = page.evaluate("""async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.impact} ${v.id} (${v.nodes.length}): ${v.nodes[0].target.join(" ")}`)""")
    return found


SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"


def screenshot(page, name: str, full_page: bool = True) -> None:
    """The page as it looks, in build/screenshots/ (the README shows copies, docs/screenshots/)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)
    assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000


def lines_through_boxes(page) -> list[str]:
    """The organization picture's lines that pass through a box they do not start or end at."""
    drawn = page.evaluate("""() => {
        const svg = document.querySelector("#organization-picture");
        const boxes = [...svg.querySelectorAll("g.nodes g.node")].map((g) => {
            const b = g.querySelector("rect, ellipse").getBBox();
            return {label: g.dataset.label || "", x: b.x, y: b.y, w: b.width, h: b.height};
        });
        const lines = [...svg.querySelectorAll("g.edges path.edge")].map((p) => ({
            d: p.getAttribute("d"), ends: [p.dataset.source, p.dataset.target]}));
        return {boxes, lines};
    }""")
    found = []
    for line in drawn["lines"]:
        for (x1, y1), (x2, y2) in _segments(line["d"]):
            for box in drawn["boxes"]:
                if box["label"] in line["ends"]:
                    continue
                inside_x = min(x1, x2) < box["x"] + box["w"] - 1 and max(x1, x2) > box["x"] + 1
                inside_y = min(y1, y2) < box["y"] + box["h"] - 1 and max(y1, y2) > box["y"] + 1
                if inside_x and inside_y:
                    found.append(f"{line['ends'][0]} → {line['ends'][1]} through {box['label']}")
    return found


def _segments(d: str):
    """The path as straight segments: M, L, H and V as they are, a Q curve in 16 short pieces."""
    import re

    x = y = 0.0
    out = []
    for command, args in re.findall(r"([MLHVQ])\s*([-\d.,\s]+)", d):
        n = [float(v) for v in re.split(r"[\s,]+", args.strip()) if v]
        if command == "Q":
            points = [((1 - s) ** 2 * x + 2 * (1 - s) * s * n[0] + s * s * n[2],
                       (1 - s) ** 2 * y + 2 * (1 - s) * s * n[1] + s * s * n[3]) for s in (i / 16 for i in range(17))]
            out += list(zip(points, points[1:], strict=False))
            x, y = n[2], n[3]
            continue
        start = (x, y)
        x, y = (n[0], n[1]) if command in "ML" else (n[0], y) if command == "H" else (x, n[0])
        if command != "M":
            out.append((start, (x, y)))
    return out
