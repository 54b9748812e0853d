"""The reasoning core beside its peers, in one run: build, update, bundle, explain, query throughput.

    pip install -e ".[bench]"        # reasonable and the oxigraph server, the peers
    python benchmarks/reasoning.py   # --sizes 25 100 400 1600 6400  --owlrl-up-to 400  --only updates
    python benchmarks/reasoning.py --only updates --before ../older-checkout/.venv/bin/python

For each N (generated candidates, benchmarks/worlds.py, seed 2019) it runs, each in a fresh
process so that the peak memory is its own: csto-kg's cold build (parse, reason, store);
plain owlrl's expand over the same input triples; reasonable (Rust) over the same triples;
csto-kg's cached build. Then, through a real `csto-kg serve --enable-update` on loopback: the
time from posting an update that flips a verdict until a query sees the new verdict, both ways,
as DATA and as a pattern, beside the same through another checkout (--before); the Protégé
bundle beside the build it is written from; explain and explain --why, warm; and named-query
throughput through /sparql against `oxigraph serve` holding the same quads. Prints figures and
ratios; asserts nothing. The figures are as noisy as the machine is busy.
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
    if engine == "csto-kg bundle":
        return bundle_times(data)
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


def bundle_times(data: str) -> dict:
    """A cold build, then the Protégé bundle written from it (build --out), in seconds."""
    from csto_kg.graph.build import build
    from csto_kg.graph.publish.export import export_bundle

    started, cpu_started = time.perf_counter(), time.process_time()
    kg = build([data], cache=False)
    built, cpu_built = time.perf_counter(), time.process_time()
    export_bundle(kg, tempfile.mkdtemp(prefix="csto-kg-bench-bundle-"))
    return {"build": built - started, "export": time.perf_counter() - built,
            "build_cpu": cpu_built - cpu_started, "export_cpu": time.process_time() - cpu_built}


def bundles(sizes: list[int], folder: Path) -> None:
    print("\nProtégé bundle: the build, then writing its bundle (`build --out`), in one process (seconds)")
    for n in sizes:
        data = folder / f"world-{n}.ttl"
        data.write_text(world(n))
        t = in_child("csto-kg bundle", str(data))
        print(f"  N = {n:<5} build {t['build']:6.2f}   bundle {t['export']:6.2f}   "
              f"build --out / build {(t['build'] + t['export']) / t['build']:5.2f}x   "
              f"(CPU: build {t['build_cpu']:.2f}, bundle {t['export_cpu']:.2f}, "
              f"{(t['build_cpu'] + t['export_cpu']) / t['build_cpu']:.2f}x)")


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
          f"{'reasonable':>10} {'reason':>7} {'peak':>6} | {'cached':>7} | {'vs owlrl':>8} {'vs reasonable':>13}")
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
              f"{rust.get('wall', float('nan')):>10.2f} {rust.get('reasoning') or float('nan'):>7.3f} "
              f"{rust.get('peak_mib', float('nan')):>5.0f}M | "
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
SERVE = "from csto_kg.cli.serve import serve; serve(prog_name='csto-kg serve')"


def serve(*args, python: str = sys.executable) -> tuple[subprocess.Popen, str]:
    """`csto-kg serve --enable-update ARGS` run by python (another checkout's, for the peer)."""
    process = subprocess.Popen([python, "-c", SERVE, "--port", "0", "--enable-update", "--timeout", "600", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               env={**os.environ, "CSTO_KG_UPDATE_TOKEN": TOKEN})
    url = process.stdout.readline().strip()
    if not url.startswith("http://127.0.0.1:"):
        process.kill()
        raise SystemExit(f"{python}: csto-kg serve printed no URL")
    return process, url


def post(url: str, update: str) -> int:
    request = urllib.request.Request(url + "sparql", data=update.encode(), method="POST", headers={
        "Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=600) as reply:
        return reply.status


def ask(url: str, query: str) -> bool:
    with urllib.request.urlopen(url + "sparql?" + urllib.parse.urlencode({"query": query}), timeout=600) as reply:
        return json.load(reply)["boolean"]


def eligible_candidate(data: Path | None) -> tuple[str, str]:
    """A candidate eligible for partner status, and the Turtle of its data file."""
    from csto_kg.graph import build

    kg = build([data] if data else [ROOT / "examples" / "ruritania.ttl"])
    rows = list(kg.query("SELECT ?s WHERE { ?s csto:eligibleFor csto:PartnerStatus } ORDER BY ?s LIMIT 1"))
    return rows[0]["s"].value


def flips(state: str) -> dict[str, tuple[str, str]]:
    """Per form, an update that makes the state ineligible (an objection) and one that undoes it."""
    given = f"<{state}> csto:consentGivenBy kg:Belarus"
    withheld = f"<{state}> csto:consentWithheldBy kg:Belarus"
    freedonia = "<https://example.org/Freedonia> a csto:State ; csto:memberOf kg:CSTO"

    def data(out, into):
        return f"DELETE DATA {{ GRAPH <{USER}> {{ {out} }} }} ; INSERT DATA {{ GRAPH <{USER}> {{ {into} }} }}"

    def pattern(out, into):
        return (f"DELETE {{ GRAPH <{USER}> {{ {out} }} }} INSERT {{ GRAPH <{USER}> {{ {into} }} }} "
                f"WHERE {{ GRAPH <{USER}> {{ {out} }} }}")

    return {"data": (data(given, withheld), data(withheld, given)),
            "pattern": (pattern(given, withheld), pattern(withheld, given)),
            "member": (f"INSERT DATA {{ GRAPH <{USER}> {{ {freedonia} }} }}",
                       f"DELETE DATA {{ GRAPH <{USER}> {{ {freedonia} }} }}")}


def time_flips(python: str, data: Path, state: str, repeat: int) -> dict[str, float]:
    """Median ms from posting each update until a query shows the verdict it makes, per form."""
    process, url = serve("--data", str(data), python=python)
    is_eligible = f"ASK {{ <{state}> csto:eligibleFor csto:PartnerStatus }}"
    medians = {}
    try:
        for form, (flip, back) in flips(state).items():
            times = []
            for _ in range(repeat if form != "member" else 1):
                for text, want in ((flip, False), (back, True)):
                    started = time.perf_counter()
                    post(url, text)
                    while ask(url, is_eligible) != want:
                        pass
                    times.append(time.perf_counter() - started)
            medians[form] = statistics.median(times) * 1000
    finally:
        process.terminate()
        process.wait(60)
    return medians


def updates(sizes: list[int], folder: Path, repeat: int, before: str | None, before_up_to: int) -> None:
    print(f"\nUpdate to served: POST an update that flips a verdict, then query until the verdict shows (ms, "
          f"median of {repeat} flips each way)\n  data: DELETE DATA + INSERT DATA; pattern: DELETE {{}} INSERT {{}} "
          "WHERE {}; before: the same through --before's checkout")
    print(f"  {'graph':20s} {'data':>8} {'before':>8} {'pattern':>8} {'before':>8} {'member*':>8}")
    for n in sizes:
        data = folder / f"world-{n}.ttl" if n else ROOT / "examples" / "ruritania.ttl"
        if n:
            data.write_text(world(n))
        state = eligible_candidate(data)
        ours = time_flips(sys.executable, data, state, repeat)
        old = time_flips(before, data, state, repeat) if before and n <= before_up_to else {}
        label = f"N = {n}" if n else "article + Ruritania"
        print(f"  {label:20s} {ours['data']:8.1f} {old.get('data', float('nan')):8.1f} "
              f"{ours['pattern']:8.1f} {old.get('pattern', float('nan')):8.1f} {ours['member']:8.1f}")
    print("  * a new CSTO member (and out again): a change to the members, the requirements or the schema\n"
          "    rewrites the generated axioms or reasons afresh, so it costs what a rebuild costs")


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
    parser.add_argument("--sizes", type=int, nargs="+", default=[25, 100, 400, 1600, 6400])
    parser.add_argument("--owlrl-up-to", type=int, default=400, help="skip plain owlrl above this N")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--update-sizes", type=int, nargs="+", default=[0, 400, 1600, 6400],
                        help="graphs for the update figures (0: the article and Ruritania)")
    parser.add_argument("--before", help="the python of a checkout to compare updates with "
                                         "(e.g. an older worktree's .venv/bin/python)")
    parser.add_argument("--before-up-to", type=int, default=1600, help="skip --before above this N")
    parser.add_argument("--only", choices=["builds", "updates", "bundle", "explain", "throughput"],
                        help="run one part alone")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(*args.one)))
        return
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    folder = Path(tempfile.mkdtemp(prefix="csto-kg-bench-"))
    parts = {"builds": lambda: builds(args.sizes, args.owlrl_up_to, folder),
             "updates": lambda: updates(args.update_sizes, folder, args.repeat, args.before, args.before_up_to),
             "bundle": lambda: bundles([n for n in args.sizes if n >= 400], folder),
             "explain": lambda: explains(args.repeat),
             "throughput": lambda: throughput(args.rounds)}
    for name, part in parts.items():
        if args.only in (None, name):
            part()


if __name__ == "__main__":
    main()
