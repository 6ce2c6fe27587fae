"""Learning rate: the same network trained with several learning rates side by side, and the
gradient-descent path of a one-neuron model over its loss surface."""

import streamlit as st

from app_pages.common import (
    activation_selectbox,
    chart,
    chart_size,
    error_boundary,
    last_valid,
    symbols_expander,
)
from engine import limits
from lessons.learning_rate import (
    DEFAULT_LEARNING_RATES,
    LEARNING_RATE_LABELS,
    MAX_COMPARISON_EPOCHS,
    MAX_PATH_STEPS,
    NEURON_ACTIVATIONS,
    NEURON_OPTIMUM,
    compare_learning_rates,
    descent_path,
    loss_surface,
    step_size_limits,
)
from lessons.notation import UPDATE_RULE
from viz.format import format_number
from viz.learning_rate import SERIES_DASHES, descent_contour_figure, learning_rate_figure


@st.cache_data(max_entries=32, show_spinner=False)
def cached_runs(rates: tuple[float, ...], epochs: int):
    """compare_learning_rates, cached: the same rates and epochs always give the same curves."""
    return compare_learning_rates(rates, epochs)


@st.cache_data(max_entries=8, show_spinner=False)
def cached_surface(activation: str):
    return loss_surface(activation)


LINE_STYLE_WORDS = {
    "solid": "solid line",
    "dash": "dashed line",
    "dot": "dotted line",
    "dashdot": "dash-dot line",
    "longdash": "long-dashed line",
    "longdashdot": "long-dash-dot line",
}


def _rates_text(values: list[str]) -> str:
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " and " + values[-1]


def curves_alt(runs) -> str:
    """Text alternative of the learning-rate chart, from the runs shown."""
    rates = _rates_text([format_number(run.learning_rate) for run in runs])
    outcomes = []
    for index, run in enumerate(runs):
        rate = format_number(run.learning_rate)
        style = LINE_STYLE_WORDS.get(SERIES_DASHES[index % len(SERIES_DASHES)], "line")
        if run.diverged_at is not None:
            outcomes.append(f"η = {rate} ({style}) diverges at update {run.diverged_at}")
        else:
            outcomes.append(f"η = {rate} ({style}) ends at loss {format_number(run.final_loss)}")
    return (
        f"Training loss (log scale) against update for learning rates {rates}:"
        f" {'; '.join(outcomes)}."
    )


def path_alt(path, optimum) -> str:
    """Text alternative of the loss-surface chart, from the descent path shown."""
    n_steps = path.w.size - 1
    end = (
        f"it diverged after {n_steps} step(s)"
        if path.diverged
        else f"after {n_steps} step(s) it is at w = {format_number(path.w[-1])},"
        f" b = {format_number(path.b[-1])} with loss {format_number(path.loss[-1])}"
    )
    return (
        "Contour map of the loss over weight w (across) and bias b (up), darker where the loss is"
        f" lower, with the minimum at w = {format_number(optimum[0])}, b ="
        f" {format_number(optimum[1])} marked by a star. The descent path starts at w ="
        f" {format_number(path.w[0])}, b = {format_number(path.b[0])} (a ring); {end}."
    )


st.title("The learning rate")
st.write(
    "Gradient descent moves every weight against its gradient: w_new = w − η ∂L/∂w. The learning"
    " rate η sets the step size. Too small and training crawls; too large and each step"
    " overshoots, the loss jumps around or climbs; far too large and the weights blow up."
)

symbols_expander(
    [
        UPDATE_RULE,
        r"\hat y = f(w\,x + b)",
        r"L = \frac{1}{N}\sum_n \tfrac{1}{2}(\hat y_n - y_n)^2",
    ]
)

