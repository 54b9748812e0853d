"""The HTTP listener: waitress, with what it lacks against slow or greedy clients.

waitress bounds the connections in all (connection_limit) and the idle time between requests
(channel_timeout), but a client that sends one header line every few seconds is never idle,
and one address may take every connection. So, on top of it:
- a request must arrive whole (headers and body) within REQUEST_READ_TIMEOUT of its first byte;
- one client address holds at most MAX_CONNECTIONS_PER_CLIENT connections; more are answered
  503 and closed at once;
- a transfer coding waitress cannot read is a 400 that says so (waitress answers 501);
- on SIGTERM a running query is answered 503 (the server is stopping), and the answer sent.
"""

from __future__ import annotations

import time
from collections import Counter

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError, TransferEncodingNotImplemented
from waitress.server import TcpWSGIServer

REQUEST_READ_TIMEOUT = 10.0   # seconds from a request's first byte to its last
MAX_CONNECTIONS_PER_CLIENT = 16
CONNECTION_LIMIT = 512        # in all; poll(), not select(), so past 1024 descriptors is fine
CHECK_EVERY = 1               # seconds between sweeps for requests that take too long

_TOO_MANY = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
             b"Connection: close\r\nContent-Length: 62\r\n\r\n"
             b"too many connections from your address; close some, try again\n")


_ONLY_CHUNKED = ("this server reads a body sent as is (Content-Length) or with "
                 "Transfer-Encoding: chunked alone")


class _Parser(HTTPRequestParser):
    def parse_header(self, header_plus):
        try:
            super().parse_header(header_plus)
        except TransferEncodingNotImplemented as e:
            raise ParsingError(f"{e.args[0]}: {_ONLY_CHUNKED}") from None
        codings = [c.strip().lower() for line in header_plus.split(b"\r\n")[1:]
                   if line.lower().startswith(b"transfer-encoding:")
                   for c in line.partition(b":")[2].decode("latin-1").split(",") if c.strip()]
        if codings and codings != ["chunked"]:
            # waitress reads "chunked, chunked" as chunked once; RFC 9112 §6.1: never twice
            raise ParsingError(f"Transfer-Encoding: {', '.join(codings)}: {_ONLY_CHUNKED}")


class _Channel(HTTPChannel):
    parser_class = _Parser

    def __init__(self, server, sock, addr, adj, map=None):
        super().__init__(server, sock, addr, adj, map=map)
        self._reading, self.reading_since = None, None
        self.client = addr[0] if isinstance(addr, tuple) else addr
        server.per_client[self.client] += 1
        self._counted = True
        if server.per_client[self.client] > MAX_CONNECTIONS_PER_CLIENT:
            try:
                sock.send(_TOO_MANY)
            except OSError:
                pass
            self.close()

    def received(self, data):
        done = super().received(data)
        if self.request is not self._reading:  # a request began (or none is left half-read)
            self._reading, self.reading_since = self.request, time.monotonic()
        return done

    def del_channel(self, map=None):
        # every way a channel closes ends here (handle_close skips close())
        if self._counted:
            self._counted = False
            self.server.per_client[self.client] -= 1
            if not self.server.per_client[self.client]:
                del self.server.per_client[self.client]
        super().del_channel(map)


class GuardedServer(TcpWSGIServer):
    channel_class = _Channel

    def __init__(self, application, pool=None, **settings):
        self.per_client: Counter = Counter()
        self.pool = pool  # the query workers, stopped first when the server stops
        settings = {"connection_limit": CONNECTION_LIMIT, "asyncore_use_poll": True,
                    "cleanup_interval": CHECK_EVERY, **settings}
        super().__init__(application, **settings)

    def maintenance(self, now):
        super().maintenance(now)
        too_old = time.monotonic() - REQUEST_READ_TIMEOUT
        for channel in list(self.active_channels.values()):
            if channel.request is not None and not channel.requests \
                    and channel.reading_since is not None and channel.reading_since < too_old:
                channel.will_close = True  # still sending one request after the deadline


    def run(self):
        """Serve until SIGTERM or Ctrl+C (SystemExit, KeyboardInterrupt); then answer every
        request in progress (a running query: 503, the server is stopping) and send it."""
        try:
            self.asyncore.loop(timeout=self.adj.asyncore_loop_timeout, map=self._map,
                               use_poll=self.adj.asyncore_use_poll)
        except (SystemExit, KeyboardInterrupt):
            self.finish()

    def finish(self, grace: float = 5.0) -> None:
        if self.pool is not None:
            self.pool.stop_jobs()
        self.accepting = False
        self.task_dispatcher.shutdown(cancel_pending=True, timeout=grace)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and any(
                channel.total_outbufs_len for channel in list(self.active_channels.values())):
            self.asyncore.loop(timeout=0.05, map=self._map, use_poll=True, count=1)


def make_server(app, host: str, port: int, threads: int, max_body: int) -> GuardedServer:
    """A waitress server for app; .effective_port is the port it listens on (port 0: any free)."""
    return GuardedServer(
        app,
        pool=app.extensions["csto_kg"].pool,
        host=host,
        port=port,
        threads=threads,
        # Flask enforces the real body limit with a clear 413; waitress only stops abuse.
        max_request_body_size=max_body * 2,
        ident="csto-kg",
        clear_untrusted_proxy_headers=True,
    )
