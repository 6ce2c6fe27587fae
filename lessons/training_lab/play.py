"""Play in chunks: train a second's worth of updates at once and record the states in between.

While the lab plays, the server reruns about once a CHUNK_SECONDS; each rerun trains one chunk
of updates with the engine's Trainer (through `lessons.training_lab.state.act`, the one place
where training happens) and records FRAMES_PER_CHUNK `PlayFrame`s along the way. The browser then
shows those frames one after another, so the page redraws several times a second while the
server runs once. Nothing here computes a gradient: the frames are forward passes of the
trained network over drawing grids, and numbers the Trainer already recorded.

A frame's pictures are quantised to bytes (0..255) on a fixed scale per activation, which is
all the colours need and keeps each frame a few kilobytes (see `quantise`).

When the network has a hidden layer of exactly 2 units (the one the paused lab draws, see
`hidden_layer`), each frame also records where the training rows sit in that layer's plane of
activations, so the player can show the network bending the data as it trains.
"""

import time
from dataclasses import dataclass

import numpy as np

from engine.network import Network
from lessons.training_lab.hidden_space import hidden_layer
from lessons.training_lab.plane import PlaneGrid, layer_outputs, plane_grid
from lessons.training_lab.runs import LabRun, network_inputs
from lessons.training_lab.state import LabState, act

CHUNK_SECONDS = 2.0  # the server reruns about this often while playing
FRAMES_PER_CHUNK = 12  # frames per chunk: 6 a second, at least the 5 redraws a second asked for
THUMBNAIL_RESOLUTION = 20  # points per axis of each neuron's thumbnail
CHUNK_TIME_BUDGET = 0.3  # at most this many seconds of training per chunk (large networks)
SPEEDS = (5, 10, 20, 30, 50, 100, 200, 500, 1000)  # updates per second while playing
DEFAULT_SPEED = 30

