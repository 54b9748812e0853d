"""The organization drawn as SVG, readable at 4 candidates or 400.

The member states sit in the organization's frame at the top; below it the status holders,
then the candidates in groups by verdict, each group a grid. Only what decides verdicts is
drawn: a consent withheld and diplomatic relations lacking as lines up to the member state, a
conflict as an ellipse under its state's box, the consent of every member state as a mark on
the box (hundreds of lines otherwise). A line runs in free space only: up from its box into
the gap above the row, along the gap to the lane between two columns, up the lane to the
member state's own track under the frame, along the track and up into the member's box. So no
line crosses a box or a label, and the lines to one member state merge into its track.

Pure Python, no layout engine: a grid and its gaps need none.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from .matrix_page import natural_key
from .serving import resource_url

MARGIN = 24
GAP = 18            # between rows: where a line leaves its box
HEADING = 30        # a group's heading, above its rows
CONFLICT = 34       # room under a box for its conflict
TRACK = 6           # between two members' tracks under the frame
ROLE_TITLES = {"organization": "organization", "member": "member state", "observer": "observer",
               "partner": "partner", "candidate": "candidate", "conflict": "conflict"}
EDGE_TITLES = {"consent-withheld": "consent withheld by", "consent-given": "consent given by",
               "no-relations": "no diplomatic relations with", "conflict": "conflict on its territory"}
ROUTED = ("consent-withheld", "no-relations")   # lines up to a member state; their side in a box
GROUPS = (("ineligible", "Ineligible for observer or partner status"),
          ("eligible", "Eligible for a status, ineligible for none"),
          ("no verdict", "No verdict: the graph does not say enough"))

# One stylesheet: the page links it, the standalone SVG carries it inside.
STYLE = (Path(__file__).parent / "static" / "picture.css").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Size:
    width: int
    cell: int
    box: int
    height: int

    @property
    def columns(self) -> int:
        return (self.width - 2 * MARGIN) // self.cell


NORMAL = Size(width=1000, cell=150, box=134, height=32)
COMPACT = Size(width=1400, cell=124, box=112, height=24)   # past 60 candidates


def node_width(label: str) -> int:
    return max(90, int(len(label) * 8.2) + 26)


def group_of(node: dict) -> str:
    said = set(node.get("verdicts", {}).values())
    return "ineligible" if "ineligible" in said else "eligible" if "eligible" in said else "no verdict"


def _bands(nodes: list[dict], no_partners: bool) -> list[tuple[str, list[dict]]]:
    """The rows of boxes under the frame, each with its heading."""
    nodes = sorted(nodes, key=lambda n: natural_key(n["label"]))
    holders = [n for n in nodes if n["role"] in ("observer", "partner")]
    if not any(n["role"] == "partner" for n in holders):
        holders.append({"placeholder": "partners: none" if no_partners else "partners: none named", "role": "partner"})
    bands = [("Observers and partners", holders)]
    candidates = [n for n in nodes if n["role"] == "candidate"]
    for key, title in GROUPS:
        members = [n for n in candidates if group_of(n) == key]
        if members:
            bands.append((f"{title} ({len(members)})", members))
    return bands


def layout(data: dict) -> dict:
    """Where every box, conflict, heading and track goes, and the drawing's size."""
    nodes = data["nodes"]
    size = COMPACT if sum(n["role"] == "candidate" for n in nodes) > 60 else NORMAL
    conflicts_of: dict[str, list[dict]] = {}
    by_iri = {n["iri"]: n for n in nodes}
    for e in data["edges"]:
        if e["kind"] == "conflict" and e["target"] in by_iri:
            conflicts_of.setdefault(e["source"], []).append({**by_iri[e["target"]], "edge": e})
    members = [n for n in nodes if n["role"] == "member"]
    org = next((n for n in nodes if n["role"] == "organization"), None)
    places: dict[str, tuple[float, float, int]] = {}     # iri -> centre x, centre y, column
    member_rows = [members[i:i + size.columns] for i in range(0, len(members), size.columns)] or [[]]
    y = MARGIN + 56
    for row in member_rows:
        first = (size.columns - len(row)) // 2
        for j, m in enumerate(row):
            places[m["iri"]] = (MARGIN + (first + j + .5) * size.cell, y + size.height / 2, first + j)
        y += size.height + GAP
    frame = (MARGIN, MARGIN + 14, size.width - 2 * MARGIN, y - MARGIN - 14)
    routed = {(e[end], e["kind"]) for e in data["edges"] if e["kind"] in ROUTED for end in ("source", "target")}
    used = [(m["iri"], kind) for m in members for kind in ROUTED if (m["iri"], kind) in routed]
    tracks = {pair: y + 10 + i * TRACK for i, pair in enumerate(used)}   # only the tracks lines run on
    y += 20 + len(used) * TRACK
    headings, placeholders, conflicts = [], [], []
    for title, band in _bands(nodes, data.get("no_partners", False)):
        headings.append((title, y + 26))
        y += HEADING + 8
        for start in range(0, len(band), size.columns):
            row = band[start:start + size.columns]
            y += GAP
            for j, node in enumerate(row):
                cx, cy = MARGIN + (j + .5) * size.cell, y + size.height / 2
                if "placeholder" in node:
                    placeholders.append({**node, "x": cx, "y": cy})
                    continue
                places[node["iri"]] = (cx, cy, j)
                for c in conflicts_of.get(node["iri"], [])[:1]:
                    conflicts.append({**c, "x": cx, "y": y + size.height + CONFLICT / 2 + 2, "under": node})
            y += size.height + (CONFLICT if any(n.get("iri") in conflicts_of for n in row) else 0)
    return {"size": size, "org": org, "frame": frame, "members": {m["iri"] for m in members},
            "places": places, "tracks": tracks, "headings": headings,
            "placeholders": placeholders, "conflicts": conflicts, "height": y + GAP}


