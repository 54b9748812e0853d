"""Where a build lives besides memory: an on-disk Oxigraph store, or a remote SPARQL 1.1 store.

`--store PATH` (a folder) is an Oxigraph (RocksDB) store on disk. A remote store is named by
its layout and base URL, `oxigraph:URL`, `virtuoso:URL`, `fuseki:URL` or `graphdb:URL` (a bare
URL is Oxigraph's layout), or by its endpoints (`--store-query`, `--store-update`,
`--store-gsp`); credentials come from CSTO_KG_STORE_USER / CSTO_KG_STORE_PASSWORD. Queries
name their dataset (the build's named graphs, the default graph their union), so any SPARQL 1.1
store answers them as memory does.

Writing a build (`replace_build`) replaces the build's named graphs and leaves any other graph
alone: on disk in one transaction (LocalStore.replace_build); remotely by staging graphs and
one update operation that switches to them (RemoteStore.replace_build).
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .backend import Dataset, LocalStore, open_disk_for_writing
from .errors import CstoKgError, QueryError, StoreError, first_line
from .namespaces import GRAPH_BASE, GRAPHS, PREFIXES
from .sparql.client import SparqlClient
from .sparql.dataset import update_names_its_dataset
from .store import KnowledgeGraph
from .terms import GRAPH


def open_store(spec: str | Path | Endpoints, *, write: bool = False) -> KnowledgeGraph:
    """The graph in the store named by `--store` (or its endpoints): over a RemoteStore for a
    remote store, else over an on-disk LocalStore.

    An on-disk store is opened read-only unless write is set or it does not exist yet, so that
    several commands may read it at once.
    """
    endpoints = spec if isinstance(spec, Endpoints) else remote_endpoints(str(spec))
    if endpoints is not None:
        return KnowledgeGraph(RemoteStore(endpoints))
    path = Path(spec)
    if not write and (path / "CURRENT").is_file():
        try:
            return KnowledgeGraph(LocalStore(ox.Store.read_only(str(path)), path))
        except OSError as e:
            raise StoreError(f"{path}: cannot open the store: {first_line(e)}") from None
    return KnowledgeGraph(LocalStore(open_disk_for_writing(path), path))


# -- A remote SPARQL 1.1 store -----------------------------------------------------------------

USER_VARIABLE, PASSWORD_VARIABLE = "CSTO_KG_STORE_USER", "CSTO_KG_STORE_PASSWORD"

# Where each known store keeps its endpoints, from the base URL a user knows it by. Virtuoso
# takes updates and Graph Store writes only behind authentication (digest) on its -auth paths.
LAYOUTS = {
    "oxigraph": ("http://host:7878", lambda base, auth: (base + "/query", base + "/update", base + "/store")),
    "virtuoso": ("http://host:8890", lambda base, auth: (
        base + "/sparql", base + ("/sparql-auth" if auth else "/sparql"),
        base + ("/sparql-graph-crud-auth" if auth else "/sparql-graph-crud"))),
    "fuseki": ("http://host:3030/DATASET", lambda base, auth: (base + "/query", base + "/update", base + "/data")),
    "graphdb": ("http://host:7200/repositories/REPO", lambda base, auth: (
        base, base + "/statements", base + "/rdf-graphs/service")),
}
# What a user may paste after the layout's name: the query endpoint rather than the base.
_ENDPOINT_SUFFIX = {"virtuoso": "/sparql", "oxigraph": "/query", "fuseki": "/query"}

# The graph that names the build a store holds; written by the operation that switches the
# build's graphs to the new ones, so a store with it holds a whole build.
MARKER = GRAPH_BASE + "current-build"
MARKER_KEY = MARKER + "#key"
STAGING = GRAPH_BASE + "staging/"
NO_GRAPH = GRAPH_BASE + "none"  # never written: an empty half of a dataset


@dataclass(frozen=True)
class Endpoints:
    """A remote store's SPARQL endpoints; update and gsp may be unknown (read-only, or no Graph
    Store Protocol: whole graphs are then written by SPARQL Update)."""

    query: str
    update: str | None = None
    gsp: str | None = None
    label: str = ""  # how the user named the store, for messages

    def __str__(self) -> str:
        return self.label or self.query


def credentials() -> tuple[str, str] | None:
    user = os.environ.get(USER_VARIABLE)
    return (user, os.environ.get(PASSWORD_VARIABLE, "")) if user else None


def remote_endpoints(spec: str) -> Endpoints | None:
    """The endpoints `--store` names: `LAYOUT:URL` for a known layout, a bare URL for
    Oxigraph's; None when spec is a folder. What looks like a URL but is no http(s) one
    (`virtuoso:localhost:8890`, `fuseki:`, `host:7878`) is refused, never made a folder."""
    layout, _, rest = spec.partition(":")
    known = ", ".join(f"{name}:{example}" for name, (example, _) in LAYOUTS.items())
    if layout.lower() in LAYOUTS and is_url(rest):
        layout, url = layout.lower(), rest
    elif is_url(spec):
        layout, url = "oxigraph", spec
    elif layout.lower() in LAYOUTS:
        example = LAYOUTS[layout.lower()][0]
        raise StoreError(f"--store {spec!r}: after {layout.lower()}: give the store's http(s) URL, "
                         f"e.g. {layout.lower()}:{example}")
    elif is_url(rest):
        raise StoreError(f"--store {spec!r}: unknown store layout {layout!r}; known: {known}; or give the "
                         "endpoints with --store-query / --store-update / --store-gsp")
    elif _LOOKS_LIKE_URL.match(spec):
        raise StoreError(f"--store {spec!r}: looks like a URL but is not an http(s) one; give "
                         f"http://{spec.split('://')[-1]} or LAYOUT:URL ({known}); for a folder of "
                         f"that name, write it as ./{spec}")
    else:
        return None
    base = url.rstrip("/")
    suffix = _ENDPOINT_SUFFIX.get(layout)
    if suffix and base.endswith(suffix):
        base = base[:-len(suffix)]
    query, update, gsp = LAYOUTS[layout][1](base, credentials() is not None)
    return Endpoints(query, update, gsp, label=spec)


# A scheme (`ftp://…`) or a host and port (`localhost:7878`, `127.0.0.1:7878/sparql`).
_LOOKS_LIKE_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://|^[A-Za-z0-9.-]+:[0-9]+(/|$)")


def is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


class StoreClient(SparqlClient):
    """The SPARQL client (graph/sparql/client.py) for a remote store: its endpoints, the
    credentials from the environment, csto-kg's prefixes, and refusals worded for the store's
    user (a refused query is the user's own, a refused login names the variables to set)."""

    def __init__(self, endpoints: Endpoints, timeout: float = 60.0):
        super().__init__(endpoints.query, update_url=endpoints.update, gsp_url=endpoints.gsp,
                         name=f"the store {endpoints}", login=credentials(), prefixes=PREFIXES, timeout=timeout)
        self.endpoints = endpoints
        self.not_sparql_hint = f"Is {endpoints} a SPARQL 1.1 store{_LAYOUT_HINT if endpoints.label else ''}?"

    def update(self, text: str, *, what: str = "update", params=(), base_iri: str | None = None) -> None:
        if not self.update_url:
            raise StoreError(f"{self.endpoints}: no update endpoint is known for this store; "
                             "give it with --store-update URL")
        super().update(text, what=what, params=params, base_iri=base_iri)

    def replace_graph(self, iri: str, triples: list) -> None:
        """A graph's content replaced whole: a Graph Store PUT, or else one SPARQL Update."""
        if not triples:
            self.update(f"DROP SILENT GRAPH <{iri}>", what=f"drop of <{iri}>")
        elif self.gsp_url:
            self.put_graph(iri, triples)
        else:
            self.update(f"DROP SILENT GRAPH <{iri}> ;\n" + insert_template({iri: triples}), what=f"write of <{iri}>")

    def refusal(self, url, status, reason, detail, what):
        if status in (401, 403):
            login = (f"the credentials in {USER_VARIABLE} / {PASSWORD_VARIABLE}" if credentials()
                     else f"no credentials (set {USER_VARIABLE} and {PASSWORD_VARIABLE})")
            return StoreError(f"{url}: the store refused the {what} with {login}: HTTP {status} {reason}")
        if status == 400 and what in ("query", "update"):
            return QueryError(f"the store refused the {what}: {detail or reason}")
        said = f": {detail}" if detail else ""
        hint = _LAYOUT_HINT if status in (404, 405) and self.endpoints.label else ""
        return StoreError(f"{url}: the {what} failed: HTTP {status} {reason}{said}{hint}")


_LAYOUT_HINT = (" (a bare URL is read as Oxigraph's layout; name another store's layout, as in "
                "virtuoso:URL, fuseki:URL or graphdb:URL, or give --store-query / --store-update)")


INSERT_SIZE = 500  # triples per INSERT operation: Virtuoso compiles one into at most 10000 lines of SQL


def insert_template(triples_by_graph: dict) -> str:
    """INSERT {…} WHERE {} operations (unlike INSERT DATA, Virtuoso accepts blank nodes in
    them) of at most about INSERT_SIZE triples, the triples sharing a blank node in one."""
    operations = []
    for graph, triples in triples_by_graph.items():
        for chunk in _chunks(triples, INSERT_SIZE):
            body = " ".join(f"{t.subject} {t.predicate} {t.object} ." for t in chunk)
            operations.append(f"INSERT {{ GRAPH <{graph}> {{ {body} }} }} WHERE {{}}")
    return " ;\n".join(operations)


def _chunks(triples, size):
    """The triples in groups of about size, each blank node's triples in one group: a blank
    node label means one node only within one operation."""
    parent: dict = {}

    def root(node):
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for t in triples:
        nodes = [n for n in (t.subject, t.object) if isinstance(n, ox.BlankNode)]
        for other in nodes[1:]:
            parent[root(other)] = root(nodes[0])
    components: dict = {}
    for t in triples:
        node = t.subject if isinstance(t.subject, ox.BlankNode) else t.object
        components.setdefault(root(node) if isinstance(node, ox.BlankNode) else None, []).append(t)
    groups = [[t] for t in components.pop(None, [])] + list(components.values())
    chunk: list = []
    for group in groups:
        if chunk and len(chunk) + len(group) > size:
            yield chunk
            chunk = []
        chunk += group
    if chunk:
        yield chunk


class RemoteStore:
    """The backend for a build in a SPARQL 1.1 store: the SPARQL Protocol for queries and
    updates, the Graph Store Protocol (where the store has one) for writing whole graphs.
    Results come back as pyoxigraph's own types.

    A query's default graph is the union of the build's named graphs (as in memory), unless it
    names its own dataset; the store's own default graph and its other graphs are not part of
    the build. Others may change the store: it is shared.
    """

    shared = True
    location = None

    def __init__(self, endpoints: Endpoints, timeout: float = 60.0):
        self.endpoints = endpoints
        self.client = StoreClient(endpoints, timeout)

    # reading

    def query(self, text: str, dataset: Dataset, *, base_iri: str | None = None, substitutions: dict | None = None):
        if substitutions:
            raise QueryError("substitutions need a local store")
        if base_iri:
            raise QueryError("a base IRI for a query needs a local store")
        if dataset.union:
            params = ([("default-graph-uri", u) for u in GRAPHS.values()]
                      + [("named-graph-uri", u) for u in GRAPHS.values()])
        elif dataset.own:
            params = []
        else:  # the protocol's dataset, whole
            # Virtuoso reads a missing named-graph-uri as every graph: a half left empty is
            # named by a graph nothing writes.
            params = ([("default-graph-uri", u) for u in dataset.default or (NO_GRAPH,)]
                      + [("named-graph-uri", u) for u in dataset.named or (NO_GRAPH,)])
        return self.client.query(text, params)

    def _select(self, text: str):
        """A query over the build's named graphs (GRAPH patterns; no default graph)."""
        return self.client.query(text, [("named-graph-uri", u) for u in GRAPHS.values()])

    def triples_in(self, graph) -> int:
        if isinstance(graph, ox.DefaultGraph):
            return 0  # the store's own default graph is not the build's
        rows = list(self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"))
        return int(rows[0]["n"].value) if rows else 0

    def graph_names(self) -> list[str]:
        return [row["g"].value for row in self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")]

    def quads(self, subject=None, predicate=None, object=None, graph=None):
        terms = (subject, predicate, object)
        if any(isinstance(t, ox.BlankNode) for t in terms) or isinstance(graph, ox.DefaultGraph):
            return iter(())  # a remote store's blank nodes cannot be named in a query
        pattern = " ".join(str(t) if t is not None else v for t, v in zip(terms, ("?s", "?p", "?o"), strict=True))
        rows = list(self._select(f"SELECT * WHERE {{ GRAPH {graph or '?g'} {{ {pattern} }} }}"))

        def quad(row):
            subject, predicate, obj = (t if t is not None else row[v] for t, v in zip(terms, "spo", strict=True))
            return ox.Quad(subject, predicate, obj, graph or row["g"])

        return (quad(row) for row in rows)

    def contains(self, quad: ox.Quad) -> bool:
        if any(isinstance(t, ox.BlankNode) for t in (quad.subject, quad.object)):
            raise StoreError(f"{self.endpoints}: a remote store's blank nodes cannot be named in a query")
        return next(self.quads(quad.subject, quad.predicate, quad.object, quad.graph_name), None) is not None

    def build_key(self) -> str | None:
        """The key of the build the store holds, from its marker graph; None if it holds none."""
        rows = list(self.client.query(f"SELECT ?key WHERE {{ GRAPH <{MARKER}> {{ <{MARKER}> <{MARKER_KEY}> ?key }} }}",
                                      [("named-graph-uri", MARKER)]))
        return rows[0]["key"].value if rows else None

    def held_build(self) -> str | None:
        key = self.build_key()
        if key is not None and not self.triples_in(GRAPH.ontology):
            raise StoreError(f"{self.endpoints}: the store's build is damaged: its marker graph <{MARKER}> names "
                             "a build whose ontology graph is empty (changed by another program?); "
                             "`csto-kg build --store …` writes it again")
        return key

    # writing

    def update(self, text: str, *, base_iri: str | None = None, using: tuple[str, ...] = (),
               using_named: tuple[str, ...] = ()) -> None:
        """The update's WHERE reads what a query reads: the build's graphs, their union the
        default graph (sent as using-graph-uri), unless it or the request names its own."""
        if using or using_named:
            params = [("using-graph-uri", u) for u in using] + [("using-named-graph-uri", u) for u in using_named]
        elif update_names_its_dataset(text):
            params = []
        else:
            params = ([("using-graph-uri", u) for u in GRAPHS.values()]
                      + [("using-named-graph-uri", u) for u in GRAPHS.values()])
        self.client.update(text, params=params, base_iri=base_iri)

    def apply(self, *, add: set, remove: set, current: set | None = None) -> None:
        """DELETE DATA where the quads can be named, in one update request so that it applies
        whole; a graph whose removals hold a blank node (which no update can name) is written
        anew from current (read here when not given), with a Graph Store PUT where the store
        has one (atomic per graph), else in the same request."""
        whole = {q.graph_name for q in remove if isinstance(q.subject, ox.BlankNode)
                 or isinstance(q.object, ox.BlankNode)}
        operations = []
        for graph in whole:
            held = set(self.quads(graph=graph)) if current is None else {q for q in current if q.graph_name == graph}
            content = {q for q in add if q.graph_name == graph} | (held - remove)
            add = {q for q in add if q.graph_name != graph}
            if self.endpoints.gsp:  # one request, however big the graph
                self.client.replace_graph(graph.value, [q.triple for q in content])
            else:
                operations.append(f"DROP SILENT GRAPH {graph}")
                add |= content
        removals = _blocks(q for q in remove if q.graph_name not in whole)
        if removals:
            operations.append(f"DELETE DATA {{ {removals} }}")
        additions = {}
        for q in add:
            additions.setdefault(q.graph_name.value, []).append(q.triple)
        if additions:
            operations.append(insert_template(additions))
        if operations:
            self.client.update(" ;\n".join(operations))

    def replace_build(self, built: KnowledgeGraph) -> None:
        """Each graph to a fresh staging graph, then one update operation that moves them over
        the build's graphs and rewrites the marker. One operation, because Virtuoso commits
        each operation of a request on its own: a failure before or during the switch leaves
        the old build as it was."""
        self.build_key()  # down, refusing or not SPARQL: fail before writing anything
        staging = f"{STAGING}{secrets.token_hex(8)}/"
        staged: dict[str, str] = {}
        try:
            for name, iri in GRAPHS.items():
                triples = [q.triple for q in built.quads(graph=ox.NamedNode(iri))]
                if triples:
                    staged[iri] = staging + name
                    self.client.replace_graph(staged[iri], triples)
            self.client.update(_switch(staged, built.key), what="switch to the new build")
        except CstoKgError as e:
            self._drop_quietly(staged.values())
            raise StoreError(f"writing the build failed, the store keeps its previous build: {e}") from None
        self._drop_quietly(staged.values())

    def _drop_quietly(self, graphs) -> None:
        """Drop staging graphs, if the store lets us: left behind, no reader sees them."""
        for iri in graphs:
            try:
                self.client.update(f"DROP SILENT GRAPH <{iri}>", what="clean-up")
            except CstoKgError:
                return


def _switch(staged: dict[str, str], key: str) -> str:
    """The one operation that replaces the build's graphs and the marker with the staged graphs
    (staged: build graph → staging graph). Its blank nodes are the staged ones, not new ones."""
    old = " ".join(f"<{g}>" for g in (*GRAPHS.values(), MARKER))
    new = " ".join(f"(<{stage}> <{iri}>)" for iri, stage in staged.items())
    return (f"DELETE {{ GRAPH ?old {{ ?s ?p ?o }} }}\n"
            f"INSERT {{ GRAPH ?target {{ ?ns ?np ?no }} GRAPH <{MARKER}> {{ <{MARKER}> <{MARKER_KEY}> \"{key}\" }} }}\n"
            f"WHERE {{ {{ VALUES ?old {{ {old} }} GRAPH ?old {{ ?s ?p ?o }} }}\n"
            f"  UNION {{ VALUES (?stage ?target) {{ {new} }} GRAPH ?stage {{ ?ns ?np ?no }} }} }}")


def _blocks(quads) -> str:
    by_graph: dict = {}
    for q in quads:
        by_graph.setdefault(q.graph_name, []).append(f"{q.subject} {q.predicate} {q.object} .")
    return " ".join(f"GRAPH {g} {{ {' '.join(ts)} }}" for g, ts in by_graph.items())
