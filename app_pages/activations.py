"""Activation functions: f and f' of each with a z slider, a note on softmax, and the
vanishing-gradient demonstration (products of f' through 1 to 10 layers)."""

import streamlit as st

from app_pages.common import (
    activation_selectbox,
    chart,
    chart_size,
    error_boundary,
    symbols_expander,
)
from engine.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS
from lessons.activations import (
    MAX_CHAIN_LAYERS,
    MAX_SLOPE,
    SOFTMAX_EXAMPLE_Z,
    STUDY_ACTIVATIONS,
    compare_activations,
    evaluate,
    softmax_example,
)
from lessons.initialisation import (
    MAX_SYMMETRY_STEPS,
    SATURATED_SLOPE,
    START_LABELS,
    STARTS,
    saturation,
    symmetry_run,
)
from viz.activations import (
    SERIES_DASHES,
    SERIES_SYMBOLS,
    Z_RANGE,
    activation_figure,
    vanishing_gradient_figure,
)
from viz.format import format_number
from viz.initialisation import symmetry_figure

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

SATURATION_SCALES = (0.1, 0.3, 1.0, 3.0, 10.0)


@st.cache_data(max_entries=16, show_spinner=False)
def cached_symmetry(start: str, steps: int):
    """symmetry_run, cached: the same start and steps always train the same way."""
    return symmetry_run(start, steps)


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
    " multiplies it by w·f′(z_k). That factor is at most max f′ · |w| in size, so along any"
    " path through n layers the gradient is at most (max f′ · |w|)ⁿ. For sigmoid max f′ = ¼:"
    " with |w| = 1 ten layers leave less than a millionth, but weights above 4 lift the bound"
    " over 1 and gradients can explode instead. Tanh and ReLU have max f′ = 1, so for them the"
    " weights alone decide."
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
            chain = chains[key]
            st.metric(
                f"{ACTIVATIONS[key].label}: gradient through {n_layers} layer(s)",
                format_number(abs(chain.gradient[-1])),
                f"bound ({format_number(MAX_SLOPE[key])} · {format_number(abs(w))})"
                f"^{n_layers} = {format_number(chain.bound[-1])}",
                delta_color="off",
                delta_arrow="off",
                help="|∏ w·f′(z_k)|, the gradient that reaches the input, and the bound"
                " (max f′ · |w|)ⁿ no path can exceed. The chart shows ∏ f′(z_k) alone.",
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
        " small slopes, or make gradients explode instead. Careful initialisation (below) keeps"
        " each factor near 1."
    )

symbols_expander(
    [
        *(ACTIVATIONS[key].latex for key in HIDDEN_ACTIVATIONS),
        *(ACTIVATIONS[key].dlatex for key in HIDDEN_ACTIVATIONS),
        ACTIVATIONS["softmax"].dlatex,
        r"z_k = w\,a_{k-1} + b,\quad \Bigl|\frac{\partial a_n}{\partial a_0}\Bigr|"
        r" \le (\max f' \cdot |w|)^n",
    ]
)

st.header("Initialisation: why weights start small and random")
st.write(
    "Train a 2-3-1 sigmoid network on the four rows of XOR and watch the weights into its"
    " three hidden units. If they all start equal, every hidden unit computes the same z, gets"
    " the same delta and the same update: they stay identical for ever and the layer acts like"
    " one unit (the symmetry problem). Small random weights break the tie."
)
with error_boundary("the initialisation demonstration"):
    controls, chart_area = st.columns([1, 2], gap="large")
    with controls:
        start = st.radio(
            "Starting weights",
            STARTS,
            format_func=START_LABELS.get,
            key="activations_init_start",
            bind="query-params",
        )
        steps = st.slider(
            "Updates", 1, MAX_SYMMETRY_STEPS, 200, key="activations_init_steps", bind="query-params"
        )
        run = cached_symmetry(start, steps)
        spread = run.spread[-1]
        st.metric("Largest difference between two hidden units", format_number(spread))
        if run.units_identical:
            st.warning(
                f"After {steps} update(s) the three hidden units still have identical weights.",
                icon=":material/content_copy:",
            )
    with chart_area:
        chart(
            symmetry_figure(run, **chart_size(380)),
            f"The six weights into the hidden units over {steps} update(s) from"
            f" {START_LABELS[run.start].lower()}: "
            + (
                "all lines lie on top of each other, the units never become different."
                if run.units_identical
                else f"the lines move apart; the units end up to {format_number(spread)} apart."
            ),
            key="activations_init_chart",
            config={"displayModeBar": False},
        )
    scale = st.select_slider(
        "Size of the starting weights (standard deviation), 16 inputs per sigmoid unit",
        SATURATION_SCALES,
        1.0,
        key="activations_init_scale",
        bind="query-params",
    )
    result = saturation(scale)
    left, right = st.columns(2)
    left.metric("Mean slope f′(z)", format_number(result.mean_slope), help="At most 0.25.")
    right.metric(
        f"Saturated units (f′ < {format_number(SATURATED_SLOPE)})",
        f"{result.saturated_fraction:.0%}",
    )
    st.markdown(
        "Large starting weights make |z| large, where the sigmoid is flat: those units pass"
        " back almost no gradient. **Xavier (Glorot)** initialisation draws weights with"
        " variance about 1/n_in (2/(n_in + n_out)), which keeps z of order 1 for sigmoid and"
        " tanh. **He** initialisation uses variance 2/n_in, making up for ReLU switching off"
        " half of its inputs."
    )
