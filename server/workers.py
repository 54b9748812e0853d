"""Killable query workers: forked processes that inherit the store, killed when they overrun.

A thread running a query cannot be stopped, and Oxigraph checks its own timeout only while
reading quads (docs/decisions/0007: a VALUES-only cross join ran >10 min under `--timeout-s 2`). So
every store read runs in a worker process, and a worker that overruns is killed with SIGKILL.

Workers are forked by a *zygote*: one process forked when the pool starts, before the web
server's threads exist, which holds the graph and does nothing but fork. Forking a
single-threaded process is safe; forking the threaded web process later would not be. The
zygote hands each new worker's socket to the web process over a Unix socket (SCM_RIGHTS).

SPARQL Update changes the zygote's graph, because new workers are forked from it, and costs
what it changes (graph/store.py). INSERT DATA and DELETE DATA evaluate no pattern, so the zygote
applies them at once. Any other update runs first in a worker, under the time limit like a
query: the worker writes it to its own copy, reasons over it and returns the quads; the zygote
then takes those quads, with no pattern left to evaluate. Either way each idle worker then
applies the same change to its own copy (a fork of the whole graph costs more than the change),
and the trial's worker, already moved, joins them; a worker busy meanwhile is retired, and fresh
ones are forked in the background. A change that cost the zygote a rebuild (the members, the
schema) retires every worker instead: one fork each costs less than each rebuilding too.
A graph loaded from an on-disk store gets the update written back (persist_job) between the
trial and the apply, by the web process: RocksDB's threads do not survive a fork, so neither
the zygote nor a worker may open it. A shared store (a remote SPARQL server, which every worker
asks) takes the update once, from a worker like any other job.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import pickle
import resource
import signal
import socket
import stat
import struct
import threading
import time
import traceback
from multiprocessing.connection import Connection
from multiprocessing.reduction import recvfds, sendfds

from csto_kg.graph.errors import CstoKgError
from csto_kg.graph.sparql.operations import DATA_KINDS, operations

from .admission import Admission
from .errors import Refused, refusal

log = logging.getLogger("csto_kg.server")

_PR_SET_PDEATHSIG = 1


# -- Framing on the zygote's control socket ---------------------------------------------------


def _send(sock: socket.socket, obj) -> None:
    data = pickle.dumps(obj)
    sock.sendall(struct.pack("!Q", len(data)) + data)


def _recv_exactly(sock: socket.socket, n: int) -> bytes:
    chunks = []
    while n:
        chunk = sock.recv(min(n, 1 << 20))
        if not chunk:
            raise EOFError("control socket closed")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _recv(sock: socket.socket):
    (size,) = struct.unpack("!Q", _recv_exactly(sock, 8))
    return pickle.loads(_recv_exactly(sock, size))


# -- Child-process set-up -------------------------------------------------------------------


def _die_with_parent(parent_pid: int) -> None:
    """Linux: be killed when the parent dies, so no worker outlives the server."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent_pid:
        os._exit(0)


def _close_inherited_sockets(keep: set[int]) -> None:
    """Drop the web server's listening and client sockets, which a fork copies."""
    try:
        fds = [int(fd) for fd in os.listdir("/proc/self/fd")]
    except OSError:
        return
    for fd in fds:
        if fd < 3 or fd in keep:
            continue
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)
        except OSError:
            pass


def _child_signals() -> None:
    # Ctrl-C in a terminal reaches the whole process group; only the web process handles it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _limit_memory(limit: int | None) -> None:
    """Let this process map at most `limit` bytes beyond what it maps now (the graph it
    inherited): a query that would take the machine's memory fails here instead. Past the
    limit Oxigraph aborts the process, which the pool reports and replaces."""
    if not limit:
        return
    try:
        with open("/proc/self/status") as status:
            mapped = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (mapped + limit, hard))
    except (OSError, ValueError, StopIteration):
        pass  # not Linux: no limit, as before


def _too_much_memory(limit: int | None) -> Refused:
    mib = f"the {limit >> 20} MiB" if limit else "the memory"
    return Refused(503, f"the query needed more than {mib} a query may use and was stopped",
                   headers={"X-Memory-Limit": str(limit or 0)})


