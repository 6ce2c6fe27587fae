"""Curves over the updates: loss and accuracy, and the gradient norm of each layer."""

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from lessons.training_lab.history import PinnedCurve
from viz.format import format_number
from viz.training_lab.common import (
    LAYER_COLORSCALE,
    LAYER_DASHES,
    TEST_COLOR,
    THRESHOLD_DASH,
    TRAIN_COLOR,
    _at,
    _figure,
    _finite_xy,
    _line,
    _percent,
    _selected_line,
    thin_indices,
)

PINNED_COLOR = "#777777"


def loss_figure(
    train_loss: np.ndarray,
    test_loss: np.ndarray,
    train_accuracy: np.ndarray | None = None,
    test_accuracy: np.ndarray | None = None,
    *,
    selected_update: int | None = None,
    total_updates: int | None = None,
    height: int = 360,
    font_size: int = 12,
    pinned: PinnedCurve | None = None,
) -> go.Figure:
    """Loss (top) and, for classification, accuracy (bottom) against the update number.

    `pinned`: an earlier run's loss curves, drawn grey under this run's to compare.

    Each series is (n_records,), entry i being the value after i updates. Accuracy series that
    are all NaN (regression) are left out, and the accuracy panel with them. With
    `total_updates` the update axis is fixed to [0, total_updates] (no relayout while the
    curve grows). Lines differ by dash as well as colour: train solid, test dashed (loss);
    train dotted, test dash-dotted (accuracy).
    """
    index = thin_indices(len(train_loss))
    updates = index.astype(float)
    has_accuracy = train_accuracy is not None and bool(np.any(np.isfinite(train_accuracy)))
    traces = []
    for values, part, color, dash in (
        (train_loss, "train", TRAIN_COLOR, "solid"),
        (test_loss, "test", TEST_COLOR, "dash"),
    ):
        x, y = _finite_xy(updates, np.asarray(values)[index])
        if len(x):
            hover = f"update %{{x}}<br>{part} loss %{{y:.4g}}<extra></extra>"
            traces.append(_line(x, y, f"{part} loss", color, hover, dash))
    if pinned is not None:
        for values, part, dash in (
            (pinned.train_loss, "train", "longdash"),
            (pinned.test_loss, "test", "dot"),
        ):
            x, y = _finite_xy(pinned.updates.astype(float), values)
            if len(x):
                name = f"pinned {part} loss ({pinned.label})"
                hover = f"update %{{x}}<br>{name}: %{{y:.4g}}<extra></extra>"
                traces.insert(0, _line(x, y, name, PINNED_COLOR, hover, dash))
    xaxis: dict = {"title": {"text": "update"}, "rangemode": "tozero"}
    if total_updates:
        longest = max(int(total_updates), int(pinned.updates[-1]) if pinned is not None else 0)
        xaxis["range"] = [0, max(longest, 1)]
    layout: dict = {
        "xaxis": xaxis,
        "yaxis": {"title": {"text": "loss"}},
        "shapes": _selected_line(selected_update),
    }
    if has_accuracy:
        for values, part, color, dash in (
            (train_accuracy, "train", TRAIN_COLOR, "dot"),
            (test_accuracy, "test", TEST_COLOR, "dashdot"),
        ):
            if values is None:
                continue
            x, y = _finite_xy(updates, np.asarray(values)[index])
            if len(x):
                hover = f"update %{{x}}<br>{part} accuracy %{{y:.1%}}<extra></extra>"
                traces.append(_line(x, y, f"{part} accuracy", color, hover, dash, "y2"))
        layout["yaxis"]["domain"] = [0.42, 1.0]
        layout["xaxis"]["anchor"] = "y2"  # the update axis sits under the accuracy panel
        layout["yaxis2"] = {
            "domain": [0.0, 0.32],
            "range": [0, 1.02],
            "title": {"text": "accuracy"},
            "tickformat": ".0%",
            "anchor": "x",
        }
    title = "Loss and accuracy" if has_accuracy else "Loss"
    return _figure(traces, layout, title, height, font_size, "lab-loss")


