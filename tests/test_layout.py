"""The house plan in graph/__init__.py is true: every module is on the map, and a module imports
only from its own row of the pipeline or the rows above it (so there is no import circle); the
graph imports neither face, and the CLI imports the server only to start it."""

from __future__ import annotations

import ast
from pathlib import Path

import csto_kg.graph

GRAPH = Path(csto_kg.graph.__file__).parent
# The map's rows, top to bottom, and the modules (or folders) each holds.
ROWS = [
    {"namespaces", "terms", "errors", "paths", "bridge"},
    {"load"},
    {"reasoning"},
    {"backend", "store", "stores", "sparql", "labels"},
    {"build"},
    {"publish"},
    {"explanation"},
    {"present"},
    {"link"},
]


def row_of(module: str) -> int:
    """The row of a module given as its path under graph/, dotted ('reasoning.rules')."""
    head = module.split(".")[0]
    for n, row in enumerate(ROWS):
        if head in row:
            return n
    raise AssertionError(f"graph/{module.replace('.', '/')}.py is on no row of the map")


def modules():
    for path in sorted(GRAPH.rglob("*.py")):
        relative = path.relative_to(GRAPH).with_suffix("")
        if relative.parts[0] in ("__init__", "facts"):
            continue
        yield ".".join(relative.parts), path


def imports(module: str, path: Path):
    """The graph modules a module imports (relative imports, at any depth of the code)."""
    package = module.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - (node.level - 1)]
            # `from .. import terms` imports the module terms: count it as such.
            for name in [node.module] if node.module else [alias.name for alias in node.names]:
                yield ".".join([*base, name]), node.lineno


def test_every_module_is_on_the_map():
    """On graph/__init__.py's map by file name; graph/link/'s modules on its own package's map."""
    import csto_kg.graph.link

    for module, path in modules():
        if path.name == "__init__.py":
            continue
        plan, name = csto_kg.graph.__doc__, path.name
        if path.parent.name == "link":
            plan, name = csto_kg.graph.link.__doc__, f"`{path.stem}`"
        assert name in plan, f"graph/{module.replace('.', '/')}.py is not on the map"


def test_modules_import_only_from_their_row_or_above():
    for module, path in modules():
        for target, line in imports(module, path):
            assert row_of(target) <= row_of(module), (
                f"graph/{module.replace('.', '/')}.py:{line} imports {target}, a later stage of the pipeline")


def test_the_servers_blueprints_borrow_nothing_from_each_other():
    """What two blueprints share lives in serving.py, negotiation.py or protocol.py (server/__init__.py)."""
    import csto_kg.server

    server = Path(csto_kg.server.__file__).parent
    blueprints = {path.stem for path in server.glob("*.py") if "Blueprint(" in path.read_text()}
    assert blueprints == {"sparql", "pages", "views", "linked_data"}
    for name in blueprints:
        tree = ast.parse((server / f"{name}.py").read_text())
        borrowed = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 1
                    for alias in node.names if node.module is None} | {
                    node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 1
                    and node.module}
        assert not borrowed & (blueprints - {name}), f"server/{name}.py imports {borrowed & blueprints}"


def absolute_imports(path: Path):
    """The modules a file imports by absolute name (from x import y, import x), with their lines."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and not node.level:
            yield node.module, node.lineno
        elif isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)


def test_the_graph_never_imports_the_faces():
    """Nor the named queries (queries/), which sit above it and are read by the faces."""
    for module, path in modules():
        for target, line in absolute_imports(path):
            assert not target.startswith(("csto_kg.server", "csto_kg.cli", "csto_kg.queries", "flask", "werkzeug")), (
                f"graph/{module.replace('.', '/')}.py:{line} imports {target}")


def test_the_cli_borrows_from_the_server_only_to_start_it():
    """The CLI writes answers with graph/sparql/ (formats.py, results.py), not with the server's
    modules; only `csto-kg serve` (cli/serve.py) imports the server, to run it."""
    import csto_kg.cli

    cli = Path(csto_kg.cli.__file__).parent
    borrowed = {(path.name, target, line) for path in sorted(cli.glob("*.py"))
                for target, line in absolute_imports(path)
                if target.startswith("csto_kg.server") or target.split(".")[0] in ("flask", "werkzeug")}
    assert {(name, target) for name, target, _ in borrowed} <= {
        ("serve.py", "csto_kg.server"), ("serve.py", "csto_kg.server.app"),
        ("serve.py", "csto_kg.server.listener")}, sorted(borrowed)
