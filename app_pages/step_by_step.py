"""Step by step: one training step of a real network, phase by phase, with every number shown.

Thin composition: widgets -> scenario and tables (lessons.step_by_step.stepper) -> the page's
state, moved only by lessons.step_by_step.model.act -> engine trace -> viz figures and
equations. Kept per session: the StepPage state, the last valid scenario, and the tables the
editors started from.
"""

import hashlib
from dataclasses import replace

import streamlit as st

from app_pages import common, links
from app_pages.components import step_player
from engine import limits
from engine.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from engine.init import INITIALISERS
from engine.losses import LOSSES
from lessons.step_by_step import StepPage, act, export, model, stepper
from lessons.step_by_step.inspector import weight_chain
from lessons.step_by_step.phases import BACKWARD, LOSS, UPDATE
from viz import labels
from viz.network_graph import network_figure, phase_view, selected_weight
from viz.step_by_step import captions
from viz.step_by_step.equations import chain_rule_equations, phase_equations
from viz.step_by_step.tables import layer_tables, loss_history_figure

# Session-state keys that are not widgets (underscore: never confused with URL parameters).
STATE = "_step_page"
LAST_VALID = "_step_last_valid"
TABLES = "_step_tables"
CLICK = "_step_click"
RESTORES = "_step_restores"
URL_NOTES = "_step_url_notes"
PLAYER = "step_player"  # the browser player (graph, motion, narration, quiz, keys)
GRAPH_HEIGHT = 440
WEIGHT_KEYS = ("step_w_layer", "step_w_to", "step_w_from")  # the inspected weight's pickers


def _on_preset_change() -> None:
    preset = model.SCENARIO_BY_TITLE.get(st.session_state.get("step_preset"), "textbook")
    st.session_state["step_lr"] = model.SCENARIO_LEARNING_RATES.get(preset, 0.5)


def _custom_config() -> stepper.CustomConfig:
    """The custom-network controls; returns their settings (validated by the engine later)."""
    bound = {"bind": "query-params"}
    n_inputs, n_hidden, n_outputs, n_rows = (
        col.number_input(label, low, high, default, key=key, **bound, **extra)
        for col, (label, low, high, default, key, extra) in zip(st.columns(4), (
            ("Inputs", 1, limits.MAX_UNITS, 2, "step_inputs", {}),
            ("Hidden layers", 0, limits.MAX_HIDDEN_LAYERS, 1, "step_hidden", {}),
            ("Outputs", 1, limits.MAX_UNITS, 1, "step_outputs", {}),
            ("Examples (rows)", 1, stepper.MAX_TABLE_ROWS, 1, "step_rows",
             {"help": "More than one row enables batch mode."}),
        ), strict=True)
    )  # fmt: skip
    units, activations = [], []
    for index, col in enumerate(st.columns(int(n_hidden)) if n_hidden else []):
        units.append(col.number_input(
            f"Units, hidden {index + 1}", 1, limits.MAX_UNITS, 3, key=f"step_units{index + 1}",
            **bound,
        ))  # fmt: skip
        activations.append(common.named_selectbox(
            col, f"Activation, hidden {index + 1}", HIDDEN_ACTIVATIONS, labels.activation_label,
            f"step_act{index + 1}", index=1,
        ))  # fmt: skip
    links.drop_query_params(model.HIDDEN_ACTIVATION_PARAMS[int(n_hidden) :])  # not drawn
    cols = st.columns(3)
    activations.append(common.named_selectbox(
        cols[0], "Output activation", OUTPUT_ACTIVATIONS, labels.activation_label, "step_act_out"
    ))  # fmt: skip
    loss = common.named_selectbox(
        cols[1], "Loss", tuple(LOSSES), labels.loss_label, "step_loss",
        help="The loss this step minimises; the Loss phase shows its formula.",
    )  # fmt: skip
    init = common.named_selectbox(
        cols[2], "Initialisation", tuple(INITIALISERS), labels.INIT_LABELS.get, "step_init",
        help="; ".join(INITIALISERS.values()),
    )  # fmt: skip
    return stepper.CustomConfig(
        n_inputs=int(n_inputs), hidden_units=tuple(int(u) for u in units),
        n_outputs=int(n_outputs), activations=tuple(activations), loss=loss, init=init,
        n_rows=int(n_rows),
    )  # fmt: skip