st.header("Several learning rates, one network")
st.caption(
    "A 1-8-1 network (tanh hidden units, linear output) fitted to 40 noisy points of a sine"
    " curve, full batch, squared error. Every run starts from the same initial weights."
)
with error_boundary("the learning-rate comparison"):
    columns = st.columns(len(DEFAULT_LEARNING_RATES) + 1)
    rates = []
    for index, (column, default, label) in enumerate(
        zip(columns[:-1], DEFAULT_LEARNING_RATES, LEARNING_RATE_LABELS, strict=True)
    ):
        rates.append(
            column.number_input(
                f"η{index + 1} (default: {label})",
                min_value=0.0001,
                max_value=limits.MAX_LEARNING_RATE,
                value=default,
                step=0.05,
                format="%.4f",
                key=f"learning_rate_lr{index + 1}",
                bind="query-params",
            )
        )
    epochs = columns[-1].slider(
        "Epochs",
        10,
        MAX_COMPARISON_EPOCHS,
        150,
        10,
        key="learning_rate_epochs",
        bind="query-params",
    )
    runs = last_valid(
        "learning_rate_runs",
        lambda: cached_runs(tuple(float(rate) for rate in rates), int(epochs)),
        lambda: cached_runs(DEFAULT_LEARNING_RATES, 150),
    )
    labels = (
        LEARNING_RATE_LABELS
        if tuple(run.learning_rate for run in runs) == DEFAULT_LEARNING_RATES
        else None
    )
    chart(
        learning_rate_figure(runs, labels, **chart_size(420)),
        curves_alt(runs),
        key="learning_rate_curves",
        config={"displayModeBar": False},
    )
    summary = st.columns(len(runs))
    for column, run in zip(summary, runs, strict=True):
        if run.diverged_at is not None:
            column.metric(
                f"η = {format_number(run.learning_rate)}",
                "diverged",
                f"at update {run.diverged_at}",
                delta_color="off",
            )
        else:
            column.metric(
                f"η = {format_number(run.learning_rate)}: final loss", format_number(run.final_loss)
            )

st.header("One neuron: the loss surface and the path down it")
st.write(
    "A single neuron ŷ = f(w·x + b) has just two parameters, so its loss can be drawn as a"
    " map over (w, b). Its five training points were made with w = 2, b = −3 (the star). Each"
    " dot is one gradient-descent step from the start point: each step goes straight downhill"
    " from where it stands, across the contour lines."
)
with error_boundary("the loss surface"):
    controls, chart_area = st.columns([1, 2], gap="large")
    with controls:
        activation = activation_selectbox(
            "Activation f", NEURON_ACTIVATIONS, "learning_rate_activation"
        )
        w0 = st.slider("Start w", -2.0, 6.0, -1.0, 0.1, key="learning_rate_w0", bind="query-params")
        b0 = st.slider("Start b", -7.0, 1.0, 0.0, 0.1, key="learning_rate_b0", bind="query-params")
        limits_for_f = step_size_limits(
            activation if activation in NEURON_ACTIVATIONS else "linear"
        )
        near = "" if limits_for_f.exact else " near the minimum"
        eta = st.number_input(
            "Learning rate η",
            0.001,
            20.0,
            0.1,
            0.05,
            format="%.3f",
            key="learning_rate_eta",
            bind="query-params",
            help=f"For this neuron the steps zig-zag{near} above η ="
            f" {format_number(limits_for_f.zigzag_rate, 3)} and diverge{near} above η ="
            f" {format_number(limits_for_f.divergence_rate, 3)} (2 / the loss's largest"
            " curvature).",
        )
        steps = st.slider(
            "Steps", 1, MAX_PATH_STEPS, 50, key="learning_rate_steps", bind="query-params"
        )
        path = last_valid(
            "learning_rate_path",
            lambda: descent_path(activation, w0, b0, eta, steps),
            lambda: descent_path(),
        )
        st.metric("Loss at the start", format_number(path.loss[0]))
        st.metric(f"Loss after {path.w.size - 1} step(s)", format_number(path.loss[-1]))
        st.caption(f"Last point: w = {format_number(path.w[-1])}, b = {format_number(path.b[-1])}.")
        if eta > limits_for_f.divergence_rate:
            outcome = (
                f"the path diverged after {path.w.size - 1} step(s)"
                if path.diverged
                else "it cannot settle at the minimum"
            )
            st.warning(
                f"η = {format_number(eta)} is above this neuron's divergence threshold η ="
                f" {format_number(limits_for_f.divergence_rate, 3)}: each step{near} overshoots"
                f" further than the last, so {outcome}. Lower the learning rate."
            )
        elif path.diverged:
            st.warning(
                f"The path diverged after {path.w.size - 1} step(s): each step overshoots further"
                " than the last. Lower the learning rate."
            )
    with chart_area:
        activation_used = activation if activation in NEURON_ACTIVATIONS else "linear"
        chart(
            descent_contour_figure(
                cached_surface(activation_used), path, NEURON_OPTIMUM, **chart_size(520)
            ),
            path_alt(path, NEURON_OPTIMUM),
            key="learning_rate_contour",
            config={"displayModeBar": False},
        )
