"""Shared fixtures: an isolated cache and data folder, and the built article graph."""

import os
import tempfile
from pathlib import Path

import pytest

# Before anything builds: never read the user's linked data or cache, never write there.
_scratch = Path(tempfile.mkdtemp(prefix="csto-kg-tests-"))
os.environ["CSTO_KG_CACHE"] = str(_scratch / "cache")
os.environ["CSTO_KG_HOME"] = str(_scratch / "home")


@pytest.fixture(scope="session")
def kg():
    """The reasoned article graph with the implied facts, as users get it by default."""
    from csto_kg.graph import build

    return build()


@pytest.fixture(scope="session")
def kg_stated_only():
    """The reasoned article graph without the implied facts."""
    from csto_kg.graph import build

    return build(implied=False)
