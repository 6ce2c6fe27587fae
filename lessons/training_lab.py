"""The training lab's pure helpers: settings -> data, network and Trainer; grids to draw on.

A `LabSettings` describes one scenario (data, network, training). `build_run` turns it into a
`LabRun`: the dataset, its standardised split and an untrained `Trainer`. Nothing here trains
unless `advance` is called, so a page can rebuild a run cheaply whenever the settings change.

Memory bound per run (see `history_bound_bytes`): the Trainer's History keeps at most
MAX_UPDATES + 1 rows of (train loss, test loss, train accuracy, test accuracy, one gradient norm
per layer) and at most MAX_SNAPSHOTS + 1 parameter snapshots. At the caps (16 inputs, 6 hidden
layers of 16 units, 16 outputs) that is about 4.8 MB, plus the data (at most 2000 x 17 values).
"""

import math
import time
from dataclasses import dataclass

import numpy as np

from engine import limits
from engine.csv_loader import load_csv, read_csv_table
from engine.datasets import GENERATORS, Dataset, Split, make_dataset, train_test_split
from engine.errors import UserInputError
from engine.features import PLAIN, check_features, expand
from engine.network import Network
from engine.train import History, Snapshot, TrainConfig, Trainer, network_at
from lessons.training_lab_points import NO_EDITS, PointEdits, apply_edits

UPLOADED = "uploaded_csv"  # the dataset name that stands for the visitor's CSV file
DATASETS = (*GENERATORS, UPLOADED)

# Output activations and losses that fit each task; the first of each is the default.
OUTPUT_ACTIVATIONS_BY_TASK = {
    "binary": ("sigmoid",),
    "multiclass": ("softmax",),
    "regression": ("linear", "tanh"),
}
LOSSES_BY_TASK = {
    "binary": ("binary_cross_entropy", "mse", "squared_error"),
    "multiclass": ("cross_entropy",),
    "regression": ("mse", "squared_error"),
}

GRID_RESOLUTION = 60  # points per axis of the decision-boundary / neuron-output grid
CURVE_POINTS = 200  # points on the fitted curve of 1-D regression
FORWARD_BLOCK_ROWS = 1024  # rows per matrix product when drawing (see layer_outputs)
GRID_MARGIN = 0.1  # the plane extends this fraction of the data range beyond the data

ZERO_WEIGHT = 1e-3  # |w| at or below this counts as zero (see zero_threshold)
VANISHING_NORM = 1e-6  # a layer's gradient norm below this has vanished
VANISHING_RATIO = 1e-3  # ... or this many times smaller than the largest layer's
EXPLODING_NORM = 1e3  # a layer's gradient norm above this has exploded


@dataclass(frozen=True)
class LabSettings:
    """One scenario of the lab: what to learn, with which network, and how to train it."""

    dataset: str = "moons"  # one of DATASETS
    n_samples: int = 200  # rows generated (ignored for an uploaded CSV)
    noise: float = 0.1  # noise of the generated data, 0..MAX_NOISE
    test_fraction: float = 0.2  # rows held out for the test loss
    seed: int = 0  # seeds the data, the split, the initial weights and the batch order
    hidden_units: tuple[int, ...] = (8,)  # units of each hidden layer, input side first
    hidden_activations: tuple[str, ...] = ("tanh",)  # one per hidden layer
    output_activation: str | None = None  # None: the task's default (OUTPUT_ACTIVATIONS_BY_TASK)
    loss: str | None = None  # None: the task's default (LOSSES_BY_TASK)
    init: str = "xavier"
    learning_rate: float = 0.1
    batch_size: int = 32
    epochs: int = 100
    optimizer: str = "sgd"
    l2: float = 0.0
    l1: float = 0.0
    features: tuple[str, ...] = PLAIN  # inputs of the network, from engine.features.FEATURES
    points: PointEdits = NO_EDITS  # the visitor's own points (lessons/training_lab_points.py)


def output_choices(task: str) -> tuple[str, ...]:
    """Output activations that fit `task` (binary, multiclass or regression); default first."""
    if task not in OUTPUT_ACTIVATIONS_BY_TASK:
        raise UserInputError(
            f"Unknown task {task!r}; choose one of: {', '.join(OUTPUT_ACTIVATIONS_BY_TASK)}."
        )
    return OUTPUT_ACTIVATIONS_BY_TASK[task]


