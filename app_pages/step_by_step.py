"""Step by step: one training step of a real network, phase by phase, with every number shown.

Thin composition: widgets -> validated settings (lessons.step_by_step.stepper) -> engine trace
-> viz figures and equations. State kept per session: a StepperState (bounded undo and loss
history), the last valid scenario, and the tables the editors started from.
"""

import hashlib

import numpy as np
import pandas as pd
import streamlit as st

from app_pages.common import chart, error_boundary, presenter_mode
from engine import limits
from engine.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from engine.errors import UserInputError
from engine.init import INITIALISERS
from engine.losses import LOSSES
from lessons.step_by_step import export, stepper
from lessons.step_by_step.inspector import weight_chain
from lessons.step_by_step.phases import BACKWARD, FORWARD, LOSS, UPDATE, clamp_phase, phase_sequence
from viz.format import format_number
from viz.network_graph import network_figure, phase_view, selected_weight
from viz.step_by_step.equations import chain_rule_equations, phase_equations
from viz.step_by_step.tables import layer_tables, loss_history_figure, progress_strip

# Session-state keys that are not widgets (underscore: never confused with URL parameters).
STATE = "_step_state"
ORIGIN = "_step_origin"
LAST_VALID = "_step_last_valid"
TABLES = "_step_tables"
CLICK = "_step_click"
RESTORES = "_step_restores"
URL_NOTES = "_step_url_notes"
STEP_ERROR = "_step_error"
# Query parameters that are not widgets: the phase, completed steps and edited tables.
PHASE_PARAM, STEPS_PARAM, DATA_PARAM = "step_phase", "step_n", "step_data"

# Option labels double as URL values (a bound selectbox puts its shown label in the link).
PRESET_TITLES = {
    "textbook": "Textbook 2-2-2",
    "xor": "XOR",
    "housing": "House price",
    stepper.CUSTOM: "Custom",
}
PRESET_BY_TITLE = {title: name for name, title in PRESET_TITLES.items()}
PRESET_LEARNING_RATES = {"textbook": 0.5, "xor": 0.5, "housing": 0.1, stepper.CUSTOM: 0.5}
GRAPH_HEIGHT = 440


def _on_preset_change() -> None:
    preset = PRESET_BY_TITLE.get(st.session_state.get("step_preset"), "textbook")
    st.session_state["step_lr"] = PRESET_LEARNING_RATES.get(preset, 0.5)


def _custom_config() -> stepper.CustomConfig:
    """The custom-network controls; returns their settings (validated by the engine later)."""
    cols = st.columns(4)
    n_inputs = cols[0].number_input(
        "Inputs", 1, limits.MAX_UNITS, 2, key="step_inputs", bind="query-params"
    )
    n_hidden = cols[1].number_input(
        "Hidden layers", 0, limits.MAX_HIDDEN_LAYERS, 1, key="step_hidden", bind="query-params"
    )
    n_outputs = cols[2].number_input(
        "Outputs", 1, limits.MAX_UNITS, 1, key="step_outputs", bind="query-params"
    )
    n_rows = cols[3].number_input(
        "Examples (rows)",
        1,
        stepper.MAX_TABLE_ROWS,
        1,
        key="step_rows",
        bind="query-params",
        help="More than one row enables batch mode.",
    )
    units, activations = [], []
    if n_hidden:
        layer_cols = st.columns(int(n_hidden))
        for index, col in enumerate(layer_cols):
            units.append(
                col.number_input(
                    f"Units, hidden {index + 1}",
                    1,
                    limits.MAX_UNITS,
                    3,
                    key=f"step_units{index + 1}",
                    bind="query-params",
                )
            )
            activations.append(
                col.selectbox(
                    f"Activation, hidden {index + 1}",
                    HIDDEN_ACTIVATIONS,
                    index=1,
                    key=f"step_act{index + 1}",
                    bind="query-params",
                )
            )
    cols = st.columns(3)
    activations.append(
        cols[0].selectbox(
            "Output activation", OUTPUT_ACTIVATIONS, key="step_act_out", bind="query-params"
        )
    )
    loss = cols[1].selectbox(
        "Loss",
        tuple(LOSSES),
        help="; ".join(f"{name}: {loss.label}" for name, loss in LOSSES.items()),
        key="step_loss",
        bind="query-params",
    )
    init = cols[2].selectbox(
        "Initialisation",
        tuple(INITIALISERS),
        key="step_init",
        bind="query-params",
        help="; ".join(INITIALISERS.values()),
    )
    return stepper.CustomConfig(
        n_inputs=int(n_inputs),
        hidden_units=tuple(int(u) for u in units),
        n_outputs=int(n_outputs),
        activations=tuple(activations),
        loss=loss,
        init=init,
        n_rows=int(n_rows),
    )


