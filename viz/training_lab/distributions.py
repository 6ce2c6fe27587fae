"""Histograms of each layer's weights and gradients."""

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from viz.format import format_number
from viz.training_lab.common import HIST_BINS, TEST_COLOR, TRAIN_COLOR, _figure


def _histogram_bars(values: np.ndarray, color: str, axis: str, name: str) -> dict:
    values = np.asarray(values, dtype=float).ravel()
    values = values[np.isfinite(values)]
    if values.size == 0:
        values = np.zeros(1)
    low, high = float(values.min()), float(values.max())
    if high - low <= 1e-12 * max(abs(low), abs(high)) or high == low:
        pad = 0.5 * (abs(low) or 1.0)
        low, high = low - pad, high + pad
    counts, edges = np.histogram(values, bins=HIST_BINS, range=(low, high))
    return {
        "type": "bar",
        "x": (edges[:-1] + edges[1:]) / 2,
        "y": counts,
        "width": float(edges[1] - edges[0]),
        "marker": {"color": color, "line": {"width": 0}},
        "xaxis": f"x{axis}",
        "yaxis": f"y{axis}",
        "name": name,
        "showlegend": False,
        "hovertemplate": f"{name}<br>around %{{x:.3g}}: %{{y}}<extra></extra>",
    }


def distributions_figure(
    weights: Sequence[np.ndarray],
    gradients: Sequence[np.ndarray],
    *,
    height: int = 380,
    font_size: int = 12,
) -> go.Figure:
    """Histograms of each layer's weights (top row) and gradients dL/dW (bottom row).

    weights[l], gradients[l]: (n_{l+1}, n_l). Each panel has its own x range, since gradients
    of different layers can differ by orders of magnitude.
    """
    n_layers = len(weights)
    gap = 0.04
    width = (1.0 - gap * (n_layers - 1)) / n_layers
    tick_font = {"size": max(font_size - 3, 8)}
    traces, annotations = [], []
    layout: dict = {"bargap": 0.0, "margin": {"l": 50, "r": 20, "t": 60, "b": 30}}
    rows = ((weights, "weights", TRAIN_COLOR), (gradients, "gradients", TEST_COLOR))
    for row, (arrays, label, color) in enumerate(rows):
        y_domain = [0.58, 0.92] if row == 0 else [0.0, 0.34]
        for layer in range(n_layers):
            number = row * n_layers + layer + 1
            axis = "" if number == 1 else str(number)
            x_domain = [layer * (width + gap), layer * (width + gap) + width]
            layout[f"xaxis{axis}"] = {
                "domain": x_domain,
                "anchor": f"y{axis}",
                "tickfont": tick_font,
                "nticks": 3,
                "exponentformat": "e",
            }
            layout[f"yaxis{axis}"] = {
                "domain": y_domain,
                "anchor": f"x{axis}",
                "tickfont": tick_font,
                "nticks": 4,
            }
            if layer == 0:
                layout[f"yaxis{axis}"]["title"] = {"text": label, "font": tick_font}
            name = f"layer {layer + 1} {label}"
            traces.append(_histogram_bars(arrays[layer], color, axis, name))
            if row == 0:
                annotations.append(
                    {
                        "text": f"layer {layer + 1}" if n_layers <= 4 else f"L{layer + 1}",
                        "x": (x_domain[0] + x_domain[1]) / 2,
                        "y": y_domain[1] + 0.01,
                        "xref": "paper",
                        "yref": "paper",
                        "xanchor": "center",
                        "yanchor": "bottom",
                        "showarrow": False,
                        "font": {"size": max(font_size - 1, 9)},
                    }
                )
    layout["annotations"] = annotations
    title = "Weight and gradient distributions"
    return _figure(traces, layout, title, height, font_size, "lab-dist")


def distributions_alt(
    weights: Sequence[np.ndarray], gradients: Sequence[np.ndarray], update: int
) -> str:
    """Text for distributions_figure: the spread of weights and of gradients."""

    def span(arrays: Sequence[np.ndarray]) -> str:
        values = np.concatenate([np.asarray(a, dtype=float).ravel() for a in arrays])
        values = values[np.isfinite(values)]
        if values.size == 0:
            return "undefined"
        return f"{format_number(float(values.min()))} to {format_number(float(values.max()))}"

    return (
        f"Histograms per layer after {update:,} updates: weights (top row) range from"
        f" {span(weights)}; gradients on all training rows (bottom row) from {span(gradients)}."
    )
