"""The organization drawn as SVG, laid out in rows: the organization on top, its members
below it, then observers, partners and candidates, then the conflicts on their territories.

Pure Python, no layout engine: rows are few and short, and each kind of relation has its own
colour and curve, so edges between the same two states stay apart.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

KG = "https://w3id.org/csto-kg/id/"
WIDTH = 1000
ROW_GAP = 150
PER_ROW = 7
NODE_HEIGHT = 34
ROLE_TITLES = {"organization": "organization", "member": "member state", "observer": "observer",
               "partner": "partner", "candidate": "candidate", "conflict": "conflict"}
EDGE_TITLES = {"member": "member of", "observer": "observer of", "partner": "partner of",
               "seeks": "seeks a status in", "consent-withheld": "consent withheld by",
               "consent-given": "consent given by", "no-relations": "no diplomatic relations with",
               "conflict": "conflict on its territory"}
LABELLED = ("consent-withheld", "no-relations", "conflict")  # consent given is common: the legend names it
RELATION_BEND = {"consent-withheld": -60, "consent-given": -60, "no-relations": 60, "conflict": 0}

STYLE = """
.node rect, .node ellipse { stroke-width: 1.5; }
.node text { font: 14px system-ui, sans-serif; fill: #1d232a; text-anchor: middle; dominant-baseline: central; }
.role-organization rect { fill: #1f3f73; stroke: #1f3f73; }
.role-organization text { fill: #fff; font-weight: 700; }
.role-member rect { fill: #dbe8f8; stroke: #1f5fa8; }
.role-observer rect { fill: #d9f2ef; stroke: #1b7f74; }
.role-partner rect { fill: #ece4f7; stroke: #6b3fa0; }
.role-candidate rect { fill: #fff0d1; stroke: #b26b00; }
.role-conflict ellipse { fill: #fde2e1; stroke: #b42318; }
.placeholder rect { fill: none; stroke: #8c959f; stroke-dasharray: 4 3; }
.placeholder text { fill: #5f6b76; font-style: italic; }
.edge { fill: none; stroke-width: 2; }
.edge-member { stroke: #1f5fa8; stroke-width: 1.5; } .edge-observer { stroke: #1b7f74; stroke-dasharray: 6 4; }
.edge-partner { stroke: #6b3fa0; stroke-dasharray: 6 4; } .edge-seeks { stroke: #b26b00; stroke-dasharray: 2 4; }
.edge-consent-withheld { stroke: #cf222e; stroke-width: 3; } .edge-consent-given { stroke: #1a7f37; stroke-width: 3; }
.edge-no-relations { stroke: #d4700b; stroke-width: 3; } .edge-conflict { stroke: #8b1e8b; stroke-width: 3; }
.graph-implied { stroke-dasharray: 9 5; }
.legend-implied { stroke: #444; }
.edge-label { font: 12px system-ui, sans-serif; fill: #444; text-anchor: middle;
              paint-order: stroke; stroke: #fff; stroke-width: 4px; }
.legend text { font: 13px system-ui, sans-serif; fill: #1d232a; dominant-baseline: central; }
.legend .heading { font-weight: 700; }
"""


def node_width(label: str) -> int:
    return max(90, int(len(label) * 8.2) + 26)


def _rows(nodes: list[dict], no_partners: bool) -> list[list[dict]]:
    by_role = {role: [n for n in nodes if n["role"] == role] for role in ROLE_TITLES}
    rows = [by_role["organization"]]
    rows += _chunks(by_role["member"])
    # "none" only where the graph says the partner list is empty (I19); else none is named
    empty = {"placeholder": "partners: none" if no_partners else "partners: none named", "role": "partner"}
    lower = by_role["observer"] + (by_role["partner"] or [empty]) + by_role["candidate"]
    rows += _chunks(lower)
    rows += _chunks(by_role["conflict"])
    return [r for r in rows if r]


def _chunks(nodes: list[dict]) -> list[list[dict]]:
    return [nodes[i:i + PER_ROW] for i in range(0, len(nodes), PER_ROW)] or [[]]


def layout(nodes: list[dict], no_partners: bool = False) -> tuple[dict, list[dict], int]:
    """Each node's centre; the placeholders drawn where a role has no one; the drawing's height."""
    places, placeholders = {}, []
    rows = _rows(nodes, no_partners)
    for r, row in enumerate(rows):
        y = 50 + r * ROW_GAP
        for i, node in enumerate(row):
            x = int(WIDTH * (i + 1) / (len(row) + 1))
            if "placeholder" in node:
                placeholders.append({**node, "x": x, "y": y})
            else:
                places[node["iri"]] = (x, y)
    return places, placeholders, 50 + (len(rows) - 1) * ROW_GAP + 60


def _href(iri: str) -> str:
    if iri.startswith(KG):
        return "/id/" + quote(iri[len(KG):], safe="/")
    return "/resource?iri=" + quote(iri, safe="")


def _edge_path(a, b, bend: int) -> tuple[str, tuple[float, float]]:
    (x1, y1), (x2, y2) = a, b
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    dx, dy = x2 - x1, y2 - y1
    length = max((dx * dx + dy * dy) ** 0.5, 1)
    cx, cy = mx - dy / length * bend, my + dx / length * bend
    label = (0.25 * x1 + 0.5 * cx + 0.25 * x2, 0.25 * y1 + 0.5 * cy + 0.25 * y2)
    return f"M{x1:.0f},{y1:.0f} Q{cx:.0f},{cy:.0f} {x2:.0f},{y2:.0f}", label


def svg(data: dict) -> str:
    """The drawing as a standalone SVG document (its style inside it)."""
    nodes = data["nodes"]
    places, placeholders, height = layout(nodes, data.get("no_partners", False))
    by_iri = {n["iri"]: n for n in nodes}
    org = data["org"]
    structural = []
    for node in nodes:
        if node["role"] in ("member", "observer", "partner") and org:
            structural.append({"source": node["iri"], "target": org, "kind": node["role"]})
        elif node["role"] == "candidate" and org:
            structural.append({"source": node["iri"], "target": org, "kind": "seeks"})
    legend_y = height + 10
    total = legend_y + 120
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" id="organization-picture" viewBox="0 0 {WIDTH} {total}" '
           f'width="{WIDTH}" height="{total}" role="img" aria-labelledby="picture-title">',
           f'<title id="picture-title">{escape(_title(data))}</title>', f"<style>{STYLE}</style>",
           '<g class="edges">']
    for edge in structural + data["edges"]:
        if edge["source"] not in places or edge["target"] not in places:
            continue
        s, t = by_iri[edge["source"]], by_iri[edge["target"]]
        path, (lx, ly) = _edge_path(places[edge["source"]], places[edge["target"]],
                                    RELATION_BEND.get(edge["kind"], 0))
        graph = edge.get("graph", "")
        said = f" ({', '.join(x for x in (edge.get('fact'), graph) if x)})" if graph else ""
        words = f"{s['label']} {EDGE_TITLES[edge['kind']]} {t['label']}{said}"
        out.append(f'<path class="edge edge-{edge["kind"]}{" graph-" + graph if graph else ""}" d="{path}" '
                   f'data-source="{escape(s["label"])}" data-target="{escape(t["label"])}" '
                   f'data-kind="{edge["kind"]}"><title>{escape(words)}</title></path>')
        if edge["kind"] in LABELLED:
            tag = f" · {edge['fact']}" if edge.get("fact") else ""
            out.append(f'<text class="edge-label" x="{lx:.0f}" y="{ly:.0f}">'
                       f'{escape(EDGE_TITLES[edge["kind"]])}{escape(tag)}</text>')
    out.append("</g><g class=\"nodes\">")
    for node in nodes:
        if node["iri"] not in places:
            continue
        x, y = places[node["iri"]]
        w = node_width(node["label"])
        role = node["role"]
        also = f" (also {', '.join(node.get('also') or [])})" if node.get("also") else ""
        if role == "conflict":
            shape = f'<ellipse cx="{x}" cy="{y}" rx="{w / 2:.0f}" ry="{NODE_HEIGHT / 2 + 4:.0f}"/>'
        else:
            shape = (f'<rect x="{x - w / 2:.0f}" y="{y - NODE_HEIGHT / 2:.0f}" '
                     f'width="{w}" height="{NODE_HEIGHT}" rx="8"/>')
        out.append(f'<a href="{escape(_href(node["iri"]))}">'
                   f'<g class="node role-{role}" data-label="{escape(node["label"])}" '
                   f'data-role="{role}"><title>{escape(node["label"])}: {ROLE_TITLES[role]}{escape(also)}</title>'
                   f'{shape}<text x="{x}" y="{y}">{escape(node["label"])}</text></g></a>')
    for p in placeholders:
        w = node_width(p["placeholder"])
        out.append(f'<g class="node placeholder" data-role="{p["role"]}"><rect x="{p["x"] - w / 2:.0f}" '
                   f'y="{p["y"] - NODE_HEIGHT / 2:.0f}" width="{w}" height="{NODE_HEIGHT}" rx="8"/>'
                   f'<text x="{p["x"]}" y="{p["y"]}">{escape(p["placeholder"])}</text></g>')
    out.append("</g>")
    out.append(_legend(legend_y))
    out.append("</svg>")
    return "\n".join(out)


def _title(data: dict) -> str:
    count = {role: sum(1 for n in data["nodes"] if n["role"] == role) for role in ROLE_TITLES}
    return (f"The organization: {count['member']} member states, {count['observer']} observers, "
            f"{count['partner'] or 'no'} partners, {count['candidate']} candidates")


def _legend(y: int) -> str:
    out = [f'<g class="legend" transform="translate(20,{y})">',
           '<text class="heading" x="0" y="0">Legend</text>']
    for i, role in enumerate(("organization", "member", "observer", "partner", "candidate", "conflict")):
        x = i * 160
        shape = ('<ellipse cx="14" cy="0" rx="14" ry="10"/>' if role == "conflict"
                 else '<rect x="0" y="-10" width="28" height="20" rx="5"/>')
        out.append(f'<g class="node role-{role}" transform="translate({x},30)">{shape}</g>'
                   f'<text x="{x + 36}" y="30">{ROLE_TITLES[role]}</text>')
    kinds = ("member", "observer", "seeks", "consent-withheld", "consent-given", "no-relations", "conflict")
    for i, kind in enumerate(kinds):
        x = (i % 4) * 240
        row = 62 + (i // 4) * 26
        out.append(f'<path class="edge edge-{kind}" d="M{x},{row} L{x + 40},{row}"/>'
                   f'<text x="{x + 48}" y="{row}">{EDGE_TITLES[kind]}</text>')
    out.append('<path class="edge graph-implied legend-implied" d="M720,88 L760,88"/>'
               '<text x="768" y="88">dashed: implied, not stated</text>')
    out.append("</g>")
    return "".join(out)
