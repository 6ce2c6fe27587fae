"""State of the step-by-step explorer: which scenario, which phase, and the weights so far.

Everything here is pure: functions take a `StepperState` and return a new one. The undo stack
and the loss history are bounded (MAX_HISTORY entries), so a session never grows without limit.
Also here: building the "custom" scenario from its settings and reading edited tables.
"""

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from engine import limits
from engine.errors import UserInputError
from engine.losses import get_loss
from engine.network import Network
from engine.trace import StepTrace
from engine.validation import check_choice, check_int, check_learning_rate
from lessons import link_text
from lessons.step_by_step.presets import PRESETS, Scenario

MAX_HISTORY = 200  # undo entries and loss-history points kept per session
MAX_UNDO_VALUES = 100_000  # parameters kept in the undo stack (800 kB); big networks keep fewer
MAX_TABLE_ROWS = 16  # examples in the step-by-step explorer's editable input table
CUSTOM = "custom"
SCENARIO_NAMES = (*PRESETS, CUSTOM)
DIVERGED_MESSAGE = (
    "This step diverged: the loss or an updated weight is no longer a finite number (or is"
    f" beyond {limits.MAX_ABS_VALUE:g} in magnitude, where the explorer stops). The"
    " learning rate ({lr}) is too large for these weights. Lower the learning rate, press"
    " 'Undo step' to go back to the weights before the last update, or press 'Reset'."
)


@dataclass(frozen=True)
class CustomConfig:
    """Settings of a network built by hand."""

    n_inputs: int = 2
    hidden_units: tuple[int, ...] = (3,)  # units of each hidden layer; () for none
    n_outputs: int = 1
    activations: tuple[str, ...] = ("tanh", "sigmoid")  # one per layer after the input
    loss: str = "squared_error"
    init: str = "xavier"
    seed: int = 0
    n_rows: int = 1  # examples in the input table


def custom_scenario(config: CustomConfig, learning_rate: float = 0.5) -> Scenario:
    """A scenario from `config`, with seeded example inputs and targets that fit the loss.

    Raises UserInputError (with what is allowed) for an invalid architecture or caps.
    """
    n_rows = check_int(config.n_rows, "Number of examples", 1, MAX_TABLE_ROWS)
    sizes = [config.n_inputs, *config.hidden_units, config.n_outputs]
    net = Network(sizes, list(config.activations), config.loss, config.init, config.seed)
    rng = np.random.default_rng(config.seed)
    X = np.round(rng.uniform(-1.0, 1.0, size=(n_rows, config.n_inputs)), 2)
    output = config.activations[-1]
    if output == "softmax":
        Y = np.eye(config.n_outputs)[rng.integers(0, config.n_outputs, size=n_rows)]
    elif output == "sigmoid":
        Y = np.round(rng.uniform(0.0, 1.0, size=(n_rows, config.n_outputs)), 2)
    else:
        Y = np.round(rng.uniform(-1.0, 1.0, size=(n_rows, config.n_outputs)), 2)
    return Scenario(
        CUSTOM,
        "Custom network",
        net,
        X,
        Y,
        check_learning_rate(learning_rate),
        tuple(f"x{i + 1}" for i in range(config.n_inputs)),
        tuple(f"y{i + 1}" for i in range(config.n_outputs)),
        "A network you built: every setting, input, target and weight is editable.",
    )


def build_scenario(name: str, seed: int = 0, custom: CustomConfig | None = None) -> Scenario:
    """The preset called `name` (seeded where it has random weights) or the custom network."""
    check_choice(name, "scenario", SCENARIO_NAMES)
    seed = check_int(seed, "Seed", 0, limits.MAX_SEED)
    if name == CUSTOM:
        return custom_scenario(replace(custom or CustomConfig(), seed=seed))
    if name == "textbook":
        return PRESETS[name]()
    return PRESETS[name](seed=seed)