def route(lay: dict, edge: dict) -> str | None:
    """The line from the box in the grid up to the member state, through free space only."""
    places, size = lay["places"], lay["size"]
    s, t = edge["source"], edge["target"]
    members = lay["members"]
    member, other = (t, s) if t in members else (s, t)
    if member not in members or other in members or other not in places:
        return None
    side = -1 if edge["kind"] == "consent-withheld" else 1
    x, y, column = places[other]
    mx, my, _ = places[member]
    top, gap = y - size.height / 2, y - size.height / 2 - GAP / 2
    lane = MARGIN + column * size.cell + side * 3
    track = lay["tracks"][(member, edge["kind"])]
    return (f"M{x + side * 10:.0f},{top:.0f} V{gap:.0f} H{lane:.0f} V{track:.0f} "
            f"H{mx + side * 10:.0f} V{my + size.height / 2:.0f}")


def _said(edge: dict) -> str:
    graph = edge.get("graph", "")
    return f" ({', '.join(x for x in (edge.get('fact'), graph) if x)})" if graph else ""


def _line(path: str, edge: dict, source: str, target: str) -> str:
    graph = edge.get("graph", "")
    words = f"{source} {EDGE_TITLES[edge['kind']]} {target}{_said(edge)}"
    return (f'<path class="edge edge-{edge["kind"]}{" graph-" + graph if graph else ""}" d="{path}" '
            f'data-source="{escape(source)}" data-target="{escape(target)}" data-kind="{edge["kind"]}">'
            f'<title>{escape(words)}</title></path>')


def _verdict_words(node: dict) -> str:
    return "; ".join(f"{v['verdict']} for {v['status']} ({v['standing']})" for v in node.get("standings", []))


def _box(node: dict, x: float, y: float, size: Size, mark: str = "") -> str:
    """A box linked to its page; a candidate whose verdict rests on implied facts is outlined dashed."""
    role = node["role"]
    also = f" (also {', '.join(node.get('also') or [])})" if node.get("also") else ""
    label = node["label"]
    shown = label if role == "organization" else _fit(label, size)
    width = size.box if role != "organization" else node_width(label)
    verdicts = _verdict_words(node)
    implied = " standing-implied" if any(v["standing"] == "implied" for v in node.get("standings", [])) else ""
    said = f' data-verdicts="{escape(verdicts)}"' if verdicts else ""
    return (f'<a href="{escape(resource_url(node["iri"]))}"><g class="node role-{role}{implied}" '
            f'data-label="{escape(label)}" data-role="{role}"{said}><title>{escape(label)}: {ROLE_TITLES[role]}'
            f'{escape(also)}{escape(": " + verdicts) if verdicts else ""}</title>'
            f'<rect x="{x - width / 2:.0f}" y="{y - size.height / 2:.0f}" width="{width}" height="{size.height}" '
            f'rx="6"/><text x="{x + (7 if mark else 0):.0f}" y="{y:.0f}">{escape(shown)}</text>{mark}</g></a>')


def _consent_mark(x: float, y: float, size: Size) -> str:
    cx = x - size.box / 2 + 11
    return (f'<g class="mark consent-all"><title>consent given by every member state</title>'
            f'<circle cx="{cx:.0f}" cy="{y:.0f}" r="7"/>'
            f'<path d="M{cx - 3.5:.1f},{y:.1f} l2.5,2.5 l4.5,-5"/></g>')


def _consenting(data: dict, members: set) -> set:
    given: dict[str, set] = {}
    for e in data["edges"]:
        if e["kind"] == "consent-given" and e["target"] in members:
            given.setdefault(e["source"], set()).add(e["target"])
    return {s for s, by in given.items() if members and by == members}


