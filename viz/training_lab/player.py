"""The Play player: what the browser needs to show a chunk of frames, as plain JSON.

While the lab plays, the page sends `player_data(...)` once per chunk to a small in-page
component (`PLAYER_JS`, which carries its own styles) that draws the frames one after another
on canvases: the counter, the loss curve, the data over the decision boundary, the network
with a thumbnail of every neuron's output over the input plane and, with a 2-unit hidden layer,
the training rows in that layer's plane of activations. The browser only draws numbers
computed here and in `lessons.training_lab.play`; it never runs the network.

Pictures travel as base64 bytes (0..255 on a fixed scale per activation), weights rounded to
4 significant digits, and the loss curves thinned to MAX_POINTS points, so a chunk of twelve
frames of the default 2-8-1 network is about 140 kB of JSON. The hidden plane's points travel
as bytes too: 2 per row per frame on the chunk's axes (about 6 kB a chunk for 160 rows).
"""

import base64
from pathlib import Path

import numpy as np

from lessons.training_lab.classes import class_labels, class_names, labelled_points, output_names
from lessons.training_lab.diagnosis import count_zero_weights, zero_threshold
from lessons.training_lab.plane import plane_grid
from lessons.training_lab.play import (
    CHUNK_SECONDS,
    PlayFrame,
    activation_range,
    has_plane,
    hidden_layer,
)
from lessons.training_lab.runs import LabRun
from viz import style
from viz.training_lab.common import (
    CLASS_COLORS,
    CLASS_FILLS,
    CLASS_SYMBOLS,
    MIDDLE_FILL,
    TEST_COLOR,
    TRAIN_COLOR,
    thin_indices,
)
from viz.training_lab.views import input_names

_HERE = Path(__file__).parent
PLAYER_JS = (_HERE / "player.js").read_text(encoding="utf-8")
POSITIVE_WEIGHT = style.POSITIVE_COLOR  # the diverging scale's ends: blue positive, red negative
NEGATIVE_WEIGHT = style.NEGATIVE_COLOR
BOUNDED_ACTIVATIONS = ("sigmoid", "tanh")  # the hidden plane's axes are their whole range
HIDDEN_LEVELS = 254  # a hidden coordinate is a byte 0..254 on its axis; 255: not finite
HIDDEN_MARGIN = 0.05  # unbounded activations: the chunk's data range, widened by this share


def _bytes(codes: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(codes, dtype=np.uint8).tobytes()).decode()


def _rounded(values: np.ndarray) -> list:
    """Finite values to 4 significant digits (JSON floats); NaN and infinity become None."""
    values = np.asarray(values, dtype=np.float64).ravel()
    return [float(f"{v:.4g}") if np.isfinite(v) else None for v in values.tolist()]


