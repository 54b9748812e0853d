"""Writes lose nothing: updates to an on-disk store, the server killed with SIGKILL while they
stream in, restarted; every update it acknowledged is there (benchmarks/stress.py's round)."""

from benchmarks.stress import durability_round


def test_every_acknowledged_update_survives_sigkill_mid_stream():
    figures = durability_round(seconds=6, writers=4, kills=2)
    assert figures["updates_acknowledged"] > 0
    assert figures["updates_lost"] == 0, figures
