"""Fuzzing `--data`: broken Turtle, RDF/XML with entity tricks, JSON-LD with remote contexts,
huge literals and binary files load or fail with an InputError that names the file, never
another exception, and never fetch anything (a local listener records every connection)."""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from server_fixtures import RecordingListener

from csto_kg.graph.errors import InputError
from csto_kg.graph.load import FORMATS, read_quads

LISTENER = RecordingListener()
REMOTE = LISTENER.url.removesuffix("sparql") + "context.jsonld"
COMMAND = [str(Path(sys.executable).parent / "csto-kg")]
ENTITIES = (Path(__file__).parents[1] / "graph" / "facts" / "entities.ttl").read_text(encoding="utf-8")

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))  # per property; more for a long hunt
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module", autouse=True)
def listener():
    yield LISTENER
    LISTENER.close()


def broken_turtle():
    @st.composite
    def mutate(draw):
        a = draw(st.integers(0, len(ENTITIES)))
        b = draw(st.integers(a, min(len(ENTITIES), a + 200)))
        junk = draw(st.one_of(st.binary(max_size=30), st.sampled_from(
            [b"", b"\"", b"<", b"@prefix", b"\\u00", b"\x00", b"\xff\xfe", b"\"\"\"", b"^^", b"_:", b"[ ("])))
        return ENTITIES[:a].encode() + junk + ENTITIES[b:].encode()

    return mutate()


XML_HEAD = b'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
XML_BODY = (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
            b'<rdf:Description rdf:about="http://example.org/a"><ex:p>%s</ex:p></rdf:Description></rdf:RDF>\n')


def entity_tricks():
    @st.composite
    def build(draw):
        n = draw(st.integers(1, 6))
        fan = draw(st.integers(1, 40))
        value = draw(st.sampled_from([b"lol", b"x" * 5000, b"&#38;#60;", b"%pe;"]))
        decls = [b'<!ENTITY e0 "' + value + b'">']
        for i in range(1, n):
            refs = b"".join(b"&e%d;" % draw(st.integers(0, i - 1)) for _ in range(fan))
            decls.append(b'<!ENTITY e%d "%s">' % (i, refs))
        extra = draw(st.sampled_from([
            b"", b'<!ENTITY ext SYSTEM "' + REMOTE.encode() + b'">',
            b'<!ENTITY % pe SYSTEM "' + REMOTE.encode() + b'"> %pe;',
            b"<!ENTITY e0 'redefined'>", b'<!ENTITY file SYSTEM "file:///etc/passwd">']))
        uses = draw(st.sampled_from([b"&e%d;" % (n - 1), (b"&e0;" * 5000), b"&ext;", b"&file;", b"&undefined;"]))
        return XML_HEAD + b"\n".join(decls) + extra + b"\n]>\n" + XML_BODY % uses

    return build()


def remote_contexts():
    context = st.one_of(st.just(REMOTE), st.lists(st.just(REMOTE), min_size=1, max_size=2),
                        st.just({"@import": REMOTE}), st.just({"ex": "http://example.org/", "@base": REMOTE}),
                        st.just([{"@vocab": "http://example.org/"}, REMOTE]))
    document = st.builds(lambda c, v: {"@context": c, "@id": "http://example.org/a", "name": v,
                                       "@graph": [{"@context": c, "@id": "http://example.org/b"}]},
                         context, st.text(max_size=20))
    return document.map(lambda d: json.dumps(d).encode())


def huge_literals():
    return st.sampled_from([10, 100_000, 5_000_000, 17_000_000]).map(
        lambda n: b'<http://example.org/a> <http://example.org/p> "' + b"x" * n + b'" .\n')


def hostile_files():
    return st.one_of(
        st.tuples(st.just(".ttl"), broken_turtle()),
        st.tuples(st.sampled_from([".rdf", ".owl", ".xml"]), entity_tricks()),
        st.tuples(st.just(".jsonld"), remote_contexts()),
        st.tuples(st.sampled_from([".ttl", ".nt"]), huge_literals()),
        st.tuples(st.sampled_from(sorted(FORMATS) + [".bin", ""]), st.binary(max_size=2000)),
    )


def load(suffix: str, data: bytes):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"data{suffix}"
        path.write_bytes(data)
        try:
            return read_quads(path), None
        except InputError as e:
            return None, str(e)


@FUZZ
@given(file=hostile_files())
def test_a_hostile_file_loads_or_fails_with_an_input_error(file):
    suffix, data = file
    quads, error = load(suffix, data)  # any other exception fails the test
    if error is not None:
        assert error.startswith(str(Path(tempfile.gettempdir()))) and "data" in error
        assert "Traceback" not in error and "LoadDocumentCallback" not in error


def test_entity_expansion_is_refused_not_performed():
    _, error = load(".rdf", XML_HEAD + b'<!ENTITY a "xxxxxxxxxx"><!ENTITY b "&a;&a;&a;&a;&a;">\n]>\n'
                    + XML_BODY % b"&b;")
    assert error and "nested entities are refused" in error


def test_a_remote_json_ld_context_is_not_fetched_and_says_so():
    _, error = load(".jsonld", json.dumps({"@context": REMOTE, "@id": "http://example.org/a"}).encode())
    assert error and "remote document, which is never fetched" in error


def test_nothing_was_fetched_while_loading():
    time.sleep(0.3)
    assert LISTENER.connections == []


@pytest.mark.parametrize("suffix,data", [
    (".rdf", XML_HEAD + b'<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n' + XML_BODY % b"&b;"),
    (".jsonld", json.dumps({"@context": REMOTE, "@id": "http://example.org/a", "name": "x"}).encode()),
    (".ttl", b'<http://example.org/a> <http://example.org/p> "unclosed .\n'),
    (".nt", bytes(range(256)) * 4),
])
def test_the_command_answers_a_hostile_file_with_a_message(tmp_path, suffix, data):
    path = tmp_path / f"hostile{suffix}"
    path.write_bytes(data)
    done = subprocess.run(COMMAND + ["query", "ASK {}", "--data", str(path), "--no-linked"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: ") and str(path) in done.stderr
    assert "Traceback" not in done.stderr
    assert LISTENER.connections == []
