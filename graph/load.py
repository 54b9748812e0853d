"""Load: read the ontology, the article's facts and the user's files into named graphs.

Every file is parsed by Oxigraph, whose errors say the line and column. Facts come as TriG,
one named graph per fact; loading flattens them into one graph and annotates each triple
with an owl:Axiom that names its fact and quote, the OWL way to say where an assertion comes
from (Protégé shows it beside the assertion).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError
from .namespaces import PREFIXES, local_name
from .terms import CSTO, KG, OWL, RDF, RDFS, SKOS

FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}

@dataclass
class Sources:
    """The input files of a build, by the graph they go to."""

    ontology: list[Path] = field(default_factory=list)
    asserted: list[Path] = field(default_factory=list)
    curated: list[Path] = field(default_factory=list)
    implied: list[Path] = field(default_factory=list)
    user: list[Path] = field(default_factory=list)
    linked: list[Path] = field(default_factory=list)

    def all(self) -> list[Path]:
        return self.ontology + self.curated + self.asserted + self.implied + self.user + self.linked


def packaged(package: str, *names: str) -> list[Path]:
    folder = files(package)
    return [Path(str(folder.joinpath(name))) for name in names]


def builtin_sources(implied: bool = True) -> Sources:
    return Sources(
        ontology=packaged("csto_kg.ontology", "csto.ttl"),
        curated=packaged("csto_kg.graph.facts", "entities.ttl"),
        asserted=packaged("csto_kg.graph.facts", "article.trig"),
        implied=packaged("csto_kg.graph.facts", "implied.trig") if implied else [],
    )


MAX_INPUT = 64 << 20  # bytes of one input file, unless the caller allows more (--max-data-size)


def read_input(path: Path, limit: int = MAX_INPUT) -> bytes:
    """A file's bytes, read once and at most limit of them: a link to /dev/zero, or a file
    larger than memory, ends in an InputError rather than in memory exhaustion."""
    try:
        with open(path, "rb") as f:
            too_large = os.fstat(f.fileno()).st_size > limit  # a file's size refuses it unread
            data = b"" if too_large else f.read(limit + 1)  # a device or a pipe is read to the limit
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror}") from None
    if too_large or len(data) > limit:
        raise InputError(f"{path}: larger than {_size(limit)}, the most one file may hold; "
                         "allow more with --max-data-size MiB")
    return data


def _size(n: int) -> str:
    return f"{n / (1 << 20):g} MiB"


def read_quads(path: Path, data: bytes | None = None) -> list[ox.Quad]:
    """Parse an RDF file by its extension (data: its bytes, if read already); InputError names
    the file, line and column."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise InputError(f"{path}: unknown RDF file extension {path.suffix!r} (known: {known})")
    if data is None:
        data = read_input(path)
    return parse_quads(data, fmt, where=str(path), base_iri=path.resolve().as_uri())


def parse_quads(data: bytes, fmt: ox.RdfFormat, where: str, base_iri: str | None = None,
                max_triples: int | None = None) -> list[ox.Quad]:
    """Parse RDF; InputError names where it comes from, with the line and column. Refused before
    parsing: nesting deeper than MAX_DEPTH; while parsing: more than max_triples, if given."""
    if fmt == ox.RdfFormat.RDF_XML:
        check_entities(data, where)
    check_depth(data, fmt, where)
    try:
        quads = []
        for quad in ox.parse(input=data, format=fmt, base_iri=base_iri, rename_blank_nodes=True):
            quads.append(quad)
            if max_triples is not None and len(quads) > max_triples:
                raise InputError(f"{where}: more than {max_triples} triples; at most {max_triples} are allowed")
        return quads
    except SyntaxError as e:
        if "LoadDocumentCallback" in str(e):
            raise InputError(f"{where}: its JSON-LD @context is a remote document, which is never "
                             "fetched; put the context in the file itself") from None
        raise InputError(f"{where}: {e}") from None
    except MemoryError:
        raise InputError(f"{where}: a term or line is too large for the parser (a literal of tens of "
                         "megabytes?); split the data or shorten it") from None


