"""The verdict matrix as the analyst asks for it: requirement columns aligned between the
statuses, rows sorted (names in natural order: State 2 before State 10) or by verdict,
filtered by verdict, by a requirement's result or by name, counted, and paged.

Everything is a query parameter, so a view of the matrix is a link and works without script.
"""

from __future__ import annotations

import re

from .errors import Refused

PAGE_SIZE = 200
VERDICTS = ("eligible", "ineligible", "no verdict")
RESULTS = ("met", "failed", "unknown")
SORTS = ("name", "verdict")


def natural_key(name: str) -> tuple:
    """State 2 before State 10: runs of digits compare as numbers."""
    return tuple(int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", name))


def columns(requirements: dict[str, list[dict]]) -> list[dict]:
    """Every requirement once, those of every status first, each with the statuses it belongs to;
    the same requirement stands in the same column in every status's table."""
    found: dict[str, dict] = {}
    for status, listed in requirements.items():
        for r in listed:
            found.setdefault(r["iri"], {**r, "statuses": []})["statuses"].append(status)
    return sorted(found.values(), key=lambda r: (-len(r["statuses"]), r["statuses"], r["label"].casefold()))


def _choice(args, name: str, allowed, default=None):
    value = args.get(name, default)
    if value in (None, ""):
        return default
    if value not in allowed:
        raise Refused(400, f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def asked(args, slugs) -> dict:
    """The view the query string asks for; a value the matrix does not know is refused with a sentence."""
    try:
        page = int(args.get("page", "1"))
    except ValueError:
        raise Refused(400, f"page must be a whole number, not {args.get('page')!r}") from None
    if page < 1:
        raise Refused(400, f"page must be 1 or more, not {page}")
    requirement = _choice(args, "requirement", slugs)
    result = _choice(args, "result", RESULTS)
    if (requirement is None) != (result is None):
        raise Refused(400, "filter by a requirement's result with both requirement= and result=")
    q = args.get("q", "").strip()
    if len(q) > 200:
        raise Refused(400, "the name filter is longer than 200 characters")
    return {"sort": _choice(args, "sort", SORTS, "name"), "verdict": _choice(args, "verdict", VERDICTS),
            "requirement": requirement, "result": result, "q": q, "page": page}


def table(agents: list[dict], status: str, cols: list[dict], view: dict) -> dict:
    """One status's rows as asked, the verdict counts over all of them, and the page's place."""
    rows = [{**a, "verdict": a["verdicts"].get(status, "no verdict")} for a in agents]
    counts = {v: sum(1 for r in rows if r["verdict"] == v) for v in VERDICTS}
    wanted = view["q"].casefold()
    by_slug = {c["slug"]: c for c in cols}
    if wanted:
        rows = [r for r in rows if wanted in r["label"].casefold()]
    if view["verdict"]:
        rows = [r for r in rows if r["verdict"] == view["verdict"]]
    if view["requirement"]:
        column = by_slug[view["requirement"]]
        rows = [r for r in rows if status in column["statuses"]
                and r["cells"].get(column["iri"], "unknown") == view["result"]]
    rows.sort(key=lambda r: natural_key(r["label"]))
    if view["sort"] == "verdict":
        rows.sort(key=lambda r: VERDICTS.index(r["verdict"]))
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    start = (min(view["page"], pages) - 1) * PAGE_SIZE
    return {"status": status, "rows": rows[start:start + PAGE_SIZE], "matching": len(rows), "counts": counts,
            "first": start + 1, "pages": pages, "page": min(view["page"], pages)}
