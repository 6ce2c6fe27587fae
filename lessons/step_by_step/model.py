"""The step page's model: one frozen state and one pure transition, `act(state, action)`.

The page reads its widgets, turns what changed into actions, and draws what `act` returns; every
state change of the page (Next, Previous, Finish, Next training step, Undo, Reset, an edited
table, the batch switch, the learning rate, a shared link) happens here, without Streamlit.
A refused action (a step that diverges) keeps the last valid state and sets `error` to the
UserInputError's message for the page to show.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from engine import limits
from engine.errors import UserInputError
from engine.network import Network
from engine.trace import StepTrace
from lessons.step_by_step import stepper, training_order
from lessons.step_by_step.phases import Phase, clamp_phase, phase_sequence
from lessons.step_by_step.stepper import StepperState, Tables

# Query parameters that are not widgets: the phase, the completed steps, the examples they were
# taken on (when not all on what is shown now) and the edited tables.
PHASE_PARAM, STEPS_PARAM, DATA_PARAM = "step_phase", "step_n", "step_data"
ORDER_PARAM = "step_order"
# The scenario picker's labels, which are also its URL values (?step_preset=XOR), and the
# learning rate each scenario starts with.
SCENARIO_TITLES = {
    "textbook": "Textbook 2-2-2",
    "xor": "XOR",
    "housing": "House price",
    "traffic": "Traffic congestion",
    stepper.CUSTOM: "Custom",
}
SCENARIO_BY_TITLE = {title: name for name, title in SCENARIO_TITLES.items()}
SCENARIO_LEARNING_RATES = {
    "textbook": 0.5,
    "xor": 0.5,
    "housing": 0.1,
    "traffic": 0.5,
    stepper.CUSTOM: 0.5,
}
# The custom network's pickers of engine names (activations of hidden layers 1.., output
# activation, loss, initialiser): the URL carries the engine's name, e.g. ?step_act1=relu.
HIDDEN_ACTIVATION_PARAMS = tuple(f"step_act{n}" for n in range(1, limits.MAX_HIDDEN_LAYERS + 1))
NAMED_PARAMS = (*HIDDEN_ACTIVATION_PARAMS, "step_act_out", "step_loss", "step_init")


@dataclass(frozen=True, eq=False)
class StepPage:
    """Everything the step page shows that no widget holds.

    tables and base: (X (N, n_in), Y (N, n_out), weights[l] (n_{l+1}, n_l), biases[l]
    (n_{l+1},)); `base` is the scenario's own, `tables` the visitor's starting point (edited or
    not). `stepper` holds the current parameters, the phase and the bounded undo and history.
    """

    signature: str  # which scenario (preset, seed, custom settings); a new one starts afresh
    activations: tuple[str, ...]
    loss: str
    base: Tables
    tables: Tables
    stepper: StepperState
    learning_rate: float
    batch: bool = False  # all rows at once (the mean loss), or one example
    row: int = 0  # the example shown (0-based); used alone when not in batch mode
    # The row (training_order.BATCH: all rows) each completed step was taken on, as runs;
    # None once the order is too long to keep (a link then cannot replay it).
    order: training_order.Runs | None = ()
    error: str | None = None  # why the last action was refused
    notes: tuple[str, ...] = ()  # what a shared link asked for that could not be followed

    @property
    def n_rows(self) -> int:
        return int(self.tables[0].shape[0])

    @property
    def X(self) -> np.ndarray:
        """(N, n_in): every row in batch mode, else the shown example only."""
        return self.examples(self.view_row)[0]

    @property
    def Y(self) -> np.ndarray:
        """(N, n_out): the targets of the rows in X."""
        return self.examples(self.view_row)[1]

    def examples(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        """(X, Y) of one training step on `row`: every row for training_order.BATCH."""
        X, Y = self.tables[0], self.tables[1]
        return (X, Y) if row == training_order.BATCH else (X[row : row + 1], Y[row : row + 1])

    @property
    def phases(self) -> tuple[Phase, ...]:
        return phase_sequence(len(self.stepper.weights))

    @property
    def phase(self) -> Phase:
        return self.phases[self.stepper.phase]

    @property
    def edited(self) -> bool:
        """Whether the starting tables differ from the scenario's own values."""
        return not _same_tables(self.tables, self.base)

    @property
    def view_row(self) -> int:
        """The row the next training step is taken on (training_order.BATCH in batch mode)."""
        return training_order.BATCH if self.batch else self.row

    @property
    def epoch_updates(self) -> int:
        """Weight updates in one epoch: 1 in batch mode (the mean over every row), else one
        per example."""
        return len(epoch_rows(self))

    def network(self) -> Network:
        """A Network holding the current parameters (copies)."""
        return stepper.network(self.stepper, self.activations, self.loss)

    def trace(self) -> StepTrace:
        """The training step from the current parameters on (X, Y)."""
        return self.network().compute_trace(self.X, self.Y, self.learning_rate)