def _scenario(preset: str, seed: int, custom: stepper.CustomConfig | None):
    """The scenario of the controls, or the last valid one with an error next to the controls."""
    signature = repr((preset, seed, custom))
    try:
        scenario = stepper.build_scenario(preset, seed, custom)
    except UserInputError as error:
        st.error(f"{error} The last valid network is kept.", icon=":material/error:")
        last = st.session_state.get(LAST_VALID)
        if last is not None:
            return last
        return "textbook", stepper.build_scenario("textbook")
    st.session_state[LAST_VALID] = (signature, scenario)
    return signature, scenario


def _short_hash(*parts) -> str:
    digest = hashlib.sha1()
    for part in parts:
        digest.update(
            np.ascontiguousarray(part).tobytes()
            if isinstance(part, np.ndarray)
            else repr(part).encode()
        )
    return digest.hexdigest()[:10]


def _initial_tables(signature: str, scenario):
    """(X, Y, weights, biases) the editors start from: the link's tables on a fresh visit,
    otherwise the scenario's. Kept per scenario so edits survive reruns."""
    restores = st.session_state.get(RESTORES, 0)
    stored = st.session_state.get(TABLES)
    if stored is not None and stored[0] == (signature, restores):
        return stored[1]
    net = scenario.network
    tables = (scenario.X, scenario.Y, list(net.weights), list(net.biases))
    link = st.query_params.get(DATA_PARAM)
    if link and stored is None:
        try:
            tables = stepper.decode_tables(link, tables)
        except UserInputError as error:
            st.session_state[URL_NOTES] = [f"{error} The scenario's own values are used."]
    st.session_state[TABLES] = ((signature, restores), tables)
    return tables


def _edit_table(label: str, values: np.ndarray, rows: list[str], columns: list[str], key: str):
    """A data editor over `values`; returns the parsed array, or None with an error shown."""
    frame = pd.DataFrame(values, index=rows, columns=columns)
    edited = st.data_editor(frame, key=key, num_rows="fixed", width="stretch")
    try:
        return stepper.parse_table(
            edited.to_numpy(dtype=object).tolist(), label, values.shape, columns
        )
    except UserInputError as error:
        st.error(f"{error} The last valid values are used.", icon=":material/error:")
        return None


def _tables_editor(scenario, signature: str):
    """Editable inputs, targets, weights and biases; returns the valid (X, Y, weights, biases)."""
    X0, Y0, W0, b0 = _initial_tables(signature, scenario)
    key = f"step_ed_{_short_hash(signature, st.session_state.get(RESTORES, 0))}"
    n_rows = X0.shape[0]
    row_names = [f"example {n + 1}" for n in range(n_rows)]
    cols = st.columns(2)
    with cols[0]:
        st.markdown("**Inputs x**")
        X = _edit_table("Inputs", X0, row_names, list(scenario.input_names), f"{key}_X")
    with cols[1]:
        st.markdown("**Targets y**")
        Y = _edit_table("Targets", Y0, row_names, list(scenario.output_names), f"{key}_Y")
    weights, biases = [], []
    layer_cols = st.columns(len(W0))
    for index, col in enumerate(layer_cols):
        with col:
            st.markdown(f"**Layer {index + 1}: weights W and bias b**")
            n_out, n_in = W0[index].shape
            values = np.column_stack([W0[index], b0[index]])
            table = _edit_table(
                f"Layer {index + 1} parameters",
                values,
                [f"unit {j + 1}" for j in range(n_out)],
                [f"w from {k + 1}" for k in range(n_in)] + ["b"],
                f"{key}_W{index}",
            )
            weights.append(None if table is None else table[:, :n_in])
            biases.append(None if table is None else table[:, n_in])
    st.button(
        "Restore the scenario's values",
        key="step_restore",
        on_click=_restore_tables,
        help="Discard the edits in these tables.",
    )
    if X is None or Y is None or any(W is None for W in weights):
        return None
    return X, Y, weights, biases


