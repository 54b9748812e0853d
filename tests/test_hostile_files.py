"""A hostile or oversized --data file gets a clear error in bounded memory, never a traceback."""

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from csto_kg.graph.errors import InputError
from csto_kg.graph.load import read_quads

HEADER = '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
BODY = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">\n'
        '  <rdf:Description rdf:about="http://example.org/a"><ex:p>{text}</ex:p></rdf:Description>\n</rdf:RDF>\n')


def laughs(levels: int) -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, levels + 1)]
    return HEADER + "\n".join(entities) + "\n]>\n" + BODY.format(text=f"&lol{levels};")


def test_nested_entities_are_refused_before_they_expand(tmp_path):
    path = tmp_path / "laughs.rdf"
    path.write_text(laughs(9))  # ten to the ninth "lol"s if expanded
    with pytest.raises(InputError, match="nested entities are refused"):
        read_quads(path)


def test_flat_entities_as_protege_writes_them_still_load(tmp_path):
    path = tmp_path / "flat.rdf"
    path.write_text(HEADER + '<!ENTITY ex "http://example.org/">\n]>\n' + BODY.format(text="&ex;b"))
    [quad] = read_quads(path)
    assert quad.object.value == "http://example.org/b"


def test_one_entity_used_millions_of_times_is_refused(tmp_path):
    path = tmp_path / "wide.rdf"
    path.write_text(HEADER + f'<!ENTITY big "{"x" * 10_000}">\n]>\n' + BODY.format(text="&big;" * 5_000))
    with pytest.raises(InputError, match="expand it by"):
        read_quads(path)


def test_the_command_refuses_laughs_in_bounded_memory(tmp_path):
    path = tmp_path / "laughs.rdf"
    path.write_text(laughs(9))
    command = str(Path(sys.executable).parent / "csto-kg")

    def limit():  # 1 GiB of address space: an expansion would die, a refusal does not notice
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    done = subprocess.run([command, "query", "ASK {}", "--data", str(path), "--no-linked"], capture_output=True,
                          text=True, timeout=120, preexec_fn=limit)
    assert done.returncode == 2 and "nested entities" in done.stderr and "Traceback" not in done.stderr


def test_a_huge_literal_is_an_input_error_not_a_traceback(tmp_path):
    path = tmp_path / "huge.ttl"
    path.write_text('<http://example.org/a> <http://example.org/p> "' + "x" * (50 << 20) + '" .\n')
    command = str(Path(sys.executable).parent / "csto-kg")
    done = subprocess.run([command, "query", "ASK {}", "--data", str(path), "--no-linked"], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert str(path) in done.stderr and "too large" in done.stderr
