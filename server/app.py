"""The csto-kg web application: SPARQL endpoint, query page, linked data, health.

create_app(kg, config) reads like a table of contents: the settings and their defaults, the
worker pool that runs every query, then one blueprint per job.
"""

from __future__ import annotations

import atexit
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask

from csto_kg.graph.namespaces import WIKIDATA_SPARQL
from csto_kg.graph.store import KnowledgeGraph

from . import admission, compression, cors, errors, jobs, linked_data, pages, security_headers, sparql, views
from .pool import WorkerPool

WIKIDATA = WIKIDATA_SPARQL

DEFAULTS = {
    "TIMEOUT": 30.0,               # seconds a query may run before its worker is killed
    "MAX_ROWS": 100_000,           # rows (SELECT) or triples (CONSTRUCT/DESCRIBE) in one answer
    "ALLOWED_SERVICES": (WIKIDATA,),  # SERVICE endpoints a query may call
    "UPDATE_TOKEN": None,          # SPARQL Update is off unless a token is set
    "CORS_ORIGINS": (),            # origins allowed to call from a browser; "*" for any
    "MAX_CONTENT_LENGTH": 1 << 20,  # bytes in a request body (larger: 413)
    "WORKERS": min(4, max(2, os.cpu_count() or 2)),
    "MAX_QUERY_MEMORY": 1 << 30,   # bytes a query (its worker, beyond the graph) may map; None: no limit
    "SPARE_WORKERS": 1,            # workers beyond WORKERS, only for a client with nothing running
    "MAX_WAITING": 8,              # queries one client may have waiting for a worker (more: 503)
    "QUEUE_TIMEOUT": None,         # seconds to wait for a free worker; default TIMEOUT
    "NAMED_QUERIES": None,         # callable giving NamedQuery objects; default csto_kg.queries
}


@dataclass
class ServerState:
    pool: WorkerPool
    counts: dict
    timeout: float
    update_token: str | None
    allowed_services: tuple[str, ...]
    cors_origins: tuple[str, ...]
    named_queries: Callable[[], list] = field(default=list)
    shared: bool = False  # the graph is in a store other processes may change

    def current_counts(self) -> dict:
        """Triples per graph; asked afresh of a shared store (others may have written to it)."""
        if self.shared:
            self.counts = self.pool.run(jobs.store_counts, self.timeout)
        return self.counts

    def timeout_for(self, requested: float | None) -> float:
        """A client may ask for less time than the operator allows, never more."""
        return min(requested, self.timeout) if requested else self.timeout


MIN_TOKEN_LENGTH = 8


def check_update_token(token: str | None) -> str | None:
    """The update token as the server takes it (None or empty: updates off); a guessable one
    is refused with ValueError. `csto-kg serve` asks the same before it builds."""
    if token and len(token) < MIN_TOKEN_LENGTH:
        raise ValueError(f"the update token must be at least {MIN_TOKEN_LENGTH} characters long")
    return token or None


def _default_named_queries():
    from csto_kg.queries import all_queries

    return all_queries()


def create_app(kg: KnowledgeGraph, config: dict | None = None) -> Flask:
    """The Flask app serving kg.

    Starts the worker processes at once, before any web-server thread exists; call
    app.extensions["csto_kg"].pool.close() (or let the process exit) to stop them.
    """
    settings = {**DEFAULTS, **(config or {})}
    # instance_path is given explicitly: csto_kg is a namespace package, and Flask cannot
    # guess it under an editable install. Nothing is written there.
    app = Flask(__name__, instance_path=os.path.join(tempfile.gettempdir(), "csto-kg-instance"))
    app.config.from_mapping(settings)
    app.json.sort_keys = False

    token = check_update_token(settings["UPDATE_TOKEN"])
    timeout = float(settings["TIMEOUT"])
    if not timeout > 0:
        raise ValueError("TIMEOUT must be more than 0 seconds")

    context = jobs.WorkerContext(
        kg=kg,
        max_rows=int(settings["MAX_ROWS"]),
        allowed_services=tuple(settings["ALLOWED_SERVICES"] or ()),
    )
    counts = jobs.graph_counts(context)
    if token is not None:
        kg.prepare_for_updates()  # held by the zygote: each update reasons incrementally
    pool = WorkerPool(
        context,
        size=int(settings["WORKERS"]),
        wait_timeout=float(settings["QUEUE_TIMEOUT"] or timeout),
        shared_store=kg.shared,
        spare=int(settings["SPARE_WORKERS"]),
        max_waiting=int(settings["MAX_WAITING"]),
        memory_limit=settings["MAX_QUERY_MEMORY"],
    ).start()
    atexit.register(pool.close)

    app.extensions["csto_kg"] = ServerState(
        pool=pool,
        counts=counts,
        timeout=timeout,
        update_token=token,
        allowed_services=context.allowed_services,
        cors_origins=tuple(settings["CORS_ORIGINS"] or ()),
        named_queries=settings["NAMED_QUERIES"] or _default_named_queries,
        shared=kg.shared,
    )
    admission.register(app)
    errors.register(app)
    cors.register(app)
    compression.register(app)
    security_headers.register(app)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(linked_data.bp)
    app.register_blueprint(views.bp)
    return app