# --- Actions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Next:
    """One phase further; at the update, the next training step (from the new weights)."""


@dataclass(frozen=True)
class Previous:
    """One phase back, stopping at the first."""


@dataclass(frozen=True)
class Finish:
    """Jump to this training step's update."""


@dataclass(frozen=True)
class NextTrainingStep:
    """Take this step's update and start the next training step at phase 0."""


@dataclass(frozen=True)
class NextEpoch:
    """Take this step's update, then train until every example has been used once: in batch
    mode that one update is the epoch; one example at a time, one update per example in order
    from the shown one (round the table), back at the shown example."""


@dataclass(frozen=True)
class Undo:
    """Back to the parameters before the last update."""


@dataclass(frozen=True)
class Reset:
    """Back to the starting tables' parameters, step 0, phase 0, a fresh history."""


@dataclass(frozen=True, eq=False)
class EditTables:
    """New starting tables (X, Y, weights, biases); the step restarts from them if they changed."""

    tables: Tables


@dataclass(frozen=True)
class ChangeBatch:
    """Batch mode on or off and the example shown (0-based)."""

    batch: bool
    row: int


@dataclass(frozen=True)
class ChangeLearningRate:
    """The learning rate of the next updates (the current parameters stay)."""

    learning_rate: float


@dataclass(frozen=True)
class Dismiss:
    """The page has shown the messages: clear them."""


@dataclass(frozen=True)
class FollowLink:
    """A shared link's completed training steps, phase and the examples the steps were taken on
    (training_order's URL form), as the URL's text (None: absent)."""

    steps: str | None
    phase: str | None
    order: str | None = None


Action = (
    Next
    | Previous
    | Finish
    | NextTrainingStep
    | NextEpoch
    | Undo
    | Reset
    | EditTables
    | ChangeBatch
    | ChangeLearningRate
    | FollowLink
    | Dismiss
)


# --- Transitions ------------------------------------------------------------------------------


def start_page(
    signature: str,
    activations: Sequence[str],
    loss: str,
    base: Tables,
    tables: Tables | None = None,
    learning_rate: float = 0.5,
    batch: bool = False,
    row: int = 0,
) -> StepPage:
    """A fresh page for a scenario: phase 0 of step 0 from `tables` (default: `base`)."""
    page = StepPage(
        signature=signature,
        activations=tuple(activations),
        loss=loss,
        base=_copy_tables(base),
        tables=_copy_tables(tables if tables is not None else base),
        stepper=stepper.start(base[2], base[3], 0.0),
        learning_rate=float(learning_rate),
        batch=bool(batch) and base[0].shape[0] > 1,
        row=_clamp_row(row, base[0].shape[0]),
    )
    return _restart(page)


def sync_page(
    state: StepPage | None,
    signature: str,
    activations: Sequence[str],
    loss: str,
    base: Tables,
    tables: Tables | None,
    learning_rate: float,
    batch: bool,
    row: int,
    link: FollowLink | None = None,
) -> StepPage:
    """The page for this run's controls. A new scenario (or none yet) starts afresh, and a
    fresh visit (`state` None) follows the shared `link`; otherwise the stored `state` is told
    what changed. `tables` None means the editors hold an invalid cell: the last valid stay."""
    if state is None or state.signature != signature:
        fresh = start_page(signature, activations, loss, base, tables, learning_rate, batch, row)
        return act(fresh, link) if state is None and link is not None else fresh
    state = act(state, ChangeLearningRate(learning_rate))
    state = act(state, ChangeBatch(batch, row))
    return state if tables is None else act(state, EditTables(tables))


def act(state: StepPage, action: Action) -> StepPage:
    """The page after `action`.

    Never raises for a visitor's doing: a refused step returns `state` with `error` set to the
    UserInputError's message. A setting that did not change returns `state` itself (messages
    kept, so the page still shows them); every other action clears the messages.
    """
    try:
        return _transition(state, action)
    except UserInputError as error:
        return replace(state, error=str(error), notes=())


