"""The step player, a Streamlit custom component (components v2) with its own small JavaScript.

The browser gets one training step at a time (viz.step_by_step.player.player_data) and steps,
animates, narrates and quizzes through its phases by itself, so a Next click costs the server
nothing. The component talks back only through two triggers: `action` ("train" for the next
training step, "epoch", "undo") and `weight` ([layer, row, col] of a clicked edge).

The files next to this module (player.html, player.css, player.js) are plain HTML, CSS and an
ES module: committed as they are, nothing is built at run time.
"""

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from lessons.step_by_step import model
from lessons.step_by_step.narration import step_narration
from lessons.step_by_step.quiz import step_questions
from lessons.step_by_step.stepper import diverged_message
from viz.step_by_step.player import ANIMATED_EDGE_LIMIT, player_data

_HERE = Path(__file__).parent
# Page texts around the player: the server-side phase buttons now step only the equations.
EQUATION_STEPPER_HELP = (
    "Steps the equations below through the phases (the player above steps in your browser with"
    " its own buttons and the arrow keys). At the update, Next starts the next training step."
)
STILL_FIGURE_TITLE = "Still figure of this phase (Plotly: zoom, hover, click a weight)"

_player = st.components.v2.component(
    "backprop_step_player",
    html=(_HERE / "player.html").read_text(encoding="utf-8"),
    css=(_HERE / "player.css").read_text(encoding="utf-8"),
    js=(_HERE / "player.js").read_text(encoding="utf-8"),
)


def step_player(
    data: dict,
    *,
    key: str = "step_player",
    on_action: Callable[[], None] | None = None,
    on_weight: Callable[[], None] | None = None,
):
    """Mount the player with `data` (player_data). The callbacks run before the page is drawn
    when the visitor asks for a new training step or undo (`on_action`; read the action from
    `st.session_state[key].action`) or clicks an edge (`on_weight`)."""
    return _player(
        key=key,
        data=data,
        on_action_change=on_action or (lambda: None),
        on_weight_change=on_weight or (lambda: None),
    )


def show_step(
    state,
    trace,
    scenario,
    *,
    presenting: bool,
    selected: tuple[int, int, int] | None,
    act: Callable[[object], None],
    key: str = "step_player",
):
    """The player for the training step of the step page's `state` (a StepPage) and `trace`.

    The player starts at the page's phase; a phase stepped in the browser stays there across
    reruns of the same step (same numbers, same page phase). `act(action)` moves the page's
    state when the player asks for the next training step or an undo; a clicked edge is copied
    into the weight pickers (session-state keys step_w_layer, step_w_to, step_w_from and the
    equation panel's unit pickers)."""
    phases = state.phases
    sample = state.row if state.batch else 0
    data = player_data(
        trace,
        phases,
        narration=step_narration(trace, phases, sample, scenario.output_names),
        questions=step_questions(trace, phases, sample, step=state.stepper.step),
        sample=sample,
        step=state.stepper.step,
        start_phase=state.stepper.phase,
        input_names=scenario.input_names,
        output_names=scenario.output_names,
        diverged=diverged_message(trace),
        presenter=presenting,
        selected=selected,
    )
    # What one epoch is here, and the URL parameter of the phase (the player's "Link to this
    # phase" sets it in the page's own URL).
    data.update(
        epoch_updates=state.epoch_updates,
        n_examples=state.n_rows,
        batch=state.batch,
        phase_param=model.PHASE_PARAM,
    )
    layer_sizes = [int(trace.X.shape[1])] + [int(layer.W.shape[0]) for layer in trace.layers]

    def on_action() -> None:
        if (action := page_action(key)) is not None:
            act(action)

    def on_weight() -> None:
        st.session_state.update(picked_weight(key, layer_sizes))

    return step_player(data, key=key, on_action=on_action, on_weight=on_weight)


def follow_step(
    trace,
    phases,
    *,
    step: int,
    phase: int,
    input_names,
    output_names,
    presenting: bool,
    event: str,
    key: str,
):
    """The player for `trace` in follow mode (the class room's students): no controls, keys
    or quiz; it starts at `phase` and moves to the phase each window event `event` brings
    ({detail: {phase}}), with the phase's narration."""
    data = player_data(
        trace,
        phases,
        narration=step_narration(trace, phases, 0, output_names),
        step=step,
        start_phase=phase,
        input_names=input_names,
        output_names=output_names,
        diverged=diverged_message(trace),
        presenter=presenting,
    )
    # The controls these feed are hidden in follow mode; the script still reads them.
    data.update(follow={"event": event}, epoch_updates=1, n_examples=trace.n_samples,
                batch=False, phase_param=model.PHASE_PARAM)  # fmt: skip
    return step_player(data, key=key)


def triggered(key: str, name: str):
    """The value of trigger `name` ('action' or 'weight') of the player `key` in this run."""
    result = st.session_state.get(key)
    return None if result is None else getattr(result, name, None)


def animates(trace) -> bool:
    """Whether the player animates this step; when it does not (a network past
    ANIMATED_EDGE_LIMIT weights, or a diverged step) the page opens the still figure, whose
    zoom and pan help most there."""
    n_weights = sum(layer.W.size for layer in trace.layers)
    return n_weights <= ANIMATED_EDGE_LIMIT and diverged_message(trace) is None


def page_action(key: str):
    """The step page's action for the player's `action` trigger: the next training step
    ("train"), the next epoch ("epoch") or an undo ("undo"); None for anything else."""
    name = triggered(key, "action")
    actions = {"train": model.NextTrainingStep(), "epoch": model.NextEpoch(), "undo": model.Undo()}
    return actions.get(name) if isinstance(name, str) else None


def picked_weight(key: str, layer_sizes) -> dict:
    """Session-state updates that make the weight pickers show the edge clicked in the player
    (clamped to the network); {} when no valid edge was clicked."""
    clicked = triggered(key, "weight")
    if not isinstance(clicked, list) or len(clicked) != 3:
        return {}
    layer, row, col = model.clamp_weight(*clicked, layer_sizes)
    return {
        "step_w_layer": layer, "step_w_to": row, "step_w_from": col,
        f"step_unit_{layer + 1}": row, f"step_src_{layer + 1}": col,
    }  # fmt: skip
