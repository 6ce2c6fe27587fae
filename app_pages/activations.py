"""Activation functions: f and f' of each with a z slider, a note on softmax, and the
vanishing-gradient demonstration (products of f' through 1 to 10 layers)."""

import streamlit as st

from app_pages.common import activation_selectbox, chart, chart_size, error_boundary
from engine.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS
from lessons.activations import (
    MAX_CHAIN_LAYERS,
    SOFTMAX_EXAMPLE_Z,
    STUDY_ACTIVATIONS,
    compare_activations,
    evaluate,
    softmax_example,
)
from viz.format import format_number
from viz.learn_charts import (
    SERIES_DASHES,
    SERIES_SYMBOLS,
    Z_RANGE,
    activation_figure,
    vanishing_gradient_figure,
)

NOTES = {
    "sigmoid": "Squashes any z into (0, 1), so it reads as a probability. Its slope is at most"
    " 0.25 (at z = 0) and almost 0 for |z| > 5: a saturated sigmoid passes back almost no"
    " gradient.",
    "tanh": "Like a sigmoid stretched to (−1, 1) and centred on 0. Its slope is at most 1 (at"
    " z = 0), four times the sigmoid's, but it saturates too.",
    "relu": "Zero for negative z, z itself for positive z. Its slope is exactly 1 wherever it is"
    " active, so gradients pass unchanged; a unit whose z stays negative gets no gradient at all"
    " (a 'dead' ReLU).",
    "leaky_relu": "Like ReLU, but with a small slope 0.01 for negative z, so an inactive unit"
    " still gets a little gradient and can recover.",
    "linear": "Does nothing: f(z) = z, slope 1. Used on regression outputs. A network with only"
    " linear units is just one linear function, however many layers it has.",
}

LINE_WORDS = {"solid": "solid", "dash": "dashed", "dot": "dotted", "dashdot": "dash-dot"}
SYMBOL_WORDS = {"circle": "circles", "square": "squares", "diamond": "diamonds"}


def vanishing_alt(chains, n_layers: int) -> str:
    """Text alternative of the vanishing-gradient chart, from the products shown."""
    parts = []
    for index, (key, chain) in enumerate(chains.items()):
        line = LINE_WORDS.get(SERIES_DASHES[index % len(SERIES_DASHES)], "")
        marks = SYMBOL_WORDS.get(SERIES_SYMBOLS[index % len(SERIES_SYMBOLS)], "markers")
        parts.append(
            f"{ACTIVATIONS[key].label} ({line} line, {marks}) ends at"
            f" {format_number(chain.product[-1])}"
        )
    return (
        f"Product of f′(z) through 1 to {n_layers} layer(s), log scale: {'; '.join(parts)}."
        " A product of exactly 0 cannot be drawn on a log scale and is named in the legend."
    )


st.title("Activation functions")
st.write(
    "Each neuron computes z = w·a + b and passes it through an activation function f. In the"
    " backward pass every neuron multiplies the gradient by its slope f′(z), so the shape of f′"
    " decides how well gradients flow."
)

with error_boundary("the activation function plot"):
    controls, chart_area = st.columns([1, 2], gap="large")
    with controls:
        name = activation_selectbox("Activation", HIDDEN_ACTIVATIONS, "activations_name")
        z = st.slider(
            "z (the neuron's input)",
            -6.0,
            6.0,
            1.0,
            0.1,
            key="activations_z",
            bind="query-params",
        )
        activation = ACTIVATIONS[name]
        st.latex(activation.latex)
        st.latex(activation.dlatex)
        f_z, df_z = evaluate(name, z)
        left, right = st.columns(2)
        left.metric(f"f({format_number(z)})", format_number(f_z))
        right.metric(f"f′({format_number(z)})", format_number(df_z))
        st.caption(NOTES[name])
    with chart_area:
        chart(
            activation_figure(name, z, **chart_size(400)),
            f"{activation.label} f(z) (solid line) and its derivative f′(z) (dashed line) for z"
            f" from {format_number(Z_RANGE[0])} to {format_number(Z_RANGE[1])}; at z ="
            f" {format_number(z)} a circle marks f = {format_number(f_z)} and a diamond marks"
            f" f′ = {format_number(df_z)}.",
            key="activations_chart",
            config={"displayModeBar": False},
        )

with st.expander("A note on softmax (output layers for several classes)"):
    with error_boundary("the softmax example"):
        st.latex(ACTIVATIONS["softmax"].latex)
        probabilities = softmax_example()
        z_text = ", ".join(format_number(v) for v in SOFTMAX_EXAMPLE_Z)
        p_text = ", ".join(format_number(v) for v in probabilities)
        st.markdown(
            "Softmax turns a whole vector of scores into probabilities that are positive and sum"
            f" to 1: for z = ({z_text}) it gives ({p_text}). Unlike the functions above it is not"
            " applied to each unit separately: every output depends on every z, so its derivative"
            " is a matrix,"
        )
        st.latex(ACTIVATIONS["softmax"].dlatex)
        st.markdown(
            "It is used only on the output layer, together with the cross-entropy loss. Then the"
            " output delta simplifies to ŷ − y, exactly as for a sigmoid output with binary"
            " cross-entropy."
        )

st.header("Vanishing gradients")
st.write(
    "Send a gradient back through a chain of one-unit layers, z_k = w·a_(k−1) + b. Each layer"
    " multiplies it by f′(z_k). With sigmoid every factor is at most 0.25, so after 10 layers"
    " less than a millionth is left; tanh shrinks more slowly, and ReLU passes it on unchanged"
    " while its units are active."
)
with error_boundary("the vanishing-gradient chart"):
    controls, chart_area = st.columns([1, 2], gap="large")
    with controls:
        n_layers = st.slider(
            "Layers",
            1,
            MAX_CHAIN_LAYERS,
            MAX_CHAIN_LAYERS,
            key="activations_layers",
            bind="query-params",
        )
        x = st.slider(
            "Input x", -3.0, 3.0, 1.0, 0.1, key="activations_chain_x", bind="query-params"
        )
        w = st.slider(
            "Weight w (every layer)",
            -3.0,
            3.0,
            1.0,
            0.1,
            key="activations_chain_w",
            bind="query-params",
        )
        chains = compare_activations(n_layers, x, w)
        for key in STUDY_ACTIVATIONS:
            st.metric(
                f"{ACTIVATIONS[key].label}: product through {n_layers} layer(s)",
                format_number(chains[key].product[-1]),
            )
    with chart_area:
        chart(
            vanishing_gradient_figure(chains, **chart_size(420)),
            vanishing_alt(chains, n_layers),
            key="activations_vanishing_chart",
            config={"displayModeBar": False},
        )
    st.caption(
        "The weights multiply the gradient too (by w per layer): large weights can make up for"
        " small slopes, or make gradients explode instead. Careful initialisation (Xavier, He)"
        " keeps the product near 1."
    )