def parse_table(
    rows: Sequence[Sequence], name: str, shape: tuple[int, int], column_names=None
) -> np.ndarray:
    """The cells of an edited table as a float array of `shape`.

    Raises UserInputError naming the row and column of the first empty, non-numeric, infinite or
    too large cell, or a wrong shape, so the page can say exactly what to fix.
    """
    n_rows, n_cols = shape
    try:
        rows = [list(row) for row in rows]
    except TypeError:
        raise UserInputError(f"{name} must be a table of numbers.") from None
    if len(rows) != n_rows or any(len(row) != n_cols for row in rows):
        got = f"{len(rows)} x {len(rows[0]) if rows else 0}"
        raise UserInputError(f"{name} must have {n_rows} row(s) and {n_cols} column(s); got {got}.")
    values = np.empty((n_rows, n_cols))
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            column = column_names[c] if column_names is not None else str(c + 1)
            where = f"{name}, row {r + 1}, column {column}"
            if cell is None or (isinstance(cell, str) and not cell.strip()):
                raise UserInputError(f"{where} is empty: type a number.")
            if isinstance(cell, bool):
                raise UserInputError(f"{where} is not a number.")
            try:
                number = float(cell)
            except (TypeError, ValueError):
                raise UserInputError(f"{where} is not a number: {str(cell)[:20]!r}.") from None
            if math.isnan(number):
                raise UserInputError(f"{where} is empty: type a number.")
            if not math.isfinite(number) or abs(number) > limits.MAX_ABS_VALUE:
                raise UserInputError(
                    f"{where} must be a finite number of magnitude at most"
                    f" {limits.MAX_ABS_VALUE:g}."
                )
            values[r, c] = number
    return values


@dataclass(frozen=True, eq=False)
class StepperState:
    """Where the explorer is: current parameters, phase, and bounded undo and loss history.

    weights[l]: (n_{l+1}, n_l); biases[l]: (n_{l+1},). history holds (step, loss) pairs: the
    loss at the start and after each completed training step.
    """

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    phase: int = 0
    step: int = 0  # completed training steps
    undo: tuple[tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]], ...] = ()
    history: tuple[tuple[int, float], ...] = ()


def start(weights: Sequence[np.ndarray], biases: Sequence[np.ndarray], loss: float) -> StepperState:
    """A fresh state at phase 0 of step 0; `loss` is the loss of these parameters."""
    return StepperState(
        tuple(np.array(W, dtype=float) for W in weights),
        tuple(np.array(b, dtype=float) for b in biases),
        history=((0, float(loss)),),
    )


def network(state: StepperState, activations: Sequence[str], loss: str) -> Network:
    """A Network holding the state's current parameters (copies)."""
    return Network.from_parameters(
        [W.copy() for W in state.weights], [b.copy() for b in state.biases], activations, loss
    )


def next_phase(state: StepperState, n_phases: int) -> StepperState:
    """One phase further, stopping at the last phase (the update)."""
    return replace(state, phase=min(state.phase + 1, n_phases - 1))


def previous_phase(state: StepperState) -> StepperState:
    """One phase back, stopping at the first."""
    return replace(state, phase=max(state.phase - 1, 0))


def finish_step(state: StepperState, n_phases: int) -> StepperState:
    """Jump to the last phase of this training step (the update)."""
    return replace(state, phase=n_phases - 1)


def go_to_phase(state: StepperState, phase: int, n_phases: int) -> StepperState:
    """Jump to `phase`, clamped to the valid range."""
    return replace(state, phase=min(max(int(phase), 0), n_phases - 1))


def apply_update(state: StepperState, trace: StepTrace, loss_after: float) -> StepperState:
    """Take the update recorded in `trace`: the next training step starts at phase 0.

    `trace` must be the step computed from `state`'s parameters; `loss_after` is the loss of
    the updated parameters (for the history). Raises UserInputError if the step diverged.
    """
    if not _step_is_usable(trace) or not math.isfinite(loss_after):
        raise UserInputError(DIVERGED_MESSAGE.format(lr=trace.learning_rate))
    undo = (state.undo + ((state.weights, state.biases),))[-undo_depth(state) :]
    history = (state.history + ((state.step + 1, float(loss_after)),))[-MAX_HISTORY:]
    return StepperState(
        tuple(layer.W_new.copy() for layer in trace.layers),
        tuple(layer.b_new.copy() for layer in trace.layers),
        phase=0,
        step=state.step + 1,
        undo=undo,
        history=history,
    )