def _number(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def hidden_axes(activation: str, frames: list[PlayFrame]) -> tuple[list[float], list[float]]:
    """([low, high] of a_1, [low, high] of a_2) of a chunk's hidden plane: the activation's
    range when it is bounded (sigmoid 0..1, tanh -1..1), else the range of the chunk's
    finite points widened by HIDDEN_MARGIN (fixed within a chunk, so the points' motion shows)."""
    if activation in BOUNDED_ACTIVATIONS:
        low, high = activation_range(activation)
        return [low, high], [low, high]
    points = np.vstack([frame.hidden for frame in frames if frame.hidden is not None])
    axes = []
    for values in points.T:
        values = values[np.isfinite(values)].astype(np.float64)
        low, high = (float(values.min()), float(values.max())) if len(values) else (-1.0, 1.0)
        pad = max((high - low) * HIDDEN_MARGIN, 0.05)
        axes.append([float(f"{low - pad:.4g}"), float(f"{high + pad:.4g}")])
    return axes[0], axes[1]


def hidden_codes(points: np.ndarray, x_range: list[float], y_range: list[float]) -> np.ndarray:
    """(m, 2) points as uint8 codes: 0..HIDDEN_LEVELS across each axis's range (clipped),
    255 for a point with a coordinate that is not finite (not drawn)."""
    points = np.asarray(points, dtype=np.float64)
    low = np.array([x_range[0], y_range[0]])
    high = np.array([x_range[1], y_range[1]])
    with np.errstate(invalid="ignore"):
        scaled = np.clip((points - low) / (high - low), 0.0, 1.0)
    codes = np.rint(np.nan_to_num(scaled) * HIDDEN_LEVELS).astype(np.uint8)
    codes[~np.all(np.isfinite(points), axis=1)] = 255
    return codes


def _hidden_data(run: LabRun, frames: list[PlayFrame]) -> dict | None:
    layer = hidden_layer(run)
    if layer is None or not frames or frames[0].hidden is None:
        return None
    activation = run.net.activations[layer - 1]
    x_range, y_range = hidden_axes(activation, frames)
    return {
        "layer": layer,
        "activation": activation,
        "x_range": x_range,
        "y_range": y_range,
        "classes": class_labels(run.split.Y_train, run.task).tolist(),
    }


def frame_data(frame: PlayFrame, zero: float | None = None, hidden: dict | None = None) -> dict:
    """One frame as JSON: numbers, weights (flat, row-major per layer), pictures as base64;
    with `zero` (L1 on), how many weights count as zero (|w| <= zero); with `hidden` (the
    chunk's hidden plane), the training rows there as base64 codes (a_1, a_2 per row)."""
    points = None
    if hidden is not None and frame.hidden is not None:
        points = _bytes(hidden_codes(frame.hidden, hidden["x_range"], hidden["y_range"]))
    line = frame.hidden_line
    return {
        "zero_weights": None if zero is None else count_zero_weights(frame.weights, zero)[0],
        "update": frame.update,
        "epoch": round(frame.epoch, 4),
        "train_loss": _number(frame.train_loss),
        "test_loss": _number(frame.test_loss),
        "train_accuracy": _number(frame.train_accuracy),
        "test_accuracy": _number(frame.test_accuracy),
        "weights": [_rounded(W) for W in frame.weights],
        "boundary": None if frame.boundary is None else _bytes(frame.boundary),
        "neurons": [_bytes(layer) for layer in frame.neurons],
        "hidden": points,
        "hidden_line": None if line is None or points is None else _rounded(line),
    }


def _plane_data(run: LabRun, frames: list[PlayFrame], show_test: bool) -> dict | None:
    if not has_plane(run) or not frames or frames[0].boundary is None:
        return None
    grid = plane_grid(run.split)
    points = {"x": [], "y": [], "cls": [], "test": []}
    for X, labels, part in labelled_points(run):
        if part == "test" and not show_test:
            continue
        points["x"] += _rounded(X[:, 0])
        points["y"] += _rounded(X[:, 1])
        points["cls"] += [int(k) for k in labels]
        points["test"] += [int(part == "test")] * len(labels)
    return {
        "n": int(frames[0].boundary.shape[0]),
        "m": int(frames[0].neurons[0].shape[1]) if frames[0].neurons else 0,
        "x_range": [float(grid.x1[0]), float(grid.x1[-1])],
        "y_range": [float(grid.x2[0]), float(grid.x2[-1])],
        "x_name": run.dataset.feature_names[0],
        "y_name": run.dataset.feature_names[1],
        "classes": run.net.n_outputs > 1,
        "points": points,
    }


def player_data(
    run: LabRun, frames: list[PlayFrame], chunk: int, speed: int, show_test: bool = True
) -> dict:
    """Everything the player draws for one chunk; `chunk` counts up so the browser never
    plays the same chunk twice, `speed` is the updates per second asked for, `show_test`
    whether the test rows are drawn on the plane."""
    history = run.history
    last = frames[-1].update if frames else run.trainer.updates
    index = thin_indices(last + 1)
    net = run.net
    names = class_names(run) if run.task != "regression" else ()
    zero = zero_threshold(run.settings) if run.settings.l1 > 0 else None
    hidden = _hidden_data(run, frames)
    return {
        "chunk": chunk,
        "frame_ms": round(1000 * CHUNK_SECONDS / max(len(frames), 1)),
        "speed": speed,
        "total_updates": run.trainer.total_updates,
        "epochs": run.trainer.config.epochs,
        "task": run.task,
        "layer_sizes": list(net.layer_sizes),
        "activations": list(net.activations),
        "ranges": [list(activation_range(name)) for name in net.activations],
        "input_names": input_names(run),
        "output_names": list(output_names(run)),
        "class_names": list(names),
        "colors": {
            "class_fills": list(CLASS_FILLS),
            "class_colors": list(CLASS_COLORS),
            "class_symbols": list(CLASS_SYMBOLS),
            "middle": MIDDLE_FILL,
            "positive": POSITIVE_WEIGHT,
            "negative": NEGATIVE_WEIGHT,
            "train": TRAIN_COLOR,
            "test": TEST_COLOR,
            "ink": style.INK_COLOR,
            "text": style.TEXT_COLOR,
            "guide": style.GUIDE_COLOR,
            "outline": style.OUTLINE_COLOR,
            "node": style.NODE_FILL,
            "dimmed": style.DIMMED_COLOR,
        },
        "loss": {
            "update": index.tolist(),
            "train": _rounded(history.train_loss[index]),
            "test": _rounded(history.test_loss[index]),
        },
        "plane": _plane_data(run, frames, show_test),
        "hidden": hidden,
        "zero_threshold": zero,
        "frames": [frame_data(frame, zero, hidden) for frame in frames],
    }
