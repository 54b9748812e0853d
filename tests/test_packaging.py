"""`pip install .` from a clean tree gives a working csto-kg, from any folder (issue 2, done-when)."""

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True)
    return next(out.glob("csto_kg-*.whl"))


def test_the_wheel_ships_one_package_with_its_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/", 1)[0] for n in names}
    assert top == {"csto_kg", next(t for t in top if t.endswith(".dist-info"))}
    for needed in ("csto_kg/ontology/csto.ttl", "csto_kg/graph/facts/article.trig",
                   "csto_kg/graph/facts/implied.trig", "csto_kg/graph/facts/entities.ttl",
                   "csto_kg/graph/facts/article.txt"):
        assert needed in names
    assert len([n for n in names if n.startswith("csto_kg/queries/") and n.endswith(".rq")]) >= 15
    assert any(n.startswith("csto_kg/server/static/") for n in names)
    for page in ("verdict.html", "matrix.html", "organization.html", "article.html", "timeline.html"):
        assert f"csto_kg/server/templates/{page}" in names
    for vendored in ("codemirror.min.js", "sparql.min.js", "show-hint.min.js", "LICENSE"):  # the editor, served locally
        assert f"csto_kg/server/static/vendor/codemirror/{vendored}" in names


def test_installed_in_a_fresh_venv_it_works_from_any_folder(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    pip = env_dir / "bin" / "pip"
    subprocess.run([str(pip), "install", "-q", str(wheel)], check=True, capture_output=True)
    home = tmp_path / "home"
    result = subprocess.run(
        [str(env_dir / "bin" / "csto-kg"), "explain", "Azerbaijan", "--status", "observer", "--format", "json"],
        cwd=tmp_path, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(home)},
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["eligible"] is False
