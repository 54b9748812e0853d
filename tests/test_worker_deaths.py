"""When a query's worker dies, the client is told how it died (the signal or the exit status
the zygote collected), not a guess about memory; and the pool goes on with a fresh worker."""

import os
import signal

import pytest
from server_fixtures import toy_graph

from csto_kg.server import jobs
from csto_kg.server.errors import Refused
from csto_kg.server.pool import WorkerPool


def die_by(context, signum):
    os.kill(os.getpid(), signum)


def exit_with(context, code):
    os._exit(code)


def answer(context):
    return "answered"


@pytest.fixture(scope="module")
def pool():
    pool = WorkerPool(jobs.WorkerContext(kg=toy_graph()), size=1, memory_limit=256 << 20).start()
    yield pool
    pool.close()


@pytest.mark.parametrize("signum,words", [
    (signal.SIGSEGV, "crashed (SIGSEGV"),
    (signal.SIGABRT, "aborted (SIGABRT), as Oxigraph does when it cannot allocate memory"),
    (signal.SIGKILL, "killed (SIGKILL) from outside the server"),
    (signal.SIGUSR1, "ended by signal SIGUSR1"),
])
def test_a_worker_killed_by_a_signal_is_reported_by_that_signal(pool, signum, words):
    with pytest.raises(Refused) as died:
        pool.run(die_by, 30, signum=signum)
    assert died.value.status == 503 and words in died.value.message, died.value.message
    if signum != signal.SIGABRT:
        assert "MiB" not in died.value.message  # no guess about memory when it was not memory
    assert pool.run(answer, 30) == "answered"


def test_a_worker_that_exits_is_reported_with_its_status(pool):
    with pytest.raises(Refused) as died:
        pool.run(exit_with, 30, code=7)
    assert "exited with status 7" in died.value.message
    assert pool.run(answer, 30) == "answered"
