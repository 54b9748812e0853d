"""`csto-kg serve`: build the reasoned graph and serve it on localhost with waitress."""

from __future__ import annotations

import ipaddress
import logging
import re
import signal
import socket
import sys

import click

from csto_kg.graph.errors import CstoKgError

from .common import WIKIDATA, build_from, build_options, fails_cleanly


def make_server(app, host: str, port: int, threads: int, max_body: int):
    """A waitress server for app, guarded against slow and greedy clients (server/listener.py)."""
    from csto_kg.server.listener import make_server as guarded_server

    return guarded_server(app, host, port, threads, max_body)


def check_host(host: str, port: int) -> None:
    """--host must be an address or a name that resolves (waitress raises ValueError on
    anything else); digits and dots are read as an IPv4 address, without asking DNS."""
    if re.fullmatch(r"[0-9.]+", host):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            raise CstoKgError(f"--host {host}: not an IPv4 address (four numbers from 0 to 255, "
                              "e.g. 127.0.0.1)") from None
    try:
        socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError) as e:
        reason = getattr(e, "strerror", None) or e
        raise CstoKgError(f"--host {host}: not an address nor a host name that resolves ({reason}); "
                          "give an address of this machine, e.g. 127.0.0.1") from None


def _stop(signum, frame):
    # SystemExit, not a custom exception: waitress's event loop passes it on, and would log
    # and swallow any other exception raised while it dispatches.
    raise SystemExit(0)


def http_threads(pool) -> int:
    """Enough web threads that requests waiting for a worker (up to MAX_WAITING per client)
    leave threads free for other clients, whose requests would otherwise queue behind them."""
    return max(32, pool.size + pool.admission.spare + 2 * pool.admission.max_waiting)


def stop_server(server) -> None:
    """Let requests in progress finish (a few seconds at most), then close the sockets."""
    server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
    server.close()


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on. Keep 127.0.0.1 unless others should reach it.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; 0 picks a free one.")
@build_options
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a query may run; its worker process is then killed.")
@click.option("--max-rows", default=100_000, show_default=True, type=click.IntRange(min=1),
              help="Most rows (or triples) one answer may have; more is an error, not a cut.")
@click.option("--allow-service", "allow_service", multiple=True, default=(WIKIDATA,),
              show_default=True, metavar="URL",
              help="SPARQL endpoint a query's SERVICE clause may call (repeatable).")
@click.option("--no-service", is_flag=True, help="Refuse every SERVICE clause.")
@click.option("--enable-update", is_flag=True, help="Accept SPARQL Update (needs --update-token).")
@click.option("--update-token", envvar="CSTO_KG_UPDATE_TOKEN", metavar="TOKEN",
              help="Bearer token updates must carry (or set CSTO_KG_UPDATE_TOKEN, "
                   "which keeps it out of the process list).")
@click.option("--cors-origin", "cors_origin", multiple=True, metavar="ORIGIN",
              help="Browser origin allowed to call the server, e.g. http://localhost:3000, "
                   "or * for any (repeatable; never with credentials). Default: none.")
@click.option("--workers", default=None, type=click.IntRange(min=1),
              help="Query worker processes (default: CPUs, 2 to 4).")
@click.option("--max-memory", default=1024, show_default=True, type=click.IntRange(min=64), metavar="MiB",
              help="Memory one query may use beyond the graph; its worker is then stopped.")
@fails_cleanly
def serve(host, port, data, max_data_size, no_implied, no_linked, store, timeout, max_rows, allow_service, no_service,
          enable_update, update_token, cors_origin, workers, max_memory):
    """Build the reasoned graph and serve it: SPARQL endpoint, query page, linked data."""
    if enable_update and not update_token:
        raise click.UsageError("--enable-update needs --update-token (or CSTO_KG_UPDATE_TOKEN)")
    if update_token and not enable_update:
        update_token = None  # a token alone does not switch writes on
    from csto_kg.server import create_app
    from csto_kg.server.app import DEFAULTS, check_update_token

    try:
        check_update_token(update_token)
    except ValueError as e:
        raise click.UsageError(str(e)) from None
    check_host(host, port)

    # Warnings (refused updates, failed jobs) go to stderr with a time, for the operator.
    logging.basicConfig(format="%(asctime)s csto-kg %(levelname)s: %(message)s", level=logging.WARNING)

    # An on-disk store is served from memory (updates are written back to it): forked
    # workers must not share its RocksDB handle.
    kg = build_from(data, no_implied, no_linked, store, max_data_size=max_data_size).for_serving()
    config = {
        "TIMEOUT": timeout,
        "MAX_ROWS": max_rows,
        "ALLOWED_SERVICES": () if no_service else tuple(allow_service),
        "UPDATE_TOKEN": update_token,
        "CORS_ORIGINS": tuple(cors_origin),
        "MAX_QUERY_MEMORY": max_memory << 20,
    }
    if workers:
        config["WORKERS"] = workers
    # The app forks its query workers now, before waitress starts any thread.
    app = create_app(kg, config)
    state = app.extensions["csto_kg"]
    try:
        server = make_server(app, host, port, threads=http_threads(state.pool),
                             max_body=DEFAULTS["MAX_CONTENT_LENGTH"])
    except (OSError, ValueError) as e:  # waitress: ValueError for a host it cannot resolve
        state.pool.close()
        raise CstoKgError(f"cannot listen on {host}:{port}: {getattr(e, 'strerror', None) or e}. Choose another --port "
                          "(0 picks a free one), or stop what is using it.") from None
    url = f"http://{host if ':' not in host else f'[{host}]'}:{server.effective_port}/"
    triples = sum(c["triples"] for c in state.counts.values())
    # Before the URL is printed: whoever reads it may send SIGTERM at once.
    signal.signal(signal.SIGTERM, _stop)
    try:
        click.echo(f"csto-kg: {triples} triples; SPARQL endpoint at {url}sparql; Ctrl+C or SIGTERM stops",
                   err=True)
        if host not in ("127.0.0.1", "localhost", "::1"):
            click.echo(f"csto-kg: listening on {host}: other machines can reach this server", err=True)
        click.echo(url)  # alone on stdout, for scripts that start the server on port 0
        sys.stdout.flush()
        server.run()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        stop_server(server)
        state.pool.close()
