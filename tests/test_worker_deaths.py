"""When a query's worker dies, the client is told how it died (the signal or the exit status
the zygote collected), not a guess about memory; and the pool goes on with a fresh worker. When
the server stops, every job ends with a 503 that says so: one on a worker that replaced a dead
one, and one still waiting for a worker, too."""

import os
import signal
import socket
import threading
import time
from contextlib import contextmanager

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


def wait_in_the_worker(context, path=None):
    """Say that the job runs (to the test's socket at path, if any), then wait to be stopped."""
    if path:
        with socket.socket(socket.AF_UNIX) as told:
            told.connect(path)
    signal.pause()


def in_a_thread(pool, outcome: dict, key: str, **kwargs) -> threading.Thread:
    """pool.run(wait_in_the_worker) in a thread; outcome[key]: the refusal's message."""
    def run():
        try:
            pool.run(wait_in_the_worker, 60, **kwargs)
            outcome[key] = "answered"
        except Refused as e:
            outcome[key] = e.message

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@contextmanager
def running(pool, tmp_path, outcome: dict, key: str):
    """A job that holds a worker, running (its worker told the test so) inside the block."""
    path = str(tmp_path / key)
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(path)
        listener.listen()
        listener.settimeout(60)
        thread = in_a_thread(pool, outcome, key, path=path)
        listener.accept()[0].close()
    yield thread


@pytest.fixture
def one_worker():
    pool = WorkerPool(jobs.WorkerContext(kg=toy_graph()), size=1, spare=0).start()
    yield pool
    pool.close()


def test_a_job_on_the_worker_that_replaced_one_dead_while_idle_is_stopped_when_the_server_stops(
        one_worker, tmp_path):
    (dead,) = one_worker._idle
    dead.stop()
    assert dead.conn.poll(30)  # its end of the socket is closed: it is gone
    outcome = {}
    with running(one_worker, tmp_path, outcome, "job") as job:  # on a fresh worker
        one_worker.stop_jobs()
        job.join(120)
    assert "the server is stopping" in outcome["job"], outcome


def test_a_job_waiting_for_a_worker_when_the_server_stops_is_not_started(one_worker, tmp_path):
    outcome = {}
    with running(one_worker, tmp_path, outcome, "first") as first:
        waiting = in_a_thread(one_worker, outcome, "waiting")
        deadline = time.monotonic() + 60
        while one_worker.admission.status()["waiting"] == 0:
            assert time.monotonic() < deadline, "the second job never queued"
            time.sleep(0.01)
        one_worker.stop_jobs()
        first.join(120)
        waiting.join(120)
    assert "the server is stopping" in outcome["first"], outcome
    assert "the server is stopping" in outcome["waiting"], outcome