def _restore_tables() -> None:
    st.session_state[RESTORES] = st.session_state.get(RESTORES, 0) + 1
    st.session_state[TABLES] = None
    st.session_state.pop(CLICK, None)


def _same(a, b) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def _start_tables(scenario, signature):
    """Validated tables from the editors (or the last valid ones), and whether they were
    edited away from the scenario's values."""
    with st.expander("Inputs, targets, weights and biases (editable tables)", expanded=False):
        st.caption(
            "Type a number in any cell. The step restarts from the values here; an empty or"
            " non-numeric cell is reported and the last valid values are kept."
        )
        result = _tables_editor(scenario, signature)
    origin = st.session_state.get(ORIGIN)
    if result is None:
        if origin is not None and origin[0] == signature:
            return origin[1], origin[2]
        net = scenario.network
        return (scenario.X, scenario.Y, list(net.weights), list(net.biases)), False
    X, Y, W, b = result
    net = scenario.network
    edited = not _same([X, Y, *W, *b], [scenario.X, scenario.Y, *net.weights, *net.biases])
    return (X, Y, W, b), edited


def _ensure_state(signature, scenario, tables, edited, sequence, X, Y, lr):
    """The StepperState for these starting tables; a new one (phase 0) when they changed.

    On a fresh visit the phase and completed steps come from the link (clamped, with a note).
    """
    X_all, Y_all, W, b = tables
    origin_key = (signature, _short_hash(X_all, Y_all, *W, *b))
    origin = st.session_state.get(ORIGIN)
    state = st.session_state.get(STATE)
    if state is not None and origin is not None and origin[3] == origin_key:
        return state
    first_visit = state is None
    net = stepper.network(
        stepper.start(W, b, 0.0), scenario.network.activations, scenario.network.loss_name
    )
    try:
        loss0 = net.loss_value(X, Y)
    except UserInputError:
        loss0 = float("nan")
    state = stepper.start(W, b, loss0)
    if first_visit:
        notes = st.session_state.setdefault(URL_NOTES, [])
        steps_text = st.query_params.get(STEPS_PARAM)
        if steps_text is not None:
            steps, changed = clamp_phase(steps_text, stepper.MAX_HISTORY + 1)
            if changed:
                notes.append(f"Training steps in the link must be 0 to {stepper.MAX_HISTORY}.")
            for _ in range(steps):
                try:
                    state = stepper.next_training_step(
                        state, net.activations, net.loss_name, X, Y, lr
                    )
                except UserInputError:
                    notes.append("The link's training steps diverged; stopped early.")
                    break
        phase_text = st.query_params.get(PHASE_PARAM)
        if phase_text is not None:
            phase, changed = clamp_phase(phase_text, len(sequence))
            if changed:
                notes.append(
                    f"The phase in the link must be 0 to {len(sequence) - 1}; {phase} is used."
                )
            state = stepper.go_to_phase(state, phase, len(sequence))
    st.session_state[STATE] = state
    st.session_state[ORIGIN] = (signature, tables, edited, origin_key)
    return state


