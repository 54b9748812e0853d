"""Stress a real `csto-kg serve` on loopback: queries of death beside light queries, then fuzz.

    python benchmarks/stress.py [--seconds 60] [--clients 32] [--heavy 8] [--timeout 5] [--fuzz 600] [--slow 200]

Light clients (each from its own loopback address, 127.0.0.10 and up) cycle through the named
queries; heavy clients (all from 127.0.0.2, one hostile client) send queries that would run
for minutes. The first fifth of the run is light only, for the usual latency. Then a fuzz
round (tests/hostile.py) throws malformed requests; one address holds 200 slow connections
while another asks light queries; SERVICE is spelled toward a forbidden listener every way;
expressions too deep for the parser are sent; and writers update an on-disk store while its
server is killed with SIGKILL. Prints the figures; exits 1 if any request failed other
than with a documented 503 (busy, over the time or memory limit), if any answer was a 5xx or
carried a traceback, if a listener the server may not call was called, or if an acknowledged
update was lost.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from helpers import start_serve, stop_serve  # noqa: E402
from server_fixtures import SLOW_QUERY, RecordingListener, sparql_json_reply  # noqa: E402

from csto_kg.queries import all_queries  # noqa: E402

HEAVY_ADDRESS = "127.0.0.2"
DOCUMENTED_503 = ("busy", "time limit", "waiting", "MiB a query may use")
# Queries of death that run for minutes in little memory: a cross join of VALUES blocks, which
# Oxigraph's own timeout does not stop (docs/decisions/0007), and a three-way cross join of the graph.
HEAVY = [SLOW_QUERY, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"]


@dataclass
class Sample:
    kind: str  # light or heavy
    started: float
    seconds: float
    status: int  # 0: no HTTP answer
    body: str


class Client(threading.Thread):
    def __init__(self, port, kind, address, paths, until, samples):
        super().__init__(daemon=True)
        self.port, self.kind, self.address, self.paths = port, kind, address, paths
        self.until, self.samples = until, samples
        self.connection = None

    def run(self):
        i = 0
        while time.monotonic() < self.until:
            path = self.paths[i % len(self.paths)]
            i += 1
            started = time.monotonic()
            status, body = self.get(path)
            self.samples.append(Sample(self.kind, started, time.monotonic() - started, status, body))

    def get(self, path):
        for attempt in (1, 2):  # a kept-alive connection the server closed: one fresh try
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=120, source_address=(self.address, 0))
            try:
                self.connection.request("GET", path, headers={"Accept": "application/sparql-results+json"})
                reply = self.connection.getresponse()
                body = reply.read().decode("utf-8", "replace")
                if reply.getheader("Connection", "").lower() == "close":
                    self.close()
                return reply.status, body
            except (OSError, http.client.HTTPException) as e:
                self.close()
                if attempt == 2:
                    return 0, f"{type(e).__name__}: {e}"
        return 0, "unreachable"

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def is_error(sample: Sample) -> bool:
    if sample.status == 503:
        return not any(w in sample.body for w in DOCUMENTED_503)
    return sample.status == 0 or sample.status >= 500 or "Traceback" in sample.body


def load_round(port, args) -> dict:
    paths_light = [f"/queries/{q.name}" for q in all_queries()]
    paths_heavy = ["/sparql?" + urllib.parse.urlencode({"query": q}) for q in HEAVY]
    samples: list[Sample] = []
    start = time.monotonic()
    end = start + args.seconds
    heavy_from = start + args.seconds / 5
    light = [Client(port, "light", f"127.0.0.{10 + i}", paths_light[i:] + paths_light[:i], end, samples)
             for i in range(args.clients - args.heavy)]
    heavy = [Client(port, "heavy", HEAVY_ADDRESS, paths_heavy[i % 2:] + paths_heavy[:i % 2], end, samples)
             for i in range(args.heavy)]
    for client in light:
        client.start()
    time.sleep(max(0.0, heavy_from - time.monotonic()))
    for client in heavy:
        client.start()
    for client in light + heavy:
        client.join(args.seconds + args.timeout * 4 + 30)
        client.close()

    def light_during(before: bool):
        return [s.seconds * 1000 for s in samples if s.kind == "light" and s.status == 200
                and (s.started < heavy_from) == before]

    heavy_samples = [s for s in samples if s.kind == "heavy"]
    stopped = [s.seconds for s in heavy_samples if s.status == 503 and "time limit" in s.body]
    return {
        "requests": len(samples),
        "served": sum(1 for s in samples if s.status == 200),
        "errors": sum(1 for s in samples if is_error(s)),
        "error_examples": [f"{s.status} {s.body[:200]}" for s in samples if is_error(s)][:5],
        "light_before_heavy_ms": {f"p{p}": round(percentile(light_during(True), p), 1) for p in (50, 95, 99)},
        "light_during_heavy_ms": {f"p{p}": round(percentile(light_during(False), p), 1) for p in (50, 95, 99)},
        "light_during_heavy_served": len(light_during(False)),
        "light_refused_503": sum(1 for s in samples if s.kind == "light" and s.status == 503),
        "heavy_requests": len(heavy_samples),
        "heavy_stopped_at_timeout": len(stopped),
        "heavy_refused_busy": sum(1 for s in heavy_samples if s.status == 503 and "time limit" not in s.body),
        "heavy_stopped_after_s": [round(min(stopped), 2), round(max(stopped), 2)] if stopped else [],
        "heavy_answered_200": sum(1 for s in heavy_samples if s.status == 200),
    }


def fuzz_round(port, examples, forbidden) -> dict:
    """Hypothesis-drawn hostile requests (tests/hostile.py), counted rather than asserted."""
    from hostile import bodies, encoded, headers, paths, queries
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    figures = {"fuzz_requests": 0, "fuzz_5xx": 0, "fuzz_tracebacks": 0, "fuzz_documented_503": 0}
    base = forbidden.url.removesuffix("sparql")

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(query=queries(base), sent=headers(), body=bodies(), path=paths(),
           how=st.sampled_from(["query", "body", "path"]))
    def one(query, sent, body, path, how):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            if how == "query":
                connection.request("GET", "/sparql?" + encoded([("query", query)]), headers=sent)
            elif how == "body":
                connection.request("POST", "/sparql", body=body, headers=sent)
            else:
                connection.request("GET", path, headers=sent)
            reply = connection.getresponse()
            status, text = reply.status, reply.read().decode("utf-8", "replace")
        except (ValueError, http.client.InvalidURL):
            return  # the client library refused to send it
        finally:
            connection.close()
        figures["fuzz_requests"] += 1
        if "Traceback" in text:
            figures["fuzz_tracebacks"] += 1
        if status == 503 and any(w in text for w in DOCUMENTED_503):
            figures["fuzz_documented_503"] += 1
        elif status >= 500:
            figures["fuzz_5xx"] += 1

    one()
    return figures


def slow_round(port, holders: int = 200, seconds: float = 15) -> dict:
    """One address (127.0.0.3) holds `holders` slow connections, a header line every 2 s,
    while another (127.0.0.4) asks a light named query: its latency, and how many slow
    connections the server kept."""
    import socket

    stop = time.monotonic() + seconds
    slow = []
    for _ in range(holders):
        sock = socket.socket()
        sock.bind(("127.0.0.3", 0))
        sock.settimeout(5)
        try:
            sock.connect(("127.0.0.1", port))
            sock.sendall(b"GET /queries/observers HTTP/1.1\r\nHost: x\r\n")
            slow.append(sock)
        except OSError:
            sock.close()

    def trickle():
        i = 0
        while time.monotonic() < stop:
            for sock in slow:
                try:
                    sock.sendall(b"X-Slow-%d: 1\r\n" % i)
                except OSError:
                    pass
            i += 1
            time.sleep(2)

    threading.Thread(target=trickle, daemon=True).start()
    samples: list[Sample] = []
    Client(port, "light", "127.0.0.4", ["/queries/observers"], stop, samples).run()
    held = refused = closed = 0
    for sock in slow:
        try:
            sock.setblocking(False)
            said = sock.recv(1, socket.MSG_PEEK)
            closed += said == b""  # closed by the server after the deadline
            refused += said == b"H"  # answered 503: too many from this address
        except BlockingIOError:
            held += 1  # still open, nothing said
        except OSError:
            closed += 1
        finally:
            sock.close()
    seconds_light = [x.seconds for x in samples if x.status == 200]
    return {"slow_connections_opened": len(slow),
            "slow_refused_503": refused, "slow_held_at_end": held, "slow_closed_by_server": closed,
            "light_requests_beside_slow": len(samples),
            "light_answered_beside_slow": len(seconds_light),
            "light_p99_beside_slow_s": round(percentile(seconds_light, 99), 4)}


def ssrf_round(port, forbidden, examples: int = 150) -> dict:
    """SERVICE toward a forbidden listener in every spelling (tests/hostile.py), PREFIX
    without spaces included; the listener's connections are counted in main()."""
    from hostile import encoded, service_spellings
    from hypothesis import HealthCheck, given, settings

    figures = {"ssrf_probes": 0, "ssrf_answered_200": 0}
    base = forbidden.url.removesuffix("sparql")

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(query=service_spellings(base))
    def one(query):
        status, _ = Client(port, "light", "127.0.0.5", [], 0, []).get("/sparql?" + encoded([("query", query)]))
        figures["ssrf_probes"] += 1
        figures["ssrf_answered_200"] += status == 200

    one()
    return figures