def svg(data: dict, standalone: bool = True) -> str:
    """The drawing as SVG; standalone, with its style inside it (a page links picture.css, as a
    Content-Security-Policy without inline styles asks)."""
    lay = layout(data)
    size, places = lay["size"], lay["places"]
    by_iri = {n["iri"]: n for n in data["nodes"]}
    members = {n["iri"] for n in data["nodes"] if n["role"] == "member"}
    total = lay["height"] + 150
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" id="organization-picture" '
           f'class="{"compact" if size is COMPACT else "normal"}" viewBox="0 0 {size.width} {total}" '
           f'width="{size.width}" height="{total}" role="group" aria-labelledby="picture-title">',
           f'<title id="picture-title">{escape(_title(data))}</title>']
    if standalone:
        out.append(f"<style>{STYLE}</style>")
    x, y, w, h = lay["frame"]
    out.append(f'<rect class="frame" x="{x}" y="{y}" width="{w}" height="{h}" rx="10"/>')
    if lay["org"]:
        out.append(_box(lay["org"], size.width / 2, y, size))
    out += [f'<text class="heading" x="{MARGIN + 12}" y="{hy:.0f}">{escape(title)}</text>'
            for title, hy in lay["headings"]]
    out.append('<g class="edges">')
    for edge in data["edges"]:
        path = route(lay, edge) if edge["kind"] in ROUTED else None
        if path:
            out.append(_line(path, edge, by_iri[edge["source"]]["label"], by_iri[edge["target"]]["label"]))
    for c in lay["conflicts"]:
        top = c["y"] - CONFLICT / 2 + 8
        out.append(_line(f"M{c['x']:.0f},{top - 10:.0f} V{top:.0f}", c["edge"], c["under"]["label"], c["label"]))
    out.append('</g><g class="nodes">')
    consenting = _consenting(data, members)
    for iri, (cx, cy, _) in places.items():
        mark = _consent_mark(cx, cy, size) if iri in consenting else ""
        out.append(_box(by_iri[iri], cx, cy, size, mark))
    out += [_conflict(c, size) for c in lay["conflicts"]]
    for p in lay["placeholders"]:
        out.append(f'<g class="node placeholder" data-role="{p["role"]}"><rect x="{p["x"] - size.box / 2:.0f}" '
                   f'y="{p["y"] - size.height / 2:.0f}" width="{size.box}" height="{size.height}" rx="6"/>'
                   f'<text x="{p["x"]:.0f}" y="{p["y"]:.0f}">{escape(p["placeholder"])}</text></g>')
    out.append("</g>")
    out.append(_legend(lay["height"] + 10))
    out.append("</svg>")
    return "\n".join(out)


def _conflict(c: dict, size: Size) -> str:
    label = escape(c["label"])
    return (f'<a href="{escape(resource_url(c["iri"]))}"><g class="node role-conflict" data-label="{label}" '
            f'data-role="conflict"><title>{label}: conflict</title>'
            f'<ellipse cx="{c["x"]:.0f}" cy="{c["y"]:.0f}" rx="{size.box / 2 - 8:.0f}" ry="11"/>'
            f'<text x="{c["x"]:.0f}" y="{c["y"]:.0f}">{escape(_fit(c["label"], size))}</text></g></a>')


def _fit(label: str, size: Size) -> str:
    room = int((size.box - 24) / (6.4 if size is COMPACT else 7.4))
    return label if len(label) <= room else label[:room - 1] + "…"


def _title(data: dict) -> str:
    count = {role: sum(1 for n in data["nodes"] if n["role"] == role) for role in ROLE_TITLES}
    return (f"The organization: {count['member']} member states, {count['observer']} observers, "
            f"{count['partner'] or 'no'} partners, {count['candidate']} candidates")


def _legend(y: int) -> str:
    out = [f'<g class="legend" transform="translate({MARGIN},{y})">',
           '<text class="heading" x="0" y="0">Legend</text>']
    for i, role in enumerate(("organization", "member", "observer", "partner", "candidate", "conflict")):
        x = i * 160
        shape = ('<ellipse cx="14" cy="0" rx="14" ry="10"/>' if role == "conflict"
                 else '<rect x="0" y="-10" width="28" height="20" rx="5"/>')
        out.append(f'<g class="node role-{role}" transform="translate({x},30)">{shape}</g>'
                   f'<text x="{x + 36}" y="30">{ROLE_TITLES[role]}</text>')
    for i, kind in enumerate(("consent-withheld", "no-relations", "conflict")):
        x = i * 240
        out.append(f'<path class="edge edge-{kind}" d="M{x},62 L{x + 40},62"/>'
                   f'<text x="{x + 48}" y="62">{EDGE_TITLES[kind]}</text>')
    out.append('<g class="mark consent-all"><circle cx="14" cy="92" r="7"/><path d="M10.5,92 l2.5,2.5 l4.5,-5"/></g>'
               '<text x="48" y="92">consent given by every member state</text>'
               '<path class="edge graph-implied" stroke="#444" d="M480,92 L520,92"/>'
               '<text x="528" y="92">dashed: implied, not stated (a box: its verdict)</text>'
               '<text x="0" y="122">Only what decides a verdict is drawn; hover over a line for its fact.</text>')
    out.append("</g>")
    return "".join(out)
