"""The reasoned graph as a queryable store: Oxigraph's SPARQL engine over the build's named graphs.

Oxigraph passes the W3C SPARQL test suites and answers in milliseconds, which rdflib's engine
does not (docs/decisions/0007: `ASK { FILTER(false) }`, `CONSTRUCT ... LIMIT`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .bridge import to_rdflib
from .errors import InconsistencyError, QueryError, StoreError, first_line
from .namespaces import GRAPHS, INFERRED, PREFIXES
from .reasoning.axioms import Inputs, axioms_for, generated_axiom_quads
from .reasoning.reason import Reasoner, reasoned_triples
from .sparql.guards import check_nesting, check_services
from .sparql.messages import readable_service_failure, readable_syntax_error
from .sparql.tokens import keyword_present


@dataclass(frozen=True)
class Change:
    """What an update did to the store, quad by quad."""

    added: set = field(default_factory=set)
    removed: set = field(default_factory=set)


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
        self.changes = 0  # updates run so far: what was computed from the graph is stale once it moves

    @classmethod
    def of(cls, quads, key: str = "") -> KnowledgeGraph:
        """A graph of the quads in memory, as they are: nothing reasoned."""
        store = ox.Store()
        store.bulk_extend(quads)
        return cls(store, key)

    def infer(self) -> KnowledgeGraph:
        """Write the closure of the inputs (every graph but the inferred and the outside one) to
        the inferred graph of a graph just made, and keep it for the updates to come."""
        self._reasoner = Reasoner(reasoned_triples(self.quads()))
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
            self._reasoner = Reasoner(reasoned_triples(self.quads()))
        return self._reasoner

    def update(self, text: str) -> Change:
        """Run a SPARQL 1.1 Update, then bring the generated axioms and the inferred graph in line
        with the new data, before anyone reads it: inferences are added and retracted, and the
        inferred graph is again the closure a fresh build would compute.

        An update that makes the graph inconsistent is undone whole and raises
        InconsistencyError; a malformed one raises SyntaxError, OSError or ValueError as
        Oxigraph does. Returns the quads it added and removed, the inferences included.
        """
        check_nesting(text)
        reasoner = self.reasoner
        before = set(self.quads())
        self.changes += 1
        self._run_update(text)
        quads = set(self.quads())
        try:
            quads = self._follow(reasoner, before, quads)
        except InconsistencyError:
            self._apply(add=before - quads, remove=quads - before, current=quads)
            raise
        return Change(added=quads - before, removed=before - quads)

    def assuming(self, quads) -> KnowledgeGraph:
        """A copy in memory with quads added and reasoned over, this graph left as it was: the
        graph a what-if question is asked of. Raises InconsistencyError when the quads clash
        with the graph."""
        other = KnowledgeGraph.of(self.quads())
        other._reasoner = self.reasoner.copy()
        before = set(other.quads())
        other._store.extend(quads)
        other._follow(other.reasoner, before, set(other.quads()))
        return other

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

    def _run_update(self, text: str) -> None:
        self._store.update(text, prefixes=PREFIXES)

    def _apply(self, *, add: set, remove: set, current: set) -> None:
        """Change the store by whole quads (current: what it holds now)."""
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
        if default_graph_uris:
            options["default_graph"] = [ox.NamedNode(u) for u in default_graph_uris]
        elif not keyword_present(text, "FROM"):
            # The union, unless the query names its own dataset: Oxigraph's union option
            # would silently override its FROM clauses.
            options["use_default_graph_as_union"] = True
        if named_graph_uris:
            options["named_graphs"] = [ox.NamedNode(u) for u in named_graph_uris]
        if substitutions:
            options["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
        try:
            return self._store.query(text, **options)
        except SyntaxError as e:
            raise QueryError(f"malformed query: {readable_syntax_error(text, str(e), PREFIXES)}") from None
        except OSError as e:
            raise QueryError(f"query failed: {readable_service_failure(e)}") from None


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
