"""The web process's side of the query workers: a fair turn at a worker (admission.py), the
time limit and the kill, and an update's way into the graph. The forked side is zygote.py.

A job runs in an idle worker forked by the zygote; a worker that overruns its time limit is
killed with SIGKILL and replaced, and a worker that dies is reported by how it died.

SPARQL Update changes the zygote's graph, because new workers are forked from it, and costs
what it changes (graph/store.py). Its steps are jobs.Update's, in order: the trial, in a worker
under the time limit like a query (an update with no pattern to evaluate and nothing to persist
needs none); persist, here in the web process, between the trial and the apply; apply, in the
zygote. Each idle worker then applies the same change to its own copy (a fork of the whole
graph costs more than the change), and the trial's worker, already moved, joins them; a worker
busy meanwhile is retired, and fresh ones are forked in the background. A change that cost the
zygote a rebuild (the members, the schema) retires every worker instead: one fork each costs
less than each rebuilding too. A shared store (a remote SPARQL server, which every worker asks)
takes the update once, from a worker like any other job.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from multiprocessing.connection import Connection

from .admission import Admission
from .errors import Refused
from .zygote import Zygote

log = logging.getLogger("csto_kg.server")

# Updates a worker follows before it is retired: each copies the zygote's pages it touches.
MAX_FOLLOWED = 100


def _stopping() -> Refused:
    return Refused(503, "the server is stopping; the query was not finished, send it again once "
                        "the server is back", headers={"Retry-After": "10"})


class Worker:
    def __init__(self, pid: int, conn: Connection, generation: int):
        self.pid = pid
        self.conn = conn
        self.generation = generation
        self.followed = 0  # updates it applied to its own copy of the graph
        try:
            self.pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self.pidfd = None

    def kill(self) -> None:
        self.stop()
        self.close()

    def stop(self) -> None:
        """SIGKILL, leaving the connection to the thread that waits on it."""
        try:
            if self.pidfd is not None:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            else:
                os.kill(self.pid, signal.SIGKILL)
        except (ProcessLookupError, OSError):
            pass

    def close(self) -> None:
        try:
            self.conn.close()
        except OSError:
            pass
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None


class WorkerPool:
    """A bounded set of worker processes; run() sends one job to an idle one and waits."""

    def __init__(self, context, size: int = 2, wait_timeout: float = 30.0, shared_store: bool = False,
                 spare: int = 1, max_waiting: int = 8, memory_limit: int | None = None):
        self.context = context
        self.size = max(1, size)
        self.wait_timeout = wait_timeout
        self.memory_limit = memory_limit
        self.admission = Admission(self.size, max(0, spare), wait_timeout, max(1, max_waiting))
        self.zygote = Zygote(context, memory_limit)
        self._shared_store = shared_store
        self._update_lock = threading.Lock()  # one update at a time, trial to apply
        self._lock = threading.Lock()
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self.stopping = False
        self.killed = 0

    # lifecycle

    def start(self) -> WorkerPool:
        self.zygote.start()
        with self._lock:
            for _ in range(self.size + self.admission.spare):
                self._idle.append(self._spawn())
        return self

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()
        self.zygote.close()

    def status(self) -> dict:
        with self._lock:
            idle = len(self._idle)
        return {"size": self.size, "spare": self.admission.spare, "idle": idle,
                **self.admission.status(), "killed_on_timeout": self.killed, "alive": self.zygote.alive()}

    # workers

    def _spawn(self) -> Worker:
        return Worker(*self.zygote.spawn())

    def _checkout(self) -> Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.generation == self.zygote.generation:
                    return worker
                worker.close()
        return self._spawn()

    def _checkin(self, worker: Worker) -> None:
        with self._lock:
            if worker.generation == self.zygote.generation and not self.zygote.closed:
                self._idle.append(worker)
                return
        worker.close()

    def _replace(self) -> None:
        try:
            fresh = self._spawn()
        except Refused:
            return
        self._checkin(fresh)

    # jobs

    def run(self, func, timeout: float, **kwargs):
        """func(context, **kwargs) in a worker; Refused(503) if it overruns timeout seconds, or
        if no worker is free for this request's client (admission.py) within wait_timeout."""
        if self.stopping:
            raise _stopping()
        with self.admission.slot():
            return self._run(func, timeout, kwargs)

    def stop_jobs(self) -> None:
        """The server is stopping: every running job ends now with a 503 that says so, and no
        new one starts, so that each client gets an answer before the sockets close."""
        self.stopping = True
        with self._lock:
            busy = list(self._busy)
        for worker in busy:
            worker.stop()

    def _run(self, func, timeout, kwargs, hold=False):
        """hold: the job changes the worker's graph; when it succeeds, return the worker too, for
        the caller to keep or retire (a job that was refused changed nothing)."""
        worker = self._checkout()
        try:
            worker.conn.send((func, kwargs))
        except (OSError, ValueError):
            worker.close()  # died while idle; one fresh try
            worker = self._spawn()
            worker.conn.send((func, kwargs))
        with self._lock:
            self._busy.add(worker)
        if self.stopping:  # stop_jobs may have looked before this worker was busy
            worker.stop()
        try:
            return self._wait_on(worker, func, timeout, hold)
        finally:
            with self._lock:
                self._busy.discard(worker)

    def _wait_on(self, worker, func, timeout, hold):
        started = time.monotonic()
        try:
            finished = worker.conn.poll(timeout)
            reply = worker.conn.recv() if finished else None
        except (EOFError, OSError):
            worker.kill()
            if self.stopping:
                raise _stopping() from None
            refusal = self._died(worker.pid)
            self._replace()
            raise refusal from None
        if reply is None:
            worker.kill()
            self.killed += 1
            self._replace()
            raise Refused(
                503,
                f"the query ran longer than the time limit of {timeout:g} s and was stopped",
                headers={"X-Timeout": f"{timeout:g}"},
            )
        log.debug("job %s took %.3f s", getattr(func, "__name__", func), time.monotonic() - started)
        if hold and reply[0] == "ok":
            return reply[1], worker
        if reply[0] == "crash" and hold:
            worker.kill()
        else:
            self._checkin(worker)
        return self._unwrap(reply)

    def _died(self, pid: int) -> Refused:
        """The refusal for a job whose worker died, saying how it died (the zygote knows)."""
        headers = {"X-Memory-Limit": str(self.memory_limit)} if self.memory_limit else {}
        return Refused(503, f"the query was stopped: {self.zygote.how_it_ended(pid)}", headers=headers)

    @staticmethod
    def _unwrap(reply):
        kind, value = reply
        if kind == "ok":
            return value
        if kind == "refused":
            raise value
        log.error("a job failed in a worker:\n%s", value)
        raise Refused(500, "internal error; the server log has the details")

    # updates

    def update(self, update, timeout: float) -> dict:
        """Take an update (jobs.Update) into the graph, reasoned over, through its steps in
        order; returns the new counts."""
        if self._shared_store:
            # The workers hold no copy of the graph: one of them sends the update to the store.
            counts, _ = self.run(update.apply, timeout)
            return counts
        with self._update_lock:
            if not update.needs_trial(self.context):
                return self._apply(update, {})
            change, trial = self._trial(update, timeout)
            try:
                update.persist(self.context, change)  # Refused if it cannot be saved: not applied
                return self._apply(update, {"written": change.written}, trial)
            except BaseException:
                trial.kill()
                raise

    def _trial(self, update, timeout: float):
        """The update run in a worker under the time limit: the change, and the worker, whose
        graph has moved with it (it joins the others once the zygote has taken the change)."""
        try:
            with self.admission.slot():
                return self._run(update.trial, timeout, {}, hold=True)
        except Refused as e:
            if e.status == 503 and "X-Timeout" in e.headers:
                raise Refused(503, f"the update ran longer than the time limit of {timeout:g} s "
                                   "and was not applied", headers=e.headers) from None
            raise

    def _apply(self, update, kwargs: dict, trial: Worker | None = None) -> dict:
        """update.apply(**kwargs) in the zygote; then in each idle worker, which costs what the
        change costs instead of a fork of the whole graph, unless the change cost a rebuild. A
        worker that was busy, or did not follow, is retired, and fresh ones are forked in the
        background."""
        counts, costly = self._unwrap(self.zygote.change(update.apply, kwargs))
        with self._lock:
            # A worker forked since the change holds it already; the others were idle before it.
            generation = self.zygote.generation
            behind = [w for w in self._idle if w.generation != generation]
            self._idle = [w for w in self._idle if w.generation == generation]
        # Outside the lock, so that a query may fork a fresh worker meanwhile; updates are one at
        # a time (the update lock), so the generation stays. A rebuild: a fork costs less than
        # every worker rebuilding too.
        followed = [] if costly else self._bring_along(behind, update, kwargs)
        if trial is not None and not costly:
            trial.generation = self.zygote.generation
            followed.append(trial)
        for worker in (set(behind) | {trial}) - set(followed) - {None}:
            worker.kill()
        for worker in followed:
            self._checkin(worker)
        with self._lock:
            missing = self.size - len(self._idle)
        threading.Thread(target=lambda: [self._replace() for _ in range(missing)], daemon=True).start()
        return counts

    def _bring_along(self, workers: list[Worker], update, kwargs: dict) -> list[Worker]:
        """Apply to idle workers what the zygote just applied (the same change to the same graph
        gives the same graph); returns those that did, now of the current generation."""
        sent = []
        for worker in workers:
            if worker.followed >= MAX_FOLLOWED:
                worker.kill()  # its copies of the zygote's pages have grown: a fresh fork shares them again
                continue
            try:
                worker.conn.send((update.apply, kwargs))
                sent.append(worker)
            except (OSError, ValueError):
                worker.kill()
        followed = []
        for worker in sent:
            try:
                ok = worker.conn.poll(self.wait_timeout) and worker.conn.recv()[0] == "ok"
            except (EOFError, OSError):
                ok = False
            if ok:
                worker.generation = self.zygote.generation
                worker.followed += 1
                followed.append(worker)
            else:
                worker.kill()
        return followed
