"""Shared pieces of the training lab's figures: colours, marker shapes, the figure frame.

Every builder of the package takes plain arrays and returns a Plotly figure. NaN and infinite
values are dropped before drawing, so a diverged or test-less run never draws `nan` as data.
Long series are thinned to at most MAX_POINTS points per trace.
"""

import numpy as np
import plotly.graph_objects as go

from viz import style
from viz.format import format_number

MAX_POINTS = 600  # points per line trace; longer series are sampled evenly (last point kept)
CLASS_COLORS = style.CLASS_COLORS  # Okabe-Ito
CLASS_FILLS = style.CLASS_FILLS  # light tints of the class colours
# The middle of the boundary's scale (P = 0.5) and of every neuron's: style.ZERO_COLOR as hex
# (the player parses hex colours).
MIDDLE_FILL = "#f7f7f7"
TRAIN_COLOR = style.TRAIN_COLOR
TEST_COLOR = style.TEST_COLOR
MARKER_COLOR = style.MONOCHROME_COLOR
LAYER_COLORSCALE = style.LAYER_SCALE_NAME
HIST_BINS = 20
# Colour is never the only carrier of meaning: each class also has its own marker shape
# (training rows filled, test rows open), and each line of a multi-line chart its own dash.
CLASS_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "star", "hexagon")
LAYER_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "8px,3px,2px,3px")
THRESHOLD_DASH = "2px,6px"  # the vanishing/exploding levels: sparse dots, unlike any layer


def _figure(
    traces: list[dict], layout: dict, title: str, height: int, font_size: int, revision: str
) -> go.Figure:
    """One go.Figure from trace dicts and a layout dict (viz.style.unchecked_figure)."""
    base = {
        "title": {"text": title, "font": {"size": font_size + 3}},
        "height": height,
        "font": {"size": font_size},
        "margin": {"l": 60, "r": 20, "t": 50, "b": 70},
        "uirevision": revision,
        # Below the plot, so that a long legend never covers the title.
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.2, "xanchor": "left", "x": 0},
    }
    # Below the plot and clear of the x-axis title, whose height grows with the font.
    base["legend"]["y"] = -(0.18 + 0.007 * font_size)
    base["margin"]["b"] = 70 + 2 * font_size
    figure = style.unchecked_figure(traces, {**base, **layout})
    # Fixed margins: no automatic margin pass when tick labels change between redraws.
    figure.update_xaxes(automargin=False)
    figure.update_yaxes(automargin=False)
    return figure


def thin_indices(n: int, max_points: int = MAX_POINTS) -> np.ndarray:
    """At most `max_points` evenly spaced indices into range(n), always including n - 1."""
    if n <= max_points:
        return np.arange(n)
    picked = np.unique(np.linspace(0, n - 1, max_points).round().astype(int))
    return picked


def _finite_xy(x: np.ndarray, y: np.ndarray, positive: bool = False):
    """x and y with the points whose y is NaN/infinite (or <= 0 when `positive`) removed."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = np.isfinite(y) & np.isfinite(x)
    if positive:
        keep &= y > 0
    return x[keep], y[keep]


def _selected_line(update: int | None) -> list[dict]:
    """A dotted vertical line at `update` (as a list of layout shapes; empty for None)."""
    if update is None:
        return []
    return [
        {
            "type": "line",
            "x0": update,
            "x1": update,
            "y0": 0,
            "y1": 1,
            "xref": "x",
            "yref": "paper",
            "line": {"color": "#555555", "width": 1.5, "dash": "dot"},
        }
    ]


def _line(x, y, name: str, color: str, hover: str, dash: str = "solid", yaxis: str = "y") -> dict:
    return {
        "type": "scatter",
        "x": x,
        "y": y,
        "mode": "lines",
        "name": name,
        "line": {"color": color, "width": 2, "dash": dash},
        "yaxis": yaxis,
        "hovertemplate": hover,
    }


def _markers(x, y, name: str, color: str, symbol: str, size: int, hover: str | None = None):
    trace = {
        "type": "scatter",
        "x": x,
        "y": y,
        "mode": "markers",
        "name": name,
        "marker": {"color": color, "size": size, "symbol": symbol, "opacity": 0.8},
    }
    if hover:
        trace["hovertemplate"] = hover
    return trace


def _percent(value: float) -> str:
    return f"{format_number(100 * value)}%" if np.isfinite(value) else "undefined"


def _at(series: np.ndarray | None, update: int) -> float:
    if series is None or update >= len(series):
        return float("nan")
    return float(np.asarray(series, dtype=float)[update])


def clicked_customdata(selection) -> list[tuple[dict, list]]:
    """(point, customdata as a list) of each clicked point in `selection`, what
    st.plotly_chart(on_select=...) returns (or holds in Session State), in order.

    Points without a list of customdata are skipped; a malformed selection gives []. The
    browser may send a typed array as a dict {"0": x, "1": y, ...}: it becomes a list.
    """
    try:
        inner = selection.get("selection", selection) if selection is not None else None
        points = inner.get("points", []) if inner is not None else []
        points = list(points) if isinstance(points, list | tuple) else []
    except (AttributeError, TypeError):
        return []
    found = []
    for point in points:
        data = point.get("customdata") if isinstance(point, dict) else None
        if isinstance(data, dict):
            data = [data.get(str(index)) for index in range(len(data))]
        if isinstance(data, list | tuple):
            found.append((point, list(data)))
    return found
