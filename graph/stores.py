"""Where a build lives besides memory: an on-disk Oxigraph store, or a remote SPARQL 1.1 store.

`--store PATH` (a folder) is an Oxigraph (RocksDB) store on disk; `--store URL` (http, https) is
a SPARQL 1.1 server laid out as Oxigraph's: queries at URL/query, updates at URL/update, the
Graph Store Protocol at URL/store. Queries that name no dataset are sent with Oxigraph's
`union-default-graph` parameter, so the default graph is the union of the named graphs as it is
in memory (on other servers, configure the default graph as the union).

Writing a build replaces the build's named graphs and leaves any other graph alone: on disk in
one transaction; remotely one Graph Store Protocol PUT per graph, each of which the server
applies whole, after checking that the server answers at all.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox

from .errors import CstoKgError, QueryError
from .namespaces import GRAPHS, PREFIXES
from .store import KnowledgeGraph, check_services, keyword_present


class StoreError(CstoKgError):
    """The store cannot be opened or reached, or answered something that is not SPARQL."""


def is_remote(spec: str) -> bool:
    return str(spec).lower().startswith(("http://", "https://"))


def open_store(spec: str | Path, *, write: bool = False) -> KnowledgeGraph:
    """The store named by `--store`: a RemoteKnowledgeGraph for a URL, else an on-disk store.

    An on-disk store is opened read-only unless write is set or it does not exist yet, so that
    several commands may read it at once.
    """
    if is_remote(str(spec)):
        return RemoteKnowledgeGraph(str(spec))
    path = Path(spec)
    if not write and (path / "CURRENT").is_file():
        try:
            return KnowledgeGraph(ox.Store.read_only(str(path)), location=path)
        except OSError as e:
            raise StoreError(f"{path}: cannot open the store: {_first_line(e)}") from None
    return KnowledgeGraph(open_disk_for_writing(path), location=path)


def open_disk_for_writing(path: Path) -> ox.Store:
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path}: not a folder; --store takes a folder or an http(s) URL")
    if path.is_dir() and any(path.iterdir()) and not (path / "CURRENT").is_file():
        raise StoreError(f"{path}: the folder is not empty and is not an Oxigraph store")
    try:
        return ox.Store(str(path))
    except OSError as e:
        hint = " (is another csto-kg or oxigraph using it?)" if "lock" in str(e).lower() else ""
        raise StoreError(f"{path}: cannot open the store for writing: {_first_line(e)}{hint}") from None


def write_build(built: KnowledgeGraph, target: KnowledgeGraph) -> KnowledgeGraph:
    """Replace the build's named graphs in target (opened with write=True) with those of built."""
    if isinstance(target, RemoteKnowledgeGraph):
        target.put_graphs(built)
        target.key = built.key
        return target
    if target.location is None:
        return built
    drops = " ".join(f"DROP SILENT GRAPH <{iri}> ;" for iri in GRAPHS.values())
    # One update is one transaction: a failure leaves the old graphs, never half of a new one.
    blocks = []
    for iri in GRAPHS.values():
        quads = built.store.quads_for_pattern(None, None, None, ox.NamedNode(iri))
        body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
        if body:
            blocks.append(f"GRAPH <{iri}> {{\n{body}\n}}")
    try:
        target.store.update(drops + (" INSERT DATA {\n" + "\n".join(blocks) + "\n}" if blocks else ""))
        target.store.flush()
    except (OSError, SyntaxError, ValueError) as e:
        raise StoreError(f"{target.location}: writing the build failed, nothing was changed: {_first_line(e)}") from None
    target.key = built.key
    return target


def _first_line(e: Exception) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


# -- A remote SPARQL 1.1 store -----------------------------------------------------------------

_PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
_POSITION = re.compile(r"\b(\d+):(\d+)\b")


def _unprefixed(message: str) -> str:
    """The store's error position (line:column, as Oxigraph gives it) in the user's own text,
    without the prefix lines sent before it."""
    lines = _PROLOGUE.count("\n")
    match = _POSITION.search(message)
    if match and int(match.group(1)) > lines:
        message = message[:match.start()] + f"{int(match.group(1)) - lines}:{match.group(2)}" + message[match.end():]
    return message
