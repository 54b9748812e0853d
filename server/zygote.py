"""The forked side of the query workers: the zygote, which holds the graph and forks a worker
per need, and the workers' own loop. The web process's side is pool.py.

A thread running a query cannot be stopped, and Oxigraph checks its own timeout only while
reading quads (docs/decisions/0007: a VALUES-only cross join ran >10 min under `--timeout-s 2`). So
every store read runs in a worker process, which the pool kills with SIGKILL when it overruns.

Workers are forked by the *zygote*: one process forked when the pool starts, before the web
server's threads exist, which holds the graph and does nothing but fork, apply each update's
change to its graph (so that new workers are forked with it), and tell how a worker ended.
Forking a single-threaded process is safe; forking the threaded web process later would not
be. The zygote hands each new worker's socket to the web process over a Unix socket
(SCM_RIGHTS). `Zygote` is the web process's handle on it; the messages on its control socket
are this module's alone.
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

from .errors import Refused, refusal

log = logging.getLogger("csto_kg.server")

_PR_SET_PDEATHSIG = 1


class Zygote:
    """The web process's handle on the zygote. `generation` counts the changes its graph has
    taken: a worker forked at an older generation holds an older graph."""

    def __init__(self, context, memory_limit: int | None = None):
        self.context = context
        self.memory_limit = memory_limit
        self.generation = 0
        self._lock = threading.Lock()  # one message and its answer at a time
        self._ctrl: socket.socket | None = None
        self._pid: int | None = None

    def start(self) -> Zygote:
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            try:
                ours.close()
                _zygote_main(theirs, self.context, self.memory_limit)
            finally:
                os._exit(0)
        theirs.close()
        self._ctrl, self._pid = ours, pid
        return self

    def spawn(self) -> tuple[int, Connection, int]:
        """A fresh worker: its pid, its connection and the generation of the graph it holds."""
        with self._lock:
            try:
                _send(self._open(), ("spawn",))
                _, pid = _recv(self._ctrl)
                (fd,) = recvfds(self._ctrl, 1)
            except (EOFError, OSError, RuntimeError) as e:
                log.error("cannot start a query worker: %s", e)
                raise Refused(503, "cannot start a query worker; restart the server") from None
            # Read under the lock a change takes too: the worker holds this generation's graph.
            return pid, Connection(fd), self.generation

    def change(self, func, kwargs: dict):
        """func(context, **kwargs) in the zygote itself, a change that cannot run away; its
        reply as a worker gives it. The generation moves when the change was made."""
        with self._lock:
            try:
                _send(self._open(), ("change", func, kwargs))
                reply = _recv(self._ctrl)
            except (EOFError, OSError) as e:
                log.error("the worker supervisor failed: %s", e)
                raise Refused(503, "the update could not be applied; restart the server") from None
            if reply[0] == "ok":
                self.generation += 1
            return reply

    def how_it_ended(self, pid: int) -> str:
        """How a worker ended, in words, from the wait status the zygote collected."""
        status = None
        with self._lock:
            if self._ctrl is not None:
                try:
                    _send(self._ctrl, ("exit", pid))
                    _, status = _recv(self._ctrl)
                except (EOFError, OSError):
                    pass
        return how_it_ended(status, self.memory_limit)

    def alive(self) -> bool:
        if not self._pid:
            return False
        try:
            pid, _ = os.waitpid(self._pid, os.WNOHANG)
        except ChildProcessError:
            return False
        return pid == 0

    def close(self) -> None:
        with self._lock:
            if self._ctrl is not None:
                self._ctrl.close()
                self._ctrl = None
        if self._pid:
            try:
                os.kill(self._pid, signal.SIGKILL)
                os.waitpid(self._pid, 0)
            except (ChildProcessError, ProcessLookupError, OSError):
                pass
            self._pid = None

    @property
    def closed(self) -> bool:
        return self._ctrl is None

    def _open(self) -> socket.socket:
        if self._ctrl is None:  # closed meanwhile (a refill runs in a thread)
            raise Refused(503, "the query workers are shut down")
        return self._ctrl


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


# -- The zygote -------------------------------------------------------------------------------


def _zygote_main(ctrl: socket.socket, context, memory_limit: int | None) -> None:
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
        elif message[0] == "spawn":
            _fork_worker(ctrl, context, me, memory_limit)
        elif message[0] == "change":
            _, func, kwargs = message
            _send(ctrl, _answer(func, context, kwargs))


def _fork_worker(ctrl: socket.socket, context, me: int, memory_limit: int | None) -> None:
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


# -- A worker ---------------------------------------------------------------------------------


def _worker_main(conn: Connection, context, parent_pid: int, memory_limit: int | None = None) -> None:
    _die_with_parent(parent_pid)
    _limit_memory(memory_limit)
    while True:
        try:
            func, kwargs = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        try:
            conn.send(_answer(func, context, kwargs, memory_limit))
        except (OSError, ValueError):
            os._exit(0)


def _answer(func, context, kwargs: dict, memory_limit: int | None = None) -> tuple:
    """func(context, **kwargs) as a reply: ("ok", value), ("refused", Refused) or ("crash",
    traceback); a bug in a job is reported and the process goes on."""
    try:
        return ("ok", func(context, **kwargs))
    except Refused as e:
        return ("refused", e)
    except CstoKgError as e:  # a job that left one of csto-kg's own errors unworded
        return ("refused", refusal(e))
    except MemoryError:
        return ("refused", _too_much_memory(memory_limit))
    except Exception:
        return ("crash", traceback.format_exc())


def _too_much_memory(limit: int | None) -> Refused:
    mib = f"the {limit >> 20} MiB" if limit else "the memory"
    return Refused(503, f"the query needed more than {mib} a query may use and was stopped",
                   headers={"X-Memory-Limit": str(limit or 0)})


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