def loss_alt(
    train_loss: np.ndarray,
    test_loss: np.ndarray,
    test_accuracy: np.ndarray | None,
    update: int,
) -> str:
    """Text for loss_figure at `update` (series as for loss_figure; NaN where not defined)."""
    train, test = _at(train_loss, update), _at(test_loss, update)
    text = f"Train loss {format_number(train)}"
    if np.isfinite(test):
        text += f" and test loss {format_number(test)}"
    text += f" after {update:,} updates (start: {format_number(_at(train_loss, 0))})"
    accuracy = _at(test_accuracy, update)
    if np.isfinite(accuracy):
        text += f"; test accuracy {_percent(accuracy)}"
    return text + "."


def gradient_flow_figure(
    grad_norms: np.ndarray,
    *,
    selected_update: int | None = None,
    vanishing: float = 1e-6,
    exploding: float = 1e3,
    height: int = 360,
    font_size: int = 12,
) -> go.Figure:
    """Gradient norm of each layer's weights over updates, on a log scale.

    grad_norms (n_updates, n_layers): row i is update i + 1; layer l's line has its own dash
    LAYER_DASHES[l] as well as its own colour. Zero, NaN and infinite norms cannot
    sit on a log axis and are left out. The vanishing threshold is drawn as a dotted line, and
    the exploding one too once a norm comes within a factor 10 of it.
    """
    grad_norms = np.asarray(grad_norms, dtype=float)
    n_updates = grad_norms.shape[0]
    n_layers = grad_norms.shape[1] if grad_norms.ndim == 2 else 0
    index = thin_indices(n_updates)
    updates = (index + 1).astype(float)
    colors = sample_colorscale(LAYER_COLORSCALE, list(np.linspace(0.0, 0.85, max(n_layers, 1))))
    traces = []
    for layer in range(n_layers):
        x, y = _finite_xy(updates, grad_norms[index, layer], positive=True)
        hover = f"update %{{x}}<br>layer {layer + 1}: %{{y:.3g}}<extra></extra>"
        dash = LAYER_DASHES[layer % len(LAYER_DASHES)]
        traces.append(_line(x, y, f"layer {layer + 1}", colors[layer], hover, dash))
    x_end = float(max(n_updates, 1))
    finite = grad_norms[np.isfinite(grad_norms)]
    levels = [(vanishing, "vanishing below this")]
    if finite.size and float(np.max(finite)) > exploding / 10:
        levels.append((exploding, "exploding above this"))
    for level, label in levels:
        line = _line([1.0, x_end], [level, level], label, "#D55E00", "", THRESHOLD_DASH)
        line["hoverinfo"] = "skip"
        del line["hovertemplate"]
        traces.append(line)
    layout = {
        "xaxis": {"title": {"text": "update"}},
        "yaxis": {"title": {"text": "‖∂L/∂W‖"}, "type": "log", "exponentformat": "power"},
        "shapes": _selected_line(selected_update),
    }
    title = "Gradient flow: norm per layer"
    return _figure(traces, layout, title, height, font_size, "lab-gradflow")


def gradient_flow_alt(norms: np.ndarray | None, update: int) -> str:
    """Text for gradient_flow_figure: each layer's norm at `update` (norms (n_layers,))."""
    if norms is None or len(norms) == 0:
        return "Gradient norm of each layer's weights, on a log scale; no update made yet."
    values = "; ".join(
        f"layer {layer + 1}: {format_number(float(norm))}" for layer, norm in enumerate(norms)
    )
    return f"Gradient norm of each layer's weights on a log scale. At update {update:,}: {values}."


def divergence_text(status: str, learning_rate: float, last_finite_update: int) -> str:
    """Why a run diverged and what to do: `status` is the trainer's own sentence."""
    return (
        f"{status} Why: each update moves every weight by learning rate x gradient."
        f" With a learning rate of {format_number(learning_rate)}, a step overshoots the bottom"
        " of the loss valley and lands higher up the other side, where the gradient is larger,"
        " so the next step overshoots further, until the numbers overflow. Fix: try a learning"
        f" rate of {format_number(learning_rate / 10)} or smaller, then press Reset. The curves"
        f" stop at the last finite update ({last_finite_update:,})."
    )
