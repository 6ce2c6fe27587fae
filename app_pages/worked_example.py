"""Worked example: one full training step of the 2-2-2 sigmoid network, written out as a
textbook would, with every number recomputed from the engine's trace when an input changes."""

import streamlit as st

from app_pages.common import error_boundary, last_valid
from engine import Network, StepTrace, limits
from lessons.step_by_step.presets import textbook_222
from viz.format import format_number
from viz.worked_example import worked_example

VALUE_LIMIT = 100.0  # editable numbers stay within ±VALUE_LIMIT


def _default_values() -> dict[str, float]:
    """The textbook's numbers, keyed by the widget they fill."""
    scenario = textbook_222()
    (W1, W2), (b1, b2) = scenario.network.weights, scenario.network.biases
    values = {
        "i1": scenario.X[0, 0],
        "i2": scenario.X[0, 1],
        "t1": scenario.Y[0, 0],
        "t2": scenario.Y[0, 1],
        "eta": scenario.learning_rate,
    }
    for index, value in enumerate(list(W1.ravel()) + list(W2.ravel())):
        values[f"w{index + 1}"] = value
    values |= {"bh1": b1[0], "bh2": b1[1], "bo1": b2[0], "bo2": b2[1]}
    return {key: float(value) for key, value in values.items()}


def _trace(v: dict[str, float]) -> StepTrace:
    net = Network.from_parameters(
        weights=[
            [[v["w1"], v["w2"]], [v["w3"], v["w4"]]],
            [[v["w5"], v["w6"]], [v["w7"], v["w8"]]],
        ],
        biases=[[v["bh1"], v["bh2"]], [v["bo1"], v["bo2"]]],
        activations=["sigmoid", "sigmoid"],
        loss="squared_error",
    )
    return net.compute_trace([[v["i1"], v["i2"]]], [[v["t1"], v["t2"]]], v["eta"])


DEFAULTS = _default_values()
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
    "Biases and learning rate": [
        ("bh1", "b_h₁"),
        ("bh2", "b_h₂"),
        ("bo1", "b_o₁"),
        ("bo2", "b_o₂"),
    ],
}

st.title("Worked example: one training step, by hand")
st.write(
    "The classic 2-2-2 network with sigmoid units and the squared error E = ½ Σ (target − out)²:"
    " two inputs, two hidden neurons, two outputs. Below is one full step of backpropagation,"
    " written out the way a textbook would, with every intermediate number. Change any number"
    " and everything is recomputed."
)

with error_boundary("the worked example"):
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
                    DEFAULTS[key],
                    0.01,
                    format="%.4f",
                    key=f"worked_example_{key}",
                    bind="query-params",
                )
            if title == "Biases and learning rate":
                values["eta"] = columns[4].number_input(
                    "learning rate η",
                    0.0001,
                    limits.MAX_LEARNING_RATE,
                    DEFAULTS["eta"],
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
    trace = last_valid("worked_example_trace", lambda: _trace(values), lambda: _trace(DEFAULTS))

    summary = st.columns(4)
    summary[0].metric("Total error before the step", format_number(trace.loss))
    summary[1].metric("out o₁", format_number(trace.Y_hat[0, 0]))
    summary[2].metric("out o₂", format_number(trace.Y_hat[0, 1]))
    summary[3].metric("Learning rate η", format_number(trace.learning_rate))

    for section in worked_example(trace):
        st.subheader(section.title)
        st.write(section.intro)
        body = " \\\\[6pt] ".join(f"&{equation}" for equation in section.equations)
        st.latex(f"\\begin{{aligned}} {body} \\end{{aligned}}")