_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"


class RemoteKnowledgeGraph(KnowledgeGraph):
    """A build in a SPARQL 1.1 server: the SPARQL Protocol for queries and updates, the Graph
    Store Protocol for writing whole graphs. Results come back as pyoxigraph's own types."""

    shared = True

    def __init__(self, url: str, key: str = "", timeout: float = 60.0):
        base = url.rstrip("/")
        self.url = base
        self.query_url = base + "/query"
        self.update_url = base + "/update"
        self.store_url = base + "/store"
        self.key = key
        self.timeout = timeout
        self.location = None
        self.persist_to = None
        self.changes = 0
        self._reasoner = None
        self._snapshot: ox.Store | None = None

    @property
    def store(self) -> ox.Store:
        """An in-memory copy of the remote graphs, taken once: for exports and justifications,
        which read the whole graph. Queries and the server always ask the remote store."""
        if self._snapshot is None:
            snapshot = ox.Store()
            snapshot.bulk_extend(self.quads())
            self._snapshot = snapshot
        return self._snapshot

    # reading

    def query(self, text, *, default_graph_uris=None, named_graph_uris=None,
              allowed_services=(), substitutions=None):
        check_services(text, allowed_services)  # before anything is sent
        if substitutions:
            raise QueryError("substitutions need a local store")
        params = [("query", _PROLOGUE + text)]
        if default_graph_uris:
            params += [("default-graph-uri", u) for u in default_graph_uris]
        elif not keyword_present(text, "FROM"):
            params.append(("union-default-graph", "true"))
        params += [("named-graph-uri", u) for u in named_graph_uris or ()]
        return self._query(params)

    def _select(self, text: str):
        """A query on the store's own dataset (its default graph is not the union)."""
        return self._query([("query", _PROLOGUE + text)])

    def _query(self, params):
        content_type, body = self._request(
            self.query_url, "POST", urllib.parse.urlencode(params).encode(),
            {"Content-Type": "application/x-www-form-urlencoded",
             "Accept": f"{_JSON}, {_NTRIPLES};q=0.9"},
            what="query",
        )
        try:
            if content_type == _JSON:
                result = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
                if isinstance(result, ox.QuerySolutions):
                    list(result)  # parse it all now: a broken answer fails here, not mid-output
                    result = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
                return result
            if content_type == _NTRIPLES:
                # Through a scratch store, so that a graph answer is a QueryTriples as in memory.
                scratch = ox.Store()
                scratch.extend(ox.Quad(t.subject, t.predicate, t.object)
                               for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
                return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
        except (SyntaxError, ValueError, OSError) as e:
            raise StoreError(f"{self.query_url}: the answer is not valid {content_type}: "
                             f"{_first_line(e)}") from None
        raise StoreError(f"{self.query_url}: answered {content_type or 'no content type'}, "
                         "not SPARQL results; is this a SPARQL 1.1 store?")

    def triples_in(self, graph) -> int:
        pattern = "?s ?p ?o" if isinstance(graph, ox.DefaultGraph) else f"GRAPH {graph} {{ ?s ?p ?o }}"
        rows = list(self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"))
        return int(rows[0]["n"].value) if rows else 0

    def graph_names(self) -> list[str]:
        return [row["g"].value for row in self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")]

    def quads(self, subject=None, predicate=None, object=None, graph=None):
        terms = (subject, predicate, object)
        if any(isinstance(t, ox.BlankNode) for t in terms):
            return iter(())  # a remote store's blank nodes cannot be named in a query
        pattern = " ".join(str(t) if t is not None else v for t, v in zip(terms, ("?s", "?p", "?o")))
        if graph is None:
            where = f"{{ {pattern} }} UNION {{ GRAPH ?g {{ {pattern} }} }}"
        elif isinstance(graph, ox.DefaultGraph):
            where = pattern
        else:
            where = f"GRAPH {graph} {{ {pattern} }}"
        rows = list(self._select(f"SELECT * WHERE {{ {where} }}"))

        def quad(row):
            g = graph if graph is not None else (row["g"] or ox.DefaultGraph())
            return ox.Quad(*(t if t is not None else row[v] for t, v in zip(terms, "spo")), g)

        return (quad(row) for row in rows)

    # writing

    def _run_update(self, text: str) -> None:
        self._request(self.update_url, "POST",
                      urllib.parse.urlencode({"update": _PROLOGUE + text}).encode(),
                      {"Content-Type": "application/x-www-form-urlencoded"}, what="update")
        self._snapshot = None

    def _apply(self, *, add: set, remove: set, current: set) -> None:
        """DELETE DATA / INSERT DATA where the quads can be named; a graph whose removals hold a
        blank node (which no update can name) is replaced whole with a Graph Store PUT."""
        graphs = {q.graph_name for q in add | remove}
        whole = {q.graph_name for q in remove if isinstance(q.subject, ox.BlankNode)
                 or isinstance(q.object, ox.BlankNode)}
        for graph in whole:
            triples = [q.triple for q in (current - remove) | add if q.graph_name == graph]
            self._put(graph, triples)

        def block(quads):
            by_graph: dict = {}
            for q in quads:
                if q.graph_name not in whole:
                    by_graph.setdefault(q.graph_name, []).append(f"{q.subject} {q.predicate} {q.object} .")
            return " ".join(f"GRAPH {g} {{ {' '.join(ts)} }}" if isinstance(g, ox.NamedNode) else " ".join(ts)
                            for g, ts in by_graph.items())

        parts = []
        if block(remove):
            parts.append(f"DELETE DATA {{ {block(remove)} }}")
        if block(add):
            parts.append(f"INSERT DATA {{ {block(add)} }}")
        if parts and graphs - whole:
            self._run_update(" ;\n".join(parts))
        self._snapshot = None

    def _put(self, graph, triples) -> None:
        url = f"{self.store_url}?{urllib.parse.urlencode({'graph': graph.value})}"
        if triples:
            self._request(url, "PUT", ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES),
                          {"Content-Type": _NTRIPLES}, what=f"PUT of <{graph.value}>")
        else:
            self._request(url, "DELETE", None, {}, what=f"DELETE of <{graph.value}>", missing_ok=True)

    def put_graphs(self, built: KnowledgeGraph) -> None:
        """Replace each of the build's named graphs with a Graph Store Protocol PUT (an empty one
        is deleted), after checking that the store answers queries."""
        self.triples_in(ox.DefaultGraph())  # down or not SPARQL: fail before writing anything
        done: list[str] = []
        for name, iri in GRAPHS.items():
            triples = [q.triple for q in built.store.quads_for_pattern(None, None, None, ox.NamedNode(iri))]
            url = f"{self.store_url}?{urllib.parse.urlencode({'graph': iri})}"
            try:
                if triples:
                    self._request(url, "PUT", ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES),
                                  {"Content-Type": _NTRIPLES}, what=f"PUT of the {name} graph")
                else:
                    self._request(url, "DELETE", None, {}, what=f"DELETE of the {name} graph",
                                  missing_ok=True)
            except StoreError as e:
                if done:
                    raise StoreError(f"{e} (the graphs {', '.join(done)} were already replaced, each "
                                     "whole; build again to finish)") from None
                raise
            done.append(name)
        self._snapshot = None

    def _request(self, url, method, data, headers, *, what, missing_ok=False):
        request = urllib.request.Request(url, data=data, method=method,
                                         headers={"User-Agent": "csto-kg", **headers})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                content_type = response.headers.get_content_type() if response.headers.get("Content-Type") else ""
                return content_type, response.read()
        except urllib.error.HTTPError as e:
            message = _first_line(Exception(e.read(2000).decode("utf-8", "replace"))) if e.fp else ""
            if missing_ok and e.code == 404:
                return "", b""
            if e.code == 400 and what in ("query", "update"):
                raise QueryError(f"the store refused the {what}: {_unprefixed(message) or e.reason}") from None
            raise StoreError(f"{url}: the {what} failed: HTTP {e.code} {e.reason}"
                             + (f": {message}" if message else "")) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
            reason = getattr(e, "reason", e)
            raise StoreError(f"{self.url}: cannot reach the store ({what}): {reason}") from None
        except OSError as e:
            raise StoreError(f"{self.url}: the {what} failed: {e}") from None