# The range mapped onto the colour scale, per activation: the value at the low end gets the
# first class's colour, the middle white, the high end the second class's colour (the same
# scale as the decision boundary). Unbounded activations are clipped to [-1, 1].
ACTIVATION_RANGES = {"sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0)}
DEFAULT_RANGE = (-1.0, 1.0)


def activation_range(activation: str) -> tuple[float, float]:
    """(low, high) of the colour scale of an `activation`'s output."""
    return ACTIVATION_RANGES.get(activation, DEFAULT_RANGE)


def quantise(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """values (any shape) as uint8 0..255 on [low, high]: round(255 (v - low) / (high - low)).

    Values outside the range are clipped; NaN becomes the middle (128).
    """
    scaled = (np.asarray(values, dtype=np.float64) - low) / (high - low)
    scaled = np.where(np.isfinite(scaled), np.clip(scaled, 0.0, 1.0), 0.5)
    return np.rint(scaled * 255).astype(np.uint8)


def dequantise(codes: np.ndarray, low: float, high: float) -> np.ndarray:
    """The values `quantise` codes stand for (within (high - low) / 510 of the original)."""
    return low + np.asarray(codes, dtype=np.float64) / 255 * (high - low)


@dataclass(frozen=True, eq=False)
class PlayFrame:
    """The lab after `update` updates, as the player shows it."""

    update: int
    epoch: float
    train_loss: float
    test_loss: float  # NaN without test rows
    train_accuracy: float  # NaN for regression
    test_accuracy: float
    weights: tuple[np.ndarray, ...]  # (n_{l+1}, n_l) per layer, copies
    boundary: np.ndarray | None  # (n, n) uint8 over the plane grid; None without a plane
    neurons: tuple[np.ndarray, ...]  # per layer after the input: (units, m, m) uint8; or ()
    # (m_train, 2) float32: (a_1, a_2) of every training row in `hidden_layer`; None without one
    hidden: np.ndarray | None = None
    # (3,) (w_1, w_2, b) of the output unit right after `hidden_layer`: its z = 0 is the line
    # w_1 a_1 + w_2 a_2 + b = 0 in the hidden plane; None unless one output follows that layer
    hidden_line: np.ndarray | None = None


def boundary_codes(outputs: np.ndarray, n: int, discretise: bool = False) -> np.ndarray:
    """(n, n) uint8 picture of the output layer over an n x n grid (rows: (n * n, n_outputs)).

    One output: P(class 1) quantised on [0, 1] (`discretise`: 255 where P > 0.5, else 0).
    Several: the index of the predicted class.
    """
    if outputs.shape[1] == 1:
        if discretise:
            return np.where(outputs[:, 0] > 0.5, 255, 0).astype(np.uint8).reshape(n, n)
        return quantise(outputs[:, 0], 0.0, 1.0).reshape(n, n)
    return np.argmax(outputs, axis=1).astype(np.uint8).reshape(n, n)


def neuron_codes(net: Network, grid: PlaneGrid) -> tuple[np.ndarray, ...]:
    """Every neuron's activation over `grid`, quantised: per layer (units, m, m) uint8.

    Entry [u, i, j] is unit u at the point (x1[j], x2[i]), on `activation_range` of its layer.
    """
    m = grid.x1.shape[0]
    pictures = []
    for activation, a in zip(net.activations, layer_outputs(net, grid.X), strict=True):
        low, high = activation_range(activation)
        pictures.append(quantise(a.T.reshape(-1, m, m), low, high))
    return tuple(pictures)


def hidden_points(run: LabRun, layer: int, inputs: np.ndarray) -> np.ndarray:
    """(m_train, 2) float32 activations of 2-unit hidden `layer` for the network's `inputs`
    (network_inputs of the training rows)."""
    return layer_outputs(run.net, inputs)[layer - 1].astype(np.float32)


def _hidden_line(run: LabRun, layer: int) -> np.ndarray | None:
    net = run.net
    if layer != len(net.weights) - 1 or net.n_outputs != 1:
        return None
    return np.array([*net.weights[layer][0], net.biases[layer][0]], dtype=np.float64)


def _frame(
    run: LabRun,
    grid: PlaneGrid | None,
    thumbnails: PlaneGrid | None,
    discretise: bool,
    hidden: tuple[int, np.ndarray] | None = None,
) -> PlayFrame:
    trainer, history = run.trainer, run.history
    update = trainer.updates
    boundary = None
    if grid is not None:
        n = grid.x1.shape[0]
        boundary = boundary_codes(layer_outputs(run.net, grid.X)[-1], n, discretise)
    layer, inputs = hidden if hidden is not None else (None, None)
    return PlayFrame(
        update=update,
        epoch=trainer.epoch,
        train_loss=float(history.train_loss[update]),
        test_loss=float(history.test_loss[update]),
        train_accuracy=float(history.train_accuracy[update]),
        test_accuracy=float(history.test_accuracy[update]),
        weights=tuple(W.copy() for W in run.net.weights),
        boundary=boundary,
        neurons=neuron_codes(run.net, thumbnails) if thumbnails is not None else (),
        hidden=hidden_points(run, layer, inputs) if layer is not None else None,
        hidden_line=_hidden_line(run, layer) if layer is not None else None,
    )


def has_plane(run: LabRun) -> bool:
    """Whether the run's data has the 2 features an input plane needs."""
    return run.split.X_train.shape[1] == 2


def thumbnail_grid(run: LabRun) -> PlaneGrid | None:
    """The coarse grid of the neuron thumbnails (None without an input plane)."""
    return plane_grid(run.split, THUMBNAIL_RESOLUTION, run.features) if has_plane(run) else None


def play_chunk(
    state: LabState,
    n_updates: int,
    n_frames: int = FRAMES_PER_CHUNK,
    time_budget: float = CHUNK_TIME_BUDGET,
    discretise: bool = False,
) -> tuple[LabState, list[PlayFrame]]:
    """Train up to `n_updates` updates in `n_frames` equal slices; a frame after each slice
    (`discretise`: the boundary picture in hard class colours).

    Returns the next state (not playing once the run is finished) and the frames (fewer when
    the run ends or the time budget runs out; none when the state is not playing). With a
    `hidden_layer`, each frame has the training rows' activations there.
    """
    frames: list[PlayFrame] = []
    if not state.playing:
        return state, frames
    run = state.run
    grid = plane_grid(run.split, features=run.features) if has_plane(run) else None
    thumbnails = thumbnail_grid(run)
    layer = hidden_layer(run)
    hidden = None
    if layer is not None and len(run.split.X_train):
        hidden = (layer, network_inputs(run.split.X_train, run.features))
    n_frames = max(1, min(n_frames, n_updates))
    slices = np.diff(np.linspace(0, n_updates, n_frames + 1).round().astype(int))
    deadline = time.perf_counter() + time_budget
    for size in slices:
        state = act(state, "tick", int(size), max(deadline - time.perf_counter(), 0.0))
        frames.append(_frame(run, grid, thumbnails, discretise, hidden))
        if not state.playing or time.perf_counter() >= deadline:
            break
    return state, frames
