"""The work done in worker processes for the SPARQL protocol: queries, updates, graph counts and
verdicts. The pages have their own jobs (linked_data_jobs.py, view_jobs.py).

Each job is a module-level function `job(context, **arguments)`, or a method of an Update (an
update's steps, with its text and options), so that it pickles by name; the context (the
graph and the operator's limits) is not sent but inherited when the worker is forked. A job
returns a picklable value or raises Refused.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field

import pyoxigraph as ox

from csto_kg.graph.errors import CannotWrite, CstoKgError, InconsistencyError, TooManyRows
from csto_kg.graph.namespaces import GRAPH_NAMES, GRAPHS, PREFIXES
from csto_kg.graph.sparql.guards import check_update_is_local
from csto_kg.graph.sparql.messages import readable_service_failure, readable_syntax_error
from csto_kg.graph.sparql.operations import DATA_KINDS, operations
from csto_kg.graph.sparql.results import write_boolean, write_solutions, write_triples
from csto_kg.graph.sparql.tokens import starts_with_keyword
from csto_kg.graph.store import KnowledgeGraph

from .errors import Refused, refusal
from .negotiation import GRAPH, RESULTS, Negotiation, NotAcceptable


@dataclass
class WorkerContext:
    """What every worker inherits: the graph and the limits the operator set."""

    kg: KnowledgeGraph
    max_rows: int = 100_000
    allowed_services: tuple[str, ...] = ()
    counts: dict | None = None  # graph_counts, kept in line by each update


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    headers: dict = field(default_factory=dict)


def content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type


# -- Queries --------------------------------------------------------------------------------


def run_query(ctx: WorkerContext, text: str, negotiation: Negotiation,
              default_graphs: list[str] | None = None,
              named_graphs: list[str] | None = None,
              implied: bool = True, linked: bool = True) -> Answer:
    """The query's answer, from the served graph or (implied/linked False) a view without those
    sources, reasoned afresh."""
    try:
        result = ctx.kg.view(implied=implied, linked=linked).query(
            text,
            default_graph_uris=default_graphs or None,
            named_graph_uris=named_graphs or None,
            allowed_services=ctx.allowed_services,
        )
    except CstoKgError as e:
        raise refusal(e) from None
    kind = GRAPH if isinstance(result, ox.QueryTriples) else RESULTS
    try:
        fmt = negotiation.choose(kind)
    except NotAcceptable as e:
        raise Refused(406, str(e)) from None
    try:
        if isinstance(result, ox.QueryBoolean):
            body = write_boolean(bool(result), fmt)
        elif isinstance(result, ox.QuerySolutions):
            body = write_solutions(result, fmt, ctx.max_rows)
        else:
            body = write_triples(result, fmt, ctx.max_rows)
    except TooManyRows as e:
        raise Refused(422, str(e), headers={"X-Max-Rows": str(e.limit)}) from None
    except CannotWrite as e:
        raise Refused(406, str(e)) from None
    except (OSError, RuntimeError, ValueError) as e:
        # Oxigraph evaluates lazily: a failing SERVICE call surfaces while rows are read.
        if starts_with_keyword(text, "SERVICE"):
            raise Refused(502, f"a SERVICE endpoint failed: {readable_service_failure(e)}") from None
        raise Refused(400, f"query evaluation failed: {e}") from None
    return Answer(200, content_type(fmt.media_type), body)


# -- Updates --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Update:
    """A SPARQL Update on its way into the served graph: three steps, in this order, each run
    where pool.py runs it.

    1. trial, in a worker under the time limit like a query: the update written to the worker's
       copy and reasoned over; the change it made. INSERT DATA and DELETE DATA evaluate no
       pattern and cannot run away, so they need none, unless their change is persisted.
    2. persist, in the web process: the change written through to the on-disk store the graph
       was loaded from (RocksDB's threads do not survive a fork, so no forked process opens it);
       if it cannot be saved, it is refused and not applied.
    3. apply, in the zygote, then in each idle worker: what the trial wrote, with no pattern
       left to evaluate; without a trial, the update itself.

    base_iri resolves its relative IRIs; using, using_named: the request's using-graph-uri and
    using-named-graph-uri graphs."""

    text: str
    base_iri: str | None = None
    using: tuple[str, ...] = ()
    using_named: tuple[str, ...] = ()

    def needs_trial(self, ctx: WorkerContext) -> bool:
        """Whether step 1 is needed (else the zygote applies the update at once)."""
        return ctx.kg.persist_to is not None or any(op.kind not in DATA_KINDS for op in operations(self.text))

    def trial(self, ctx: WorkerContext):
        """The update run and reasoned over here; the change (quads in and out, what it wrote)."""
        return _counted(ctx, _refusing(functools.partial(self._run, ctx), self.text))

    def persist(self, ctx: WorkerContext, change) -> None:
        try:
            ctx.kg.persist_update(change)
        except (CstoKgError, OSError, SyntaxError, ValueError) as e:
            raise Refused(503, f"the update could not be saved to the store, so it was not applied: {e}") from None

    def apply(self, ctx: WorkerContext, written=None) -> tuple[dict, bool]:
        """What the trial wrote, taken here; without it, or for an update that ran whole (CLEAR,
        DROP ...: graphs made or dropped too), the update run here. Returns the new counts and
        whether the change cost a rebuild."""
        if written is None or written.whole:
            change = self.trial(ctx)
        else:
            change = _counted(ctx, _refusing(ctx.kg.take, written))
        return graph_counts(ctx), change.costly

    def _run(self, ctx: WorkerContext, text: str):
        check_update_is_local(text)
        return ctx.kg.update(text, base_iri=self.base_iri, using=self.using, using_named=self.using_named)


def _refusing(change, argument):
    text = argument if isinstance(argument, str) else ""
    try:
        return change(argument)
    except SyntaxError as e:
        raise Refused(400, f"malformed update: {readable_syntax_error(text, str(e), PREFIXES, 'update')}") from None
    except InconsistencyError as e:
        raise refusal(e, "the update was not applied: ") from None
    except CstoKgError as e:
        raise refusal(e) from None
    except (OSError, ValueError) as e:
        raise Refused(400, f"update failed: {e}") from None


def _counted(ctx: WorkerContext, change):
    """Keep the counts in line with a change, which costs what it changed, not a count of all."""
    if ctx.counts is not None:
        ctx.counts = None if change.whole else recounted(ctx.counts, change)
    return change


def store_counts(ctx: WorkerContext) -> dict[str, dict]:
    """graph_counts, with an unreachable store as a 502."""
    try:
        return graph_counts(ctx)
    except CstoKgError as e:
        raise refusal(e) from None


def graph_counts(ctx: WorkerContext) -> dict[str, dict]:
    """Triples per graph: the build's named graphs, any other named graph, the default graph.
    Counted once, then kept by each update (a shared store's are counted each time)."""
    kg = ctx.kg
    if ctx.counts is not None and not kg.shared:
        return ctx.counts
    sizes = {iri: kg.triples_in(ox.NamedNode(iri)) for iri in kg.graph_names()}
    sizes[None] = kg.triples_in(ox.DefaultGraph())
    counts = _arranged(sizes)
    if not kg.shared:
        ctx.counts = counts
    return counts


def recounted(counts: dict[str, dict], change) -> dict[str, dict]:
    """The counts after a change of whole quads."""
    sizes = {entry["iri"]: entry["triples"] for entry in counts.values()}
    for quads, step in ((change.added, 1), (change.removed, -1)):
        for q in quads:
            iri = None if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
            sizes[iri] = sizes.get(iri, 0) + step
    return _arranged(sizes)


def _arranged(sizes: dict) -> dict[str, dict]:
    """By short name: the build's graphs first, then the others by IRI; the default graph (None)
    only when it holds something."""
    order = list(GRAPHS.values()) + sorted(set(sizes) - set(GRAPHS.values()) - {None})
    counts: dict[str, dict] = {GRAPH_NAMES.get(iri, iri): {"iri": iri, "triples": sizes.get(iri, 0)} for iri in order}
    if sizes.get(None):
        # Updates without a GRAPH clause write here; queries see it in the union.
        counts["default"] = {"iri": None, "triples": sizes[None]}
    return counts


# -- Explanations ---------------------------------------------------------------------------


def explain_state(ctx: WorkerContext, state: str, status: str, facts: bytes | None = None,
                  fmt: str = "turtle", why: bool = False, implied: bool = True, linked: bool = True) -> bytes:
    """The verdict as JSON; with facts, the what-if verdict over the graph plus those facts;
    implied/linked False: over a view without those sources, as the page's verdict is."""
    from csto_kg.graph.explanation.verdicts import explain, what_if
    try:
        kg = ctx.kg.view(implied=implied, linked=linked)
        if facts is None:
            verdict = explain(kg, state, status=status, why=why)
        else:
            rdf_format = ox.RdfFormat.N_TRIPLES if fmt == "n-triples" else ox.RdfFormat.TURTLE
            verdict = what_if(kg, state, facts, status=status, fmt=rdf_format)
    except InconsistencyError as e:
        raise refusal(e, "the assumed facts contradict the graph: ") from None
    except CstoKgError as e:
        raise refusal(e) from None
    return json.dumps(verdict, ensure_ascii=False).encode("utf-8")
