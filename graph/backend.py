"""The engine a KnowledgeGraph (store.py) runs on: the interface it asks of one (Backend, with
the Dataset a query reads), and the one in this process, LocalStore: Oxigraph in memory or on
disk. The other is RemoteStore, a SPARQL 1.1 store (stores.py). docs/decisions/0023.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pyoxigraph as ox

from .errors import QueryError, StoreError, first_line
from .namespaces import GRAPHS, PREFIXES
from .sparql.tokens import starts_with_keyword
from .terms import GRAPH

if TYPE_CHECKING:
    from .store import KnowledgeGraph


@dataclass(frozen=True)
class Dataset:
    """The graphs a query reads (sparql/dataset.py): the union of every graph as its default
    graph unless it names its own (`own`: FROM, FROM NAMED, an update's USING) or the request
    names them (the protocol's default and named graphs, whole: what it leaves out is empty)."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()
    own: bool = False

    @property
    def union(self) -> bool:
        return not (self.own or self.default or self.named)


class Backend(Protocol):
    """What a KnowledgeGraph asks of the engine holding its quads; nothing else reads the engine.
    Engine errors pass through as they are (SyntaxError, OSError, or a CstoKgError)."""

    shared: bool  # the data lives outside this process, where others may change it
    location: Path | None  # the folder of a store on disk

    def query(self, text: str, dataset: Dataset, *, base_iri: str | None = None,
              substitutions: dict | None = None): ...

    def quads(self, subject=None, predicate=None, object=None, graph=None) -> Iterator[ox.Quad]: ...

    def contains(self, quad: ox.Quad) -> bool: ...

    def update(self, text: str, *, base_iri: str | None, using: tuple[str, ...],
               using_named: tuple[str, ...]) -> None:
        """Run a SPARQL Update whole; its WHERE reads what a query reads (Dataset)."""

    def apply(self, *, add: set, remove: set, current: set | None = None) -> None:
        """Remove, then add, whole quads. current: every quad the store held before, when the
        caller has read them (a remote store rewrites a graph whose removals hold a blank node
        from it, and reads the graph itself when current is None)."""

    def triples_in(self, graph: ox.NamedNode | ox.DefaultGraph) -> int: ...

    def graph_names(self) -> list[str]: ...

    def held_build(self) -> str | None:
        """The key of the build the store holds ("" when it is not known); None if none."""

    def replace_build(self, built: KnowledgeGraph) -> None:
        """Hold built's graphs in place of the build held, leaving other graphs alone; all or nothing."""


class LocalStore:
    """The backend in this process: an Oxigraph store in memory, or on disk at location."""

    shared = False

    def __init__(self, store: ox.Store, location: Path | None = None):
        self._store = store
        self.location = location

    @classmethod
    def holding(cls, quads) -> LocalStore:
        store = ox.Store()
        store.bulk_extend(quads)
        return cls(store)

    def query(self, text: str, dataset: Dataset, *, base_iri: str | None = None, substitutions: dict | None = None):
        options: dict = {"prefixes": PREFIXES, "base_iri": base_iri}
        if dataset.union:
            options["use_default_graph_as_union"] = True
        elif not dataset.own:
            options["default_graph"] = [ox.NamedNode(u) for u in dataset.default]
            options["named_graphs"] = [ox.NamedNode(u) for u in dataset.named]
        if substitutions:
            options["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
        return self._store.query(text, **options)

    def quads(self, subject=None, predicate=None, object=None, graph=None):
        return self._store.quads_for_pattern(subject, predicate, object, graph)

    def contains(self, quad: ox.Quad) -> bool:
        return quad in self._store

    def update(self, text: str, *, base_iri: str | None = None, using: tuple[str, ...] = (),
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
            self._flush()
            return
        default, read = ox.DefaultGraph(), {ox.NamedNode(u) for u in using}
        quads = [q for q in self.quads() if not (using and q.graph_name == default)]
        before = set(quads) | {ox.Quad(q.subject, q.predicate, q.object, default) for q in quads
                               if q.graph_name != default and (not using or q.graph_name in read)}
        copy = ox.Store()
        copy.extend(before)  # bulk_extend is 25 times slower on a store in memory
        copy.update(text, prefixes=PREFIXES, base_iri=base_iri)
        after = set(copy)
        self.apply(add=after - before, remove=before - after)

    def apply(self, *, add: set, remove: set, current: set | None = None) -> None:
        for q in remove:
            self._store.remove(q)
        self._store.extend(add)
        self._flush()

    def _flush(self) -> None:
        if self.location is not None:
            self._store.flush()

    def triples_in(self, graph: ox.NamedNode | ox.DefaultGraph) -> int:
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, graph))

    def graph_names(self) -> list[str]:
        return [g.value for g in self._store.named_graphs()]

    def held_build(self) -> str | None:
        """"" when the store holds a build (its ontology graph is never empty): its key is not kept."""
        ontology = self._store.quads_for_pattern(None, None, None, GRAPH.ontology)
        return "" if next(ontology, None) is not None else None

    def replace_build(self, built: KnowledgeGraph) -> None:
        """One update, one transaction."""
        drops = " ".join(f"DROP SILENT GRAPH <{iri}> ;" for iri in GRAPHS.values())
        blocks = []
        for iri in GRAPHS.values():
            body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in built.quads(graph=ox.NamedNode(iri)))
            if body:
                blocks.append(f"GRAPH <{iri}> {{\n{body}\n}}")
        try:
            self._store.update(drops + (" INSERT DATA {\n" + "\n".join(blocks) + "\n}" if blocks else ""))
            self._flush()
        except (OSError, SyntaxError, ValueError) as e:
            raise StoreError(f"{self.location}: writing the build failed, nothing was changed: "
                             f"{first_line(e)}") from None


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