def _act(action: str, n_phases: int, activations, loss: str, X, Y, lr: float) -> None:
    """Button callback: move the stepper before the page is drawn, so every button and figure
    of this run shows the new state. A refused step leaves its message for the page."""
    state = st.session_state.get(STATE)
    if state is None:
        return
    try:
        if action == "previous":
            state = stepper.previous_phase(state)
        elif action == "next" and state.phase < n_phases - 1:
            state = stepper.next_phase(state, n_phases)
        elif action in ("next", "train"):
            state = stepper.next_training_step(state, activations, loss, X, Y, lr)
        elif action == "finish":
            state = stepper.finish_step(state, n_phases)
        elif action == "undo":
            state = stepper.undo_step(state)
        elif action == "reset":
            _, _, W, b = st.session_state[ORIGIN][1]
            start = stepper.start(W, b, 0.0)
            state = stepper.start(W, b, stepper.network(start, activations, loss).loss_value(X, Y))
    except UserInputError as error:
        st.session_state[STEP_ERROR] = str(error)
        return
    st.session_state[STATE] = state


def _controls(state, scenario, sequence, X, Y, lr) -> None:
    """Previous / Next / Finish / Next training step / Undo / Reset (state moves in _act)."""
    net = scenario.network
    last = len(sequence) - 1
    args = (len(sequence), tuple(net.activations), net.loss_name, X, Y, lr)
    with st.container(horizontal=True):
        st.button(
            "Previous", key="step_prev", shortcut="Left", icon=":material/arrow_back:",
            disabled=state.phase == 0, on_click=_act, args=("previous", *args),
        )  # fmt: skip
        st.button(
            "Next", key="step_next", shortcut="Right", icon=":material/arrow_forward:",
            type="primary", on_click=_act, args=("next", *args),
            help="At the update, Next starts the next training step from the new weights.",
        )  # fmt: skip
        st.button(
            "Finish this step", key="step_finish", disabled=state.phase == last,
            on_click=_act, args=("finish", *args),
        )  # fmt: skip
        st.button(
            "Next training step", key="step_train", icon=":material/skip_next:",
            on_click=_act, args=("train", *args),
        )  # fmt: skip
        st.button(
            "Undo step", key="step_undo", icon=":material/undo:", disabled=not state.undo,
            on_click=_act, args=("undo", *args),
        )  # fmt: skip
        st.button(
            "Reset", key="step_reset", icon=":material/restart_alt:", on_click=_act,
            args=("reset", *args),
        )  # fmt: skip
    message = st.session_state.pop(STEP_ERROR, None)
    if message:
        st.error(message, icon=":material/warning:")


def _weight_label(weight: tuple[int, int, int]) -> str:
    layer, row, col = weight
    return f"w({layer + 1}) {row + 1},{col + 1}: unit {col + 1} of layer {layer} → unit {row + 1}"


def _current_weight(layer_sizes) -> tuple[int, int, int]:
    """The weight the inspector and the update equations show (default: the output layer's
    first weight), clamped to this network."""
    n_weight_layers = len(layer_sizes) - 1

    def pick(key, default, size):
        value = st.session_state.get(key, default)
        return min(max(int(value), 0), size - 1) if isinstance(value, int) else default

    layer = pick("step_w_layer", n_weight_layers - 1, n_weight_layers)
    row = pick("step_w_to", 0, layer_sizes[layer + 1])
    col = pick("step_w_from", 0, layer_sizes[layer])
    return layer, row, col


def _sync_click(event, layer_sizes) -> None:
    """Copy a newly clicked weight into the weight pickers (the chart cannot be set back)."""
    weight = selected_weight(event, layer_sizes)
    if weight is None or weight == st.session_state.get(CLICK):
        return
    st.session_state[CLICK] = weight
    layer, row, col = weight
    st.session_state["step_w_layer"] = layer
    st.session_state["step_w_to"] = row
    st.session_state["step_w_from"] = col
    st.session_state[f"step_unit_{layer + 1}"] = row
    st.session_state[f"step_src_{layer + 1}"] = col


def _show_equations(equations) -> None:
    for equation in equations:
        st.caption(equation.caption)
        st.latex(equation.latex)


