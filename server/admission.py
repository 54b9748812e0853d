"""Who gets the next free query worker: fair per client, with spare workers kept for newcomers.

First come, first served let one client's slow queries take every worker, so that anyone else
waited for a timeout. Here a client is the remote address of the connection (never a header
a client can write, such as X-Forwarded-For). A free worker goes to the waiting client that
has the fewest queries running, the earliest first among equals; and `spare` workers beyond
the regular ones are only for a client that has nothing running, so a light query from
another client starts at once even while one client's queries fill every regular worker.
A client may keep only so many queries waiting; more are refused at once, which also frees
the web server's threads for others.
"""

from __future__ import annotations

import contextvars
import itertools
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

from .errors import Refused

# Set for each request by the app (server/app.py): the pool's callers need not pass it on.
current_client: contextvars.ContextVar[str] = contextvars.ContextVar("current_client", default="")

_arrivals = itertools.count()


@dataclass
class _Ticket:
    client: str
    order: int = field(default_factory=lambda: next(_arrivals))
    granted: bool = False


class Admission:
    def __init__(self, size: int, spare: int, wait_timeout: float, max_waiting: int):
        self.size = size
        self.spare = spare
        self.wait_timeout = wait_timeout
        self.max_waiting = max_waiting
        self._cond = threading.Condition()
        self._running: Counter[str] = Counter()
        self._waiting: list[_Ticket] = []

    @contextmanager
    def slot(self, client: str | None = None):
        """Hold one worker's place for the duration of the block; Refused(503) if none comes."""
        client = current_client.get() if client is None else client
        self._enter(client)
        try:
            yield
        finally:
            self._leave(client)

    def status(self) -> dict:
        with self._cond:
            return {"running": sum(self._running.values()), "waiting": len(self._waiting)}

    def _enter(self, client: str) -> None:
        with self._cond:
            if sum(1 for t in self._waiting if t.client == client) >= self.max_waiting:
                raise self._busy(f"{self.max_waiting} of your queries are already waiting for a worker")
            ticket = _Ticket(client)
            self._waiting.append(ticket)
            self._grant()
            deadline = time.monotonic() + self.wait_timeout
            try:
                while not ticket.granted:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise self._busy(f"all {self.size} query workers are busy")
                    self._cond.wait(left)
            except BaseException:
                if ticket.granted:
                    self._leave_locked(client)
                else:
                    self._waiting.remove(ticket)
                raise

    def _leave(self, client: str) -> None:
        with self._cond:
            self._leave_locked(client)

    def _leave_locked(self, client: str) -> None:
        self._running[client] -= 1
        if self._running[client] <= 0:
            del self._running[client]
        self._grant()

    def _grant(self) -> None:
        """Start every waiting ticket the rules allow, the least served client first."""
        granted = False
        while True:
            allowed = [t for t in self._waiting if self._may_start(t.client)]
            if not allowed:
                break
            ticket = min(allowed, key=lambda t: (self._running[t.client], t.order))
            self._waiting.remove(ticket)
            self._running[ticket.client] += 1
            ticket.granted = granted = True
        if granted:
            self._cond.notify_all()

    def _may_start(self, client: str) -> bool:
        total = sum(self._running.values())
        return total < self.size or (total < self.size + self.spare and not self._running[client])

    def _busy(self, why: str) -> Refused:
        return Refused(503, f"{why}; try again shortly", headers={"Retry-After": "5"})


def register(app) -> None:
    """Name each request's client for the pool: the connection's address, which waitress takes
    from the socket (it trusts no proxy header unless told to)."""
    from flask import request

    @app.before_request
    def name_the_client():
        current_client.set(request.remote_addr or "")
