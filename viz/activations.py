"""Figures of the Activation functions page: f and f' of one activation, and the vanishing
gradient (products of f' through 1..n layers).

Pure functions: engine and lesson results in, Plotly figures out. Sizes come from the caller
so that presenter mode can ask for larger figures and fonts; colours, dashes and markers come
from viz.style.
"""

import numpy as np
import plotly.graph_objects as go

from engine.activations import get_activation
from lessons.activations import ChainProducts
from viz.format import format_number
from viz.style import (
    BACKGROUND_COLOR,
    DERIVATIVE_COLOR,
    FUNCTION_COLOR,
    GUIDE_COLOR,
    NORMAL_FONT_SIZE,
    SERIES_DASHES,
    SERIES_SYMBOLS,
    line_chart_layout,
    series_style,
)

__all__ = [
    "SERIES_DASHES",
    "SERIES_SYMBOLS",
    "Z_RANGE",
    "activation_figure",
    "vanishing_gradient_figure",
]

Z_RANGE = (-6.0, 6.0)  # z axis of the activation plots
CURVE_POINTS = 241


def activation_figure(
    activation: str, z: float, height: int = 380, font_size: int = NORMAL_FONT_SIZE
) -> go.Figure:
    """f(z) and f'(z) of `activation` over Z_RANGE, with both marked at the chosen `z`."""
    act = get_activation(activation)
    grid = np.linspace(*Z_RANGE, CURVE_POINTS)
    f_grid, df_grid = act.f(grid), act.df(grid)
    z_point = np.array([float(z)])
    f_z, df_z = float(act.f(z_point)[0]), float(act.df(z_point)[0])
    traces = [
        {
            "type": "scatter",
            "x": grid,
            "y": f_grid,
            "mode": "lines",
            "name": "f(z)",
            "line": {"color": FUNCTION_COLOR, "width": 3},
        },
        {
            "type": "scatter",
            "x": grid,
            "y": df_grid,
            "mode": "lines",
            "name": "f′(z)",
            "line": {"color": DERIVATIVE_COLOR, "width": 3, "dash": "dash"},
        },
        {
            "type": "scatter",
            "x": [z, z],
            "y": [f_z, df_z],
            "mode": "markers+text",
            "marker": {
                "size": 12,
                "color": [FUNCTION_COLOR, DERIVATIVE_COLOR],
                "symbol": ["circle", "diamond"],
                "line": {"width": 2, "color": BACKGROUND_COLOR},
            },
            "text": [
                f"f({format_number(z)}) = {format_number(f_z)}",
                f"f′({format_number(z)}) = {format_number(df_z)}",
            ],
            "textposition": ["top left", "top right"],
            "showlegend": False,
            "hoverinfo": "text",
        },
    ]
    shapes = [
        {
            "type": "line",
            "x0": z,
            "x1": z,
            "y0": 0,
            "y1": 1,
            "yref": "paper",
            "line": {"color": GUIDE_COLOR, "width": 1, "dash": "dot"},
        }
    ]
    low = min(float(np.min(f_grid)), float(np.min(df_grid)), 0.0)
    high = max(float(np.max(f_grid)), float(np.max(df_grid)), 1.0)
    pad = 0.1 * (high - low)
    return go.Figure(
        data=traces,
        layout=line_chart_layout(
            f"{act.label}: f and its derivative f′",
            height,
            font_size,
            xaxis={"title": {"text": "z"}, "range": list(Z_RANGE), "zeroline": True},
            yaxis={"title": {"text": "value"}, "range": [low - pad, high + pad], "zeroline": True},
            shapes=shapes,
        ),
    )


def vanishing_gradient_figure(
    chains: dict[str, ChainProducts], height: int = 380, font_size: int = NORMAL_FONT_SIZE
) -> go.Figure:
    """Product of f'(z) through 1..n layers for each activation, on a log axis.

    Products that are exactly 0 (a dead ReLU) cannot sit on a log axis; they are listed in the
    legend entry instead of being drawn.
    """
    traces = []
    for index, (name, chain) in enumerate(chains.items()):
        layers = np.arange(1, chain.product.size + 1)
        positive = chain.product > 0
        label = get_activation(name).label
        if not np.all(positive):
            label += f" (0 from layer {int(layers[~positive][0])})"
        color, dash, symbol = series_style(index)
        traces.append(
            {
                "type": "scatter",
                "x": layers[positive],
                "y": chain.product[positive],
                "mode": "lines+markers",
                "name": label,
                "line": {"color": color, "width": 3, "dash": dash},
                "marker": {"symbol": symbol, "size": 9},
                "hovertemplate": "%{x} layer(s): %{y:.3e}<extra>" + label + "</extra>",
            }
        )
    n_layers = max((chain.product.size for chain in chains.values()), default=1)
    return go.Figure(
        data=traces,
        layout=line_chart_layout(
            "Product of f′(z) through the layers",
            height,
            font_size,
            xaxis={
                "title": {"text": "number of layers"},
                "dtick": 1,
                "range": [0.5, n_layers + 0.5],
            },
            yaxis={
                "title": {"text": "∏ f′(zₖ) (log scale)"},
                "type": "log",
                "exponentformat": "power",
            },
        ),
    )