def loss_choices(task: str) -> tuple[str, ...]:
    """Losses that fit `task`; default first."""
    if task not in LOSSES_BY_TASK:
        raise UserInputError(f"Unknown task {task!r}; choose one of: {', '.join(LOSSES_BY_TASK)}.")
    return LOSSES_BY_TASK[task]


def default_output(task: str) -> tuple[str, str]:
    """(output activation, loss) used for `task` unless the visitor picks others."""
    return output_choices(task)[0], loss_choices(task)[0]


def csv_columns(data: bytes | str) -> list[str]:
    """Column names of an uploaded CSV file, after the engine's full validation (UserInputError)."""
    header, _ = read_csv_table(data)
    return header


def dataset_from_upload(data: bytes | str, target: str) -> Dataset:
    """The Dataset of an uploaded CSV file with `target` as the target column (UserInputError)."""
    if data is None or len(data) == 0:
        raise UserInputError("The file is empty; it needs a header row and at least one data row.")
    return load_csv(data, target, name=UPLOADED)


def make_lab_dataset(settings: LabSettings, uploaded: Dataset | None = None) -> Dataset:
    """The dataset `settings` names, with its edited points; `uploaded` stands in for UPLOADED
    (UserInputError if none)."""
    if settings.dataset == UPLOADED:
        if uploaded is None:
            raise UserInputError("Upload a CSV file and choose its target column first.")
        return uploaded
    generated = make_dataset(settings.dataset, settings.n_samples, settings.noise, settings.seed)
    return apply_edits(generated, settings.points)


def build_network(settings: LabSettings, n_inputs: int, n_outputs: int, task: str) -> Network:
    """An untrained network for the settings (the task picks the output and loss by default)."""
    if len(settings.hidden_units) != len(settings.hidden_activations):
        raise UserInputError("Give one activation per hidden layer.")
    output, loss = default_output(task)
    output = settings.output_activation or output
    loss = settings.loss or loss
    if output not in output_choices(task):
        raise UserInputError(
            f"A {task} task needs one of these output activations:"
            f" {', '.join(output_choices(task))}."
        )
    if loss not in loss_choices(task):
        raise UserInputError(
            f"A {task} task needs one of these losses: {', '.join(loss_choices(task))}."
        )
    return Network(
        [n_inputs, *settings.hidden_units, n_outputs],
        [*settings.hidden_activations, output],
        loss=loss,
        init=settings.init,
        seed=settings.seed,
    )


@dataclass(eq=False)
class LabRun:
    """Everything one scenario needs: data (original and standardised) and its Trainer."""

    settings: LabSettings
    dataset: Dataset
    split: Split
    trainer: Trainer

    @property
    def task(self) -> str:
        return self.dataset.task

    @property
    def net(self) -> Network:
        return self.trainer.net

    @property
    def history(self) -> History:
        return self.trainer.history

    @property
    def features(self) -> tuple[str, ...]:
        """The network's inputs, in order (PLAIN: the dataset's own inputs)."""
        return check_features(self.settings.features)


def network_inputs(X: np.ndarray, features: tuple[str, ...] = PLAIN) -> np.ndarray:
    """What the network is fed for standardised rows X (n, n_features): the chosen features."""
    return X if tuple(features) == PLAIN else expand(X, features)


def build_run(settings: LabSettings, uploaded: Dataset | None = None) -> LabRun:
    """A fresh, untrained run of the scenario (UserInputError naming any setting out of range).

    With input features other than (x1, x2), the network's inputs are those features of the
    standardised inputs; the split keeps the two inputs themselves (for drawing).
    """
    dataset = make_lab_dataset(settings, uploaded)
    features = check_features(settings.features)
    if features != PLAIN and dataset.X.shape[1] != 2:
        raise UserInputError(
            f"Input features need a dataset with 2 inputs (x1, x2); this one has"
            f" {dataset.X.shape[1]}. Keep the inputs x1 and x2 only."
        )
    split = train_test_split(dataset, settings.test_fraction, seed=settings.seed)
    n_inputs = dataset.X.shape[1] if features == PLAIN else len(features)
    net = build_network(settings, n_inputs, dataset.Y.shape[1], dataset.task)
    config = TrainConfig(
        learning_rate=settings.learning_rate,
        batch_size=settings.batch_size,
        epochs=settings.epochs,
        optimizer=settings.optimizer,
        l2=settings.l2,
        l1=settings.l1,
        seed=settings.seed,
    )
    trainer = Trainer(
        net,
        network_inputs(split.X_train, features),
        split.Y_train,
        network_inputs(split.X_test, features),
        split.Y_test,
        config,
        dataset.task,
    )
    return LabRun(settings, dataset, split, trainer)