def _worker_main(conn: Connection, context, parent_pid: int, memory_limit: int | None = None) -> None:
    _die_with_parent(parent_pid)
    _limit_memory(memory_limit)
    while True:
        try:
            func, kwargs = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        try:
            reply = ("ok", func(context, **kwargs))
        except Refused as e:
            reply = ("refused", e)
        except CstoKgError as e:  # a job that left one of csto-kg's own errors unworded
            reply = ("refused", refusal(e))
        except MemoryError:
            reply = ("refused", _too_much_memory(memory_limit))
        except Exception:  # a bug in a job: report it, keep the worker
            reply = ("crash", traceback.format_exc())
        try:
            conn.send(reply)
        except (OSError, ValueError):
            os._exit(0)


def _zygote_main(ctrl: socket.socket, context, changes: dict, counts_job, memory_limit=None) -> None:
    # No parent-death signal here: it fires when the *thread* that forked us ends, and
    # create_app may run in a short-lived thread. The zygote leaves when its control socket
    # closes, which the kernel does when the web process dies, however it dies.
    _child_signals()
    _close_inherited_sockets({ctrl.fileno()})
    me = os.getpid()
    ended: dict[int, int] = {}  # worker pid → wait status, until the web process asks
    while True:
        try:
            message = _recv(ctrl)
        except (EOFError, OSError):
            os._exit(0)
        _reap(ended)
        if message[0] == "exit":
            _send(ctrl, ("exit", _exit_status(message[1], ended)))
        if message[0] == "spawn":
            ours, theirs = socket.socketpair()
            # The collector leaves the graph's objects alone from here on: a collection in the
            # worker would write to every one of them, copying all the zygote's pages it shares.
            gc.freeze()
            pid = os.fork()
            if pid == 0:
                ctrl.close()
                ours.close()
                _worker_main(Connection(theirs.detach()), context, me, memory_limit)
                os._exit(0)
            theirs.close()
            _send(ctrl, ("spawned", pid))
            sendfds(ctrl, [ours.fileno()])
            ours.close()
        elif message[0] == "apply":
            _, name, kwargs = message
            _send(ctrl, _applied(context, changes[name], kwargs, counts_job))
        elif message[0] == "counts":
            _send(ctrl, ("ok", counts_job(context)))


