"""Where csto-kg keeps what it writes (linked open data, the build cache), and how it replaces
a file so that a reader never sees half of one."""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary file beside path to write; when the block ends without error it is synced
    and renamed over path, otherwise removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def data_dir() -> Path:
    """CSTO_KG_HOME, or ~/.local/share/csto-kg: the user's linked data lives here."""
    return Path(os.environ.get("CSTO_KG_HOME") or Path.home() / ".local" / "share" / "csto-kg")


def linked_file() -> Path:
    """The TriG file `csto-kg link` writes and every build reads, if it exists."""
    return data_dir() / "linked.trig"


def cache_dir() -> Path:
    """CSTO_KG_CACHE, or ~/.cache/csto-kg: reasoned builds keyed by their inputs."""
    return Path(os.environ.get("CSTO_KG_CACHE") or Path.home() / ".cache" / "csto-kg")