def advance(trainer: Trainer, max_updates: int, time_budget: float) -> int:
    """Train up to `max_updates` updates, stopping early after `time_budget` seconds.

    Returns the number of updates made. The updates themselves do not depend on the budget,
    so identical settings give identical curves however the training is sliced into ticks.
    """
    start = time.perf_counter()
    done = 0
    chunk = 4
    while done < max_updates and not trainer.finished:
        made = trainer.step(min(chunk, max_updates - done))
        done += made
        if made == 0 or time.perf_counter() - start >= time_budget:
            break
    return done


# --- run controls: Play, Pause, Step, Epoch, Reset as pure transitions ------------------------

ACTIONS = ("play", "pause", "tick", "step", "epoch", "reset")


@dataclass(frozen=True, eq=False)
class LabState:
    """The lab's run and whether it is playing. `act` returns the next state.

    The run's Trainer is trained in place (a History of up to MAX_UPDATES rows is not worth
    copying on every update); everything else about a state is immutable.
    """

    run: LabRun
    playing: bool = False


def act(
    state: LabState,
    action: str,
    updates_per_tick: int = 1,
    time_budget: float = math.inf,
) -> LabState:
    """The state after `action` (one of ACTIONS).

    play/pause set `playing` (idempotent, not a toggle: a click delivered twice must not undo
    itself; a finished run cannot play). tick trains up to `updates_per_tick` updates within
    `time_budget` seconds while playing and stops playing at the end. step makes one update,
    epoch trains to the end of the current epoch, reset builds the same scenario untrained;
    each of these pauses.
    """
    run, trainer = state.run, state.run.trainer
    if action == "play":
        return LabState(run, not trainer.finished)
    if action == "pause":
        return LabState(run, False)
    if action == "tick":
        if state.playing:
            advance(trainer, updates_per_tick, time_budget)
        return LabState(run, state.playing and not trainer.finished)
    if action == "step":
        trainer.step(1)
        return LabState(run, False)
    if action == "epoch":
        trainer.run_epoch()
        return LabState(run, False)
    if action == "reset":
        uploaded = run.dataset if run.settings.dataset == UPLOADED else None
        return LabState(build_run(run.settings, uploaded), False)
    raise UserInputError(f"Unknown action {action!r}; choose one of: {', '.join(ACTIONS)}.")


def recorded_updates(run: LabRun) -> list[int]:
    """Updates the time-travel slider can show: every snapshot, and the latest update."""
    recorded = [snapshot.update for snapshot in run.history.snapshots]
    if recorded[-1] != run.trainer.updates:
        recorded.append(run.trainer.updates)  # the live network is always shown at the end
    return recorded


def shown_network(run: LabRun, update: int) -> Network:
    """The network after `update` updates: the live one, or one rebuilt from its snapshot."""
    if update >= run.trainer.updates:
        return run.net
    return network_at(run.net, snapshot_at(run.history, update))


def class_names(run: LabRun) -> tuple[str, ...]:
    """Names of the classes, in the order of the network's outputs (binary: class 0, 1)."""
    if run.task == "binary":
        return ("class 0", "class 1")
    return tuple(run.dataset.target_names)


def output_names(run: LabRun) -> tuple[str, ...]:
    """Names of the network's output units (one for binary: class 1)."""
    if run.task == "regression":
        return tuple(run.dataset.target_names)
    return class_names(run)[-run.net.n_outputs :]


