"""The plane a visitor clicks on to add or remove points, and reading what was clicked.

Under the data lies a lattice of invisible click targets (a click on empty space selects
nothing in Plotly, a click on a marker does): clicking a target adds a point there, clicking a
data point removes it. Every marker carries customdata [kind, index] (KIND_*), which
`clicked_point` reads back from st.plotly_chart's selection.
"""

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from lessons.training_lab.points import EditorPoints
from viz import style
from viz.training_lab.common import CLASS_COLORS, CLASS_SYMBOLS, _figure, clicked_customdata

KIND_GENERATED, KIND_ADDED, KIND_TARGET = 0, 1, 2
TARGET_HOVER = "Click to add a point at (%{x:.2f}, %{y:.2f})<extra></extra>"
ADDED_OUTLINE = style.INK_COLOR  # your own points: a dark outline, generated ones a white one


def _targets_trace(horizontal: np.ndarray, vertical: np.ndarray, size: int) -> dict:
    g1, g2 = np.meshgrid(horizontal, vertical)
    n = g1.size
    return {
        "type": "scatter",
        "x": g1.ravel(),
        "y": g2.ravel(),
        "mode": "markers",
        "name": "click targets",
        "showlegend": False,
        "marker": {"color": style.TRANSPARENT, "size": size},
        "selected": {"marker": {"opacity": 0}},
        "unselected": {"marker": {"opacity": 0}},
        "customdata": [[KIND_TARGET, -1]] * n,
        "hovertemplate": TARGET_HOVER,
    }


def _point_traces(
    points: EditorPoints, task: str, class_names: Sequence[str], size: int
) -> list[dict]:
    """One trace per (generated/added, class); regression: per generated/added."""
    x = points.X[:, 0]
    y = points.target if task == "regression" else points.X[:, 1]
    groups = [(None, "value")] if task == "regression" else list(enumerate(class_names))
    traces = []
    for added in (False, True):
        for k, name in groups:
            rows = points.added == added
            if k is not None:
                rows &= points.target == k
            if not np.any(rows):
                continue
            color = CLASS_COLORS[(k or 0) % len(CLASS_COLORS)]
            symbol = CLASS_SYMBOLS[(k or 0) % len(CLASS_SYMBOLS)]
            label = "your points" if added else "generated"
            label = label if k is None else f"{name} ({label})"
            kind = KIND_ADDED if added else KIND_GENERATED
            traces.append(
                {
                    "type": "scatter",
                    "x": x[rows],
                    "y": y[rows],
                    "mode": "markers",
                    "name": label,
                    "cliponaxis": False,  # a point on the plane's edge is drawn whole
                    "marker": {
                        "color": color,
                        "size": size + (2 if added else 0),
                        "symbol": symbol,
                        "line": {"color": ADDED_OUTLINE if added else "white", "width": 1.5},
                    },
                    "unselected": {"marker": {"opacity": 1}},
                    "customdata": [[kind, int(index)] for index in points.index[rows]],
                    "hovertemplate": f"{label}<br>(%{{x:.3g}}, %{{y:.3g}})<br>click to remove"
                    "<extra></extra>",
                }
            )
    return traces


def points_editor_figure(
    points: EditorPoints,
    horizontal: np.ndarray,
    vertical: np.ndarray,
    *,
    task: str,
    class_names: Sequence[str] = (),
    axis_names: Sequence[str] = ("x1", "x2"),
    height: int = 420,
    font_size: int = 12,
) -> go.Figure:
    """The edited data over a lattice of click targets.

    points: every point of the edited data (inputs, class or value, what a click removes).
    horizontal (g,), vertical (g,): the targets' axes (x1 and x2, or x and the value y).
    """
    spacing = 400 / max(len(horizontal) - 1, 1)  # about the plot's width in px, per target
    size = 8 if font_size <= 12 else 11
    traces = [_targets_trace(horizontal, vertical, max(6, int(spacing)))]
    traces += _point_traces(points, task, class_names, size)
    half = [(axis[1] - axis[0]) / 2 for axis in (horizontal, vertical)]
    layout = {
        "xaxis": {
            "title": {"text": axis_names[0]},
            "range": [float(horizontal[0] - half[0]), float(horizontal[-1] + half[0])],
        },
        "yaxis": {
            "title": {"text": axis_names[1]},
            "range": [float(vertical[0] - half[1]), float(vertical[-1] + half[1])],
        },
        "hovermode": "closest",
        "dragmode": False,
    }
    title = "Your data: click to add a point, click a point to remove it"
    return _figure(traces, layout, title, height, font_size, "lab-points")


def points_editor_alt(points: EditorPoints, task: str, class_names: Sequence[str]) -> str:
    """Text for points_editor_figure: how many points of each class, and how many are yours."""
    total, added = len(points.X), int(points.added.sum())
    if task == "regression":
        counts = f"{total} points"
    else:
        parts = [
            f"{int(np.sum(points.target == k))} of {name}" for k, name in enumerate(class_names)
        ]
        counts = f"{total} points ({', '.join(parts)})"
    return (
        f"The data: {counts}, {added} of them added by you (dark outline). Clicking on the"
        " plane adds a point there; clicking a point removes it."
    )


def clicked_point(selection) -> tuple[int, int, float, float] | None:
    """(kind, index, x, y) of the point clicked on points_editor_figure, else None.

    `selection` is what st.plotly_chart(on_select=...) returns (or holds in Session State).
    Malformed points are skipped; the last valid point wins. A data point wins over a click
    target under it.
    """
    found = []
    for point, data in clicked_customdata(selection):
        if len(data) != 2:
            continue
        try:
            kind, index = (int(value) for value in data)
            x, y = float(point["x"]), float(point["y"])
        except (KeyError, TypeError, ValueError, OverflowError):
            continue
        if kind in (KIND_GENERATED, KIND_ADDED, KIND_TARGET) and np.isfinite([x, y]).all():
            found.append((kind, index, x, y))
    data_points = [click for click in found if click[0] != KIND_TARGET]
    chosen = data_points or found
    return chosen[-1] if chosen else None