def _reap(ended: dict[int, int]) -> None:
    """Collect the workers that have ended, keeping how each ended (the newest 256)."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        ended[pid] = status
        if len(ended) > 256:
            del ended[next(iter(ended))]


def _exit_status(pid: int, ended: dict[int, int], wait: float = 2.0) -> int | None:
    """How a worker ended: its wait status, once it has (a closed socket comes first)."""
    deadline = time.monotonic() + wait
    while pid not in ended and time.monotonic() < deadline:
        time.sleep(0.01)
        _reap(ended)
    return ended.pop(pid, None)


def how_it_ended(status: int | None, memory_limit: int | None) -> str:
    """Why a worker died, in words: the signal or the exit status, never a guess."""
    if status is None:
        return "its worker stopped, for a reason the server could not learn"
    if not os.WIFSIGNALED(status):
        return f"its worker exited with status {os.waitstatus_to_exitcode(status)}"
    sig = os.WTERMSIG(status)
    if sig == signal.SIGSEGV:
        return ("its worker crashed (SIGSEGV, a segmentation fault; in Oxigraph's parser that is a stack "
                "overflow on a deeply nested query)")
    if sig == signal.SIGABRT:
        mib = f"the {memory_limit >> 20} MiB a query may use" if memory_limit else "the memory it may use"
        return (f"its worker was aborted (SIGABRT), as Oxigraph does when it cannot allocate memory: "
                f"most likely it needed more than {mib}")
    if sig == signal.SIGKILL:
        return "its worker was killed (SIGKILL) from outside the server, e.g. by the system's out-of-memory killer"
    return f"its worker was ended by signal {signal.Signals(sig).name}"


def _applied(context, job, kwargs, counts_job):
    """Run a change to the zygote's graph (one that cannot run away); then the new counts, and
    whether it cost a rebuild."""
    try:
        change = job(context, **kwargs)
    except Refused as e:
        return ("refused", e)
    except CstoKgError as e:
        return ("refused", refusal(e))
    except Exception:
        return ("crash", traceback.format_exc())
    return ("ok", (counts_job(context), change.costly))


# -- The web process's side -------------------------------------------------------------------


# Updates a worker follows before it is retired: each copies the zygote's pages it touches.
MAX_FOLLOWED = 100


def data_only(text: str) -> bool:
    """Whether an update is made of INSERT DATA and DELETE DATA operations alone."""
    return all(op.kind in DATA_KINDS for op in operations(text))


def _stopping() -> Refused:
    return Refused(503, "the server is stopping; the query was not finished, send it again once "
                        "the server is back", headers={"Retry-After": "10"})


class Worker:
    def __init__(self, pid: int, conn: Connection, generation: int):
        self.pid = pid
        self.conn = conn
        self.generation = generation
        self.jobs = 0
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

    def __init__(self, context, size: int = 2, wait_timeout: float = 30.0,
                 update_job=None, take_job=None, counts_job=None, persist_job=None, shared_store: bool = False,
                 spare: int = 1, max_waiting: int = 8, memory_limit: int | None = None):
        self.context = context
        self.size = max(1, size)
        self.wait_timeout = wait_timeout
        self.memory_limit = memory_limit
        self.admission = Admission(self.size, max(0, spare), wait_timeout, max(1, max_waiting))
        self._update_job = update_job
        self._take_job = take_job
        self._counts_job = counts_job
        self._persist_job = persist_job
        self._update_lock = threading.Lock()  # one update at a time, trial to apply
        self._shared_store = shared_store
        self._lock = threading.Lock()
        self._ctrl_lock = threading.Lock()
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self.stopping = False
        self._generation = 0
        self._ctrl: socket.socket | None = None
        self._zygote_pid: int | None = None
        self.killed = 0

    # lifecycle

    def start(self) -> WorkerPool:
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            try:
                ours.close()
                _zygote_main(theirs, self.context, {"update": self._update_job, "take": self._take_job},
                             self._counts_job, self.memory_limit)
            finally:
                os._exit(0)
        theirs.close()
        self._ctrl, self._zygote_pid = ours, pid
        with self._lock:
            for _ in range(self.size + self.admission.spare):
                self._idle.append(self._spawn())
        return self

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()
        if self._ctrl is not None:
            self._ctrl.close()
            self._ctrl = None
        if self._zygote_pid:
            try:
                os.kill(self._zygote_pid, signal.SIGKILL)
                os.waitpid(self._zygote_pid, 0)
            except (ChildProcessError, ProcessLookupError, OSError):
                pass
            self._zygote_pid = None

    def alive(self) -> bool:
        if not self._zygote_pid:
            return False
        try:
            pid, _ = os.waitpid(self._zygote_pid, os.WNOHANG)
        except ChildProcessError:
            return False
        return pid == 0

    def status(self) -> dict:
        with self._lock:
            idle = len(self._idle)
        return {"size": self.size, "spare": self.admission.spare, "idle": idle,
                **self.admission.status(), "killed_on_timeout": self.killed, "alive": self.alive()}

    # workers

    def _spawn(self) -> Worker:
        with self._ctrl_lock:
            ctrl = self._ctrl  # close() may clear it meanwhile (a refill runs in a thread)
            if ctrl is None:
                raise Refused(503, "the query workers are shut down")
            try:
                _send(ctrl, ("spawn",))
                _, pid = _recv(ctrl)
                (fd,) = recvfds(ctrl, 1)
            except (EOFError, OSError, RuntimeError) as e:
                log.error("cannot start a query worker: %s", e)
                raise Refused(503, "cannot start a query worker; restart the server") from None
            generation = self._generation  # read under the lock an update's apply takes too
        return Worker(pid, Connection(fd), generation)

    def _checkout(self) -> Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.generation == self._generation:
                    return worker
                worker.close()
        return self._spawn()

    def _checkin(self, worker: Worker) -> None:
        with self._lock:
            if worker.generation == self._generation and self._ctrl is not None:
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
        with self._lock:
            self._busy.add(worker)
        try:
            return self._run_on(worker, func, timeout, kwargs, hold)
        finally:
            with self._lock:
                self._busy.discard(worker)

    def _run_on(self, worker, func, timeout, kwargs, hold=False):
        try:
            worker.conn.send((func, kwargs))
        except (OSError, ValueError):
            worker.close()  # died while idle; one fresh try
            worker = self._spawn()
            worker.conn.send((func, kwargs))
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
        worker.jobs += 1
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
        status = None
        with self._ctrl_lock:
            if self._ctrl is not None:
                try:
                    _send(self._ctrl, ("exit", pid))
                    _, status = _recv(self._ctrl)
                except (EOFError, OSError):
                    pass
        headers = {"X-Memory-Limit": str(self.memory_limit)} if self.memory_limit else {}
        return Refused(503, f"the query was stopped: {how_it_ended(status, self.memory_limit)}",
                       headers=headers)

    @staticmethod
    def _unwrap(reply):
        kind, value = reply
        if kind == "ok":
            return value
        if kind == "refused":
            raise value
        log.error("a job failed in a worker:\n%s", value)
        raise Refused(500, "internal error; the server log has the details")

    def update(self, text: str, timeout: float, **options):
        """Apply an update to the zygote's graph, reasoned over; returns the new counts.
        options go to the update job (its base IRI, its using-graph-uri graphs)."""
        if self._shared_store:
            # The workers hold no copy of the graph: one of them sends the update to the store.
            self.run(self._update_job, timeout, text=text, **options)
            return self.run(self._counts_job, timeout)
        with self._update_lock:
            if self._persist_job is None and data_only(text):
                return self._apply("update", text=text, **options)
            change, trial = self._trial(text, timeout, options)
            try:
                if self._persist_job is not None:
                    self._persist_job(self.context, change)  # Refused if it cannot be saved: not applied
                return self._apply("take", trial, text=text, written=change.written, **options)
            except BaseException:
                trial.kill()
                raise

    def _trial(self, text: str, timeout: float, options: dict):
        """The update run in a worker under the time limit: the change, and the worker, whose
        graph has moved with it (it joins the others once the zygote has taken the change)."""
        try:
            with self.admission.slot():
                return self._run(self._update_job, timeout, {"text": text, **options}, hold=True)
        except Refused as e:
            if e.status == 503 and "X-Timeout" in e.headers:
                raise Refused(503, f"the update ran longer than the time limit of {timeout:g} s "
                                   "and was not applied", headers=e.headers) from None
            raise

    def _apply(self, change: str, trial: Worker | None = None, **kwargs):
        """The update or take job, with kwargs, in the zygote; then in each idle worker, which
        costs what the change costs instead of a fork of the whole graph, unless the change cost
        a rebuild. A worker that was busy, or did not follow, is retired, and fresh ones are
        forked in the background."""
        with self._ctrl_lock:
            if self._ctrl is None:
                raise Refused(503, "the query workers are shut down")
            try:
                _send(self._ctrl, ("apply", change, kwargs))
                reply = _recv(self._ctrl)
            except (EOFError, OSError) as e:
                log.error("the worker supervisor failed: %s", e)
                raise Refused(503, "the update could not be applied; restart the server") from None
            if reply[0] == "ok":
                with self._lock:
                    self._generation += 1
                    idle, self._idle = self._idle, []
        counts, costly = self._unwrap(reply)
        # Outside the lock, so that a query may fork a fresh worker meanwhile; updates are one at
        # a time (the update lock), so the generation stays. A rebuild: a fork costs less than
        # every worker rebuilding too.
        followed = [] if costly else self._bring_along(idle, change, kwargs)
        if trial is not None and not costly:
            trial.generation = self._generation
            followed.append(trial)
        for worker in (set(idle) | {trial}) - set(followed) - {None}:
            worker.kill()
        for worker in followed:
            self._checkin(worker)
        with self._lock:
            missing = self.size - len(self._idle)
        threading.Thread(target=lambda: [self._replace() for _ in range(missing)], daemon=True).start()
        return counts

    def _bring_along(self, workers: list[Worker], change: str, kwargs: dict) -> list[Worker]:
        """Apply to idle workers what the zygote just applied (the same job on the same graph
        gives the same graph); returns those that did, now of the current generation."""
        job = {"update": self._update_job, "take": self._take_job}[change]
        sent = []
        for worker in workers:
            if worker.followed >= MAX_FOLLOWED:
                worker.kill()  # its copies of the zygote's pages have grown: a fresh fork shares them again
                continue
            try:
                worker.conn.send((job, kwargs))
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
                worker.generation = self._generation
                worker.followed += 1
                followed.append(worker)
            else:
                worker.kill()
        return followed