def labelled_points(run: LabRun) -> list[tuple[np.ndarray, np.ndarray, str]]:
    """[(X (m, n_features), class (m,), "train"), (..., "test")] in original units."""
    X_train, Y_train, X_test, Y_test = original_data(run.split)
    return [
        (X_train, class_labels(Y_train, run.task), "train"),
        (X_test, class_labels(Y_test, run.task), "test"),
    ]


def snapshot_at(history: History, update: int) -> Snapshot:
    """The latest recorded snapshot at or before `update` (the first one if none)."""
    chosen = history.snapshots[0]
    for snapshot in history.snapshots:
        if snapshot.update > update:
            break
        chosen = snapshot
    return chosen


def norms_at(history: History, update: int) -> np.ndarray | None:
    """(n_layers,) gradient norms of the mini-batch used by update `update` (None for 0)."""
    norms = history.grad_norms
    if update < 1 or update > norms.shape[0]:
        return None
    return norms[update - 1]


def full_batch_gradients(
    net: Network,
    split: Split,
    l2: float = 0.0,
    features: tuple[str, ...] = PLAIN,
    l1: float = 0.0,
) -> list[np.ndarray]:
    """dL/dW of each layer on all training rows, L2 and L1 terms included (as the Trainer
    adds them); shaped like net.weights."""
    trace = net.compute_trace(network_inputs(split.X_train, features), split.Y_train)
    return [layer.dW + l2 * layer.W + l1 * np.sign(layer.W) for layer in trace.layers]


def zero_threshold(settings: LabSettings) -> float:
    """|w| at or below which a weight counts as zero: ZERO_WEIGHT, or one L1 step
    (learning rate x L1), since L1 leaves a weight that reached zero jumping across it."""
    return max(ZERO_WEIGHT, settings.learning_rate * settings.l1)


def zero_weight_masks(weights, threshold: float) -> list[np.ndarray]:
    """Per layer, (n_{l+1}, n_l) booleans: which weights count as zero."""
    return [np.abs(W) <= threshold for W in weights]


def count_zero_weights(weights, threshold: float) -> tuple[int, int]:
    """(weights that count as zero, all weights), over every layer."""
    masks = zero_weight_masks(weights, threshold)
    return int(sum(mask.sum() for mask in masks)), int(sum(mask.size for mask in masks))


def history_bound_bytes(layer_sizes: list[int]) -> int:
    """Most bytes a History of a network with `layer_sizes` can hold (series + snapshots)."""
    n_layers = len(layer_sizes) - 1
    n_params = sum((a + 1) * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:], strict=True))
    series = (limits.MAX_UPDATES + 1) * (2 + 2 + n_layers) * 8
    snapshots = (limits.MAX_SNAPSHOTS + 1) * n_params * 8
    return series + snapshots


# --- data and predictions in the original units, for drawing ---------------------------------


def original_data(split: Split) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(X_train, Y_train, X_test, Y_test) in the dataset's own units (scalers undone)."""
    X_train = split.x_scaler.inverse(split.X_train)
    X_test = split.x_scaler.inverse(split.X_test)
    if split.y_scaler is None:
        return X_train, split.Y_train, X_test, split.Y_test
    return (
        X_train,
        split.y_scaler.inverse(split.Y_train),
        X_test,
        split.y_scaler.inverse(split.Y_test),
    )


@dataclass(frozen=True, eq=False)
class PlaneGrid:
    """A regular grid over the plane of two input features."""

    x1: np.ndarray  # (n,) first feature, original units
    x2: np.ndarray  # (n,) second feature, original units
    X: np.ndarray  # (n * n, n_inputs) network inputs; row i * n + j is the point (x1[j], x2[i])


def _padded_range(values: np.ndarray) -> tuple[float, float]:
    low, high = float(np.min(values)), float(np.max(values))
    pad = (high - low) * GRID_MARGIN or 1.0
    return low - pad, high + pad


