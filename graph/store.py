"""The reasoned graph as a queryable store: one KnowledgeGraph over an engine backend.

The backend holds the quads and answers queries: LocalStore (backend.py: Oxigraph in this
process, in memory or on disk), or RemoteStore (stores.py, a SPARQL 1.1 store). The graph keeps
the reasoning true through updates, makes views without some graphs, and keeps what it
computed from the graph until the graph changes (docs/decisions/0023).

Oxigraph passes the W3C SPARQL test suites and answers in milliseconds, which rdflib's engine
does not (docs/decisions/0007: `ASK { FILTER(false) }`, `CONSTRUCT ... LIMIT`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .backend import Backend, Dataset, LocalStore, open_disk_for_writing
from .bridge import to_rdflib
from .errors import InconsistencyError, QueryError
from .namespaces import GRAPHS, IMPLIED, INFERRED, LINKED, OUTSIDE, PREFIXES
from .reasoning.axioms import axiom_refresh, may_change_inputs
from .reasoning.reason import ANNOTATION, Reasoner, is_axiom_annotation, reasoned_triples, reasoner_for
from .sparql.dataset import names_its_dataset
from .sparql.guards import check_nesting, check_services
from .sparql.messages import readable_service_failure, readable_syntax_error
from .sparql.operations import DATA_KINDS, Operation, operations
from .sparql.tokens import keyword_present
from .terms import GRAPH

_VERSIONS = itertools.count(1)
# The default graph, among the graphs a view leaves out: where SPARQL Update may write.
DEFAULT = ""


@dataclass(frozen=True)
class Change:
    """What an update did to the store, quad by quad."""

    added: set = field(default_factory=set)
    removed: set = field(default_factory=set)
    written: Change | None = None  # what the update itself wrote, before the reasoning after it
    whole: bool = False  # it ran whole: it may have made or dropped an empty graph besides
    costly: bool = False  # it was followed over the whole graph, at a rebuild's cost


class KnowledgeGraph:
    """A built graph: its named graphs in one backend, the default graph their union.

    The interface: query, quads, update, counts (triples_in, graph_names), snapshot, view and
    without, replace_build; where rdflib's ecosystem is needed (the Protégé bundle, the ontology
    page, justifications) `rdflib_graph` gives one named graph as an rdflib graph, converted
    once while the graph does not change.
    """

    def __init__(self, backend: Backend, key: str = "", *, persist_to: Path | None = None,
                 reasoner: Reasoner | None = None):
        self.backend = backend
        self.key = key
        self.shared = backend.shared  # others may change the data: nothing computed from it is kept
        self.persist_to = persist_to  # the on-disk store updates are also written to, if any
        self._reasoner = reasoner  # the closure behind the inferred graph, once it is needed
        # The graph's version: what was computed from the graph is stale once it moves. Each change
        # takes a number never used before, so a graph put back as it was may take its old one.
        self.changes = 0
        self._kept: dict = {}  # what kept() computed: key → (version, value)

    @classmethod
    def of(cls, quads, key: str = "", *, reasoner: Reasoner | None = None) -> KnowledgeGraph:
        """A graph of the quads in memory, as they are: nothing reasoned."""
        return cls(LocalStore.holding(quads), key, reasoner=reasoner)

    @classmethod
    def from_nquads(cls, path: Path, key: str = "") -> KnowledgeGraph:
        # parse() keeps the blank nodes' names (Store.load renames them): the member axioms'
        # stable names are how an update that changes the members finds the old ones.
        return cls.of(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS, rename_blank_nodes=False), key)

    def infer(self) -> KnowledgeGraph:
        """Write the closure of the inputs (every graph but the inferred and the outside one) to
        the inferred graph of a graph just made, and keep it for the updates to come."""
        self._reasoner = reasoner_for(reasoned_triples(self.quads()))
        inferred = GRAPH.inferred
        self.backend.apply(add={ox.Quad(s, p, o, inferred) for s, p, o in self._reasoner.inferred}, remove=set())
        return self

    @property
    def in_memory(self) -> bool:
        """Whether the graph is in this process's memory alone (not on disk, not shared)."""
        return self.backend.location is None and not self.shared

    # -- reading ---------------------------------------------------------------------------

    def kept(self, key, make: Callable):
        """make(), computed once and shared by every caller until the graph changes; never kept
        for a store others may change. Each key keeps one value: a graph put back as it was
        (assuming) finds what was computed from it before."""
        if self.shared:
            return make()
        version, value = self._kept.get(key, (None, None))
        if version != self.changes:
            value = make()
            self._kept[key] = (self.changes, value)
        return value

    def rdflib_graph(self, iri: str):
        """The named graph iri as an rdflib graph, for reading only (kept: shared by every caller)."""
        return self.kept(("rdflib", iri), lambda: to_rdflib(self.quads(None, None, None, ox.NamedNode(iri))))

    def counts(self) -> dict[str, int]:
        """Triples per named graph of the build, by short name."""
        return {name: self.triples_in(ox.NamedNode(iri)) for name, iri in GRAPHS.items()}

    def triples_in(self, graph: ox.NamedNode | ox.DefaultGraph) -> int:
        """How many triples one graph holds."""
        return self.backend.triples_in(graph)

    def graph_names(self) -> list[str]:
        return self.backend.graph_names()

    def quads(self, subject=None, predicate=None, object=None, graph=None):
        """The quads matching a pattern (None matches anything; graph None: every graph)."""
        return self.backend.quads(subject, predicate, object, graph)

    def query(
        self,
        text: str,
        *,
        default_graph_uris: list[str] | None = None,
        named_graph_uris: list[str] | None = None,
        allowed_services: tuple[str, ...] | list[str] = (),
        substitutions: dict | None = None,
    ):
        """Run a SPARQL 1.1 query; the default graph is the union of the named graphs.

        default_graph_uris / named_graph_uris are the SPARQL Protocol's dataset parameters.
        A SERVICE clause may only name an endpoint in allowed_services.
        Returns pyoxigraph's QuerySolutions, QueryBoolean or QueryTriples.
        """
        check_nesting(text)
        check_services(text, allowed_services)  # before anything is sent
        if default_graph_uris or named_graph_uris:
            dataset = Dataset(tuple(default_graph_uris or ()), tuple(named_graph_uris or ()))
        else:
            dataset = Dataset(own=query_names_its_dataset(text))
        try:
            return self.backend.query(text, dataset, substitutions=substitutions)
        except SyntaxError as e:
            raise QueryError(f"malformed query: {readable_syntax_error(text, str(e), PREFIXES)}") from None
        except OSError as e:
            raise QueryError(f"query failed: {readable_service_failure(e)}") from None

    # -- views ------------------------------------------------------------------------------

    def view(self, *, implied: bool = True, linked: bool = True) -> KnowledgeGraph:
        """The graph as a build without the implied facts and/or the linked data would be (the
        server's `?implied=0`, `?linked=0`): itself when nothing is left out."""
        dropped = set()
        if not implied:
            dropped.add(IMPLIED)
        if not linked:
            dropped |= {LINKED, OUTSIDE}
        return self.without(frozenset(dropped))

    def without(self, graphs: frozenset[str]) -> KnowledgeGraph:
        """A copy in memory without the named graphs in graphs (DEFAULT: the default graph), its
        generated axioms written for the facts that remain and reasoned afresh, kept until the
        graph changes; the graph itself when graphs is empty. The graph is not touched."""
        graphs = frozenset(graphs)
        if not graphs:
            return self
        return self.kept(("without", graphs), lambda: self._without(graphs))

    def _without(self, graphs: frozenset[str]) -> KnowledgeGraph:
        everything = set(self.quads())
        left_out = graphs | {INFERRED}
        quads = {q for q in everything if _name(q.graph_name) not in left_out}
        add, remove = axiom_refresh(everything, quads)
        return KnowledgeGraph.of((quads - remove) | add).infer()

    # -- changing, with the reasoning kept true --------------------------------------------

    @property
    def reasoner(self) -> Reasoner:
        """The closure behind the inferred graph: the build's, or computed from the store once.
        A shared store may have been changed by another process, so it is read afresh."""
        if self._reasoner is None or self.shared:
            self._reasoner = reasoner_for(reasoned_triples(self.quads()))
        return self._reasoner

    def prepare_for_updates(self) -> None:
        """Have the reasoner ready, its indexes built, so that the first update is as quick as the
        rest (the server's zygote does this once). A shared store's is read afresh each time."""
        if not self.shared:
            self.reasoner.prepare_for_changes()

    def update(self, text: str, *, base_iri: str | None = None, using: tuple[str, ...] = (),
               using_named: tuple[str, ...] = ()) -> Change:
        """Run a SPARQL 1.1 Update, then bring the generated axioms and the inferred graph in line
        with the new data, before anyone reads it: inferences are added and retracted, and the
        inferred graph is again the closure a fresh build would compute.

        Its WHERE reads the default graph a query reads, the union of every graph, or the
        merge of the `using` graphs with the `using_named` ones named (the protocol's
        using-graph-uri and using-named-graph-uri, which name the whole dataset); its templates without
        GRAPH write to and delete from the store's own default graph. Relative IRIs resolve
        against base_iri.

        An update that makes the graph inconsistent is undone whole and raises
        InconsistencyError; a malformed one raises SyntaxError, OSError or ValueError as
        Oxigraph does. Returns the quads it added and removed, the inferences included.
        """
        check_nesting(text)
        reasoner = self.reasoner
        self.changes = next(_VERSIONS)
        written = self.write(text, base_iri=base_iri, using=using, using_named=using_named)
        settled = self._settle(reasoner, written)
        return Change(settled.added, settled.removed, written=written, whole=written.whole,
                      costly=settled.costly or written.whole)

    def take(self, change: Change) -> Change:
        """Apply the quads an update wrote in a copy of this graph (the server's trial of it in a
        worker), reasoned over as update() does: no pattern is evaluated again."""
        reasoner = self.reasoner
        self.changes = next(_VERSIONS)
        done = Change()
        self._put(done, added=change.added, removed=change.removed)
        settled = self._settle(reasoner, done)
        return Change(settled.added, settled.removed, written=done, costly=settled.costly)

    def write(self, text: str, *, base_iri: str | None = None, using: tuple[str, ...] = (),
              using_named: tuple[str, ...] = ()) -> Change:
        """Run a SPARQL 1.1 Update on the store alone, nothing reasoned; returns what it did.

        INSERT DATA, DELETE DATA, DELETE WHERE and DELETE/INSERT ... WHERE are applied quad by
        quad, so that they cost what they change: the WHERE pattern is evaluated by the engine,
        and its solutions fill the templates in a scratch store. An update with any other
        operation (CLEAR, DROP, WITH ...) or a SERVICE clause, or one of a shared store, runs
        whole, and what it did is read by comparing every quad before and after."""
        ops = operations(text)
        if self.shared or any(op.kind == "other" for op in ops) or keyword_present(text, "SERVICE"):
            before = set(self.quads())
            self.backend.update(text, base_iri=base_iri, using=using, using_named=using_named)
            after = set(self.quads())
            return Change(added=after - before, removed=before - after, whole=True)
        ox.Store().update(text, prefixes=PREFIXES, base_iri=base_iri)  # Oxigraph's own syntax check, over no data
        change = Change()
        try:
            for op in ops:
                self._put(change, **self._effect(op, base_iri, using, using_named))
        except BaseException:
            self._put(Change(), added=change.removed, removed=change.added)
            raise
        return change

    def _effect(self, op: Operation, base_iri: str | None, using: tuple[str, ...],
                using_named: tuple[str, ...]) -> dict:
        """The quads one operation removes and adds, evaluated on the store as it is now. Its
        WHERE reads what a query's does, the union of the graphs, unless the update (USING) or
        the request (using-graph-uri, using-named-graph-uri: the whole dataset, each part empty
        unless given) names the graphs it reads; templates write where they say."""
        if op.kind in DATA_KINDS:
            quads = _instantiate(op.prologue, op.insert or op.delete, base_iri=base_iri)
            return {"added": quads} if op.kind == "insert data" else {"removed": quads}
        dataset = Dataset(own=True) if op.using else Dataset(tuple(using), tuple(using_named))
        solutions = self.backend.query(f"{op.prologue}SELECT * {op.using} WHERE {op.where}", dataset,
                                       base_iri=base_iri)
        names = solutions.variables
        rows = [tuple(row[v] for v in names) for row in solutions]
        return {"removed": _instantiate(op.prologue, op.delete, names, rows, base_iri),
                "added": _instantiate(op.prologue, op.insert, names, rows, base_iri)}

    def _put(self, change: Change, *, added=(), removed=()) -> None:
        """Remove, then add, quads in the store, noting in change what that did to it."""
        gone = {q for q in removed if self.backend.contains(q)}
        new = {q for q in added if q in gone or not self.backend.contains(q)}
        self.backend.apply(add=new - gone, remove=gone - new)
        for q in gone:
            change.added.discard(q) if q in change.added else change.removed.add(q)
        for q in new:
            change.removed.discard(q) if q in change.removed else change.added.add(q)

    @contextmanager
    def assuming(self, quads) -> Iterator[KnowledgeGraph]:
        """The graph with quads added and reasoned over, for the block only: the graph a what-if
        question is asked of. Raises InconsistencyError when the quads clash with the graph.

        In memory the quads are added, then taken out again, which costs what they change (and
        the graph is not for other threads meanwhile); a store on disk or shared by others is
        copied into memory instead, and left alone."""
        if not self.in_memory:
            other = KnowledgeGraph.of(self.quads(), reasoner=self.reasoner.copy())
            other.take(Change(added=set(quads)))
            yield other
            return
        version, done = self.changes, None
        try:
            done = self.take(Change(added=set(quads))).written
            yield self
        finally:
            if done is not None:
                self.take(Change(added=done.removed, removed=done.added))
            self.changes = version  # as it was: what was computed from it before holds again

    def _settle(self, reasoner: Reasoner, change: Change) -> Change:
        """Bring the generated axioms and the inferred graph in line with a change the store has
        taken; returns it with the inferences. On an inconsistency the change is taken back.

        A change to what the generated axioms are written from (the ontology, the members, the
        requirements) or to the owl:Axiom annotations is followed over the whole graph; any
        other costs what it changes."""
        try:
            touched = change.added | change.removed
            if not self.shared and not may_change_inputs(touched) and not any(map(is_axiom_annotation, touched)):
                return self._follow_change(reasoner, change)
            quads = set(self.quads())
            before = (quads - change.added) | change.removed
            after = self._follow(reasoner, before, quads)
            return Change(added=after - before, removed=before - after, costly=True)
        except InconsistencyError:
            self.backend.apply(add=set(change.removed), remove=set(change.added))
            raise

    def _follow_change(self, reasoner: Reasoner, change: Change) -> Change:
        """The inferences for a change that leaves the generated axioms alone, from the change."""
        gained, lost = reasoner.change({_triple(q) for q in change.added if self._reasoned(q)},
                                       {_triple(q) for q in change.removed if not self._still_reasoned(q)})
        inferred = GRAPH.inferred
        # The inferred graph is the reasoner's alone: what an update wrote there itself is undone.
        add = {ox.Quad(*t, inferred) for t in gained} | {
            q for q in change.removed if q.graph_name == inferred and _triple(q) in reasoner.inferred}
        remove = {ox.Quad(*t, inferred) for t in lost} | {
            q for q in change.added if q.graph_name == inferred and _triple(q) not in reasoner.inferred}
        self.backend.apply(add=add, remove=remove)
        return Change(added=(change.added - remove) | (add - change.removed),
                      removed=(change.removed - add) | (remove - change.added), costly=reasoner.afresh)

    def _reasoned(self, q: ox.Quad) -> bool:
        """Whether the reasoner reads this quad's triple: reasoned_triples, over q and what
        makes its subject an annotation."""
        return bool(reasoned_triples([q, *self.quads(q.subject, *ANNOTATION)]))

    def _still_reasoned(self, q: ox.Quad) -> bool:
        """Whether the store still holds q's triple where the reasoner reads it."""
        return any(self._reasoned(other) for other in self.quads(q.subject, q.predicate, q.object))

    def _follow(self, reasoner: Reasoner, before: set, quads: set) -> set:
        """The generated axioms and inferences for the data in quads; returns the quads after."""
        add, remove = axiom_refresh(before, quads)
        inputs = reasoned_triples((quads - remove) | add)
        reasoner.change(inputs - reasoner.inputs, reasoner.inputs - inputs)
        inferred = GRAPH.inferred
        served = {(q.subject, q.predicate, q.object) for q in quads if q.graph_name == inferred}
        remove |= {ox.Quad(*t, inferred) for t in served - reasoner.inferred}
        add |= {ox.Quad(*t, inferred) for t in reasoner.inferred - served}
        self.backend.apply(add=add, remove=remove, current=quads)
        return (quads - remove) | add

    # -- where the build lives --------------------------------------------------------------

    def holds_build(self) -> bool:
        """Whether the store holds a build (and then the graph takes its key, where known)."""
        key = self.backend.held_build()
        if key:
            self.key = key
        return key is not None

    def snapshot(self) -> KnowledgeGraph:
        """A copy in memory of the graphs as they are now, which later changes here do not touch."""
        return KnowledgeGraph.of(self.quads(), self.key)

    def replace_build(self, built: KnowledgeGraph) -> KnowledgeGraph:
        """Make this store hold built's graphs in place of the build it holds, leaving any other
        graph alone; returns the graph that now holds the build (built itself, in memory). A
        failure leaves the old graphs, never half of the new ones."""
        if self.in_memory:
            return built
        self.backend.replace_build(built)
        self.key = built.key
        return self

    def for_serving(self) -> KnowledgeGraph:
        """What the server's forked workers may share: an on-disk store is copied into memory
        (a RocksDB handle must not cross a fork), and updates are also written to the disk."""
        if self.backend.location is None:
            return self
        return KnowledgeGraph(LocalStore.holding(self.quads()), self.key, persist_to=self.backend.location)

    def persist_update(self, change: Change) -> None:
        """Write an update's change to the on-disk store this in-memory copy came from, if any.
        The server's web process does this, never its zygote or a worker (RocksDB's threads do
        not survive a fork), and closes the store again at once."""
        if self.persist_to is None:
            return
        disk = LocalStore(open_disk_for_writing(self.persist_to), self.persist_to)
        try:
            disk.apply(add=change.added, remove=change.removed)
        finally:
            del disk


