"""Figures of the Learn pages: activation functions, vanishing gradients, learning rates, and
the loss surface of a one-neuron model with its gradient-descent path.

Pure functions: engine results in, Plotly figures out. Sizes come from the caller so that
presenter mode can ask for larger figures and fonts.
"""

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from engine.activations import get_activation
from lessons.activations import ChainProducts
from lessons.learning_rate import DescentPath, LearningRateRun, LossSurface
from viz.format import format_number

F_COLOR = "#0072B2"  # f(z)
DF_COLOR = "#D55E00"  # f'(z)
SERIES_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
# Colour is never the only difference between series: each also gets its own dash and marker.
SERIES_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
SERIES_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star")
PATH_COLOR = "#D55E00"
Z_RANGE = (-6.0, 6.0)  # z axis of the activation plots
CURVE_POINTS = 241


def _layout(title: str, height: int, font_size: int, **extra) -> dict:
    layout = {
        "title": {"text": title, "font": {"size": font_size + 3}},
        "height": height,
        "font": {"size": font_size},
        "margin": {"l": 60, "r": 20, "t": 60, "b": 50},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        "uirevision": "learn",
    }
    layout.update(extra)
    return layout


def activation_figure(
    activation: str, z: float, height: int = 380, font_size: int = 14
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
            "line": {"color": F_COLOR, "width": 3},
        },
        {
            "type": "scatter",
            "x": grid,
            "y": df_grid,
            "mode": "lines",
            "name": "f′(z)",
            "line": {"color": DF_COLOR, "width": 3, "dash": "dash"},
        },
        {
            "type": "scatter",
            "x": [z, z],
            "y": [f_z, df_z],
            "mode": "markers+text",
            "marker": {
                "size": 12,
                "color": [F_COLOR, DF_COLOR],
                "symbol": ["circle", "diamond"],
                "line": {"width": 2, "color": "white"},
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
            "line": {"color": "#888888", "width": 1, "dash": "dot"},
        }
    ]
    low = min(float(np.min(f_grid)), float(np.min(df_grid)), 0.0)
    high = max(float(np.max(f_grid)), float(np.max(df_grid)), 1.0)
    pad = 0.1 * (high - low)
    return go.Figure(
        data=traces,
        layout=_layout(
            f"{act.label}: f and its derivative f′",
            height,
            font_size,
            xaxis={"title": {"text": "z"}, "range": list(Z_RANGE), "zeroline": True},
            yaxis={"title": {"text": "value"}, "range": [low - pad, high + pad], "zeroline": True},
            shapes=shapes,
        ),
    )