def _scenario(preset: str, seed: int, custom: stepper.CustomConfig | None):
    """(signature, scenario) of the controls, or the last valid one with an error shown."""
    return common.last_valid(
        LAST_VALID,
        lambda: (repr((preset, seed, custom)), stepper.build_scenario(preset, seed, custom)),
        lambda: ("textbook", stepper.build_scenario("textbook")),
        note="The last valid network is kept.",
    )


def _initial_tables(signature: str, scenario):
    """(X, Y, weights, biases) the editors start from: the link's tables on a fresh visit,
    otherwise the scenario's. Kept per scenario so edits survive reruns."""
    restores, stored = st.session_state.get(RESTORES, 0), st.session_state.get(TABLES)
    if stored is not None and stored[0] == (signature, restores):
        return stored[1]
    net = scenario.network
    tables = (scenario.X, scenario.Y, list(net.weights), list(net.biases))
    if stored is None:  # a fresh visit: the link's edited cells
        tables, note = model.tables_from_link(st.query_params.get(model.DATA_PARAM), tables)
        if note:
            st.session_state[URL_NOTES] = [note]
    st.session_state[TABLES] = ((signature, restores), tables)
    return tables


def _tables_editor(scenario, signature: str):
    """Editable inputs, targets, weights and biases; returns the valid (X, Y, weights, biases),
    or None when a cell is invalid (the state keeps the last valid ones)."""
    tables = _initial_tables(signature, scenario)
    editors = model.editable_tables(tables, scenario.input_names, scenario.output_names)
    restores = st.session_state.get(RESTORES, 0)
    key = f"step_ed_{hashlib.sha1((repr(signature) + repr(restores)).encode()).hexdigest()[:10]}"
    parsed = []
    for group in (editors[:2], editors[2:]):  # inputs and targets, then one table per layer
        for col, table in zip(st.columns(len(group)), group, strict=True):
            with col:
                st.markdown(f"**{table.title}**")
                parsed.append(common.number_table_editor(
                    table.values, table.rows, table.columns, f"{key}_{table.suffix}",
                    lambda cells, t=table: stepper.parse_table(
                        cells, t.label, t.values.shape, t.columns
                    ),
                ))  # fmt: skip
    st.button(
        "Restore the scenario's values", key="step_restore", on_click=_restore_tables,
        help="Discard the edits in these tables.",
    )  # fmt: skip
    if any(values is None for values in parsed):
        return None
    return model.tables_from_editors(parsed)


def _restore_tables() -> None:
    st.session_state.update({RESTORES: st.session_state.get(RESTORES, 0) + 1, TABLES: None})
    st.session_state.pop(CLICK, None)


def _page_state(signature, scenario, tables, learning_rate, batch, row) -> StepPage:
    """The page's state for these controls (a fresh visit follows the link's steps and phase)."""
    net, query = scenario.network, st.query_params
    st.session_state[STATE] = state = model.sync_page(
        st.session_state.get(STATE), signature, net.activations, net.loss_name,
        (scenario.X, scenario.Y, list(net.weights), list(net.biases)), tables, learning_rate,
        batch, row, model.link_in(query),
    )  # fmt: skip
    return state


def _act(action: model.Action) -> None:
    """Button callback: move the state before the page is drawn (so this run shows it)."""
    state = st.session_state.get(STATE)
    if state is not None:
        st.session_state[STATE] = act(state, action)


def _controls(state: StepPage) -> None:
    """Previous / Next / Finish / Next training step / Undo / Reset (the state moves in act)."""
    current, last = state.stepper, len(state.phases) - 1
    common.button_row((
        ("Previous", "step_prev", model.Previous(),
         {"icon": ":material/arrow_back:", "disabled": current.phase == 0}),
        ("Next", "step_next", model.Next(),
         {"icon": ":material/arrow_forward:", "help": step_player.EQUATION_STEPPER_HELP}),
        ("Finish this step", "step_finish", model.Finish(), {"disabled": current.phase == last}),
        ("Next training step", "step_train", model.NextTrainingStep(),
         {"icon": ":material/skip_next:"}),
        ("Undo step", "step_undo", model.Undo(),
         {"icon": ":material/undo:", "disabled": not current.undo}),
        ("Reset", "step_reset", model.Reset(), {"icon": ":material/restart_alt:"}),
    ), on_click=_act)  # fmt: skip
    if state.error:
        st.error(state.error, icon=":material/warning:")


