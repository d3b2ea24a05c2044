"""The chain as an SVG picture, drawn on the server (no JavaScript).

Layout: an indented tree, one box per line — legal representatives, then the RAE under
them, the co-RAEs and the qualities under the RAE, the local managers under their quality
and the co-local managers under them. Pending designations are dashed. Every text is
XML-escaped; <title> and <desc> make the picture accessible (role="img").
"""

from django.utils.html import escape
from django.utils.translation import gettext as _

from enterprises.chain import Kind

ROW = 44
BOX_H = 32
INDENT = 36
WIDTH = 760
MARGIN = 12

STYLES = {
    "lr": ("#e8eef6", "#0b4f8a"),
    Kind.RAE: ("#dfeee3", "#1e6b34"),
    Kind.CO_RAE: ("#eef6f0", "#1e6b34"),
    "quality": ("#f3f5f8", "#4a5566"),
    Kind.GL: ("#fff4e0", "#8a5300"),
    Kind.CO_GL: ("#fffaf0", "#8a5300"),
}


def _nodes(chain: dict) -> list[tuple[int, str, str, bool]]:
    """(depth, style, label, pending) in drawing order."""
    nodes: list[tuple[int, str, str, bool]] = []

    def person(d) -> str:
        return d.full_name

    for mandate in chain["legal_representatives"]:
        nodes.append(
            (
                0,
                "lr",
                _("Legal representative: %(name)s")
                % {"name": f"{mandate.first_name} {mandate.last_name}"},
                False,
            )
        )
    base = 1 if chain["legal_representatives"] else 0
    for d in chain["raes"]:
        label = _("RAE: %(name)s") % {"name": person(d)}
        nodes.append((base, Kind.RAE, label, d.is_pending))
    for d in chain["co_raes"]:
        nodes.append(
            (base + 1, Kind.CO_RAE, _("co-RAE: %(name)s") % {"name": person(d)}, d.is_pending)
        )
    for entry in chain["qualities"]:
        eq = entry["enterprise_quality"]
        nodes.append(
            (base + 1, "quality", _("Quality: %(name)s") % {"name": eq.quality.name}, False)
        )
        for d in entry["gls"]:
            nodes.append(
                (
                    base + 2,
                    Kind.GL,
                    _("Local manager: %(name)s") % {"name": person(d)},
                    d.is_pending,
                )
            )
        for d in entry["co_gls"]:
            nodes.append(
                (
                    base + 3,
                    Kind.CO_GL,
                    _("Co-local manager: %(name)s") % {"name": person(d)},
                    d.is_pending,
                )
            )
    return nodes


def chain_svg(chain: dict) -> str:
    enterprise = chain["enterprise"]
    nodes = _nodes(chain)
    pending_label = _("(waiting for acceptance)")
    title = _("Designation chain of %(name)s (%(number)s)") % {
        "name": enterprise.name,
        "number": enterprise.number_display,
    }
    desc_lines = [
        ("  " * depth) + label + (f" {pending_label}" if pending else "")
        for depth, _s, label, pending in nodes
    ]
    desc = "; ".join(line.strip() for line in desc_lines) or _("No designation yet.")
    height = MARGIN * 2 + max(len(nodes), 1) * ROW
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="chain-title chain-desc" '
        'font-family="system-ui, sans-serif" font-size="14">',
        f'<title id="chain-title">{escape(title)}</title>',
        f'<desc id="chain-desc">{escape(desc)}</desc>',
    ]
    # Edges first (under the boxes): an elbow from the nearest node one level up.
    last_at_depth: dict[int, int] = {}
    for index, (depth, _style, _label, pending) in enumerate(nodes):
        y = MARGIN + index * ROW
        parent = last_at_depth.get(depth - 1)
        if parent is not None:
            px = MARGIN + (depth - 1) * INDENT + 14
            py = MARGIN + parent * ROW + BOX_H
            x = MARGIN + depth * INDENT
            dash = ' stroke-dasharray="5 4"' if pending else ""
            out.append(
                f'<path d="M{px} {py} V{y + BOX_H // 2} H{x}" fill="none" stroke="#4a5566" '
                f'stroke-width="1.5"{dash}/>'
            )
        last_at_depth[depth] = index
        for deeper in [d for d in last_at_depth if d > depth]:
            del last_at_depth[deeper]
    for index, (depth, style, label, pending) in enumerate(nodes):
        fill, stroke = STYLES[style]
        x = MARGIN + depth * INDENT
        y = MARGIN + index * ROW
        w = WIDTH - x - MARGIN
        dash = ' stroke-dasharray="6 4"' if pending else ""
        text = label + (f" {pending_label}" if pending else "")
        out.append(
            f'<g class="node {style}{" pending" if pending else ""}">'
            f'<rect x="{x}" y="{y}" width="{w}" height="{BOX_H}" rx="6" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="2"{dash}/>'
            f'<text x="{x + 10}" y="{y + 21}" fill="#1d2430">{escape(text)}</text></g>'
        )
    out.append("</svg>")
    return "\n".join(out)