def vanishing_gradient_figure(
    chains: dict[str, ChainProducts], height: int = 380, font_size: int = 14
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
        traces.append(
            {
                "type": "scatter",
                "x": layers[positive],
                "y": chain.product[positive],
                "mode": "lines+markers",
                "name": label,
                "line": {
                    "color": SERIES_COLORS[index % len(SERIES_COLORS)],
                    "width": 3,
                    "dash": SERIES_DASHES[index % len(SERIES_DASHES)],
                },
                "marker": {"symbol": SERIES_SYMBOLS[index % len(SERIES_SYMBOLS)], "size": 9},
                "hovertemplate": "%{x} layer(s): %{y:.3e}<extra>" + label + "</extra>",
            }
        )
    n_layers = max((chain.product.size for chain in chains.values()), default=1)
    return go.Figure(
        data=traces,
        layout=_layout(
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


def learning_rate_figure(
    runs: Sequence[LearningRateRun],
    labels: Sequence[str] | None = None,
    height: int = 400,
    font_size: int = 14,
) -> go.Figure:
    """Training-loss curves of several learning rates on one log-scale chart.

    Each curve has its own colour and line dash (colour is never the only cue), and its legend
    entry names the rate. A diverged run ends with a cross at its last finite loss.
    """
    traces = []
    ceiling = 0.0
    for index, run in enumerate(runs):
        color = SERIES_COLORS[index % len(SERIES_COLORS)]
        updates = np.arange(run.loss.size)
        keep = np.isfinite(run.loss) & (run.loss > 0)
        name = f"η = {format_number(run.learning_rate)}"
        if labels is not None and index < len(labels) and labels[index]:
            name += f" ({labels[index]})"
        if run.diverged_at is not None:
            name += f": diverged at update {run.diverged_at}"
        traces.append(
            {
                "type": "scatter",
                "x": updates[keep],
                "y": run.loss[keep],
                "mode": "lines",
                "name": name,
                "line": {
                    "color": color,
                    "width": 3,
                    "dash": SERIES_DASHES[index % len(SERIES_DASHES)],
                },
                "hovertemplate": "update %{x}: loss %{y:.4g}<extra>" + name + "</extra>",
            }
        )
        if run.diverged_at is not None and np.any(keep):
            last = int(updates[keep][-1])
            traces.append(
                {
                    "type": "scatter",
                    "x": [last],
                    "y": [run.loss[last]],
                    "mode": "markers",
                    "marker": {"symbol": "x", "size": 14, "color": color},
                    "showlegend": False,
                    "hoverinfo": "skip",
                }
            )
        if np.any(keep):
            ceiling = max(ceiling, float(run.loss[keep][0]))
    yaxis = {
        "title": {"text": "training loss (log scale)"},
        "type": "log",
        "exponentformat": "power",
    }
    finite = [run.loss[np.isfinite(run.loss) & (run.loss > 0)] for run in runs]
    floor = min((float(values.min()) for values in finite if values.size), default=1e-3)
    if ceiling > 0:  # keep the interesting range; a diverging curve runs off the top
        yaxis["range"] = [np.log10(floor) - 0.3, np.log10(ceiling) + 1.0]
    return go.Figure(
        data=traces,
        layout=_layout(
            "Same network, same data, different learning rates",
            height,
            font_size,
            xaxis={"title": {"text": "update (full batch: one per epoch)"}},
            yaxis=yaxis,
            legend={
                "orientation": "v",
                "yanchor": "top",
                "y": 1,
                "xanchor": "right",
                "x": 1,
                "bgcolor": "rgba(255,255,255,0.7)",
            },
        ),
    )


def descent_contour_figure(
    surface: LossSurface,
    path: DescentPath,
    optimum: tuple[float, float],
    height: int = 480,
    font_size: int = 14,
) -> go.Figure:
    """Contours of log10(loss) over (w, b) with the gradient-descent path drawn on top."""
    with np.errstate(divide="ignore"):
        log_loss = np.log10(np.maximum(surface.loss, 1e-12))
    hover = np.vectorize(format_number)(surface.loss)
    steps = np.arange(path.w.size)
    traces = [
        {
            "type": "contour",
            "x": surface.w,
            "y": surface.b,
            "z": log_loss,
            "ncontours": 25,
            "colorscale": "Blues",
            "reversescale": True,
            "showscale": True,
            "colorbar": {"title": {"text": "log₁₀ loss"}},
            "customdata": hover,
            "hovertemplate": "w=%{x:.2f}, b=%{y:.2f}<br>loss %{customdata}<extra></extra>",
            "contours": {"coloring": "heatmap"},
            "line": {"width": 0.5, "color": "white"},
        },
        {
            "type": "scatter",
            "x": path.w,
            "y": path.b,
            "mode": "lines+markers",
            "name": f"gradient descent, η = {format_number(path.learning_rate)}",
            "line": {"color": PATH_COLOR, "width": 2},
            "marker": {"size": 6, "color": PATH_COLOR},
            "customdata": np.column_stack([steps, path.loss]),
            "hovertemplate": "step %{customdata[0]}: w=%{x:.3f}, b=%{y:.3f},"
            " loss %{customdata[1]:.4g}<extra></extra>",
        },
        {
            "type": "scatter",
            "x": [path.w[0]],
            "y": [path.b[0]],
            "mode": "markers+text",
            "name": "start",
            "text": ["start"],
            "textposition": "top right",
            "marker": {"size": 14, "color": "#ffffff", "line": {"width": 3, "color": PATH_COLOR}},
        },
        {
            "type": "scatter",
            "x": [optimum[0]],
            "y": [optimum[1]],
            "mode": "markers",
            "name": "minimum",
            "marker": {
                "symbol": "star",
                "size": 16,
                "color": "#FFD700",
                "line": {"width": 1, "color": "#333333"},
            },
        },
    ]
    return go.Figure(
        data=traces,
        layout=_layout(
            "Loss surface of ŷ = f(w·x + b) and the gradient-descent path",
            height,
            font_size,
            xaxis={"title": {"text": "weight w"}, "range": [surface.w[0], surface.w[-1]]},
            yaxis={"title": {"text": "bias b"}, "range": [surface.b[0], surface.b[-1]]},
            legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0},
        ),
    )