def _transition(state: StepPage, action: Action) -> StepPage:
    n_phases = len(state.phases)
    current = state.stepper
    match action:
        case Dismiss():
            return replace(state, error=None, notes=())
        case Next() if current.phase < n_phases - 1:
            return _moved(state, stepper.next_phase(current, n_phases))
        case Next() | NextTrainingStep():
            return _trained(state, current, [state.view_row])
        case NextEpoch():
            return _trained(state, current, epoch_rows(state))
        case Previous():
            return _moved(state, stepper.previous_phase(current))
        case Finish():
            return _moved(state, stepper.finish_step(current, n_phases))
        case Undo():
            if not current.undo:
                return _moved(state, current)
            undone = replace(state, order=training_order.remove_last(state.order))
            return _moved(undone, stepper.undo_step(current))
        case Reset():
            return _restart(replace(state, error=None, notes=()))
        case EditTables(tables=tables):
            if _same_tables(tables, state.tables):
                return state
            return _restart(replace(state, tables=_copy_tables(tables), error=None, notes=()))
        case ChangeBatch(batch=batch, row=row):
            batch, row = bool(batch) and state.n_rows > 1, _clamp_row(row, state.n_rows)
            if (batch, row) == (state.batch, state.row):
                return state
            return replace(state, batch=batch, row=row, error=None, notes=())
        case ChangeLearningRate(learning_rate=learning_rate):
            if float(learning_rate) == state.learning_rate:
                return state
            return replace(state, learning_rate=float(learning_rate), error=None, notes=())
        case FollowLink(steps=steps, phase=phase, order=order):
            return _follow_link(state, steps, phase, order)
    raise TypeError(f"Unknown step-page action: {action!r}")


def epoch_rows(state: StepPage) -> list[int]:
    """The rows one epoch trains on, in order: every example once from the shown one (round
    the table), or one batch step (training_order.BATCH) in batch mode."""
    if state.batch:
        return [training_order.BATCH]
    return [(state.row + k) % state.n_rows for k in range(state.n_rows)]


def _moved(state: StepPage, current: StepperState) -> StepPage:
    return replace(state, stepper=current, error=None, notes=())


def _train(state: StepPage, current: StepperState, row: int) -> StepperState:
    """One training step on `row` (training_order.BATCH: every row) from `current`."""
    X, Y = state.examples(row)
    return stepper.next_training_step(
        current, state.activations, state.loss, X, Y, state.learning_rate
    )


def _trained(state: StepPage, current: StepperState, rows: Sequence[int]) -> StepPage:
    """The page after one training step on each of `rows` in turn (all or none: a step that
    diverges refuses the whole click)."""
    order = state.order
    for row in rows:
        current = _train(state, current, row)
        order = training_order.add(order, row)
    return replace(state, stepper=current, order=order, error=None, notes=())


def _restart(state: StepPage) -> StepPage:
    """Step 0, phase 0 from the starting tables, the history starting at their loss."""
    _, _, weights, biases = state.tables
    start = stepper.start(weights, biases, 0.0)
    try:
        loss = stepper.network(start, state.activations, state.loss).loss_value(state.X, state.Y)
    except UserInputError:
        loss = float("nan")
    return replace(state, stepper=stepper.start(weights, biases, loss), order=())


def _follow_link(
    state: StepPage, steps_text: str | None, phase_text: str | None, order_text: str | None = None
) -> StepPage:
    """Take the link's training steps (on the examples its order names, else on what is
    shown), then go to its phase; clamp with a note for each value that is malformed or out of
    range."""
    notes = []
    current = state.stepper
    rows: list[int] = []
    if order_text is not None:
        try:
            rows = list(
                training_order.rows(
                    training_order.decode(order_text, state.n_rows, stepper.MAX_HISTORY)
                )
            )
        except UserInputError as error:
            notes.append(f"{error} The steps are taken on the example shown instead.")
            order_text = None
    if order_text is None and steps_text is not None:
        steps, changed = clamp_phase(steps_text, stepper.MAX_HISTORY + 1)
        if changed:
            notes.append(f"Training steps in the link must be 0 to {stepper.MAX_HISTORY}.")
        rows = [state.view_row] * steps
    order = state.order
    for row in rows:
        try:
            current = _train(state, current, row)
        except UserInputError:
            notes.append("The link's training steps diverged; stopped early.")
            break
        order = training_order.add(order, row)
    if phase_text is not None:
        n_phases = len(state.phases)
        phase, changed = clamp_phase(phase_text, n_phases)
        if changed:
            notes.append(f"The phase in the link must be 0 to {n_phases - 1}; {phase} is used.")
        current = stepper.go_to_phase(current, phase, n_phases)
    return replace(state, stepper=current, order=order, notes=tuple(notes))


# --- What the page reads back -----------------------------------------------------------------