def _equation_panel(trace, phase, sample, weight):
    """Equation controls and equations of the current phase; returns the equations shown."""
    st.markdown(f"#### {phase.title}")
    if phase.kind == UPDATE:
        layer, unit, source = weight[0] + 1, weight[1], weight[2]
        st.caption(
            f"Showing {_weight_label(weight)}. Click another edge in the graph or pick one in"
            " the weight inspector."
        )
    elif phase.kind == LOSS:
        layer, unit, source = phase.layer, 0, 0
    else:
        layer = phase.layer
        n_out, n_in = trace.layers[layer - 1].W.shape
        cols = st.columns(2)
        unit = cols[0].selectbox(
            "Neuron", range(n_out), format_func=lambda j: f"unit {j + 1}",
            key=f"step_unit_{layer}",
        )  # fmt: skip
        source = 0
        if phase.kind == BACKWARD:
            source = cols[1].selectbox(
                "Weight from input", range(n_in), format_func=lambda k: f"unit {k + 1}",
                key=f"step_src_{layer}",
            )  # fmt: skip
    equations = phase_equations(trace, phase, unit, sample, source, update_layer=layer)
    _show_equations(equations)
    return equations


def _inspector(trace, net, weight):
    st.caption(
        "Choose a weight by clicking the small marker on its edge in the graph, or here, to see"
        " its whole chain rule."
    )
    layer_sizes = net.layer_sizes
    for key, value in zip(("step_w_layer", "step_w_to", "step_w_from"), weight, strict=True):
        if st.session_state.get(key) != value:  # clamped to this network
            st.session_state[key] = value
    cols = st.columns(3)
    layer = cols[0].selectbox(
        "Weight layer", range(len(layer_sizes) - 1), key="step_w_layer",
        format_func=lambda i: f"W({i + 1}): layer {i} → layer {i + 1}",
    )  # fmt: skip
    row = cols[1].selectbox(
        "To unit", range(layer_sizes[layer + 1]), key="step_w_to",
        format_func=lambda j: f"unit {j + 1} of layer {layer + 1}",
    )  # fmt: skip
    col = cols[2].selectbox(
        "From unit", range(layer_sizes[layer]), key="step_w_from",
        format_func=lambda k: f"unit {k + 1} of layer {layer}",
    )  # fmt: skip
    weight = (layer, row, col)
    st.markdown(f"**{_weight_label(weight)}**")
    chain = weight_chain(net, trace, *weight)
    if trace.n_samples > 1:
        st.info(
            f"Batch mode: the factors are computed per sample and the {trace.n_samples}"
            " products are summed (each delta already includes the 1/N of the mean loss)."
        )
    _show_equations(chain_rule_equations(chain))
    cols = st.columns(3)
    cols[0].metric("dL/dw (backprop)", format_number(chain.gradient, 6))
    cols[1].metric("dL/dw (finite difference)", format_number(chain.numerical, 6))
    cols[2].metric("new w", format_number(chain.new_weight))


def _matrix_view(trace):
    n_layers = len(trace.layers)
    layer = st.selectbox(
        "Layer", range(n_layers), format_func=lambda i: f"layer {i + 1} (W{i + 1}: layer {i}"
        f" → {i + 1})", key="step_matrix_layer",
    )  # fmt: skip
    tables = layer_tables(trace, layer)
    st.caption("Parameters and their gradients (one row per unit of the layer).")
    cols = st.columns(5)
    for col, name in zip(cols, ("W", "b", "dW", "db", "W_new"), strict=True):
        col.markdown(f"**{name}**")
        col.dataframe(tables[name], width="stretch")
    st.caption("Values that flowed through the layer (one row per sample).")
    cols = st.columns(3)
    for col, name in zip(cols, ("z", "a", "delta"), strict=True):
        col.markdown(f"**{name}**")
        col.dataframe(tables[name], width="stretch")


def _history(state):
    if len(state.history) < 2:
        st.caption("The loss after each completed training step appears here.")
    figure = loss_history_figure(state.history, height=220)
    (first_step, first), (_, now) = state.history[0], state.history[-1]
    chart(
        figure,
        f"Loss after each training step: {format_number(first)} at step {first_step},"
        f" {format_number(now)} now after {state.step} step(s)."
        " 'Undo step' goes back to the weights before the last update.",
        key="step_history_chart",
    )


