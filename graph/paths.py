"""Where csto-kg keeps what it writes: linked open data and the build cache."""

import os
from pathlib import Path


def data_dir() -> Path:
    """CSTO_KG_HOME, or ~/.local/share/csto-kg: the user's linked data lives here."""
    return Path(os.environ.get("CSTO_KG_HOME") or Path.home() / ".local" / "share" / "csto-kg")


def linked_file() -> Path:
    """The TriG file `csto-kg link` writes and every build reads, if it exists."""
    return data_dir() / "linked.trig"


def cache_dir() -> Path:
    """CSTO_KG_CACHE, or ~/.cache/csto-kg: reasoned builds keyed by their inputs."""
    return Path(os.environ.get("CSTO_KG_CACHE") or Path.home() / ".cache" / "csto-kg")