def plane_grid(
    split: Split, resolution: int = GRID_RESOLUTION, features: tuple[str, ...] = PLAIN
) -> PlaneGrid:
    """A grid covering the data of a 2-feature split, with a margin; X holds the `features`."""
    if split.X_train.shape[1] != 2:
        raise UserInputError("The input plane needs data with exactly 2 features.")
    X_all = split.x_scaler.inverse(np.vstack([split.X_train, split.X_test]))
    x1 = np.linspace(*_padded_range(X_all[:, 0]), resolution)
    x2 = np.linspace(*_padded_range(X_all[:, 1]), resolution)
    g1, g2 = np.meshgrid(x1, x2)
    X = split.x_scaler.transform(np.column_stack([g1.ravel(), g2.ravel()]))
    return PlaneGrid(x1, x2, network_inputs(X, features))


def layer_outputs(net: Network, X: np.ndarray) -> list[np.ndarray]:
    """Activations a of every layer after the input for standardised X: (n_samples, n_units).

    Unlike `Network.forward`, X may have more rows than MAX_SAMPLES (a drawing grid).
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != net.n_inputs or not np.all(np.isfinite(X)):
        raise UserInputError(f"Inputs must be finite rows of {net.n_inputs} numbers.")
    # In blocks: a multi-threaded BLAS on a busy machine makes one big product far slower.
    blocks = [
        [a for _, a in net._forward_layers(X[start : start + FORWARD_BLOCK_ROWS])]
        for start in range(0, X.shape[0], FORWARD_BLOCK_ROWS)
    ]
    return [np.vstack([block[layer] for block in blocks]) for layer in range(len(net.weights))]


def output_grid(net: Network, grid: PlaneGrid) -> np.ndarray:
    """(n_outputs, n, n) network outputs over the grid (probabilities for classification)."""
    n = grid.x1.shape[0]
    Y_hat = layer_outputs(net, grid.X)[-1]
    return Y_hat.T.reshape(-1, n, n)


def neuron_grid(net: Network, grid: PlaneGrid, layer: int, unit: int) -> np.ndarray:
    """(n, n) output of unit `unit` of layer `layer` (1 = first hidden layer) over the grid."""
    n_layers = len(net.weights)
    if not 1 <= layer <= n_layers:
        raise UserInputError(f"Choose a layer from 1 to {n_layers}.")
    outputs = layer_outputs(net, grid.X)[layer - 1]
    if not 0 <= unit < outputs.shape[1]:
        raise UserInputError(f"Layer {layer} has units 0 to {outputs.shape[1] - 1}.")
    n = grid.x1.shape[0]
    return outputs[:, unit].reshape(n, n)


def fitted_curve(net: Network, split: Split, n_points: int = CURVE_POINTS):
    """(x, y_hat), each (n_points,), of a 1-feature regression in original units."""
    if split.X_train.shape[1] != 1:
        raise UserInputError("The fitted curve needs data with exactly 1 feature.")
    X_all = split.x_scaler.inverse(np.vstack([split.X_train, split.X_test]))
    x = np.linspace(*_padded_range(X_all[:, 0]), n_points)
    Y_hat = net.forward(split.x_scaler.transform(x.reshape(-1, 1)))
    if split.y_scaler is not None:
        Y_hat = split.y_scaler.inverse(Y_hat)
    return x, Y_hat[:, 0]


def predicted_vs_true(net: Network, split: Split):
    """(true_train, pred_train, true_test, pred_test) of the first target, original units."""
    pred_train = net.forward(split.X_train)
    pred_test = net.forward(split.X_test) if len(split.X_test) else split.Y_test
    true_train, true_test = split.Y_train, split.Y_test
    if split.y_scaler is not None:
        pred_train, pred_test = (
            split.y_scaler.inverse(pred_train),
            split.y_scaler.inverse(pred_test),
        )
        true_train, true_test = (
            split.y_scaler.inverse(true_train),
            split.y_scaler.inverse(true_test),
        )
    return true_train[:, 0], pred_train[:, 0], true_test[:, 0], pred_test[:, 0]


def class_labels(Y: np.ndarray, task: str) -> np.ndarray:
    """(n_samples,) integer class of each row of targets or outputs Y (n_samples, n_outputs)."""
    if task == "binary":
        return (Y[:, 0] > 0.5).astype(int)
    return np.argmax(Y, axis=1)


def two_unit_layers(net: Network) -> list[int]:
    """Hidden layers (1 = first) with exactly 2 units: their activations make a plane."""
    return [layer for layer in range(1, len(net.weights)) if net.layer_sizes[layer] == 2]


def hidden_layer(run: LabRun) -> int | None:
    """The 2-unit hidden layer (1 = first) whose plane the lab shows, paused and playing: the
    last one with exactly 2 units; None without one, and for regression (no classes to see)."""
    layers = two_unit_layers(run.net) if run.task != "regression" else []
    return layers[-1] if layers else None


def hidden_space(run: LabRun, net: Network, layer: int) -> list[tuple[np.ndarray, np.ndarray, str]]:
    """The data as hidden layer `layer` (2 units) sees it: [(A (m, 2) activations, class (m,),
    "train"), (..., "test")], A[i] = (a_1, a_2) of row i."""
    if not 1 <= layer < len(net.weights) or net.layer_sizes[layer] != 2:
        raise UserInputError("The hidden space needs a hidden layer of exactly 2 units.")
    parts = []
    for X, Y, part in ((run.split.X_train, run.split.Y_train, "train"),
                       (run.split.X_test, run.split.Y_test, "test")):  # fmt: skip
        if len(X) == 0:
            parts.append((np.empty((0, 2)), np.empty(0, dtype=int), part))
            continue
        A = layer_outputs(net, network_inputs(X, run.features))[layer - 1]
        parts.append((A, class_labels(Y, run.task), part))
    return parts


PINNED_POINTS = 600  # points kept of a pinned loss curve


@dataclass(frozen=True, eq=False)
class PinnedCurve:
    """A run's loss curves kept to compare with the next run's."""

    label: str  # what the run was, in a few words
    updates: np.ndarray  # (k,) update numbers, at most PINNED_POINTS, the last one included
    train_loss: np.ndarray  # (k,)
    test_loss: np.ndarray  # (k,) NaN without test rows


def pin_curve(run: LabRun) -> PinnedCurve:
    """The run's loss curves so far, thinned to at most PINNED_POINTS points."""
    n = run.trainer.updates + 1
    index = np.unique(np.linspace(0, n - 1, min(n, PINNED_POINTS)).round().astype(int))
    settings = run.settings
    hidden = "-".join(str(units) for units in settings.hidden_units) or "no"
    activations = "/".join(sorted(set(settings.hidden_activations))) or "none"
    label = (
        f"{hidden} hidden, {activations}, {settings.optimizer} lr {settings.learning_rate:g}"
        + (f", L2 {settings.l2:g}" if settings.l2 else "")
        + (f", L1 {settings.l1:g}" if settings.l1 else "")
    )
    history = run.history
    return PinnedCurve(
        label, index, history.train_loss[index].copy(), history.test_loss[index].copy()
    )


