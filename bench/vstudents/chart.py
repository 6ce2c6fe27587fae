"""A small SVG chart of a load table: p95 click-to-update and server CPU against K.

Plain SVG text (no plotting library): two panels side by side, one line per replica count,
a marker and value at each K. Written by `python -m bench.protocol_load` next to its table.
"""

from __future__ import annotations

import math
from html import escape

WIDTH, HEIGHT = 760, 330
PANEL_W, PANEL_H = 300, 200
LEFT, TOP = 60, 50
COLOURS = {1: "#1f77b4", 2: "#d62728", 3: "#2ca02c", 4: "#9467bd"}


def _nice_max(value: float) -> float:
    """A round axis top at or above `value`."""
    if not math.isfinite(value) or value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _panel(x0: float, title: str, unit: str, series: dict[int, list[tuple[int, float]]],
           ks: list[int], line: float | None) -> list[str]:  # fmt: skip
    finite = [v for points in series.values() for _, v in points if math.isfinite(v)]
    top = _nice_max(max(finite + [line or 0.0], default=1.0))
    k_max = max(ks)

    def x(k: float) -> float:
        return x0 + PANEL_W * k / k_max

    def y(v: float) -> float:
        return TOP + PANEL_H * (1 - min(v, top) / top)

    parts = [
        f'<text x="{x0 + PANEL_W / 2}" y="{TOP - 18}" text-anchor="middle" '
        f'font-weight="bold">{escape(title)}</text>',
        f'<line x1="{x0}" y1="{TOP + PANEL_H}" x2="{x0 + PANEL_W}" y2="{TOP + PANEL_H}" '
        'stroke="#333"/>',
        f'<line x1="{x0}" y1="{TOP}" x2="{x0}" y2="{TOP + PANEL_H}" stroke="#333"/>',
    ]
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        value = top * fraction
        parts.append(
            f'<text x="{x0 - 6}" y="{y(value) + 4}" text-anchor="end" font-size="11">'
            f"{value:g}</text>"
        )
        parts.append(
            f'<line x1="{x0}" y1="{y(value)}" x2="{x0 + PANEL_W}" y2="{y(value)}" stroke="#ddd"/>'
        )
    for k in ks:
        parts.append(
            f'<text x="{x(k)}" y="{TOP + PANEL_H + 16}" text-anchor="middle" font-size="11">'
            f"{k}</text>"
        )
    parts.append(
        f'<text x="{x0 + PANEL_W / 2}" y="{TOP + PANEL_H + 34}" text-anchor="middle" '
        f'font-size="12">students K</text>'
    )
    parts.append(
        f'<text x="{x0 - 44}" y="{TOP + PANEL_H / 2}" text-anchor="middle" font-size="12" '
        f'transform="rotate(-90 {x0 - 44} {TOP + PANEL_H / 2})">{escape(unit)}</text>'
    )
    if line is not None:
        parts.append(
            f'<line x1="{x0}" y1="{y(line)}" x2="{x0 + PANEL_W}" y2="{y(line)}" '
            'stroke="#888" stroke-dasharray="4 3"/>'
        )
    for replicas, points in sorted(series.items()):
        colour = COLOURS.get(replicas, "#333")
        shown = [(k, v) for k, v in points if math.isfinite(v)]
        path = " ".join(f"{x(k):.1f},{y(v):.1f}" for k, v in shown)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                     'stroke-width="2"/>')  # fmt: skip
        for k, v in shown:
            marker = "" if v <= top else "▲"
            parts.append(f'<circle cx="{x(k):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}"/>')
            if marker:
                parts.append(f'<text x="{x(k):.1f}" y="{y(v) - 6:.1f}" font-size="10" '
                             f'text-anchor="middle" fill="{colour}">{marker}</text>')  # fmt: skip
    return parts


def load_chart_svg(rows: list[dict], title: str) -> str:
    """`rows`: dicts with "replicas", "students", "p95_ms" and "server_cpu_percent"."""
    ks = sorted({row["students"] for row in rows})
    by_replicas: dict[int, list[dict]] = {}
    for row in rows:
        by_replicas.setdefault(row["replicas"], []).append(row)
    p95 = {r: [(row["students"], row["p95_ms"] / 1000) for row in sorted(v, key=_k)]
           for r, v in by_replicas.items()}  # fmt: skip
    cpu = {r: [(row["students"], row["server_cpu_percent"]) for row in sorted(v, key=_k)]
           for r, v in by_replicas.items()}  # fmt: skip
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="13">',
        f"<title>{escape(title)}</title>",
        '<rect width="100%" height="100%" fill="white"/>',
        *_panel(LEFT, "p95 click-to-update", "seconds", p95, ks, line=1.0),
        *_panel(
            LEFT + PANEL_W + 90, "server CPU (all replicas)", "% of one core", cpu, ks, line=None
        ),  # fmt: skip
    ]
    legend_x = LEFT
    for replicas in sorted(by_replicas):
        colour = COLOURS.get(replicas, "#333")
        label = "1 replica" if replicas == 1 else f"{replicas} replicas + nginx"
        parts.append(f'<rect x="{legend_x}" y="{HEIGHT - 16}" width="12" height="4" '
                     f'fill="{colour}"/>')  # fmt: skip
        parts.append(f'<text x="{legend_x + 18}" y="{HEIGHT - 10}" font-size="12">'
                     f"{escape(label)}</text>")  # fmt: skip
        legend_x += 190
    parts.append(f'<text x="{legend_x}" y="{HEIGHT - 10}" font-size="12" fill="#666">'
                 "dashed: 1 s; ▲ off the scale</text>")  # fmt: skip
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _k(row: dict) -> int:
    return row["students"]
