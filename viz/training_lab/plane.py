"""The input plane of 2-feature data: the decision boundary and one neuron's output."""

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from viz.format import format_number
from viz.training_lab.common import (
    CLASS_COLORS,
    CLASS_FILLS,
    CLASS_SYMBOLS,
    MARKER_COLOR,
    MIDDLE_FILL,
    _figure,
    _percent,
)


def _class_points(
    points: Sequence[tuple[np.ndarray, np.ndarray, str]],
    class_names: Sequence[str],
    size: int,
    monochrome: bool = False,
) -> list[dict]:
    """One marker trace per (part, class).

    Class k has its own colour and its own shape CLASS_SYMBOLS[k]; training rows are filled,
    test rows are the open outline of the same shape.
    """
    traces = []
    for X, labels, part in points:
        if len(X) == 0:
            continue
        is_test = part == "test"
        for k, name in enumerate(class_names):
            rows = labels == k
            if not np.any(rows):
                continue
            color = MARKER_COLOR if monochrome else CLASS_COLORS[k % len(CLASS_COLORS)]
            symbol = CLASS_SYMBOLS[k % len(CLASS_SYMBOLS)] + ("-open" if is_test else "")
            traces.append(
                {
                    "type": "scatter",
                    "x": X[rows, 0],
                    "y": X[rows, 1],
                    "mode": "markers",
                    "name": f"{name} ({part})",
                    "showlegend": not monochrome,
                    "marker": {
                        "color": color,
                        "size": size,
                        "opacity": 0.55 if monochrome else 1.0,
                        "symbol": symbol,
                        "line": {
                            "color": color if is_test else "white",
                            "width": 2 if is_test else 1,
                        },
                    },
                    "hovertemplate": f"{name} ({part})<br>(%{{x:.3g}}, %{{y:.3g}})<extra></extra>",
                }
            )
    return traces


def _plane_axes(x1: np.ndarray, x2: np.ndarray, feature_names: Sequence[str]) -> dict:
    return {
        "xaxis": {"title": {"text": feature_names[0]}, "range": [float(x1[0]), float(x1[-1])]},
        "yaxis": {"title": {"text": feature_names[1]}, "range": [float(x2[0]), float(x2[-1])]},
    }


def boundary_figure(
    x1: np.ndarray,
    x2: np.ndarray,
    outputs: np.ndarray,
    points: Sequence[tuple[np.ndarray, np.ndarray, str]],
    *,
    class_names: Sequence[str],
    feature_names: Sequence[str] = ("x1", "x2"),
    height: int = 420,
    font_size: int = 12,
    discretise: bool = False,
) -> go.Figure:
    """The data over the model's prediction on the input plane (`discretise`: the predicted
    class in hard colours instead of the probability).

    x1 (n,), x2 (n,): grid axes in original units. outputs (n_outputs, n, n): network output
    at (x1[j], x2[i]) in [:, i, j]; one output = P(class 1) (binary, with the 0.5 boundary
    drawn), several = class probabilities (the predicted class is coloured). points: (X (m, 2),
    labels (m,), "train"/"test") tuples.
    """
    outputs = np.nan_to_num(np.asarray(outputs, dtype=float), nan=0.5, posinf=1.0, neginf=0.0)
    # float32 is plenty for colours and halves what each redraw sends to the browser.
    outputs = outputs.astype(np.float32)
    traces: list[dict] = []
    if outputs.shape[0] == 1:
        scale = [[0.0, CLASS_FILLS[0]], [0.5, MIDDLE_FILL], [1.0, CLASS_FILLS[1]]]
        shading = {
            "type": "heatmap",
            "x": x1,
            "y": x2,
            "z": outputs[0],
            "zmin": 0.0,
            "zmax": 1.0,
            "colorscale": scale,
            "colorbar": {"title": {"text": f"P({class_names[1]})"}, "thickness": 12},
            "hovertemplate": f"P({class_names[1]}) = %{{z:.3f}}<extra></extra>",
        }
        if discretise:
            shading.update(
                z=(outputs[0] > 0.5).astype(np.float32),
                showscale=False,
                hovertemplate="predicted class %{z}<extra></extra>",
            )
            del shading["colorbar"]
        traces.append(shading)
        if np.min(outputs[0]) < 0.5 < np.max(outputs[0]):
            traces.append(
                {
                    "type": "contour",
                    "x": x1,
                    "y": x2,
                    "z": outputs[0],
                    "contours": {"start": 0.5, "end": 0.5, "size": 1, "coloring": "none"},
                    "line": {"color": "#222222", "width": 2},
                    "showscale": False,
                    "hoverinfo": "skip",
                    "name": "boundary (P = 0.5)",
                }
            )
    else:
        k = outputs.shape[0]
        scale = []
        for index in range(k):
            color = CLASS_FILLS[index % len(CLASS_FILLS)]
            scale += [[index / k, color], [(index + 1) / k, color]]
        traces.append(
            {
                "type": "heatmap",
                "x": x1,
                "y": x2,
                "z": np.argmax(outputs, axis=0).astype(np.int8),
                "zmin": -0.5,
                "zmax": k - 0.5,
                "customdata": np.max(outputs, axis=0),
                "colorscale": scale,
                "showscale": False,
                "hovertemplate": "predicted class %{z}<br>probability %{customdata:.3f}"
                "<extra></extra>",
            }
        )
    traces += _class_points(points, class_names, 8 if font_size <= 12 else 11)
    layout = _plane_axes(x1, x2, feature_names)
    return _figure(traces, layout, "Data and decision boundary", height, font_size, "lab-boundary")