def query_names_its_dataset(text: str) -> bool:
    """names_its_dataset (sparql/dataset.py), with Oxigraph's own syntax error first for a
    malformed query that it cannot read."""
    try:
        return names_its_dataset(text)
    except QueryError:
        try:
            ox.Store().query(text, prefixes=PREFIXES)  # parsed over nothing: only its syntax matters
        except SyntaxError as e:
            raise QueryError(f"malformed query: {readable_syntax_error(text, str(e), PREFIXES)}") from None
        raise


_BLANK = "urn:x-csto-kg:blank:"  # a blank node a solution binds, while it passes through a template


def _instantiate(prologue: str, template: str, names=None, rows=None, base_iri: str | None = None) -> list[ox.Quad]:
    """The quads of a template filled with each row of values (names: the variables), or of
    DATA's quads when names is None, as Oxigraph writes them into an empty store."""
    if not template or rows == []:
        return []
    scratch = ox.Store()
    if names is None:
        scratch.update(f"{prologue}INSERT DATA {template}", prefixes=PREFIXES, base_iri=base_iri)
    else:
        values = " ".join("(" + " ".join(_sparql_term(t) for t in row) + ")" for row in rows)
        variables = " ".join(str(v) for v in names)
        scratch.update(f"{prologue}INSERT {template} WHERE {{ VALUES ({variables}) {{ {values} }} }}",
                       prefixes=PREFIXES, base_iri=base_iri)
    return [ox.Quad(*(_unblank(t) for t in (q.subject, q.predicate, q.object, q.graph_name))) for q in scratch]


def _sparql_term(term) -> str:
    if term is None:
        return "UNDEF"
    if isinstance(term, ox.BlankNode):  # VALUES cannot hold one; the same IRI stands for it
        return f"<{_BLANK}{term.value}>"
    return str(term)


def _unblank(term):
    if isinstance(term, ox.NamedNode) and term.value.startswith(_BLANK):
        return ox.BlankNode(term.value[len(_BLANK):])
    return term


def _triple(q: ox.Quad) -> tuple:
    return q.subject, q.predicate, q.object


def _name(graph) -> str:
    return DEFAULT if isinstance(graph, ox.DefaultGraph) else graph.value
