"""Worked example: the textbook's 2-2-2 sigmoid network, one full training step written out
with the published names (i1, h1, o1, w1..w8, net, out, E_total), biases fixed as in the
text, both update orders, and "train 10,000 more steps"."""

import streamlit as st

from app_pages.common import error_boundary, last_valid, symbols_expander
from engine import limits
from lessons.worked_example import (
    MAX_TRAIN_BLOCKS,
    NAME_MAPPING,
    SEQUENTIAL,
    SIMULTANEOUS,
    TEXTBOOK_VALUES,
    TRAIN_BLOCK,
    UPDATE_ORDERS,
    TrainingResult,
    one_step,
    train_more,
)
from viz.format import format_number
from viz.worked_example import order_explanation, worked_example

VALUE_LIMIT = 100.0  # editable numbers stay within ±VALUE_LIMIT
BLOCKS = "worked_example_blocks"  # (settings, number of 10,000-step blocks trained)
ORDER_LABELS = {
    SIMULTANEOUS: "All at once (backpropagation)",
    SEQUENTIAL: "Output weights first (as in the published code)",
}
GROUPS = {
    "Inputs and targets": [("i1", "i₁"), ("i2", "i₂"), ("t1", "target o₁"), ("t2", "target o₂")],
    "Weights into the hidden layer": [
        ("w1", "w₁ (i₁→h₁)"),
        ("w2", "w₂ (i₂→h₁)"),
        ("w3", "w₃ (i₁→h₂)"),
        ("w4", "w₄ (i₂→h₂)"),
    ],
    "Weights into the output layer": [
        ("w5", "w₅ (h₁→o₁)"),
        ("w6", "w₆ (h₂→o₁)"),
        ("w7", "w₇ (h₁→o₂)"),
        ("w8", "w₈ (h₂→o₂)"),
    ],
    "Biases and learning rate": [("b1", "b₁ (h₁, h₂)"), ("b2", "b₂ (o₁, o₂)")],
}


@st.cache_data(max_entries=64, show_spinner="Training…")
def cached_training(
    values: tuple[tuple[str, float], ...], train_biases: bool, order: str, blocks: int
) -> TrainingResult:
    """`blocks` * TRAIN_BLOCK updates; each block continues from the cached one before it."""
    start = None if blocks == 1 else cached_training(values, train_biases, order, blocks - 1)
    return train_more(dict(values), train_biases, order, start)


def _train_one_more_block(settings: tuple) -> None:
    previous_settings, blocks = st.session_state.get(BLOCKS, (None, 0))
    blocks = blocks if previous_settings == settings else 0
    st.session_state[BLOCKS] = (settings, min(blocks + 1, MAX_TRAIN_BLOCKS))


st.title("Worked example: one training step, by hand")
st.write(
    "The classic 2-2-2 network of Matt Mazur's *A Step by Step Backpropagation Example*:"
    " inputs i₁, i₂, hidden units h₁, h₂ and outputs o₁, o₂, all sigmoid, and the error"
    " E_total = Σ ½ (target − out)². Below is one full step of backpropagation with the"
    " names of the published text and every intermediate number. Change any number and"
    " everything is recomputed."
)

