"""The Play player: what the browser needs to show a chunk of frames, as plain JSON.

While the lab plays, the page sends `player_data(...)` once per chunk to a small in-page
component (`PLAYER_JS`, which carries its own styles) that draws the frames one after another
on canvases: the counter, the loss curve, the data over the decision boundary and the network
with a thumbnail of every neuron's output over the input plane. The browser only draws numbers
computed here and in `lessons.training_lab_play`; it never runs the network.

Pictures travel as base64 bytes (0..255 on a fixed scale per activation), weights rounded to
4 significant digits, and the loss curves thinned to MAX_POINTS points, so a chunk of twelve
frames of the default 2-8-1 network is about 140 kB of JSON.
"""

import base64
from pathlib import Path

import numpy as np

from lessons.training_lab import (
    LabRun,
    class_names,
    count_zero_weights,
    labelled_points,
    output_names,
    plane_grid,
    zero_threshold,
)
from lessons.training_lab_play import (
    CHUNK_SECONDS,
    PlayFrame,
    activation_range,
    has_plane,
)
from viz import style
from viz.training_lab.common import (
    CLASS_COLORS,
    CLASS_FILLS,
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


def _bytes(codes: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(codes, dtype=np.uint8).tobytes()).decode()


def _rounded(values: np.ndarray) -> list:
    """Finite values to 4 significant digits (JSON floats); NaN and infinity become None."""
    values = np.asarray(values, dtype=np.float64).ravel()
    return [float(f"{v:.4g}") if np.isfinite(v) else None for v in values.tolist()]


def _number(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def frame_data(frame: PlayFrame, zero: float | None = None) -> dict:
    """One frame as JSON: numbers, weights (flat, row-major per layer), pictures as base64;
    with `zero` (L1 on), how many weights count as zero (|w| <= zero)."""
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
            "middle": MIDDLE_FILL,
            "positive": POSITIVE_WEIGHT,
            "negative": NEGATIVE_WEIGHT,
            "train": TRAIN_COLOR,
            "test": TEST_COLOR,
        },
        "loss": {
            "update": index.tolist(),
            "train": _rounded(history.train_loss[index]),
            "test": _rounded(history.test_loss[index]),
        },
        "plane": _plane_data(run, frames, show_test),
        "zero_threshold": zero,
        "frames": [frame_data(frame, zero) for frame in frames],
    }