# Nesting the parsers handle in milliseconds: a Turtle collection 250,000 deep took 1.2 GB to
# parse, RDF/XML 40,000 elements deep 28 s (super-quadratic); 1,000 levels take 0.02 s.
MAX_DEPTH = 1000
_TURTLE_SKIP = re.compile(rb'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                          rb'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n\r]*'
                          rb'|[\[\](){}]|["\']')
_XML_TAG = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[?!][^>]*>|</[^>]*>|<[^>]*?/>|<[^>]*>", re.DOTALL)


def nesting_depth(data: bytes, fmt: ox.RdfFormat) -> int:
    """How deep the document nests: elements for RDF/XML; brackets and braces outside strings,
    IRIs and comments for the Turtle family (past a quote that opens no string, every bracket
    left counts: the guess errs toward deep). JSON-LD and the line formats are not checked."""
    depth = deepest = 0
    if fmt == ox.RdfFormat.RDF_XML:
        for tag in _XML_TAG.finditer(data):
            text = tag.group()
            if text.startswith((b"<!", b"<?")) or text.endswith(b"/>"):
                continue
            depth += -1 if text.startswith(b"</") else 1
            deepest = max(deepest, depth)
        return deepest
    if fmt not in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N3):
        return 0
    for token in _TURTLE_SKIP.finditer(data):
        text = token.group()
        if text in (b"(", b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif text in (b")", b"]", b"}"):
            depth -= 1
        elif text in (b'"', b"'"):
            rest = data[token.end():]
            return max(deepest, depth + sum(rest.count(c) for c in b"([{"))
    return deepest


def check_depth(data: bytes, fmt: ox.RdfFormat, where: str) -> None:
    depth = nesting_depth(data, fmt)
    if depth > MAX_DEPTH:
        raise InputError(f"{where}: nested {depth} levels deep; at most {MAX_DEPTH} are allowed")


MAX_EXPANSION = 16 << 20  # bytes that XML entity references may add to an RDF/XML file
_ENTITY = re.compile(rb"<!ENTITY\s+([^\s%]+)\s+(?:\"([^\"]*)\"|'([^']*)')")


def check_entities(data: bytes, where: str) -> None:
    """Refuse the XML entity tricks ("billion laughs"): an entity that refers to another, or
    references that would add more than MAX_EXPANSION bytes. Flat entities, as Protégé writes
    for namespaces, are fine."""
    if b"<!ENTITY" not in data:
        return
    entities = {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _ENTITY.finditer(data)}
    for name, value in entities.items():
        if b"&" in value and any(b"&" + other + b";" in value for other in entities):
            raise InputError(f"{where}: the XML entity {name.decode(errors='replace')!r} refers to another entity; "
                             "nested entities are refused (they can expand to gigabytes)")
    added = sum(len(value) * data.count(b"&" + name + b";") for name, value in entities.items())
    if added > MAX_EXPANSION:
        raise InputError(f"{where}: its XML entities would expand it by {added >> 20} MiB; "
                         f"at most {MAX_EXPANSION >> 20} MiB are allowed")


def annotate_facts(quads: list[ox.Quad], graph: str, path: Path) -> list[ox.Quad]:
    """Facts TriG flattened into one graph, each fact triple annotated with its fact.

    The default graph describes the facts (number, quote, source); each named graph that is
    described as a csto:Fact holds that fact's triples.
    """
    target = ox.NamedNode(graph)
    facts = {q.subject for q in quads if q.predicate == RDF.type and q.object == CSTO.Fact
             and isinstance(q.graph_name, ox.DefaultGraph)}
    quotes = {q.subject: q.object for q in quads if q.predicate == CSTO.quote and q.subject in facts}
    out: list[ox.Quad] = []
    for q in quads:
        out.append(ox.Quad(q.subject, q.predicate, q.object, target))
        if isinstance(q.graph_name, ox.DefaultGraph):
            continue
        if q.graph_name not in facts:
            raise InputError(f"{path}: named graph <{q.graph_name.value}> is not described as a csto:Fact")
        axiom = ox.BlankNode()
        out += [
            ox.Quad(axiom, RDF.type, OWL.Axiom, target),
            ox.Quad(axiom, OWL.annotatedSource, q.subject, target),
            ox.Quad(axiom, OWL.annotatedProperty, q.predicate, target),
            ox.Quad(axiom, OWL.annotatedTarget, q.object, target),
            ox.Quad(axiom, CSTO.fact, q.graph_name, target),
        ]
        if q.graph_name in quotes:
            out.append(ox.Quad(axiom, CSTO.quote, quotes[q.graph_name], target))
    return out


def read(path: Path, graph: str, data: bytes | None = None) -> list[ox.Quad]:
    """A file's triples in one named graph; a facts file's (TriG with csto:Fact graphs) annotated."""
    quads = read_quads(path, data)
    if any(q.predicate == RDF.type and q.object == CSTO.Fact for q in quads):
        return annotate_facts(quads, graph, path)
    target = ox.NamedNode(graph)
    return [ox.Quad(q.subject, q.predicate, q.object, target) for q in quads]


_LIST_FACT = """{fact} {{ {state} csto:notMemberOf kg:CSTO . }}
{fact} a csto:Fact ; dcterms:identifier "{id}" ; csto:evidenceKind csto:Implied ;
    csto:quote {quote} ; csto:reason {reason} ; prov:wasDerivedFrom kg:article .
"""


def implied_by_member_list(quads: list[ox.Quad], stated: str, curated: str, graph: str) -> list[ox.Quad]:
    """The facts an exhaustive member list implies, annotated for graph: every state the stated
    graph names (a csto:State there or in the curated graph) outside the list is not a member of
    the CSTO, each a fact of its own (I23-<name>), with the list's words and the reason.

    The list is F25's: a skos:Collection about member status with csto:exhaustive true. A state
    the facts already place in or out of the CSTO (Azerbaijan: I01) keeps its own fact.
    """
    lists = {q.subject for q in quads if q.predicate == CSTO.about and q.object == CSTO.MemberStatus}
    exhaustive = {q.subject for q in quads if q.subject in lists and q.predicate == CSTO.exhaustive
                  and q.object.value in ("true", "1")}
    listed = {q.object for q in quads if q.subject in exhaustive and q.predicate == SKOS.member}
    placed = {q.subject for q in quads if q.predicate in (CSTO.memberOf, CSTO.notMemberOf) and q.object == KG.CSTO}
    article = {ox.NamedNode(stated), ox.NamedNode(curated)}
    states = {q.subject for q in quads
              if q.predicate == RDF.type and q.object == CSTO.State and q.graph_name in article}
    named = {t for q in quads if q.graph_name == ox.NamedNode(stated) for t in (q.subject, q.object)} & states
    said = {q.subject for q in quads if q.predicate == OWL.annotatedSource and q.object in exhaustive}
    quotes = [q.object for q in quads if q.subject in said and q.predicate == CSTO.quote]
    if not exhaustive or not quotes:
        return []
    labels = {q.subject: q.object.value for q in quads if q.predicate == RDFS.label}
    text = "".join(_LIST_FACT.format(
        fact=f"<{PREFIXES['kg']}I23-{local_name(state.value)}>", state=state, id=f"I23-{local_name(state.value)}",
        quote=quotes[0],
        reason=ox.Literal(f"The article lists the CSTO's member states exhaustively (F25: six of them); "
                          f"{labels.get(state, local_name(state.value))}, which it names, is not on the list.")
    ) for state in sorted(named - listed - placed, key=lambda s: s.value))
    if not text:
        return []
    prefixes = "".join(f"@prefix {p}: <{PREFIXES[p]}> .\n" for p in ("csto", "kg", "dcterms", "prov"))
    generated = list(ox.parse(input=(prefixes + text).encode(), format=ox.RdfFormat.TRIG))
    return annotate_facts(generated, graph, Path("the member list (F25)"))
