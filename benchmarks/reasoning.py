"""The reasoning core beside its peers, in one run: build, update, explain, query throughput.

    pip install -e ".[bench]"        # reasonable and the oxigraph server, the peers
    python benchmarks/reasoning.py   # --sizes 25 100 400 1600  --owlrl-up-to 1600

For each N (generated candidates, benchmarks/worlds.py, seed 2019) it runs, each in a fresh
process so that the peak memory is its own: csto-kg's cold build (parse, reason, store);
plain owlrl's expand over the same input triples; reasonable (Rust) over the same triples;
csto-kg's cached build. Then, through a real `csto-kg serve --enable-update` on loopback: the
time from posting an update that flips a verdict until a query sees the new verdict, both ways;
explain and explain --why, warm; and named-query throughput through /sparql against
`oxigraph serve` holding the same quads. Prints figures and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("CSTO_KG_CACHE", tempfile.mkdtemp(prefix="csto-kg-bench-cache-"))
os.environ.setdefault("CSTO_KG_HOME", tempfile.mkdtemp(prefix="csto-kg-bench-home-"))

from benchmarks.worlds import world  # noqa: E402

USER = "https://w3id.org/csto-kg/graph/user"


# -- one measurement, in its own process ----------------------------------------------------------

def measure(engine: str, data: str) -> dict:
    """Run in a child: one engine over the article plus the data file; seconds and peak MiB."""
    from csto_kg.graph.build import assemble, build, builtin_sources
    from csto_kg.graph.reasoning.reason import reasoned_triples

    started = time.perf_counter()
    reasoning = None
    if engine in ("csto-kg", "csto-kg cached"):
        build([data], cache=engine == "csto-kg cached")
    else:
        sources = builtin_sources()
        sources.user = [Path(data)]
        triples = reasoned_triples(assemble(sources))
        from csto_kg.graph.bridge import to_rdflib

        graph = to_rdflib(triples)
        begin = time.perf_counter()
        if engine == "owlrl":
            import warnings

            import owlrl
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
        else:
            import reasonable

            reasoner = reasonable.PyReasoner()
            reasoner.from_graph(graph)
            reasoner.reason()
        reasoning = time.perf_counter() - begin
    return {"seconds": time.perf_counter() - started, "reasoning": reasoning,
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def in_child(engine: str, data: str) -> dict:
    started = time.perf_counter()
    out = subprocess.run([sys.executable, __file__, "--one", engine, data], capture_output=True, text=True,
                         env=os.environ)
    wall = time.perf_counter() - started
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed"}
    result = json.loads(out.stdout)
    result["wall"] = wall
    return result


def builds(sizes: list[int], owlrl_up_to: int, folder: Path) -> None:
    print("Build: csto-kg cold build vs plain owlrl and reasonable on the same input (seconds; "
          "wall = process incl. Python start; peak = max RSS)")
    print(f"{'N':>5} {'triples':>8} | {'csto-kg':>8} {'peak':>6} | {'owlrl':>8} {'reason':>7} | "
          f"{'reasonable':>10} {'reason':>7} | {'cached':>7} | {'vs owlrl':>8} {'vs reasonable':>13}")
    for n in sizes:
        data = folder / f"world-{n}.ttl"
        data.write_text(world(n))
        ours = in_child("csto-kg", str(data))
        plain = in_child("owlrl", str(data)) if n <= owlrl_up_to else {}
        rust = in_child("reasonable", str(data))
        in_child("csto-kg cached", str(data))  # writes the cache entry
        cached = in_child("csto-kg cached", str(data))
        triples = _input_size(data)
        ratio_owlrl = f"{plain['wall'] / ours['wall']:.1f}x" if "wall" in plain else "-"
        ratio_rust = f"{ours['wall'] / rust['wall']:.2f}x" if "wall" in rust else "-"
        print(f"{n:>5} {triples:>8} | {ours['wall']:>8.2f} {ours['peak_mib']:>5.0f}M | "
              f"{plain.get('wall', float('nan')):>8.2f} {plain.get('reasoning') or float('nan'):>7.2f} | "
              f"{rust.get('wall', float('nan')):>10.2f} {rust.get('reasoning') or float('nan'):>7.3f} | "
              f"{cached['wall']:>7.2f} | {ratio_owlrl:>8} {ratio_rust:>13}")
    print("  vs owlrl: owlrl's wall / csto-kg's (higher is better); vs reasonable: csto-kg's wall / reasonable's")


def _input_size(data: Path) -> int:
    from csto_kg.graph.build import assemble, builtin_sources
    from csto_kg.graph.reasoning.reason import reasoned_triples

    sources = builtin_sources()
    sources.user = [data]
    return len(reasoned_triples(assemble(sources)))


# -- through the server -------------------------------------------------------------------------

TOKEN = "benchmark-token"


def serve(*args) -> tuple[subprocess.Popen, str]:
    from helpers import start_serve

    return start_serve("--enable-update", *args, env={"CSTO_KG_UPDATE_TOKEN": TOKEN})


def post(url: str, update: str) -> int:
    request = urllib.request.Request(url + "sparql", data=update.encode(), method="POST", headers={
        "Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=60) as reply:
        return reply.status


def ask(url: str, query: str) -> bool:
    with urllib.request.urlopen(url + "sparql?" + urllib.parse.urlencode({"query": query}), timeout=60) as reply:
        return json.load(reply)["boolean"]


def eligible_candidate(data: Path | None) -> tuple[str, str]:
    """A candidate eligible for partner status, and the Turtle of its data file."""
    from csto_kg.graph import build

    kg = build([data] if data else [ROOT / "examples" / "ruritania.ttl"])
    rows = list(kg.query("SELECT ?s WHERE { ?s csto:eligibleFor csto:PartnerStatus } ORDER BY ?s LIMIT 1"))
    return rows[0]["s"].value


def updates(sizes: list[int], folder: Path, repeat: int) -> None:
    print("\nUpdate to served: POST an update that flips a verdict, then query until the verdict shows "
          f"(median of {repeat}; the update is then undone the same way)")
    for n in sizes:
        data = folder / f"world-{n}.ttl" if n else ROOT / "examples" / "ruritania.ttl"
        if n:
            data.write_text(world(n))
        state = eligible_candidate(data)
        process, url = serve("--data", str(data))
        given = f"<{state}> csto:consentGivenBy kg:Belarus"
        withheld = f"<{state}> csto:consentWithheldBy kg:Belarus"
        flip = f"DELETE DATA {{ GRAPH <{USER}> {{ {given} }} }} ; INSERT DATA {{ GRAPH <{USER}> {{ {withheld} }} }}"
        back = f"DELETE DATA {{ GRAPH <{USER}> {{ {withheld} }} }} ; INSERT DATA {{ GRAPH <{USER}> {{ {given} }} }}"
        is_eligible = f"ASK {{ <{state}> csto:eligibleFor csto:PartnerStatus }}"
        times = {"flip": [], "back": []}
        try:
            for _ in range(repeat):
                for name, text, want in (("flip", flip, False), ("back", back, True)):
                    started = time.perf_counter()
                    post(url, text)
                    while ask(url, is_eligible) != want:
                        pass
                    times[name].append(time.perf_counter() - started)
        finally:
            process.terminate()
            process.wait(20)
        label = f"N = {n}" if n else "article + Ruritania"
        print(f"  {label:20s} objection in: {statistics.median(times['flip']) * 1000:7.1f} ms   "
              f"objection out: {statistics.median(times['back']) * 1000:7.1f} ms")


def explains(repeat: int) -> None:
    from csto_kg.graph import build, explain

    print(f"\nExplain, warm (median of {repeat}):")
    cases = {"Azerbaijan": build(), "Ruritania": build([ROOT / "examples" / "ruritania.ttl"])}
    for state, kg in cases.items():
        for why in (False, True):
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                explain(kg, state, "observer", why=why)
                times.append(time.perf_counter() - started)
            print(f"  explain {state:10s} {'--why' if why else '     '}  {statistics.median(times) * 1000:8.1f} ms")
    for args in (["Azerbaijan"], ["Azerbaijan", "--why"]):
        started = time.perf_counter()
        subprocess.run([str(Path(sys.executable).parent / "csto-kg"), "explain", *args], capture_output=True,
                       check=True)
        print(f"  csto-kg explain {' '.join(args):18s} wall {time.perf_counter() - started:6.2f} s (cached build)")


def throughput(rounds: int) -> None:
    from helpers import free_port, oxigraph_command, start_oxigraph

    from csto_kg.graph import build
    from csto_kg.graph.namespaces import PREFIXES
    from csto_kg.queries import all_queries

    kg = build()
    folder = Path(tempfile.mkdtemp(prefix="csto-kg-bench-ox-"))
    dump = folder / "graph.nq"
    pyoxigraph = __import__("pyoxigraph")
    pyoxigraph.serialize(kg.quads(), output=str(dump), format=pyoxigraph.RdfFormat.N_QUADS)
    subprocess.run([oxigraph_command(), "load", "--location", str(folder / "db"), "--file", str(dump)],
                   check=True, capture_output=True)
    oxigraph, ox_base = start_oxigraph("serve-read-only", folder / "db", free_port())
    ours, url = serve()
    prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
    queries = [q.text for q in all_queries()]

    def run(endpoint: str, extra: dict) -> float:
        started = time.perf_counter()
        count = 0
        for _ in range(rounds):
            for text in queries:
                params = urllib.parse.urlencode({"query": prologue + text, **extra})
                request = urllib.request.Request(f"{endpoint}?{params}",
                                                 headers={"Accept": "application/sparql-results+json"})
                with urllib.request.urlopen(request, timeout=60) as reply:
                    reply.read()
                count += 1
        return count / (time.perf_counter() - started)

    try:
        ours_rate = run(url + "sparql", {})
        ox_rate = run(ox_base + "/query", {"union-default-graph": ""})
    finally:
        ours.terminate()
        oxigraph.terminate()
    print(f"\nNamed queries through the endpoint, one client, {len(queries)} queries x {rounds}:")
    print(f"  csto-kg /sparql {ours_rate:7.0f} req/s   oxigraph serve {ox_rate:7.0f} req/s   "
          f"ratio {ours_rate / ox_rate:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--sizes", type=int, nargs="+", default=[25, 100, 400, 1600])
    parser.add_argument("--owlrl-up-to", type=int, default=1600, help="skip plain owlrl above this N")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(*args.one)))
        return
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    folder = Path(tempfile.mkdtemp(prefix="csto-kg-bench-"))
    builds(args.sizes, args.owlrl_up_to, folder)
    updates([0, 400], folder, args.repeat)
    explains(args.repeat)
    throughput(args.rounds)


if __name__ == "__main__":
    main()