def boundary_alt(class_names: Sequence[str], accuracy: float, update: int) -> str:
    """Text for boundary_figure: what the shading and shapes mean, and the accuracy."""
    shapes = ", ".join(
        f"{name} {CLASS_SYMBOLS[k % len(CLASS_SYMBOLS)].replace('-up', '')}s"
        for k, name in enumerate(class_names)
    )
    return (
        f"The shading is the class the network predicts at each point after {update:,} updates;"
        f" the markers are the data rows ({shapes}; filled: training, open: test)."
        f" Training accuracy {_percent(accuracy)}."
    )


def neuron_figure(
    x1: np.ndarray,
    x2: np.ndarray,
    values: np.ndarray,
    points: Sequence[tuple[np.ndarray, np.ndarray, str]],
    *,
    title: str,
    class_names: Sequence[str],
    feature_names: Sequence[str] = ("x1", "x2"),
    height: int = 420,
    font_size: int = 12,
) -> go.Figure:
    """One neuron's output a over the input plane. values (n, n): a at (x1[j], x2[i])."""
    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    peak = float(np.max(np.abs(finite))) if finite.size else 0.0
    peak = peak or 1.0
    traces: list[dict] = [
        {
            "type": "heatmap",
            "x": x1,
            "y": x2,
            "z": (
                values.astype(np.float32)
                if finite.size == values.size
                else np.where(np.isfinite(values), values, None)
            ),
            "colorscale": "RdBu",
            "zmid": 0.0,
            "zmin": -peak,
            "zmax": peak,
            "colorbar": {"title": {"text": "output a"}, "thickness": 12},
            "hovertemplate": "a = %{z:.3f}<extra></extra>",
        }
    ]
    traces += _class_points(points, class_names, 6 if font_size <= 12 else 9, monochrome=True)
    layout = _plane_axes(x1, x2, feature_names)
    return _figure(traces, layout, title, height, font_size, "lab-neuron")


def neuron_alt(label: str, values: np.ndarray, update: int) -> str:
    """Text for neuron_figure: the neuron and the range of its output over the plane."""
    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    if finite.size:
        span = f"from {format_number(float(finite.min()))} to {format_number(float(finite.max()))}"
    else:
        span = "undefined (the weights overflowed)"
    return (
        f"Output of {label} at each point of the input plane after {update:,} updates: {span}."
        " Grey markers are the data rows."
    )


def hidden_space_figure(
    points: Sequence[tuple[np.ndarray, np.ndarray, str]],
    *,
    layer: int,
    activation: str,
    class_names: Sequence[str],
    next_weights: np.ndarray | None = None,
    next_bias: float | None = None,
    height: int = 420,
    font_size: int = 12,
) -> go.Figure:
    """The data in the activation space of a 2-unit hidden layer: points (A (m, 2), class (m,),
    part). With the output's weights (next_weights (2,), next_bias) the line where the output's
    z = 0 (P = 0.5 for a sigmoid output) is drawn: the straight line the output can draw there.
    """
    traces = _class_points(points, class_names, 8 if font_size <= 12 else 11)
    stacked = [A for A, _, _ in points if len(A)]
    A_all = np.vstack(stacked) if stacked else np.zeros((1, 2))
    finite = A_all[np.all(np.isfinite(A_all), axis=1)]
    low = finite.min(axis=0) if len(finite) else np.zeros(2)
    high = finite.max(axis=0) if len(finite) else np.ones(2)
    pad = np.maximum((high - low) * 0.1, 0.05)
    low, high = low - pad, high + pad
    if next_weights is not None and next_bias is not None:
        w1, w2 = (float(w) for w in next_weights)
        if abs(w2) > 1e-12:
            a1 = np.array([low[0], high[0]])
            a2 = -(w1 * a1 + next_bias) / w2
        elif abs(w1) > 1e-12:
            a2 = np.array([low[1], high[1]])
            a1 = np.full(2, -next_bias / w1)
        else:
            a1 = a2 = np.array([])
        if len(a1):
            traces.append(
                {
                    "type": "scatter",
                    "x": a1,
                    "y": a2,
                    "mode": "lines",
                    "name": "output's boundary (z = 0)",
                    "line": {"color": "#222222", "width": 2},
                    "hoverinfo": "skip",
                }
            )
    layout = {
        "xaxis": {"title": {"text": f"unit 1 ({activation})"}, "range": [low[0], high[0]]},
        "yaxis": {"title": {"text": f"unit 2 ({activation})"}, "range": [low[1], high[1]]},
    }
    title = f"The data as hidden layer {layer} sees it"
    return _figure(traces, layout, title, height, font_size, "lab-hidden-space")


def hidden_space_alt(layer: int, accuracy: float, update: int) -> str:
    """Text for hidden_space_figure."""
    return (
        f"Each data row placed at the two outputs of hidden layer {layer}'s units after"
        f" {update:,} updates (same shapes as the data plot). Training accuracy"
        f" {_percent(accuracy)}."
    )
