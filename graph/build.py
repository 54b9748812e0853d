"""Build: load → validate → reason → store, cached by the inputs.

The reasoned result is written to the cache as N-Quads under a key made of every input's
bytes, the implied-facts switch, the code that shapes a build and the versions of the
libraries it runs on; a second build on unchanged inputs only loads that file into Oxigraph.
"""

from __future__ import annotations

import difflib
import hashlib
from importlib import metadata
from importlib.resources import files
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError
from .load import MAX_INPUT, Sources, builtin_sources, implied_by_member_list, read, read_input, read_quads
from .namespaces import ASSERTED, CSTO, CURATED, IMPLIED, LINKED, ONTOLOGY, OUTSIDE, USER
from .paths import cache_dir, linked_file, replacing
from .reasoning.axioms import generated_axioms
from .reasoning.reason import chosen_reasoner
from .store import KnowledgeGraph
from .terms import RDF

# The modules whose code shapes a build's result: a change to any of them invalidates the cache.
# A folder counts whole, so that a module added to it is counted too.
_BUILD_CODE = ("build.py", "load.py", "reasoning", "namespaces.py", "terms.py")
# ... and the libraries: a new version may parse or serialise differently.
_BUILD_LIBRARIES = ("pyoxigraph", "owlrl", "rdflib")


def build(data=(), *, implied: bool = True, linked: bool = True, cache: bool = True,
          max_input: int = MAX_INPUT) -> KnowledgeGraph:
    """The reasoned knowledge graph of the article, plus the user's data files.

    Args:
        data: the user's own RDF files (Turtle, TriG, N-Triples, RDF/XML, JSON-LD), read into
            the user graph and reasoned over with the rest.
        implied: include the facts the article implies (I01–I22); without them the reasoner
            can conclude no verdict on Azerbaijan.
        linked: include the open-data facts `csto-kg link` fetched, if any.
        cache: reuse (and write) the cached result for the same inputs.
        max_input: the most bytes one data file may hold.

    Raises:
        InputError: a file is missing, malformed or too large, or uses a csto: term the ontology lacks.
        InconsistencyError: the reasoner found the graph inconsistent.
    """
    sources = builtin_sources(implied)
    sources.user = [Path(p) for p in data]
    if linked and linked_file().is_file():
        sources.linked = [linked_file()]
    # Each file is read once, here: a second read could find another file (or a pipe, nothing).
    contents = {path: read_input(path, max_input if path in sources.user else MAX_INPUT) for path in sources.all()}
    key = cache_key(contents, implied)
    cached = cache_dir() / f"{key}.nq"
    if cache and cached.is_file():
        try:
            return KnowledgeGraph.from_nquads(cached, key)
        except (SyntaxError, OSError):
            pass  # a damaged cache file is rebuilt, not trusted
    kg = KnowledgeGraph.of(assemble(sources, contents), key).infer()  # the quads live in the store alone
    if cache:
        dump(kg, cached)
    return kg


def cache_key(contents: dict[Path, bytes], implied: bool) -> str:
    digest = hashlib.sha256(f"implied={implied}\n".encode())
    for path, data in contents.items():
        digest.update(str(path).encode() + b"\0" + data + b"\0")
    digest.update(f"reasoner={chosen_reasoner()}\n".encode())
    code = files("csto_kg.graph")
    for name in _BUILD_CODE:
        path = code.joinpath(name)
        modules = [path] if not path.is_dir() else sorted(
            (p for p in path.iterdir() if p.name.endswith(".py")), key=lambda p: p.name)
        for module in modules:
            digest.update(module.read_bytes())
    for library in _BUILD_LIBRARIES:
        digest.update(f"{library}={metadata.version(library)}\n".encode())
    return digest.hexdigest()[:32]


def assemble(sources: Sources, contents: dict[Path, bytes] | None = None) -> list[ox.Quad]:
    """All inputs in their named graphs, plus the axioms written from the facts; not yet reasoned.
    contents: the files' bytes, where read already."""
    contents = contents or {}
    quads = [q for path in sources.ontology for q in read(path, ONTOLOGY, contents.get(path))]
    declared = declared_terms(quads)
    for paths, graph in ((sources.curated, CURATED), (sources.asserted, ASSERTED), (sources.implied, IMPLIED),
                         (sources.user, USER)):
        for path in paths:
            read_here = read(path, graph, contents.get(path))
            check_terms(read_here, declared, path)
            quads += read_here
    if sources.implied:
        quads += implied_by_member_list(quads, ASSERTED, CURATED, IMPLIED)
    for path in sources.linked:
        quads += read_linked(path, contents.get(path))
    return quads + generated_axioms(quads)


def read_linked(path: Path, data: bytes | None = None) -> list[ox.Quad]:
    """The linked-data file keeps its two graphs: LINKED (reasoned) and OUTSIDE (not)."""
    quads = read_quads(path, data)
    allowed = {LINKED, OUTSIDE}
    for q in quads:
        if not isinstance(q.graph_name, ox.NamedNode) or q.graph_name.value not in allowed:
            raise InputError(f"{path}: linked data must be in the graphs <{LINKED}> or <{OUTSIDE}>")
    return quads


def declared_terms(ontology: list[ox.Quad]) -> set[str]:
    return {
        q.subject.value
        for q in ontology
        if q.predicate == RDF.type and isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(str(CSTO))
    }


def check_terms(quads: list[ox.Quad], declared: set[str], path: Path) -> None:
    """A csto: term the ontology does not declare is a typo; say so, with the closest terms."""
    for q in quads:
        for term in (q.predicate, q.object if q.predicate == RDF.type else None):
            if isinstance(term, ox.NamedNode) and term.value.startswith(str(CSTO)) and term.value not in declared:
                local = term.value[len(str(CSTO)):]
                names = [d[len(str(CSTO)):] for d in declared]
                close = difflib.get_close_matches(local, names, n=3, cutoff=0.6)
                hint = f" (did you mean {', '.join('csto:' + c for c in close)}?)" if close else ""
                raise InputError(f"{path}: csto:{local} is not a term of the ontology{hint}")


CACHE_ENTRIES = 32


def dump(kg: KnowledgeGraph, path: Path) -> None:
    """Write the graph as N-Quads, atomically: a reader never sees half a cache file.

    Only the CACHE_ENTRIES most recent builds are kept.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    old = sorted(path.parent.glob("*.nq"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in old[CACHE_ENTRIES - 1:]:
        stale.unlink(missing_ok=True)
    with replacing(path) as tmp:
        ox.serialize(kg.quads(), output=str(tmp), format=ox.RdfFormat.N_QUADS)
