"""Measure the endpoint: query latency, the cost of a timeout, recovery after one.

    python benchmarks/bench_server.py [--requests 200]

Runs the real server (waitress, loopback) over the built graph. Prints figures; asserts
nothing, so timing never decides whether the test suite passes.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from server_fixtures import SLOW_QUERY, running_server  # noqa: E402

from csto_kg.graph import build  # noqa: E402

QUERIES = {
    "ASK {}": "ASK {}",
    "states (SELECT, 10 rows)": "SELECT ?s ?l WHERE { ?s a csto:State ; rdfs:label ?l }",
    "all triples (SELECT)": "SELECT * WHERE { ?s ?p ?o }",
    "all triples (CONSTRUCT, Turtle)": "CONSTRUCT WHERE { ?s ?p ?o }",
}


def timed_get(port: int, path: str, accept: str = "") -> tuple[int, float]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", path, headers={"Accept": accept} if accept else {})
    reply = connection.getresponse()
    reply.read()
    connection.close()
    return reply.status, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    started = time.perf_counter()
    kg = build()
    print(f"build (cached after the first run): {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    with running_server(kg, {"TIMEOUT": 2.0, "WORKERS": 2}) as server:
        print(f"create_app + 2 workers + waitress: {time.perf_counter() - started:.3f} s")
        for label, text in QUERIES.items():
            path = "/sparql?" + urllib.parse.urlencode({"query": text})
            times = []
            for _ in range(args.requests):
                status, seconds = timed_get(server.port, path)
                assert status == 200, status
                times.append(seconds * 1000)
            times.sort()
            print(f"{label:34s} p50 {statistics.median(times):6.1f} ms   "
                  f"p95 {times[int(len(times) * 0.95) - 1]:6.1f} ms")

        path = "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
        with ThreadPoolExecutor(8) as pool:
            started = time.perf_counter()
            statuses = list(pool.map(lambda _: timed_get(server.port, path)[0], range(args.requests)))
            elapsed = time.perf_counter() - started
        print(f"8 concurrent clients: {args.requests / elapsed:.0f} requests/s "
              f"({statuses.count(200)} of {len(statuses)} ok)")

        slow = "/sparql?" + urllib.parse.urlencode({"query": SLOW_QUERY})
        status, seconds = timed_get(server.port, slow)
        print(f"slow query with TIMEOUT=2 s: HTTP {status} after {seconds:.2f} s")
        status, seconds = timed_get(server.port, path)
        print(f"next query after the kill: HTTP {status} in {seconds * 1000:.1f} ms")


if __name__ == "__main__":
    main()
