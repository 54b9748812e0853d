"""`csto-kg`: build, query and explain the reasoned graph from the command line.

Exit codes: 0 ok; 1 the graph is inconsistent; 2 bad input (a file, a query, a state name,
an option). Errors go to stderr as one message, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from csto_kg import queries as named_queries
from csto_kg.graph.errors import CstoKgError

from .common import WIKIDATA, build_from, build_options, fails_cleanly
from .output import FORMATS, render


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="csto-kg")
def cli():
    """A reasoned knowledge graph of who may become a CSTO observer or partner."""


@cli.command()
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--allow-service", multiple=True, metavar="URL",
              help=f"An endpoint SERVICE may call; repeatable. Default: {WIKIDATA}")
@build_options
@fails_cleanly
def query(query, fmt, allow_service, data, max_data_size, no_implied, no_linked, store):
    """Run QUERY (SPARQL text, a .rq file, or a named query) against the reasoned graph."""
    text = query_text(query)
    kg = build_from(data, no_implied, no_linked, store, max_data_size=max_data_size)
    result = kg.query(text, allowed_services=allow_service or (WIKIDATA,))
    try:
        text = render(result, fmt)  # results are lazy: a SERVICE is called only now
    except OSError as e:
        from csto_kg.graph.sparql.messages import readable_service_failure

        reason = readable_service_failure(e)
        hint = " (is the SERVICE endpoint up and allowed?)" if reason == str(e) else ""
        raise CstoKgError(f"the query could not be answered: {reason}{hint}") from None
    click.echo(text, nl=not text.endswith("\n"))


def query_text(arg: str) -> str:
    """QUERY as given: a .rq file (or a file without a suffix), a named query, or SPARQL.
    Text with a brace or a line break is SPARQL, never tried as a file name."""
    if "{" not in arg and "\n" not in arg and (arg.endswith(".rq") or _is_file_without_suffix(arg)):
        try:
            return Path(arg).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise CstoKgError(f"{arg}: cannot read: {getattr(e, 'strerror', None) or e}") from None
    named = named_queries.get(arg)
    if named:
        return named.text
    if any(c.isspace() or c == "{" for c in arg):
        return arg
    import difflib

    names = [q.name for q in named_queries.all_queries()]
    close = difflib.get_close_matches(arg, names, n=3)
    hint = f" Did you mean: {', '.join(close)}?" if close else " `csto-kg queries` lists them."
    raise CstoKgError(f"{arg!r} is neither a SPARQL query, a .rq file, nor a named query.{hint}")


def _is_file_without_suffix(arg: str) -> bool:
    try:
        return Path(arg).suffix == "" and Path(arg).is_file()
    except (OSError, ValueError):  # a name too long for the file system, or holding a NUL
        return False


@cli.command("queries")
def list_queries():
    """List the named queries with their titles."""
    rows = [(q.name, q.title) for q in named_queries.all_queries()]
    width = max((len(name) for name, _ in rows), default=0)
    for name, title in rows:
        click.echo(f"{name.ljust(width)}  {title}")


@cli.command()
@click.argument("state")
@click.option("--status", type=click.Choice(["observer", "partner"], case_sensitive=False),
              help="One status; both by default.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--why", is_flag=True,
              help="Add a justification: a minimal set of facts and axioms behind each conclusion.")
@click.option("--assume", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="What if the facts in FILE (RDF) held? The verdict with them, and what they change.")
@build_options
@fails_cleanly
def explain(state, status, fmt, why, assume, data, max_data_size, no_implied, no_linked, store):
    """Eligibility of STATE (a name, an IRI or a Wikidata id) with each requirement and its evidence."""
    import json

    from csto_kg.graph import explain as explain_state
    from csto_kg.graph import what_if
    from csto_kg.graph.load import read_input, read_quads

    from .output import explanation_text

    kg = build_from(data, no_implied, no_linked, store, max_data_size=max_data_size)
    facts = read_quads(assume, read_input(assume, max_data_size << 20)) if assume is not None else None

    def verdict(status):
        if facts is None:
            return explain_state(kg, state, status, why=why)
        return what_if(kg, state, facts, status, why=why)

    verdicts = [verdict(s) for s in ([status] if status else ["observer", "partner"])]
    if fmt == "json":
        click.echo(json.dumps(verdicts[0] if status else verdicts, indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(explanation_text(v) for v in verdicts), nl=False)


@cli.command("build")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the asserted, inferred and merged graphs (needed unless --store).")
@click.option("--force", is_flag=True,
              help="Write into --out even if it holds other files than a previous bundle.")
@build_options
@fails_cleanly
def build_command(out, force, data, max_data_size, no_implied, no_linked, store):
    """Build the reasoned graph and write it to a folder, a store, or both."""
    from csto_kg.graph.publish.export import check_out_folder, export_bundle

    if out is None and not store:
        raise click.UsageError("give --out DIR, --store URL|PATH, or both")
    if out is not None:
        check_out_folder(out, force=force)  # before the build, which takes a while
    kg = build_from(data, no_implied, no_linked, store, write=True, max_data_size=max_data_size)
    if out is not None:
        bundle = export_bundle(kg, out, force=force)
        for path in sorted(bundle.files.values()):
            click.echo(path)
    if store:
        click.echo(f"stored in {store}", err=True)
    counts = ", ".join(f"{name} {n}" for name, n in kg.counts().items() if n)
    click.echo(f"triples: {counts}", err=True)


def _register_faces():
    from .link import link
    from .pages import matrix, organization
    from .serve import serve

    cli.add_command(serve)
    cli.add_command(link)
    cli.add_command(matrix)
    cli.add_command(organization)


_register_faces()


def main(argv=None):
    """The csto-kg command; Ctrl+C ends it with 130, as shells expect, not click's 1."""
    try:
        cli.main(args=argv, prog_name="csto-kg", standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("interrupted", err=True)
        sys.exit(130)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
