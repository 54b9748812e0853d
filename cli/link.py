"""`csto-kg link`: fetch open-data facts about the states into the linked-data file.

Registered in the click group of cli/main.py with `cli.add_command(link)`.
Exit codes: 0 linked (discrepancies are reported, not errors); 2 the fetch failed or an input
is wrong, and nothing was written.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from csto_kg.graph.errors import CstoKgError
from csto_kg.graph.link import (
    NAMED_SETS,
    format_report,
    normalize_qid,
    write_linked,
    write_report,
)
from csto_kg.graph.link import (
    link as fetch_and_link,
)
from csto_kg.graph.namespaces import WIKIDATA_SPARQL
from csto_kg.graph.paths import linked_file

EXIT_FAILED = 2


class Progress:
    """A progress bar on stderr, shown only once a fetch has taken more than a moment."""

    def __init__(self, endpoint: str, quiet: bool = False, after: float = 0.5):
        self.endpoint = endpoint
        self.quiet = quiet
        self.after = after
        self.start = time.monotonic()
        self.bar = None
        self.shown = 0

    def __call__(self, done: int, total: int, label: str) -> None:
        if self.quiet:
            return
        if self.bar is None and time.monotonic() - self.start < self.after:
            return
        if self.bar is None:
            self.bar = click.progressbar(
                length=total, label=f"Querying {self.endpoint}", file=sys.stderr,
                show_eta=False, show_pos=True, item_show_func=lambda item: item,
            )
            self.bar.__enter__()
        self.bar.update(done - self.shown, label)
        self.shown = done
        if not sys.stderr.isatty():  # click draws nothing but the label off a terminal
            click.echo(f"  [{done}/{total}] {label}", err=True)

    def retry(self, message: str, wait: float) -> None:
        if not self.quiet:
            click.echo(f"\n{message}" if self.bar is not None and sys.stderr.isatty() else message,
                       err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _qids(ctx, param, values):
    out = []
    for value in values:
        for part in value.replace(",", " ").split():
            try:
                out.append(normalize_qid(part))
            except ValueError as e:
                raise click.BadParameter(str(e), ctx=ctx, param=param) from None
    return tuple(out)


@click.command("link")
@click.option("--endpoint", default=WIKIDATA_SPARQL, show_default=True, metavar="URL",
              help="A SPARQL 1.1 endpoint with Wikidata's data model (Wikidata, a mirror, a local copy).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="F.trig",
              help="Write the linked graphs here instead of the linked-data file every build reads "
                   "($CSTO_KG_HOME/linked.trig).")
@click.option("--states", "states", multiple=True, callback=_qids, metavar="Q...",
              help="Extra candidate states by Wikidata id (Q37 Q211 …, or Q37,Q211); repeatable.")
@click.argument("more_states", nargs=-1, callback=_qids, metavar="[Q...]")
@click.option("--set", "sets", multiple=True, type=click.Choice(sorted(NAMED_SETS)),
              help="A named set of extra candidates: post-soviet = the former Soviet republics "
                   "the article does not name.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              metavar="S", help="Seconds to wait for the endpoint to accept a request or send more of its answer.")
@click.option("--retries", type=click.IntRange(min=0), default=4, show_default=True,
              help="Retries after 429 Too Many Requests or a 5xx error (with backoff).")
@click.option("--batch-size", type=click.IntRange(min=1), default=50, show_default=True,
              help="Wikidata ids per request.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, metavar="F.json",
              help="Also write the report (what was linked, each discrepancy) as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress and no printed report.")
def link(endpoint, out, states, more_states, sets, timeout, retries, batch_size, report_path, quiet):
    """Fetch open-data facts about the states (Wikidata by default).

    UN membership, labels, ISO 3166-1 codes and DBpedia links go into the reasoned graph;
    everything else Wikidata says (diplomatic relations, former members, parts of the CSTO
    item) is kept outside it. Open data never overrides the article: where they disagree,
    the discrepancy is reported. The file is replaced only when every request succeeded.

    Extra candidates: csto-kg link --states Q37 Q211, or --set post-soviet.
    """
    extra = list(dict.fromkeys([*states, *more_states,
                                *(q for name in sets for q in NAMED_SETS[name])]))
    target = out or linked_file()
    existed = target.exists()
    progress = Progress(endpoint, quiet)
    try:
        try:
            result = fetch_and_link(endpoint, extra, timeout=timeout, retries=retries,
                                    batch_size=batch_size, progress=progress,
                                    on_retry=progress.retry)
        finally:
            progress.close()
        write_linked(result, target)
        if report_path:
            write_report(result, report_path)
    except CstoKgError as e:
        click.echo(f"error: {e}", err=True)
        click.echo(f"Nothing was written; {target} is unchanged." if existed else
                   f"Nothing was written; {target} was not created.", err=True)
        sys.exit(EXIT_FAILED)
    except OSError as e:
        click.echo(f"error: cannot write {e.filename or target}: {e.strerror or e}", err=True)
        sys.exit(EXIT_FAILED)
    if not quiet:
        click.echo(format_report(result.report))
        click.echo(f"Wrote {target}" + (f" and {report_path}" if report_path else "") + ".")
        if target.suffix.lower() not in (".trig", ".nq"):
            click.echo(f"Only the reasoned (linked) graph is in {target.name}; "
                       "write .trig to keep the outside graph too.")
        if out is None:
            click.echo("`csto-kg explain` and `csto-kg query` now reason with these facts.")