def _current_weight(layer_sizes) -> tuple[int, int, int]:
    """The weight the inspector and the update equations show, clamped to this network."""
    return model.clamp_weight(*map(st.session_state.get, WEIGHT_KEYS), layer_sizes)


def _sync_click(event, layer_sizes) -> None:
    """Copy a newly clicked weight into the weight pickers (the chart cannot be set back)."""
    weight = selected_weight(event, layer_sizes)
    if weight is None or weight == st.session_state.get(CLICK):
        return
    layer, row, col = weight
    st.session_state.update({
        CLICK: weight, "step_w_layer": layer, "step_w_to": row, "step_w_from": col,
        f"step_unit_{layer + 1}": row, f"step_src_{layer + 1}": col,
    })  # fmt: skip


def _equation_panel(trace, phase, sample, weight):
    """Equation controls and equations of the current phase; returns the equations shown."""
    st.markdown(f"#### {phase.title}")
    if phase.kind == UPDATE:
        layer, unit, source = weight[0] + 1, weight[1], weight[2]
        st.caption(captions.update_note(weight))
    elif phase.kind == LOSS:
        layer, unit, source = phase.layer, 0, 0
    else:
        layer = phase.layer
        n_out, n_in = trace.layers[layer - 1].W.shape
        cols, unit_name, source = st.columns(2), lambda j: f"unit {j + 1}", 0
        unit = cols[0].selectbox(
            "Neuron", range(n_out), format_func=unit_name, key=f"step_unit_{layer}"
        )
        if phase.kind == BACKWARD:
            source = cols[1].selectbox(
                "Weight from input", range(n_in), format_func=unit_name, key=f"step_src_{layer}"
            )
    equations = phase_equations(trace, phase, unit, sample, source, update_layer=layer)
    common.show_equations(equations)
    return equations


def _inspector(trace, net, weight):
    st.caption(captions.INSPECTOR_HELP)
    layer_sizes = net.layer_sizes
    st.session_state.update(dict(zip(WEIGHT_KEYS, weight, strict=True)))  # clamped to the network
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
    st.markdown(f"**{captions.weight_label(weight)}**")
    chain = weight_chain(net, trace, *weight)
    if trace.n_samples > 1:
        st.info(captions.inspector_batch_note(trace.n_samples))
    common.show_equations(chain_rule_equations(chain))
    metrics = captions.inspector_metrics(chain.gradient, chain.numerical, chain.new_weight)
    for col, (label, value) in zip(st.columns(3), metrics, strict=True):
        col.metric(label, value)


def _matrix_view(trace):
    layer = st.selectbox(
        "Layer", range(len(trace.layers)), key="step_matrix_layer",
        format_func=lambda i: f"layer {i + 1} (W{i + 1}: layer {i} → {i + 1})",
    )  # fmt: skip
    tables = layer_tables(trace, layer)
    st.caption(captions.MATRIX_ORIENTATION)
    for caption, names in (
        ("Parameters and their gradients (one row per unit of the layer).",
         ("W", "b", "dW", "db", "W_new")),
        ("Values that flowed through the layer (one row per sample).", ("z", "a", "delta")),
    ):  # fmt: skip
        st.caption(caption)
        for col, name in zip(st.columns(len(names)), names, strict=True):
            col.markdown(f"**{name}**")
            col.dataframe(tables[name], width="stretch")


def _history(state: StepPage):
    history = state.stepper.history
    if len(history) < 2:
        st.caption("The loss after each completed training step appears here.")
    alt = captions.history_alt(history, state.stepper.step)
    common.chart(
        loss_history_figure(history, **common.chart_size(220)), alt, key="step_history_chart"
    )


def _export(trace, state: StepPage, equations):
    current = state.stepper
    files = export.downloads(
        trace, current.weights, current.biases, state.activations, state.loss,
        [(e.caption, e.latex) for e in equations], current.step + 1,
    )  # fmt: skip
    keys = ("step_dl_json", "step_dl_csv", "step_dl_weights", "step_dl_latex", "step_dl_python")
    for col, file, key in zip(st.columns(5), files, keys, strict=True):
        col.download_button(file.label, file.data, file.file_name, file.mime, key=key)
    st.caption(captions.SNIPPET_NOTE)
    st.code(files[-1].data, language="python")


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