def undo_depth(state: StepperState) -> int:
    """How many updates can be undone: MAX_HISTORY, fewer for big networks (memory)."""
    n_values = sum(W.size for W in state.weights) + sum(b.size for b in state.biases)
    return max(1, min(MAX_HISTORY, MAX_UNDO_VALUES // n_values))


def next_training_step(
    state: StepperState, activations: Sequence[str], loss: str, X, Y, learning_rate: float
) -> StepperState:
    """Compute this step on (X, Y) from the current parameters and take its update."""
    net = network(state, activations, loss)
    trace = net.compute_trace(X, Y, learning_rate)
    if not _step_is_usable(trace):
        raise UserInputError(DIVERGED_MESSAGE.format(lr=learning_rate))
    net.apply(trace)
    with np.errstate(all="ignore"):
        loss_after = net.loss_value(X, Y)
    return apply_update(state, trace, loss_after)


def undo_step(state: StepperState) -> StepperState:
    """Back to the parameters before the last update (phase 0); unchanged if nothing to undo."""
    if not state.undo:
        return state
    weights, biases = state.undo[-1]
    history = state.history[:-1] if len(state.history) > 1 else state.history
    return StepperState(
        weights, biases, phase=0, step=state.step - 1, undo=state.undo[:-1], history=history
    )


def _step_is_usable(trace: StepTrace) -> bool:
    """Finite, and every updated parameter within the caps a visitor's own values obey."""
    return trace.finite and all(
        np.max(np.abs(layer.W_new)) <= limits.MAX_ABS_VALUE
        and np.max(np.abs(layer.b_new)) <= limits.MAX_ABS_VALUE
        for layer in trace.layers
    )


def diverged_message(trace: StepTrace) -> str | None:
    """Why this step cannot be taken (and how to recover), or None when it can."""
    return None if _step_is_usable(trace) else DIVERGED_MESSAGE.format(lr=trace.learning_rate)


def output_delta_is_simplified(loss: str, layer_index: int, n_weight_layers: int) -> bool:
    """True when layer `layer_index`'s delta uses the (Y_hat - Y)/N simplification."""
    return layer_index == n_weight_layers - 1 and get_loss(loss).required_output is not None


MAX_SHARE_CHARS = 12_000  # longest accepted encoded-tables query parameter
_MAX_SHARE_JSON = 200_000  # bytes the decompressed text may have


Tables = tuple[np.ndarray, np.ndarray, list[np.ndarray], list[np.ndarray]]  # X, Y, W, b


def _flat_tables(tables) -> list[np.ndarray]:
    """X, Y, then W[0], b[0], W[1], b[1], ... each as a 2-D float array (b as a column)."""
    X, Y, weights, biases = tables
    flat = [np.asarray(X, dtype=float), np.asarray(Y, dtype=float)]
    for W, b in zip(weights, biases, strict=True):
        flat += [np.asarray(W, dtype=float), np.asarray(b, dtype=float).reshape(-1, 1)]
    return flat


def encode_tables(tables: Tables, base: Tables) -> str:
    """The cells of `tables` that differ from `base` (the scenario's own values) as a compact
    URL-safe text: zlib-compressed JSON [[table, row, col, value], ...], base64url.

    Tables are numbered X = 0, Y = 1, then W[l] = 2 + 2l and b[l] = 3 + 2l. Values keep 10
    significant digits.
    """
    changes = []
    for index, (array, original) in enumerate(
        zip(_flat_tables(tables), _flat_tables(base), strict=True)
    ):
        if array.shape != original.shape:
            raise UserInputError("Edited tables must keep the scenario's shapes.")
        for row, col in zip(*np.nonzero(array != original), strict=True):
            changes.append([index, int(row), int(col), float(f"{array[row, col]:.10g}")])
    return link_text.encode(json.dumps(changes, separators=(",", ":")).encode())


def decode_tables(text: str, base: Tables) -> Tables:
    """`base` with the changed cells encoded by `encode_tables` applied (copies).

    Raises UserInputError for anything malformed, too long, out of the tables or out of range.
    """
    if not isinstance(text, str) or not 0 < len(text) <= MAX_SHARE_CHARS:
        raise UserInputError("The shared tables in the link are missing or too long.")
    unreadable = "The shared tables in the link could not be read."
    raw = link_text.decode(text, _MAX_SHARE_JSON, unreadable)
    try:
        changes = json.loads(raw)
    except ValueError:
        raise UserInputError(unreadable) from None
    flat = [array.copy() for array in _flat_tables(base)]
    if not isinstance(changes, list) or len(changes) > sum(array.size for array in flat):
        raise UserInputError("The shared tables in the link could not be read.")
    for change in changes:
        if (
            not isinstance(change, list)
            or len(change) != 4
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in change[:3])
            or isinstance(change[3], bool)
            or not isinstance(change[3], (int, float))
        ):
            raise UserInputError("The shared tables in the link could not be read.")
        index, row, col, value = change
        try:
            value = float(value)
        except OverflowError:
            value = math.inf
        if not 0 <= index < len(flat) or not (
            0 <= row < flat[index].shape[0] and 0 <= col < flat[index].shape[1]
        ):
            raise UserInputError("The link's tables do not fit this network.")
        if not math.isfinite(value) or abs(value) > limits.MAX_ABS_VALUE:
            raise UserInputError(
                f"A value in the link is not a finite number of magnitude at most"
                f" {limits.MAX_ABS_VALUE:g}."
            )
        flat[index][row, col] = value
    X, Y = flat[0], flat[1]
    weights = flat[2::2]
    biases = [b[:, 0] for b in flat[3::2]]
    return X, Y, weights, biases
