"""Pictures of a class room: the revealed answer distribution and the join QR code."""

import io

import plotly.graph_objects as go
import segno

from lessons.class_room import Distribution
from viz.style import GREEN, GUIDE_COLOR, base_layout

RIGHT_COLOUR = GREEN  # and hatched, so the right bar reads without colour too
OTHER_COLOUR = GUIDE_COLOR  # 3.5:1 on white
RIGHT_MARK = "✓ right answer"


def distribution_figure(result: Distribution, height: int = 380, font_size: int = 14) -> go.Figure:
    """Bars of how many students gave each answer; the right answer green, hatched and
    labelled RIGHT_MARK. `result` comes from lessons.class_room.distribution."""
    labels = [
        f"{label}<br><b>{RIGHT_MARK}</b>" if right else label
        for label, right in zip(result.labels, result.right, strict=True)
    ]
    total = result.total
    text = [f"{count} ({count / total:.0%})" if total else "0" for count in result.counts]
    figure = go.Figure(
        go.Bar(
            x=labels,
            y=list(result.counts),
            text=text,
            textposition="outside",
            cliponaxis=False,
            marker={
                "color": [RIGHT_COLOUR if right else OTHER_COLOUR for right in result.right],
                "pattern": {"shape": ["/" if right else "" for right in result.right]},
            },
            hovertemplate="%{x}: %{y} answers<extra></extra>",
        )
    )
    top = max(result.counts, default=0)
    figure.update_layout(
        base_layout(
            None,
            height,
            font_size,
            margin={"l": 50, "r": 20, "t": 30, "b": 60},
            yaxis={"title": "answers", "rangemode": "tozero", "range": [0, max(1, top) * 1.25]},
            xaxis={"type": "category"},
            showlegend=False,
        )
    )
    figure.update_yaxes(dtick=max(1, round(top / 5)) if top else 1)
    return figure


def qr_png(url: str, scale: int = 10) -> bytes:
    """The QR code of `url` as PNG bytes (error correction M, a 4-module quiet zone)."""
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