with error_boundary("the worked example"):
    options = st.columns(2)
    train_biases = options[0].toggle(
        "Train the biases too",
        key="worked_example_train_biases",
        bind="query-params",
        help="The published example keeps b₁ and b₂ fixed and updates only w₁..w₈; switch"
        " this on to update the biases as well (the app's other pages do).",
    )
    order = options[1].radio(
        "Update order",
        UPDATE_ORDERS,
        format_func=ORDER_LABELS.get,
        key="worked_example_order",
        bind="query-params",
        horizontal=True,
    )
    values: dict[str, float] = {}
    with st.expander("Edit the numbers", expanded=False):
        for title, fields in GROUPS.items():
            st.caption(title)
            columns = st.columns(5)
            for column, (key, label) in zip(columns, fields, strict=False):
                values[key] = column.number_input(
                    label,
                    -VALUE_LIMIT,
                    VALUE_LIMIT,
                    TEXTBOOK_VALUES[key],
                    0.01,
                    format="%.4f",
                    key=f"worked_example_{key}",
                    bind="query-params",
                )
        values["eta"] = columns[4].number_input(
            "learning rate η",
            0.0001,
            limits.MAX_LEARNING_RATE,
            TEXTBOOK_VALUES["eta"],
            0.05,
            format="%.4f",
            key="worked_example_eta",
            bind="query-params",
        )
        st.caption(
            f"Values from −{VALUE_LIMIT:g} to {VALUE_LIMIT:g}; the learning rate from 0.0001 to"
            f" {limits.MAX_LEARNING_RATE:g}. Remove a parameter from the address bar (or reload"
            " the page without them) to get the textbook's numbers back."
        )
    step = last_valid(
        "worked_example_step",
        lambda: one_step(values, train_biases),
        lambda: one_step(TEXTBOOK_VALUES, train_biases),
    )
    trace = step.trace

    bias_note = (
        "The biases are trained too."
        if train_biases
        else "As in the published example, the biases b₁ = "
        f"{format_number(trace.layers[0].b[0])} and b₂ = {format_number(trace.layers[1].b[0])}"
        " stay fixed; only w₁..w₈ change."
    )
    st.info(bias_note, icon=":material/push_pin:")

    errors = st.columns(3)
    errors[0].metric("E_total before the step", format_number(trace.loss, 10))
    errors[1].metric("E_total after: all at once", format_number(step.error_after_simultaneous, 10))
    errors[2].metric(
        "E_total after: published order", format_number(step.error_after_sequential, 10)
    )
    st.caption(
        f"Outputs before the step: out o₁ = {format_number(trace.Y_hat[0, 0], 9)},"
        f" out o₂ = {format_number(trace.Y_hat[0, 1], 9)}; learning rate η ="
        f" {format_number(trace.learning_rate)}."
    )
    st.markdown(order_explanation(step))

    with st.expander("The published names and the app's notation"):
        rows = ["| Published | Elsewhere in the app | Meaning |", "|---|---|---|"]
        rows += [f"| ${book}$ | ${app}$ | {meaning} |" for book, app, meaning in NAME_MAPPING]
        st.markdown("\n".join(rows))

    shown_latex = []
    for section in worked_example(step, sequential=order == SEQUENTIAL):
        st.subheader(section.title)
        st.write(section.intro)
        body = " \\\\[6pt] ".join(f"&{equation}" for equation in section.equations)
        block = f"\\begin{{aligned}} {body} \\end{{aligned}}"
        st.latex(block)
        shown_latex.append(block)

    st.subheader("And after many steps?")
    settings = (tuple(sorted(values.items())), train_biases, order)
    st.button(
        f"Train {TRAIN_BLOCK:,} more steps",
        key="worked_example_train",
        on_click=_train_one_more_block,
        args=(settings,),
        icon=":material/fast_forward:",
    )
    trained_settings, blocks = st.session_state.get(BLOCKS, (None, 0))
    if trained_settings == settings and blocks:
        result = cached_training(*settings, blocks)
        after = st.columns(3)
        after[0].metric(f"E_total after {result.steps:,} steps", format_number(result.error, 6))
        after[1].metric("out o₁", format_number(result.outputs[0], 9))
        after[2].metric("out o₂", format_number(result.outputs[1], 9))
        st.caption(
            f"Targets: {format_number(values['t1'])} and {format_number(values['t2'])}. Each"
            f" press trains {TRAIN_BLOCK:,} more steps (up to {MAX_TRAIN_BLOCKS * TRAIN_BLOCK:,})"
            " with the options above."
        )
    symbols_expander(shown_latex)
