"""Named SPARQL queries, one .rq file each.

Each file opens with a comment header that says what it answers:

    # title: Member states of the CSTO
    # description: The six member states the article lists, with their Wikidata ids.

The header is read here and shown by `csto-kg queries`, `GET /queries` and the query page.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    text: str


def _parse(name: str, text: str) -> NamedQuery:
    header: dict[str, str] = {}
    key = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line.lstrip("#").strip()
        field, sep, value = body.partition(":")
        if sep and field.strip().lower() in ("title", "description"):
            key = field.strip().lower()
            header[key] = value.strip()
        elif key and body:
            header[key] += " " + body
    return NamedQuery(name, header.get("title", name), header.get("description", ""), text)


def all_queries() -> list[NamedQuery]:
    """Every named query shipped with csto-kg, sorted by name."""
    folder = files(__name__)
    return sorted(
        (_parse(f.name[:-3], f.read_text(encoding="utf-8")) for f in folder.iterdir() if f.name.endswith(".rq")),
        key=lambda q: q.name,
    )


def get(name: str) -> NamedQuery | None:
    """The named query called name, or None."""
    resource = files(__name__).joinpath(f"{name}.rq")
    if not name.replace("_", "").replace("-", "").isalnum() or not resource.is_file():
        return None
    return _parse(name, resource.read_text(encoding="utf-8"))
