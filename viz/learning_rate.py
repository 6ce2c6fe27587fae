"""Figures of the Learning rate page: loss curves of several learning rates, and the loss
surface of a one-neuron model with its gradient-descent path.

Pure functions: lesson results in, Plotly figures out. Sizes come from the caller so that
presenter mode can ask for larger figures and fonts; colours, dashes and markers come from
viz.style.
"""

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from lessons.learning_rate import DescentPath, LearningRateRun, LossSurface
from viz.format import format_number
from viz.style import (
    ACTIVE_COLOR,
    BACKGROUND_COLOR,
    LEGEND_BACKGROUND,
    MARKER_OUTLINE_COLOR,
    NORMAL_FONT_SIZE,
    OPTIMUM_COLOR,
    SEQUENTIAL_SCALE,
    SERIES_DASHES,
    line_chart_layout,
    series_style,
)

__all__ = ["SERIES_DASHES", "descent_contour_figure", "learning_rate_figure"]

PATH_COLOR = ACTIVE_COLOR  # the gradient-descent path over the loss surface


def learning_rate_figure(
    runs: Sequence[LearningRateRun],
    labels: Sequence[str] | None = None,
    height: int = 400,
    font_size: int = NORMAL_FONT_SIZE,
) -> go.Figure:
    """Training-loss curves of several learning rates on one log-scale chart.

    Each curve has its own colour and line dash (colour is never the only cue), and its legend
    entry names the rate. A diverged run ends with a cross at its last finite loss.
    """
    traces = []
    ceiling = 0.0
    for index, run in enumerate(runs):
        color, dash, _ = series_style(index)
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
                "line": {"color": color, "width": 3, "dash": dash},
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
        layout=line_chart_layout(
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
                "bgcolor": LEGEND_BACKGROUND,
            },
        ),
    )


def descent_contour_figure(
    surface: LossSurface,
    path: DescentPath,
    optimum: tuple[float, float],
    height: int = 480,
    font_size: int = NORMAL_FONT_SIZE,
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
            "colorscale": SEQUENTIAL_SCALE,
            "reversescale": True,
            "showscale": True,
            "colorbar": {"title": {"text": "log₁₀ loss"}},
            "customdata": hover,
            "hovertemplate": "w=%{x:.2f}, b=%{y:.2f}<br>loss %{customdata}<extra></extra>",
            "contours": {"coloring": "heatmap"},
            "line": {"width": 0.5, "color": BACKGROUND_COLOR},
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
            "marker": {
                "size": 14,
                "color": BACKGROUND_COLOR,
                "line": {"width": 3, "color": PATH_COLOR},
            },
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
                "color": OPTIMUM_COLOR,
                "line": {"width": 1, "color": MARKER_OUTLINE_COLOR},
            },
        },
    ]
    return go.Figure(
        data=traces,
        layout=line_chart_layout(
            "Loss surface of ŷ = f(w·x + b) and the gradient-descent path",
            height,
            font_size,
            xaxis={"title": {"text": "weight w"}, "range": [surface.w[0], surface.w[-1]]},
            yaxis={"title": {"text": "bias b"}, "range": [surface.b[0], surface.b[-1]]},
            legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0},
        ),
    )