def deep_round(port) -> dict:
    """Expressions too deep for Oxigraph's parser (tests/hostile.py DEEP): refused with a 400,
    or a worker dies."""
    from hostile import DEEP, encoded

    figures = {"deep_sent": 0, "deep_refused_400": 0, "deep_other": 0}
    for make in DEEP.values():
        for n in (2_000, 10_000, 20_000):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            try:
                connection.request("POST", "/sparql", body=encoded([("query", make(n))]).encode(),
                                   headers={"Content-Type": "application/x-www-form-urlencoded"})
                reply = connection.getresponse()
                status, text = reply.status, reply.read().decode()
            finally:
                connection.close()
            figures["deep_sent"] += 1
            if status == 400 and "levels deep" in text:
                figures["deep_refused_400"] += 1
            else:
                figures["deep_other"] += 1
    return figures


def durability_round(seconds: float, writers: int = 4, kills: int = 2) -> dict:
    """Updates from several writers to a server on an on-disk store, killed with SIGKILL in
    mid-stream and restarted, `kills` times: every acknowledged (204) update must be there."""
    import subprocess

    from helpers import post_update

    token = "durability-token-1"
    acknowledged: set[int] = set()
    numbers = iter(range(10**9))
    lock = threading.Lock()
    with tempfile.TemporaryDirectory() as folder:
        store = str(Path(folder) / "store")
        built = subprocess.run([str(Path(sys.executable).parent / "csto-kg"), "build", "--store", store],
                               capture_output=True, text=True)
        if built.returncode != 0:
            raise SystemExit(f"cannot build the store: {built.stderr}")
        for _ in range(kills):
            process, url = start_serve("--store", store, "--enable-update", env={"CSTO_KG_UPDATE_TOKEN": token})
            until = time.monotonic() + seconds / kills

            def write(url=url, until=until):
                while time.monotonic() < until:
                    with lock:
                        n = next(numbers)
                    update = ("INSERT DATA { GRAPH <https://w3id.org/csto-kg/graph/user> { "
                              f"<urn:n:{n}> <urn:p> {n} }} }}")
                    try:
                        if post_update(url, update, token) == 204:
                            with lock:
                                acknowledged.add(n)
                    except OSError:
                        return  # the server was killed under this request

            threads = [threading.Thread(target=write, daemon=True) for _ in range(writers)]
            for t in threads:
                t.start()
            time.sleep(max(0.0, until - time.monotonic()))
            process.kill()  # SIGKILL, with updates in flight
            process.wait()
            for t in threads:
                t.join(60)
        process, url = start_serve("--store", store)
        try:
            query = "SELECT ?n WHERE { GRAPH <https://w3id.org/csto-kg/graph/user> { ?s <urn:p> ?n } }"
            reply = Client(urllib.parse.urlsplit(url).port, "light", "127.0.0.1", [], 0, []).get(
                "/sparql?" + urllib.parse.urlencode({"query": query}))
            found = {int(b["n"]["value"]) for b in json.loads(reply[1])["results"]["bindings"]}
        finally:
            stop_serve(process)
    return {"updates_acknowledged": len(acknowledged), "updates_lost": len(acknowledged - found),
            "sigkills_during_updates": kills}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--heavy", type=int, default=8, help="of the clients, how many send queries of death")
    parser.add_argument("--timeout", type=float, default=5, help="the server's --timeout")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--fuzz", type=int, default=600, help="fuzzed requests after the load")
    parser.add_argument("--updates", type=float, default=10,
                        help="seconds of updates to an on-disk store, killed with SIGKILL twice (0: none)")
    parser.add_argument("--slow", type=int, default=200,
                        help="slow connections one address holds while another asks light queries")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args(argv)

    allowed = RecordingListener(reply=sparql_json_reply("x", ["allowed"]))
    forbidden = RecordingListener(reply=sparql_json_reply("x", ["must never be asked"]))
    log = tempfile.TemporaryFile(mode="w+")
    serve_args = ["--timeout", str(args.timeout), "--allow-service", allowed.url]
    if args.workers:
        serve_args += ["--workers", str(args.workers)]
    process, url = start_serve(*serve_args, stderr=log)
    port = urllib.parse.urlsplit(url).port
    try:
        figures = {"clients": args.clients, "heavy_clients": args.heavy, "seconds": args.seconds,
                   "timeout_s": args.timeout, **load_round(port, args)}
        if args.fuzz:
            figures.update(fuzz_round(port, args.fuzz, forbidden))
        if args.slow:
            figures.update(slow_round(port, args.slow))
        figures.update(ssrf_round(port, forbidden))
        figures.update(deep_round(port))
        figures["answers_after"] = Client(port, "light", "127.0.0.1", [], 0, []).get("/health")[0]
    finally:
        figures["exit_code"] = stop_serve(process)
        time.sleep(0.3)
        figures["connections_to_forbidden_listener"] = len(forbidden.connections)
        allowed.close()
        forbidden.close()
        log.seek(0)
        figures["tracebacks_in_server_log"] = log.read().count("Traceback")
    if args.updates:
        figures.update(durability_round(args.updates))
    failed = (figures["errors"] or figures.get("fuzz_5xx") or figures.get("fuzz_tracebacks")
              or figures["connections_to_forbidden_listener"] or figures["tracebacks_in_server_log"]
              or figures["answers_after"] != 200 or figures["exit_code"] != 0
              or figures.get("updates_lost") or figures["deep_other"] or figures["ssrf_answered_200"])
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:36s} {value}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
