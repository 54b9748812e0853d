"""A short run of benchmarks/stress.py: load with queries of death, then fuzz, on loopback."""

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parents[1] / "benchmarks" / "stress.py"


def test_a_short_stress_run_has_no_errors_and_stops_the_heavy_queries():
    done = subprocess.run([sys.executable, str(SCRIPT), "--seconds", "8", "--clients", "8", "--heavy", "4",
                           "--timeout", "2", "--fuzz", "40", "--updates", "0", "--slow", "40", "--json"],
                          capture_output=True, text=True, timeout=180)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert done.returncode == 0, figures
    assert figures["errors"] == 0 and figures["fuzz_5xx"] == 0 and figures["fuzz_tracebacks"] == 0
    assert figures["connections_to_forbidden_listener"] == 0 and figures["tracebacks_in_server_log"] == 0
    assert figures["light_during_heavy_served"] > 0  # light queries were answered beside the heavy ones
    assert figures["heavy_stopped_at_timeout"] > 0 and figures["heavy_answered_200"] == 0
    assert figures["fuzz_requests"] >= 30
    # one address holding slow connections leaves another answered; SERVICE and deep probes refused
    assert figures["light_answered_beside_slow"] == figures["light_requests_beside_slow"] > 0
    assert figures["ssrf_probes"] > 0 and figures["ssrf_answered_200"] == 0
    assert figures["deep_refused_400"] == figures["deep_sent"] > 0
