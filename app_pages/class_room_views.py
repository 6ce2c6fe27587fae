"""What the class room's teacher and students both see: the room's network at its phase, and
a revealed question's answers. Shared by app_pages/class_room.py's two views. Under server.py
a student's network is the step player following the teacher's phase in the browser."""

from dataclasses import replace

import streamlit as st

from app_pages.common import chart, chart_size, presenter_mode
from app_pages.components import room_watch
from app_pages.components.step_player import follow_step
from lessons import class_room as cr
from viz.class_room import distribution_figure
from viz.network_graph import network_figure, phase_view
from viz.step_by_step.tables import progress_strip

GRAPH_HEIGHT = 380


@st.cache_data(max_entries=64)
def scene(scenario: cr.ClassScenario):
    """(trace, phases, scenario names) of a room's scenario: computed once per process."""
    preset, trace, phases = cr.scenario_trace(scenario)
    return trace, phases, preset.input_names, preset.output_names


def show_network(scenario: cr.ClassScenario) -> None:
    trace, phases, input_names, output_names = scene(scenario)
    phase = phases[scenario.phase]
    st.markdown(
        f"**Training step {scenario.steps + 1}** · phase {scenario.phase + 1} of {len(phases)}"
        f"  \n{progress_strip(phases, scenario.phase)}"
    )
    weights, biases, options = phase_view(trace, phase)
    options = replace(
        options, input_names=input_names, output_names=output_names, **chart_size(GRAPH_HEIGHT)
    )
    fig = network_figure(weights, biases, options)
    sizes = "-".join(
        str(size) for size in [trace.X.shape[1]] + [r.W.shape[0] for r in trace.layers]
    )
    chart(
        fig,
        f"Network graph of the {sizes} network ({cr.STEP_PAGE_TITLES[scenario.preset]}), phase"
        f" '{phase.title}', as on the teacher's screen. Hover for exact values.",
        key="class_graph",
        config={"displaylogo": False},
    )


def show_result(question: dict, code: str, store, now: float) -> None:
    result = cr.results(store, code, question, now)
    share = result.share_correct
    right = (
        next(label for label, ok in zip(result.labels, result.right, strict=True) if ok)
        if any(result.right)
        else f"{float(question['answer']):.2f}"
    )
    st.markdown(f"Right answer: **{right}**")
    if share is None:
        st.info("No answers were given.")
        return
    st.metric("Share correct", f"{share:.0%}", help=f"{result.total} answers")
    size = chart_size(360)
    chart(
        distribution_figure(result, height=size["height"], font_size=size["font_size"]),
        f"Bar chart of the {result.total} answers: "
        + "; ".join(
            f"{label}: {count}{' (right)' if ok else ''}"
            for label, count, ok in zip(result.labels, result.counts, result.right, strict=True)
        )
        + ".",
        key=f"class_result_{question['id']}",
        config={"displayModeBar": False},
    )


def show_followed_network(scenario: cr.ClassScenario) -> None:
    """The room's training step in the step player, following the teacher's phase: the page's
    room watch passes each new phase to it in the browser (room_watch.PHASE_EVENT)."""
    trace, phases, input_names, output_names = scene(scenario)
    st.markdown(f"**Training step {scenario.steps + 1}** · the teacher's phase, live")
    follow_step(trace, phases, step=scenario.steps, phase=scenario.phase,
                input_names=input_names, output_names=output_names,
                presenting=presenter_mode(), event=room_watch.PHASE_EVENT,
                key="class_player")  # fmt: skip