def training_classes(run: LabRun) -> int:
    """How many classes the training rows hold (0 for regression)."""
    if run.task == "regression":
        return 0
    return int(np.unique(class_labels(run.split.Y_train, run.task)).size)


def confusion_matrix(net: Network, split: Split, task: str) -> tuple[np.ndarray, str]:
    """(n_classes, n_classes) counts, row = true class, column = predicted; and which rows."""
    X, Y, part = split.X_test, split.Y_test, "test"
    if len(X) == 0:
        X, Y, part = split.X_train, split.Y_train, "training"
    n_classes = 2 if task == "binary" else Y.shape[1]
    true, predicted = class_labels(Y, task), class_labels(net.forward(X), task)
    matrix = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(matrix, (true, predicted), 1)
    return matrix, part


# --- gradient diagnosis ----------------------------------------------------------------------


@dataclass(frozen=True)
class GradientDiagnosis:
    """Whether the gradients reaching each layer are healthy, vanished or exploded, and why."""

    state: str  # "healthy", "vanishing", "exploding" or "unknown"
    layer: int | None  # 1-based weight layer with the worst norm, if any
    message: str  # one sentence: what happened
    explanation: str  # why it happens and what helps ("" when healthy)


SIGMOID_EXPLANATION = (
    "Backpropagation multiplies the error signal, layer by layer, by each layer's weights and"
    " by its activation's derivative f'(z). The sigmoid's derivative is at most 1/4, so along"
    " one path through n sigmoid layers the signal is multiplied by at most (max|w| / 4)^n,"
    " where max|w| is the largest weight on the path. With the small weights a network starts"
    " with (|w| < 1) that is less than (1/4)^n, and the first layers barely learn."
)
GENERAL_VANISHING = (
    "Backpropagation multiplies the error signal, layer by layer, by each layer's weights and"
    " by its activation's derivative f'(z). When those factors are smaller than 1 (saturated"
    " sigmoid or tanh units, ReLUs that output 0, small weights), the product shrinks"
    " exponentially with depth, and the first layers barely learn."
)
VANISHING_FIX = (
    "What helps: ReLU or leaky ReLU in the hidden layers, Xavier or He initialisation, fewer"
    " layers, or Adam, which rescales each weight's step."
)
ZEROS_EXPLANATION = (
    "With all weights initialised to zero, the error signal sent back through a zero weight"
    " matrix is zero, and every unit of a layer receives the same update, so the units never"
    " become different. Choose Xavier or He initialisation."
)
EXPLODING_EXPLANATION = (
    "Backpropagation multiplies the error signal, layer by layer, by each layer's weights and"
    " by f'(z). When those factors are larger than 1 the product grows exponentially with"
    " depth, and a large learning rate turns large gradients into larger weights, which make the"
    " next gradients larger still. What helps: a smaller learning rate, smaller initial weights"
    " (Xavier), an L2 penalty or Adam."
)


