"""How long a cold build, a cached build, a query and an explanation take.

    python benchmarks/build_and_query.py

The baseline is the cold build (owlrl's closure) in the same process; the cached build and the
questions users ask are printed as ratios against it.
"""

import os
import statistics
import tempfile
import time

os.environ["CSTO_KG_CACHE"] = tempfile.mkdtemp(prefix="csto-kg-bench-")
os.environ.setdefault("CSTO_KG_HOME", tempfile.mkdtemp(prefix="csto-kg-bench-home-"))

from csto_kg.graph import build, explain  # noqa: E402


def timed(fn, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    cold = timed(lambda: build(cache=False), repeat=3)
    build()  # fill the cache
    cached = timed(build)
    kg = build()
    query = timed(lambda: list(kg.query("SELECT ?s ?st WHERE { ?s csto:ineligibleFor ?st }")), repeat=50)
    why = timed(lambda: explain(kg, "Azerbaijan", "observer"), repeat=20)
    counts = kg.counts()
    print(f"triples: {sum(counts.values())} ({', '.join(f'{k} {v}' for k, v in counts.items())})")
    print(f"cold build (owlrl)      {cold * 1000:8.1f} ms   1.00x")
    print(f"cached build            {cached * 1000:8.1f} ms   {cached / cold:.4f}x")
    print(f"query (ineligible)      {query * 1000:8.2f} ms   {query / cold:.5f}x")
    print(f"explain Azerbaijan      {why * 1000:8.1f} ms   {why / cold:.4f}x")


if __name__ == "__main__":
    main()
