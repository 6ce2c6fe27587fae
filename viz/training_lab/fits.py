"""Predictions without an input plane: the fitted curve, predicted against true, confusion."""

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from viz.format import format_number
from viz.training_lab.common import TEST_COLOR, TRAIN_COLOR, _figure, _finite_xy, _markers


def fitted_curve_figure(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    x_curve: np.ndarray,
    y_curve: np.ndarray,
    *,
    x_name: str = "x",
    y_name: str = "y",
    height: int = 420,
    font_size: int = 12,
) -> go.Figure:
    """1-D regression: the data (train, test) and the network's curve, in original units.

    All arguments are (m,) arrays; non-finite curve points are left out.
    """
    size = 7 if font_size <= 12 else 10
    traces = []
    for x, y, part, color, symbol in (
        (x_train, y_train, "train", TRAIN_COLOR, "circle"),
        (x_test, y_test, "test", TEST_COLOR, "x"),
    ):
        if len(x):
            traces.append(_markers(x, y, f"data ({part})", color, symbol, size))
    xc, yc = _finite_xy(x_curve, y_curve)
    traces.append(
        {
            "type": "scatter",
            "x": xc,
            "y": yc,
            "mode": "lines",
            "name": "network",
            "line": {"color": "#222222", "width": 3},
        }
    )
    layout = {"xaxis": {"title": {"text": x_name}}, "yaxis": {"title": {"text": y_name}}}
    return _figure(traces, layout, "Data and fitted curve", height, font_size, "lab-curve")


def predicted_vs_true_figure(
    true_train: np.ndarray,
    pred_train: np.ndarray,
    true_test: np.ndarray,
    pred_test: np.ndarray,
    *,
    target_name: str = "y",
    height: int = 420,
    font_size: int = 12,
) -> go.Figure:
    """Regression with several inputs: predicted (m,) against true (m,), with the line y = x."""
    size = 7 if font_size <= 12 else 10
    all_true = np.concatenate([true_train, true_test])
    low, high = float(np.min(all_true)), float(np.max(all_true))
    traces = [
        {
            "type": "scatter",
            "x": [low, high],
            "y": [low, high],
            "mode": "lines",
            "name": "perfect (predicted = true)",
            "line": {"color": "#888888", "dash": "dash"},
            "hoverinfo": "skip",
        }
    ]
    hover = "true %{x:.4g}<br>predicted %{y:.4g}<extra></extra>"
    for true, pred, part, color, symbol in (
        (true_train, pred_train, "train", TRAIN_COLOR, "circle"),
        (true_test, pred_test, "test", TEST_COLOR, "x"),
    ):
        x, y = _finite_xy(true, pred)
        if len(x):
            traces.append(_markers(x, y, part, color, symbol, size, hover))
    layout = {
        "xaxis": {"title": {"text": f"true {target_name}"}},
        "yaxis": {"title": {"text": f"predicted {target_name}"}},
    }
    return _figure(traces, layout, "Predicted against true", height, font_size, "lab-pred")


def regression_alt(kind: str, train_loss: float, update: int) -> str:
    """Text for fitted_curve_figure (kind "curve") or predicted_vs_true_figure ("scatter")."""
    if kind == "curve":
        shown = "the data rows (circles: training, crosses: test) and the network's curve"
    else:
        shown = "each row's predicted against its true value; on the dashed diagonal they agree"
    return f"Shows {shown}, after {update:,} updates; train loss {format_number(train_loss)}."


def confusion_figure(
    matrix: np.ndarray,
    class_names: Sequence[str],
    *,
    part: str = "test",
    height: int = 420,
    font_size: int = 12,
) -> go.Figure:
    """Classification without a 2-D plane: counts (n_classes, n_classes), row = true class."""
    matrix = np.asarray(matrix)
    names = list(class_names)
    trace = {
        "type": "heatmap",
        "x": names,
        "y": names,
        "z": matrix,
        "text": [[format_number(v) for v in row] for row in matrix],
        "texttemplate": "%{text}",
        "colorscale": "Blues",
        "showscale": False,
        "hovertemplate": "true %{y}<br>predicted %{x}<br>%{z} rows<extra></extra>",
    }
    layout = {
        "xaxis": {"title": {"text": "predicted class"}},
        "yaxis": {"title": {"text": "true class"}, "autorange": "reversed"},
    }
    title = f"Confusion matrix ({part} rows)"
    return _figure([trace], layout, title, height, font_size, "lab-confusion")


def confusion_alt(matrix: np.ndarray, part: str) -> str:
    """Text for confusion_figure: how many rows sit on the diagonal."""
    matrix = np.asarray(matrix)
    correct, total = int(np.trace(matrix)), int(matrix.sum())
    return (
        f"Counts of {part} rows by true class (rows) and predicted class (columns):"
        f" {correct:,} of {total:,} are on the diagonal, that is, classified correctly."
    )