def _export(trace, state, net, X, Y, lr, equations):
    activations, loss = net.activations, net.loss_name
    step = state.step + 1
    cols = st.columns(5)
    cols[0].download_button(
        "Step trace (JSON)", export.trace_to_json(trace), f"step-{step}-trace.json",
        "application/json", key="step_dl_json",
    )  # fmt: skip
    cols[1].download_button(
        "Step trace (CSV)", export.trace_to_csv(trace), f"step-{step}-trace.csv", "text/csv",
        key="step_dl_csv",
    )  # fmt: skip
    cols[2].download_button(
        "Weights (JSON)",
        export.weights_to_json(state.weights, state.biases, activations, loss),
        f"step-{step}-weights.json", "application/json", key="step_dl_weights",
    )  # fmt: skip
    cols[3].download_button(
        "Equations (LaTeX)",
        export.latex_document([(e.caption, e.latex) for e in equations]),
        f"step-{step}-equations.tex", "text/x-tex", key="step_dl_latex",
    )  # fmt: skip
    snippet = export.python_snippet(state.weights, state.biases, activations, loss, X, Y, lr)
    cols[4].download_button(
        "Python snippet", snippet, f"step-{step}.py", "text/x-python", key="step_dl_python"
    )
    st.caption(
        "The snippet rebuilds this network and batch with the engine (run it from the"
        " project folder):"
    )
    st.code(snippet, language="python")


def _batch_controls(where, n_rows: int) -> tuple[bool, int]:
    """Batch toggle and example picker (only when there is more than one example)."""
    if n_rows <= 1:
        return False, 0
    batch = where.toggle(
        "Batch mode", key="step_batch", bind="query-params",
        help="Use all rows at once: the loss and the gradient are the mean over the batch.",
    )  # fmt: skip
    row = where.number_input(
        "Example shown" if batch else "Example", 1, n_rows, 1, key="step_row",
        bind="query-params",
    )  # fmt: skip
    return batch, int(row) - 1


def _sync_url(state, edited: bool, tables, scenario) -> None:
    """Reflect the phase, completed steps and edited cells in the URL (defaults left out)."""
    net = scenario.network
    base = (scenario.X, scenario.Y, list(net.weights), list(net.biases))
    if edited:
        st.query_params[DATA_PARAM] = stepper.encode_tables(tables, base)
    else:
        st.query_params.pop(DATA_PARAM, None)
    for key, value in ((PHASE_PARAM, state.phase), (STEPS_PARAM, state.step)):
        if value == 0:
            st.query_params.pop(key, None)
        else:
            st.query_params[key] = str(value)