def diagnose_gradients(norms, activations: list[str], init: str | None = None) -> GradientDiagnosis:
    """Diagnose one update's gradient norms (n_layers,), input side first.

    Vanishing: a layer's norm below VANISHING_NORM, or VANISHING_RATIO times smaller than the
    largest. Exploding: a norm above EXPLODING_NORM or not finite.
    """
    if norms is None:
        return GradientDiagnosis("unknown", None, "No update yet: train to see gradients.", "")
    norms = np.asarray(norms, dtype=np.float64)
    if norms.size == 0:
        return GradientDiagnosis("unknown", None, "This network has no weights.", "")
    if not np.all(np.isfinite(norms)) or np.max(norms) > EXPLODING_NORM:
        finite = np.where(np.isfinite(norms), norms, np.inf)
        layer = int(np.argmax(finite)) + 1
        value = norms[layer - 1]
        size = f"{value:.2g}" if np.isfinite(value) else "infinite"
        return GradientDiagnosis(
            "exploding",
            layer,
            f"Exploding gradients: the gradient of layer {layer} has norm {size},"
            f" above {EXPLODING_NORM:g}.",
            EXPLODING_EXPLANATION,
        )
    largest = float(np.max(norms))
    layer = int(np.argmin(norms)) + 1
    smallest = float(norms[layer - 1])
    if largest == 0.0:
        message = "Every weight gradient is exactly 0: no weight can change."
        return GradientDiagnosis(
            "vanishing",
            layer,
            message,
            ZEROS_EXPLANATION if init == "zeros" else GENERAL_VANISHING + " " + VANISHING_FIX,
        )
    vanished = smallest < VANISHING_NORM
    relative = smallest < VANISHING_RATIO * largest
    if not (vanished or relative):
        return GradientDiagnosis(
            "healthy",
            None,
            f"Gradients reach every layer (norms from {smallest:.2g} to {largest:.2g}).",
            "",
        )
    if vanished:
        message = (
            f"Vanishing gradients: the gradient of layer {layer} has norm {smallest:.2g},"
            f" below {VANISHING_NORM:g}."
        )
    else:
        message = (
            f"Vanishing gradients: layer {layer}'s gradient ({smallest:.2g}) is"
            f" {largest / smallest:.2g} times smaller than the largest ({largest:.2g})."
        )
    if init == "zeros":
        explanation = ZEROS_EXPLANATION
    elif "sigmoid" in activations[:-1]:
        explanation = SIGMOID_EXPLANATION + " " + VANISHING_FIX
    else:
        explanation = GENERAL_VANISHING + " " + VANISHING_FIX
    return GradientDiagnosis("vanishing", layer, message, explanation)


def finite_or_none(value: float) -> float | None:
    """`value` as a float, or None when it is NaN or infinite (nothing to show)."""
    value = float(value)
    return value if math.isfinite(value) else None
