"""What the csto-kg commands share: the build's options, and how an error ends a command."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click

from csto_kg.graph.errors import CstoKgError, InconsistencyError
from csto_kg.graph.load import MAX_INPUT
from csto_kg.graph.namespaces import WIKIDATA_SPARQL
from csto_kg.graph.reasoning.reason import REASONERS

WIKIDATA = WIKIDATA_SPARQL


def fails_cleanly(command):
    """Turn the core's errors into a message on stderr and an exit code."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except InconsistencyError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(1)
        except CstoKgError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(2)

    return wrapper


def build_options(command):
    """--data (with --max-data-size), --no-implied, --no-linked: the inputs of a build; --reasoner:
    what reasons over them; --store (or the store's endpoints): where it lives. The command
    receives the store as `store`."""

    run = command

    @functools.wraps(run)
    def with_store(*args, store_query=None, store_update=None, store_gsp=None, reasoner="csto-kg", **kwargs):
        kwargs["store"] = store_endpoints(kwargs.get("store"), store_query, store_update, store_gsp)
        os.environ["CSTO_KG_REASONER"] = reasoner  # read by the build, inherited by the workers
        return run(*args, **kwargs)

    command = with_store
    for name, what in (("--store-gsp", "Graph Store Protocol"), ("--store-update", "SPARQL update"),
                       ("--store-query", "SPARQL query")):
        command = click.option(name, metavar="URL",
                               help=f"A remote store's {what} endpoint, instead of --store LAYOUT:URL.")(command)
    command = click.option("--store", metavar="[LAYOUT:]URL|PATH",
                           help="Keep the graph in a SPARQL 1.1 store instead of memory: LAYOUT is oxigraph "
                                "(the default), virtuoso, fuseki or graphdb, e.g. virtuoso:http://127.0.0.1:8890; "
                                "credentials from CSTO_KG_STORE_USER / CSTO_KG_STORE_PASSWORD. "
                                "Or an on-disk store (a folder).")(command)
    command = click.option("--reasoner", type=click.Choice(REASONERS), default=REASONERS[0], show_default=True,
                           help="The OWL 2 RL reasoner: csto-kg's own (fast, incremental) or plain owlrl "
                                "(the reference; slow, every update reasons afresh).")(command)
    command = click.option("--no-linked", is_flag=True,
                           help="Leave out the open-data facts `csto-kg link` fetched.")(command)
    command = click.option("--no-implied", is_flag=True,
                           help="Leave out the facts the article implies (I01–I22).")(command)
    command = click.option("--max-data-size", default=MAX_INPUT >> 20, show_default=True, metavar="MiB",
                           type=click.IntRange(min=1), help="The most one --data file may hold.")(command)
    command = click.option("--data", "data", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
                           help="Your own RDF file (Turtle, TriG, N-Triples, RDF/XML, JSON-LD); repeatable.")(command)
    return command


def store_endpoints(store, query, update, gsp):
    """--store as given, or the Endpoints the --store-* options name."""
    if not (query or update or gsp):
        return store
    if store:
        raise click.UsageError("give either --store or --store-query (with --store-update, --store-gsp)")
    if not query:
        raise click.UsageError("--store-update and --store-gsp need --store-query")
    from csto_kg.graph.stores import Endpoints, is_url

    for option, url in (("--store-query", query), ("--store-update", update), ("--store-gsp", gsp)):
        if url and not is_url(url):
            raise click.UsageError(f"{option} takes an http(s) URL, not {url!r}")
    return Endpoints(query, update, gsp)


def build_from(data, no_implied, no_linked, store=None, *, write=False, max_data_size=MAX_INPUT >> 20):
    """The reasoned graph, in memory or in the store `--store` names.

    With a store, a command reads what the store holds; the build is written there first by
    `build`, when the command is given inputs (--data, --no-implied, --no-linked), or when the
    store holds no build yet.
    """
    from csto_kg.graph import build

    def built():
        return build(data, implied=not no_implied, linked=not no_linked, max_input=max_data_size << 20)

    if not store:
        return built()
    from csto_kg.graph.stores import open_store

    write = write or bool(data) or no_implied or no_linked
    target = open_store(store, write=write)
    if not write and not target.holds_build():
        del target  # a read-only handle; reopened for writing
        target, write = open_store(store, write=True), True
    if write:
        target = target.replace_build(built())
    return target
