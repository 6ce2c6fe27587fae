"""Figures of the training lab: curves, the data with the model's prediction, gradient flow.

Every builder takes plain arrays (from `lessons.training_lab` and `engine.train.History`) and
returns a Plotly figure. NaN and infinite values are dropped before drawing, so a diverged or
test-less run never draws `nan` as data. Long series are thinned to at most MAX_POINTS points
per trace.
"""

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from viz.format import format_number
from viz.network_graph import KIND_NODE

MAX_POINTS = 600  # points per line trace; longer series are sampled evenly (last point kept)
CLASS_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")  # Okabe-Ito
CLASS_FILLS = ("#9ecae1", "#fdd49e", "#a1d99b", "#e7c3da", "#c6e4f5", "#f5b99b")  # light tints
TRAIN_COLOR = "#0072B2"
TEST_COLOR = "#E69F00"
MARKER_COLOR = "#444444"
LAYER_COLORSCALE = "Viridis"
HIST_BINS = 20
# Colour is never the only carrier of meaning: each class also has its own marker shape
# (training rows filled, test rows open), and each line of a multi-line chart its own dash.
CLASS_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "star", "hexagon")
LAYER_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "8px,3px,2px,3px")
THRESHOLD_DASH = "2px,6px"  # the vanishing/exploding levels: sparse dots, unlike any layer


def _figure(
    traces: list[dict], layout: dict, title: str, height: int, font_size: int, revision: str
) -> go.Figure:
    """One go.Figure from trace dicts and a layout dict (validated once, which is fast)."""
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
    figure = go.Figure(data=traces, layout={**base, **layout})
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
) -> go.Figure:
    """Loss (top) and, for classification, accuracy (bottom) against the update number.

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
    xaxis: dict = {"title": {"text": "update"}, "rangemode": "tozero"}
    if total_updates:
        xaxis["range"] = [0, max(int(total_updates), 1)]
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
) -> go.Figure:
    """The data over the model's prediction on the input plane.

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
        scale = [[0.0, CLASS_FILLS[0]], [0.5, "#f7f7f7"], [1.0, CLASS_FILLS[1]]]
        traces.append(
            {
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
        )
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


def clicked_neuron(selection, layer_sizes: Sequence[int]) -> tuple[int, int] | None:
    """The (layer, unit) of a neuron clicked on the network graph, else None.

    `selection` is what st.plotly_chart(on_select="rerun") returns for a figure from
    viz.network_graph.network_figure, whose node points carry customdata
    [layer, unit, -1, KIND_NODE]. Input neurons (layer 0), other points and malformed data
    give None; the last neuron point wins.
    """
    try:
        inner = selection.get("selection", selection) if selection is not None else None
        points = inner.get("points", []) if inner is not None else []
        points = list(points) if isinstance(points, list | tuple) else []
    except (AttributeError, TypeError):
        return None
    for point in reversed(points):
        data = point.get("customdata") if isinstance(point, dict) else None
        if isinstance(data, dict):  # a typed array serialised by the browser: {"0": x, ...}
            data = [data.get(str(index)) for index in range(len(data))]
        if not isinstance(data, list | tuple) or len(data) != 4:
            continue
        try:
            layer, unit, _, kind = (int(value) for value in data)
        except (TypeError, ValueError, OverflowError):
            continue
        if kind == KIND_NODE and 1 <= layer < len(layer_sizes) and 0 <= unit < layer_sizes[layer]:
            return layer, unit
    return None


# --- text alternatives ------------------------------------------------------------------------
# One or two sentences per chart, in words (never colours), built from the state it shows;
# the page puts them under the charts as captions.


def _percent(value: float) -> str:
    return f"{format_number(100 * value)}%" if np.isfinite(value) else "undefined"


def _at(series: np.ndarray | None, update: int) -> float:
    if series is None or update >= len(series):
        return float("nan")
    return float(np.asarray(series, dtype=float)[update])


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


def confusion_alt(matrix: np.ndarray, part: str) -> str:
    """Text for confusion_figure: how many rows sit on the diagonal."""
    matrix = np.asarray(matrix)
    correct, total = int(np.trace(matrix)), int(matrix.sum())
    return (
        f"Counts of {part} rows by true class (rows) and predicted class (columns):"
        f" {correct:,} of {total:,} are on the diagonal, that is, classified correctly."
    )


def regression_alt(kind: str, train_loss: float, update: int) -> str:
    """Text for fitted_curve_figure (kind "curve") or predicted_vs_true_figure ("scatter")."""
    if kind == "curve":
        shown = "the data rows (circles: training, crosses: test) and the network's curve"
    else:
        shown = "each row's predicted against its true value; on the dashed diagonal they agree"
    return f"Shows {shown}, after {update:,} updates; train loss {format_number(train_loss)}."


def network_alt(layer_sizes: Sequence[int], weights: Sequence[np.ndarray], update: int) -> str:
    """Text for the network graph: the layer sizes and the largest weight."""
    finite = [np.abs(w[np.isfinite(w)]) for w in weights]
    largest = max((float(a.max()) for a in finite if a.size), default=float("nan"))
    sizes = "-".join(str(n) for n in layer_sizes)
    return (
        f"A {sizes} network after {update:,} updates; each line is a weight, thicker for a"
        f" larger magnitude (the largest is {format_number(largest)})."
    )


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


def gradient_flow_alt(norms: np.ndarray | None, update: int) -> str:
    """Text for gradient_flow_figure: each layer's norm at `update` (norms (n_layers,))."""
    if norms is None or len(norms) == 0:
        return "Gradient norm of each layer's weights, on a log scale; no update made yet."
    values = "; ".join(
        f"layer {layer + 1}: {format_number(float(norm))}" for layer, norm in enumerate(norms)
    )
    return f"Gradient norm of each layer's weights on a log scale. At update {update:,}: {values}."


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