def main() -> None:
    presenting = presenter_mode()
    st.markdown("### Step by step")
    top = st.columns([3, 2, 2, 2])
    preset = PRESET_BY_TITLE[
        top[0].selectbox(
            "Scenario", tuple(PRESET_TITLES.values()), key="step_preset", bind="query-params",
            on_change=_on_preset_change,
        )
    ]  # fmt: skip
    lr = top[1].number_input(
        "Learning rate η", min_value=0.0001, max_value=limits.MAX_LEARNING_RATE, value=0.5,
        step=0.05, format="%.4g", key="step_lr", bind="query-params",
    )  # fmt: skip
    seed = 0
    if preset != "textbook":
        seed = top[2].number_input(
            "Seed", 0, limits.MAX_SEED, 0, key="step_seed", bind="query-params",
            help="Seeds the random initial weights (and the custom example data).",
        )  # fmt: skip
    custom = None
    if preset == stepper.CUSTOM:
        with st.expander("Build the network: layers, units, activations, loss", expanded=True):
            custom = _custom_config()
    signature, scenario = _scenario(preset, int(seed), custom)
    sizes = scenario.network.layer_sizes
    if len(sizes) > 4 or max(sizes) > 8:  # a big network gets the full width for its graph
        controls_col, graph_col, side_col = st.container(), st.container(), st.container()
    else:
        graph_col, side_col = st.columns([5, 4] if not presenting else [1, 1])
        controls_col = side_col.container()
    tables_area = st.container()
    with tables_area:
        tables, edited = _start_tables(scenario, signature)
    X_all, Y_all, W_start, _ = tables
    n_rows = X_all.shape[0]
    batch, sample_row = _batch_controls(top[3], n_rows)
    X, Y = (X_all, Y_all) if batch else (X_all[sample_row : sample_row + 1],
                                        Y_all[sample_row : sample_row + 1])  # fmt: skip
    sequence = phase_sequence(len(W_start))
    state = _ensure_state(signature, scenario, tables, edited, sequence, X, Y, lr)

    with controls_col:
        strip = st.container()
        _controls(state, scenario, sequence, X, Y, lr)
        for note in st.session_state.pop(URL_NOTES, []):
            st.warning(note, icon=":material/link_off:")
    net = stepper.network(state, scenario.network.activations, scenario.network.loss_name)
    trace = net.compute_trace(X, Y, lr)
    phase = sequence[state.phase]
    strip.markdown(
        f"**Training step {state.step + 1}** · phase {state.phase + 1} of {len(sequence)}  \n"
        + progress_strip(sequence, state.phase)
    )
    _sync_url(state, edited, tables, scenario)

    layer_sizes = net.layer_sizes
    shown_sample = sample_row if batch else 0
    weight = _current_weight(layer_sizes)
    with graph_col:
        view = phase_view(trace, phase, sample=shown_sample)
        fig = network_figure(
            **view,
            input_names=scenario.input_names,
            output_names=scenario.output_names,
            height=max(GRAPH_HEIGHT, 28 * max(layer_sizes) + 80),
            selected=weight,
        )
        shown = "delta" if phase.kind == BACKWARD else "a"
        edges = {FORWARD: "w", LOSS: "w", BACKWARD: "dL/dw", UPDATE: "new w"}[phase.kind]
        sample_note = f" of example {sample_row + 1}" if n_rows > 1 else ""
        sizes_text = "-".join(str(size) for size in layer_sizes)
        event = chart(
            fig,
            f"Network graph of the {sizes_text} network, phase '{phase.title}'."
            f" {scenario.description} Nodes show {shown}{sample_note}; edges show {edges}"
            " (width: size; line style and colour: sign, solid blue positive, dashed red"
            " negative); small squares are biases. Hover for exact values; click an edge's"
            " marker to inspect it.",
            key="step_graph", on_select="rerun", selection_mode="points",
            config={"displaylogo": False},
        )  # fmt: skip
        _sync_click(event, layer_sizes)
        weight = _current_weight(layer_sizes)
        if batch:
            st.info(
                f"Batch mode: all {n_rows} examples go through the network together. The loss"
                f" is the mean over the batch, so every gradient is the mean of the {n_rows}"
                " per-example gradients (each delta carries a factor 1/N)."
            )
        elif n_rows > 1:
            st.caption(
                f"Single-example mode: example {sample_row + 1} of {n_rows}. Switch on batch"
                " mode to use all of them."
            )
    with side_col:
        diverged = stepper.diverged_message(trace)
        if diverged:
            st.warning(diverged, icon=":material/warning:")
        equations = _equation_panel(trace, phase, shown_sample, weight)

    # Only the open tab is drawn (the others cost nothing on a rerun).
    inspector_tab, matrix_tab, history_tab, export_tab = st.tabs(
        ["Weight inspector", "Matrix view", "History", "Export"], key="step_tab", on_change="rerun"
    )
    if inspector_tab.open is not False:
        with inspector_tab, error_boundary("the weight inspector"):
            _inspector(trace, net, weight)
    if matrix_tab.open:
        with matrix_tab, error_boundary("the matrix view"):
            _matrix_view(trace)
    if history_tab.open:
        with history_tab, error_boundary("the history"):
            _history(state)
    if export_tab.open:
        with export_tab, error_boundary("the export"):
            _export(trace, state, net, X, Y, lr, equations)


with error_boundary("the step-by-step page"):
    main()