def link_in(query) -> FollowLink:
    """What a shared link asks of the step (from the query parameters, a mapping of text)."""
    return FollowLink(query.get(STEPS_PARAM), query.get(PHASE_PARAM), query.get(ORDER_PARAM))


def url_params(state: StepPage) -> dict[str, str | None]:
    """The query parameters that are not widgets, None where the default applies (left out):
    the phase, the completed steps, the examples they were taken on when not all on the one
    shown now (see training_order), and the edited cells (see stepper.encode_tables). Steps
    whose order is no longer known are left out: the link opens at the start of the scenario
    rather than at other numbers."""
    steps = state.stepper.step
    order = state.order
    on_view = order == () or order == ((state.view_row, steps),)
    order_text = None if on_view else training_order.encode(order)
    if not on_view and order_text is None:
        steps = 0
    return {
        DATA_PARAM: stepper.encode_tables(state.tables, state.base) if state.edited else None,
        PHASE_PARAM: str(state.stepper.phase) if state.stepper.phase else None,
        STEPS_PARAM: str(steps) if steps else None,
        ORDER_PARAM: order_text,
    }


def clamp_weight(
    layer: object, row: object, col: object, layer_sizes: Sequence[int]
) -> tuple[int, int, int]:
    """A weight id (layer, row, col) inside this network; a missing or non-integer part takes
    its default (the output layer's first weight), an out-of-range one the nearest valid."""
    n_weight_layers = len(layer_sizes) - 1

    def pick(value: object, default: int, size: int) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return min(max(value, 0), size - 1)
        return default

    layer_index = pick(layer, n_weight_layers - 1, n_weight_layers)
    return (
        layer_index,
        pick(row, 0, layer_sizes[layer_index + 1]),
        pick(col, 0, layer_sizes[layer_index]),
    )


def _clamp_row(row: int, n_rows: int) -> int:
    return min(max(int(row), 0), n_rows - 1)


def _copy_tables(tables: Tables) -> Tables:
    X, Y, weights, biases = tables
    return (
        np.array(X, dtype=float),
        np.array(Y, dtype=float),
        [np.array(W, dtype=float) for W in weights],
        [np.array(b, dtype=float) for b in biases],
    )


def _same_tables(a: Tables, b: Tables) -> bool:
    flat_a = [a[0], a[1], *a[2], *a[3]]
    flat_b = [b[0], b[1], *b[2], *b[3]]
    return len(flat_a) == len(flat_b) and all(
        np.array_equal(x, y) for x, y in zip(flat_a, flat_b, strict=True)
    )


# --- The editable tables ----------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class EditableTable:
    """One table the visitor can edit: inputs, targets, or a layer's W with b as last column."""

    title: str  # the heading above the table
    label: str  # the table's name in error messages
    values: np.ndarray  # (rows, columns)
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    suffix: str  # what ends the editor's widget key: X, Y, W0, W1, ...


def editable_tables(
    tables: Tables, input_names: Sequence[str], output_names: Sequence[str]
) -> list[EditableTable]:
    """The editors of `tables`: X, Y, then one [W | b] table per layer."""
    X, Y, weights, biases = tables
    examples = tuple(f"example {n + 1}" for n in range(X.shape[0]))
    editors = [
        EditableTable("Inputs x", "Inputs", X, examples, tuple(input_names), "X"),
        EditableTable("Targets y", "Targets", Y, examples, tuple(output_names), "Y"),
    ]
    for index, (W, b) in enumerate(zip(weights, biases, strict=True)):
        n_out, n_in = W.shape
        editors.append(
            EditableTable(
                f"Layer {index + 1}: weights W and bias b",
                f"Layer {index + 1} parameters",
                np.column_stack([W, b]),
                tuple(f"unit {j + 1}" for j in range(n_out)),
                tuple(f"w from {k + 1}" for k in range(n_in)) + ("b",),
                f"W{index}",
            )
        )
    return editors


def tables_from_editors(values: Sequence[np.ndarray]) -> Tables:
    """(X, Y, weights, biases) from the parsed editors of `editable_tables`, in their order."""
    X, Y, *layers = values
    return X, Y, [table[:, :-1] for table in layers], [table[:, -1] for table in layers]


def tables_from_link(text: str | None, base: Tables) -> tuple[Tables, str | None]:
    """`base` with a shared link's edited cells applied, and a note when the link's tables
    could not be used (then `base` itself)."""
    if not text:
        return base, None
    try:
        return stepper.decode_tables(text, base), None
    except UserInputError as error:
        return base, f"{error} The scenario's own values are used."