def _graph(trace, state: StepPage, scenario, weight) -> tuple[int, int, int]:
    """The network graph of this phase; returns the inspected weight after a click on it."""
    layer_sizes = [trace.layers[0].W.shape[1]] + [layer.W.shape[0] for layer in trace.layers]
    weights, biases, options = phase_view(trace, state.phase, state.row if state.batch else 0)
    fig = network_figure(weights, biases, replace(
        options, input_names=scenario.input_names, output_names=scenario.output_names,
        **common.chart_size(max(GRAPH_HEIGHT, 28 * max(layer_sizes) + 80)), selected=weight,
    ))  # fmt: skip
    alt = captions.graph_alt(
        layer_sizes, state.phase, scenario.description, state.row, state.n_rows
    )
    with st.expander(step_player.STILL_FIGURE_TITLE, expanded=not step_player.animates(trace)):
        event = common.chart(
            fig, alt, key="step_graph", on_select="rerun", selection_mode="points",
            config={"displaylogo": False},
        )  # fmt: skip
    _sync_click(event, layer_sizes)
    if note := captions.batch_note(state.batch, state.row, state.n_rows):
        (st.info if state.batch else st.caption)(note)
    return _current_weight(layer_sizes)


def main() -> None:
    presenting = common.presenter_mode()
    st.markdown("### Step by step")
    top = st.columns([3, 2, 2, 2])
    preset = model.SCENARIO_BY_TITLE[top[0].selectbox(
        "Scenario", tuple(model.SCENARIO_TITLES.values()), key="step_preset", bind="query-params",
        on_change=_on_preset_change,
    )]  # fmt: skip
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
    else:
        links.drop_query_params(model.NAMED_PARAMS)
    signature, scenario = _scenario(preset, int(seed), custom)
    # The player (graph first), then the equation stepper, its equations and the still figure.
    player_area, controls_col, side_col, graph_col = (st.container() for _ in range(4))
    with st.expander("Inputs, targets, weights and biases (editable tables)", expanded=False):
        st.caption(captions.TABLES_HELP)
        tables = _tables_editor(scenario, signature)
    batch, row = _batch_controls(top[3], scenario.X.shape[0])
    state = _page_state(signature, scenario, tables, lr, batch, row)

    with controls_col:
        strip = st.container()
        _controls(state)
        for note in [*st.session_state.pop(URL_NOTES, []), *state.notes]:
            st.warning(note, icon=":material/link_off:")
    if state.error or state.notes:  # shown once
        state = st.session_state[STATE] = act(state, model.Dismiss())
    net, trace = state.network(), state.trace()
    strip.markdown(captions.step_heading(state.stepper.step, state.stepper.phase, state.phases))
    links.sync_query_params(model.url_params(state))

    with player_area:
        step_player.show_step(state, trace, scenario, presenting=presenting, key=PLAYER,
                              selected=_current_weight(net.layer_sizes), act=_act)  # fmt: skip
    with graph_col:
        weight = _graph(trace, state, scenario, _current_weight(net.layer_sizes))
    with side_col:
        if diverged := stepper.diverged_message(trace):
            st.warning(diverged, icon=":material/warning:")
        equations = _equation_panel(trace, state.phase, state.row if state.batch else 0, weight)

    # Only the open tab is drawn (the others cost nothing on a rerun).
    views = {
        "Weight inspector": ("the weight inspector", lambda: _inspector(trace, net, weight)),
        "Matrix view": ("the matrix view", lambda: _matrix_view(trace)),
        "History": ("the history", lambda: _history(state)),
        "Export": ("the export", lambda: _export(trace, state, equations)),
    }
    tabs = st.tabs(list(views), key="step_tab", on_change="rerun")
    for index, (tab, (what, draw)) in enumerate(zip(tabs, views.values(), strict=True)):
        if tab.open or (index == 0 and tab.open is None):  # the first tab opens by default
            with tab, common.error_boundary(what):
                draw()


with common.error_boundary("the step-by-step page"):
    main()
