"""The reasoned graph as a queryable store: Oxigraph's SPARQL engine over the build's named graphs.

Oxigraph passes the W3C SPARQL test suites and answers in milliseconds, which rdflib's engine
does not (docs/decisions/0007: `ASK { FILTER(false) }`, `CONSTRUCT ... LIMIT`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .bridge import to_rdflib
from .errors import InconsistencyError, QueryError, StoreError, first_line
from .namespaces import GRAPHS, INFERRED, OWL, PREFIXES, RDF
from .reasoning.axioms import Inputs, axioms_for, generated_axiom_quads, may_change_inputs
from .reasoning.reason import NOT_REASONED, Reasoner, reasoned_triples, reasoner_for
from .sparql.dataset import names_its_dataset
from .sparql.guards import check_nesting, check_services
from .sparql.messages import readable_service_failure, readable_syntax_error
from .sparql.operations import DATA_KINDS, Operation, operations
from .sparql.tokens import keyword_present, starts_with_keyword

_VERSIONS = itertools.count(1)
_TYPE = ox.NamedNode(str(RDF.type))
_AXIOM = ox.NamedNode(str(OWL.Axiom))


@dataclass(frozen=True)
class Change:
    """What an update did to the store, quad by quad."""

    added: set = field(default_factory=set)
    removed: set = field(default_factory=set)
    written: Change | None = None  # what the update itself wrote, before the reasoning after it
    whole: bool = False  # it ran whole: it may have made or dropped an empty graph besides
    costly: bool = False  # it was followed over the whole graph, at a rebuild's cost


class KnowledgeGraph:
    """A built graph: its named graphs in one Oxigraph store, the default graph their union.

    The store is in memory (`build()`), or on disk when `location` is set (`--store PATH`,
    graph/stores.py); RemoteKnowledgeGraph there puts a SPARQL 1.1 server behind the same
    methods. The interface: query, quads, update, counts (triples_in, graph_names), snapshot,
    replace_build; where rdflib's ecosystem is needed (the Protégé bundle, the ontology page,
    justifications) `rdflib_graph` gives one named graph as an rdflib graph, converted once
    while the graph does not change. Nothing outside reads the engine itself.
    """

    shared = False  # whether the data lives outside this process, where others may change it

    def __init__(self, store: ox.Store, key: str = "", location: Path | None = None,
                 persist_to: Path | None = None, reasoner=None):
        self._store = store  # the engine: read only through the methods below
        self.key = key
        self._reasoner = reasoner  # the closure behind the inferred graph, once it is needed
        self.location = location  # the on-disk store this reads, if any
        self.persist_to = persist_to  # the on-disk store updates are also written to, if any
        # The graph's version: what was computed from the graph is stale once it moves. Each change
        # takes a number never used before, so a graph put back as it was may take its old one.
        self.changes = 0

    @classmethod
    def of(cls, quads, key: str = "") -> KnowledgeGraph:
        """A graph of the quads in memory, as they are: nothing reasoned."""
        store = ox.Store()
        store.bulk_extend(quads)
        return cls(store, key)

    def infer(self) -> KnowledgeGraph:
        """Write the closure of the inputs (every graph but the inferred and the outside one) to
        the inferred graph of a graph just made, and keep it for the updates to come."""
        self._reasoner = reasoner_for(reasoned_triples(self.quads()))
        inferred = ox.NamedNode(INFERRED)
        self._store.extend(ox.Quad(s, p, o, inferred) for s, p, o in self._reasoner.inferred)
        return self

    @classmethod
    def from_nquads(cls, path: Path, key: str = "") -> KnowledgeGraph:
        # parse() keeps the blank nodes' names (Store.load renames them): the member axioms'
        # stable names are how an update that changes the members finds the old ones.
        return cls.of(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS, rename_blank_nodes=False), key)

    def rdflib_graph(self, iri: str):
        """The named graph iri as an rdflib graph, for reading only: it is shared by every caller
        until the graph changes (never kept for a store others may change)."""
        cache = self.__dict__.setdefault("_rdflib", {})  # graph IRI → (changes, rdflib graph)
        cached = cache.get(iri)
        if cached is not None and cached[0] == self.changes and not self.shared:
            return cached[1]
        graph = to_rdflib(self.quads(None, None, None, ox.NamedNode(iri)))
        cache[iri] = (self.changes, graph)
        return graph

    def counts(self) -> dict[str, int]:
        """Triples per named graph of the build, by short name."""
        return {name: self.triples_in(ox.NamedNode(iri)) for name, iri in GRAPHS.items()}

    def triples_in(self, graph: ox.NamedNode | ox.DefaultGraph) -> int:
        """How many triples one graph holds."""
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, graph))

    def graph_names(self) -> list[str]:
        return [g.value for g in self._store.named_graphs()]

    def quads(self, subject=None, predicate=None, object=None, graph=None):
        """The quads matching a pattern (None matches anything; graph None: every graph)."""
        return self._store.quads_for_pattern(subject, predicate, object, graph)

    # -- changing, with the reasoning kept true --------------------------------------------

    @property
    def reasoner(self) -> Reasoner:
        """The closure behind the inferred graph: the build's, or computed from the store once.
        A shared store may have been changed by another process, so it is read afresh."""
        if self._reasoner is None or self.shared:
            self._reasoner = reasoner_for(reasoned_triples(self.quads()))
        return self._reasoner

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
        quad, so that they cost what they change: the WHERE pattern is evaluated by Oxigraph, and
        its solutions fill the templates in a scratch store. An update with any other operation
        (CLEAR, DROP, WITH ...) or a SERVICE clause runs whole, and what it did is read by
        comparing every quad before and after."""
        ops = operations(text)
        if self.shared or any(op.kind == "other" for op in ops) or keyword_present(text, "SERVICE"):
            before = set(self.quads())
            self._run_update(text, base_iri, using, using_named)
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
        if op.using:
            dataset = {}
        elif using or using_named:
            dataset = {"default_graph": [ox.NamedNode(u) for u in using],
                       "named_graphs": [ox.NamedNode(u) for u in using_named]}
        else:
            dataset = {"use_default_graph_as_union": True}
        solutions = self._store.query(f"{op.prologue}SELECT * {op.using} WHERE {op.where}", prefixes=PREFIXES,
                                      base_iri=base_iri, **dataset)
        names = solutions.variables
        rows = [tuple(row[v] for v in names) for row in solutions]
        return {"removed": _instantiate(op.prologue, op.delete, names, rows, base_iri),
                "added": _instantiate(op.prologue, op.insert, names, rows, base_iri)}

    def _put(self, change: Change, *, added=(), removed=()) -> None:
        """Remove, then add, quads in the store, noting in change what that did to it."""
        for q in removed:
            if q in self._store:
                self._store.remove(q)
                change.added.discard(q) if q in change.added else change.removed.add(q)
        for q in added:
            if q not in self._store:
                self._store.add(q)
                change.removed.discard(q) if q in change.removed else change.added.add(q)

    @contextmanager
    def assuming(self, quads) -> Iterator[KnowledgeGraph]:
        """The graph with quads added and reasoned over, for the block only: the graph a what-if
        question is asked of. Raises InconsistencyError when the quads clash with the graph.

        In memory the quads are added, then taken out again, which costs what they change (and
        the graph is not for other threads meanwhile); a store on disk or shared by others is
        copied into memory instead, and left alone."""
        if self.location is not None or self.shared:
            other = KnowledgeGraph.of(self.quads())
            other._reasoner = self.reasoner.copy()
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
            if not self.shared and not may_change_inputs(touched) and not _annotations_among(touched):
                return self._follow_change(reasoner, change)
            quads = set(self.quads())
            before = (quads - change.added) | change.removed
            after = self._follow(reasoner, before, quads)
            return Change(added=after - before, removed=before - after, costly=True)
        except InconsistencyError:
            current = set(self.quads()) if self.shared else set()
            self._apply(add=set(change.removed), remove=set(change.added), current=current)
            raise

    def _follow_change(self, reasoner: Reasoner, change: Change) -> Change:
        """The inferences for a change that leaves the generated axioms alone, from the change."""
        gained, lost = reasoner.change({_triple(q) for q in change.added if self._reasoned(q)},
                                       {_triple(q) for q in change.removed if not self._still_reasoned(q)})
        inferred = ox.NamedNode(INFERRED)
        # The inferred graph is the reasoner's alone: what an update wrote there itself is undone.
        add = {ox.Quad(*t, inferred) for t in gained} | {
            q for q in change.removed if q.graph_name == inferred and _triple(q) in reasoner.inferred}
        remove = {ox.Quad(*t, inferred) for t in lost} | {
            q for q in change.added if q.graph_name == inferred and _triple(q) not in reasoner.inferred}
        self._apply(add=add, remove=remove, current=set())
        return Change(added=(change.added - remove) | (add - change.removed),
                      removed=(change.removed - add) | (remove - change.added), costly=reasoner.afresh)

    def _reasoned(self, q: ox.Quad) -> bool:
        """Whether the reasoner reads this quad's triple (reason.reasoned_triples, for one quad)."""
        return q.graph_name not in NOT_REASONED and not any(
            a.graph_name not in NOT_REASONED for a in self._store.quads_for_pattern(q.subject, _TYPE, _AXIOM))

    def _still_reasoned(self, q: ox.Quad) -> bool:
        """Whether the store still holds q's triple where the reasoner reads it."""
        return any(self._reasoned(other) for other in self._store.quads_for_pattern(q.subject, q.predicate, q.object))

    def _follow(self, reasoner: Reasoner, before: set, quads: set) -> set:
        """The generated axioms and inferences for the data in quads; returns the quads after."""
        add, remove = set(), set()
        old, new = Inputs(before), Inputs(quads)
        if old.key() != new.key():
            now = set(axioms_for(new))
            remove |= generated_axiom_quads(quads) - now
            add |= now - quads
        inputs = reasoned_triples((quads - remove) | add)
        reasoner.change(inputs - reasoner.inputs, reasoner.inputs - inputs)
        inferred = ox.NamedNode(INFERRED)
        served = {(q.subject, q.predicate, q.object) for q in quads if q.graph_name == inferred}
        remove |= {ox.Quad(*t, inferred) for t in served - reasoner.inferred}
        add |= {ox.Quad(*t, inferred) for t in reasoner.inferred - served}
        self._apply(add=add, remove=remove, current=quads)
        return (quads - remove) | add

    def _run_update(self, text: str, base_iri: str | None = None, using: tuple[str, ...] = (),
                    using_named: tuple[str, ...] = ()) -> None:
        """Oxigraph's update has no union option: an update that may read a pattern or the
        default graph (a name starting with WHERE or DEFAULT) runs on a copy whose default
        graph is what its WHERE reads, and what it changed there is changed here."""
        if using_named:  # a copy cannot hide named graphs from a WHERE alone
            raise QueryError("using-named-graph-uri applies to DELETE/INSERT ... WHERE; this update has "
                             "an operation that is run whole (CLEAR, DROP, WITH, SERVICE, ...) or could "
                             "not be read with certainty: send it without using-named-graph-uri")
        if not (using or starts_with_keyword(text, "WHERE") or starts_with_keyword(text, "DEFAULT")):
            self._store.update(text, prefixes=PREFIXES, base_iri=base_iri)  # INSERT DATA and the like
            return
        default, read = ox.DefaultGraph(), {ox.NamedNode(u) for u in using}
        quads = [q for q in self.quads() if not (using and q.graph_name == default)]
        before = set(quads) | {ox.Quad(q.subject, q.predicate, q.object, default) for q in quads
                               if q.graph_name != default and (not using or q.graph_name in read)}
        copy = ox.Store()
        copy.extend(before)  # bulk_extend is 25 times slower on a store in memory
        copy.update(text, prefixes=PREFIXES, base_iri=base_iri)
        after = set(copy)
        self._apply(add=after - before, remove=before - after, current=set())

    def _apply(self, *, add: set, remove: set, current: set) -> None:
        """Change the store by whole quads (current: what it holds now, if a store needs it)."""
        for q in remove:
            self._store.remove(q)
        self._store.extend(add)
        if self.location is not None:
            self._store.flush()

    def holds_build(self) -> bool:
        """Whether the store holds a build: its ontology graph is never empty."""
        return bool(self.query(f"ASK {{ GRAPH <{GRAPHS['ontology']}> {{ ?s ?p ?o }} }}"))

    def snapshot(self) -> KnowledgeGraph:
        """A copy in memory of the graphs as they are now, which later changes here do not touch."""
        return KnowledgeGraph.of(self.quads(), self.key)

    def replace_build(self, built: KnowledgeGraph) -> KnowledgeGraph:
        """Make this store hold built's graphs in place of the build it holds, leaving any other
        graph alone; returns the graph that now holds the build. On disk one update is one
        transaction: a failure leaves the old graphs, never half of the new ones."""
        if self.location is None:
            return built
        drops = " ".join(f"DROP SILENT GRAPH <{iri}> ;" for iri in GRAPHS.values())
        blocks = []
        for iri in GRAPHS.values():
            body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in built.quads(graph=ox.NamedNode(iri)))
            if body:
                blocks.append(f"GRAPH <{iri}> {{\n{body}\n}}")
        try:
            self._store.update(drops + (" INSERT DATA {\n" + "\n".join(blocks) + "\n}" if blocks else ""))
            self._store.flush()
        except (OSError, SyntaxError, ValueError) as e:
            raise StoreError(f"{self.location}: writing the build failed, nothing was changed: "
                             f"{first_line(e)}") from None
        self.key = built.key
        return self

    def for_serving(self) -> KnowledgeGraph:
        """What the server's forked workers may share: an on-disk store is copied into memory
        (a RocksDB handle must not cross a fork), and updates are also written to the disk."""
        if self.location is None:
            return self
        memory = self.snapshot()
        memory.persist_to = self.location
        return memory

    def persist_update(self, change: Change) -> None:
        """Write an update's change to the on-disk store this in-memory copy came from, if any.
        The server's web process does this, never its zygote or a worker (RocksDB's threads do
        not survive a fork), and closes the store again at once."""
        if self.persist_to is None:
            return
        disk = open_disk_for_writing(self.persist_to)
        try:
            for q in change.removed:
                disk.remove(q)
            disk.extend(change.added)
            disk.flush()
        finally:
            del disk

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
        check_services(text, allowed_services)
        options: dict = {"prefixes": PREFIXES}
        if default_graph_uris or named_graph_uris:
            # The protocol's dataset, whole: what it does not name is empty, FROM is overridden.
            options["default_graph"] = [ox.NamedNode(u) for u in default_graph_uris or ()]
            options["named_graphs"] = [ox.NamedNode(u) for u in named_graph_uris or ()]
        elif not query_names_its_dataset(text):
            # Oxigraph's union option would override a query's own FROM clauses.
            options["use_default_graph_as_union"] = True
        if substitutions:
            options["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
        try:
            return self._store.query(text, **options)
        except SyntaxError as e:
            raise QueryError(f"malformed query: {readable_syntax_error(text, str(e), PREFIXES)}") from None
        except OSError as e:
            raise QueryError(f"query failed: {readable_service_failure(e)}") from None


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


def _annotations_among(quads) -> bool:
    return any(q.predicate == _TYPE and q.object == _AXIOM for q in quads)


def open_disk_for_writing(path: Path) -> ox.Store:
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path}: not a folder; --store takes a folder or an http(s) URL")
    if path.is_dir() and any(path.iterdir()) and not (path / "CURRENT").is_file():
        raise StoreError(f"{path}: the folder is not empty and is not an Oxigraph store")
    try:
        return ox.Store(str(path))
    except OSError as e:
        hint = " (is another csto-kg or oxigraph using it?)" if "lock" in str(e).lower() else ""
        raise StoreError(f"{path}: cannot open the store for writing: {first_line(e)}{hint}") from None
