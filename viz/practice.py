"""Question and worked solution of a practice exercise, as Markdown and LaTeX.

Numbers come from the exercise's `StepTrace`; notation: W^(1) maps the inputs x to the hidden
layer (z^(1), h = f(z^(1))), W^(2) maps h to the outputs (z^(2), y_hat = f(z^(2))), and
w^(l)_{jk} is the weight from unit k of the layer below to unit j of layer l, counted from 1.
The loss is L = 1/2 sum_k (y_hat_k - y_k)^2.
"""

import numpy as np

from lessons.practice import Exercise
from viz.format import format_number, format_signed

ACTIVATION_DERIVATIVES = {
    "sigmoid": ("\\sigma'(z) = \\sigma(z)\\,(1 - \\sigma(z))", "{a}\\,(1 - {a_s})"),
    "tanh": ("\\tanh'(z) = 1 - \\tanh^2(z)", "1 - {a_s}^2"),
}


def _n(value: float) -> str:
    return format_number(value)


def _s(value: float) -> str:
    return format_signed(value)


def _vector(values: np.ndarray) -> str:
    return "\\begin{pmatrix}" + " \\\\ ".join(_n(v) for v in values) + "\\end{pmatrix}"


def _matrix(values: np.ndarray) -> str:
    rows = [" & ".join(_n(v) for v in row) for row in values]
    return "\\begin{pmatrix}" + " \\\\ ".join(rows) + "\\end{pmatrix}"


def weight_symbol(exercise: Exercise, new: bool = False) -> str:
    """LaTeX name of the weight an exercise asks about, e.g. w^{(2)}_{12} (or its new value)."""
    mark = ",\\,\\mathrm{new}" if new else ""
    return f"w^{{({exercise.layer + 1}){mark}}}_{{{exercise.unit + 1}{exercise.source + 1}}}"


def target_symbol(exercise: Exercise) -> str:
    """LaTeX of the quantity the exercise asks for."""
    if exercise.kind == "output_delta":
        return f"\\delta^{{(2)}}_{{{exercise.unit + 1}}}"
    if exercise.kind == "hidden_delta":
        return f"\\delta^{{(1)}}_{{{exercise.unit + 1}}}"
    if exercise.kind == "weight_gradient":
        return f"\\partial L / \\partial {weight_symbol(exercise)}"
    return weight_symbol(exercise, new=True)


def question_markdown(exercise: Exercise) -> str:
    """The question as Markdown with $...$ LaTeX."""
    t = exercise.trace
    hidden, output = t.layers
    n_out = exercise.n_outputs
    shape = f"2-2-{n_out}"
    f_name = "\\sigma" if exercise.activation == "sigmoid" else "\\tanh"
    lines = [
        f"A {shape} network uses ${f_name}$ in both layers and the loss"
        " $L = \\tfrac{1}{2}\\sum_k (\\hat y_k - y_k)^2$. It gets one training example:",
        "",
        f"$$x = {_vector(t.X[0])},\\quad y = {_vector(t.Y[0])},\\quad"
        f" W^{{(1)}} = {_matrix(hidden.W)},\\quad b^{{(1)}} = {_vector(hidden.b)},$$",
        "",
        f"$$W^{{(2)}} = {_matrix(output.W)},\\quad b^{{(2)}} = {_vector(output.b)},\\quad"
        f" \\eta = {_n(t.learning_rate)}.$$",
        "",
        "Here $w^{(l)}_{jk}$ is row $j$, column $k$ of $W^{(l)}$: the weight from unit $k$ of"
        " the layer below to unit $j$ of layer $l$, and $\\delta = \\partial L/\\partial z$.",
        "",
    ]
    if exercise.kind == "output_delta":
        ask = f"the delta of output neuron {exercise.unit + 1}, ${target_symbol(exercise)}$"
    elif exercise.kind == "hidden_delta":
        ask = f"the delta of hidden neuron {exercise.unit + 1}, ${target_symbol(exercise)}$"
    elif exercise.kind == "weight_gradient":
        ask = f"the gradient ${target_symbol(exercise)}$"
    else:
        ask = (
            f"the new value of ${weight_symbol(exercise)}$ after one gradient-descent step"
            f" with learning rate $\\eta = {_n(t.learning_rate)}$"
        )
    lines.append(f"**Compute {ask}.** Give at least three significant figures.")
    return "\n".join(lines)


def _fprime_equation(exercise: Exercise, layer: int, unit: int) -> str:
    record = exercise.trace.layers[layer]
    a = record.a[0, unit]
    _, pattern = ACTIVATION_DERIVATIVES[exercise.activation]
    numbers = pattern.format(a=_n(a), a_s=_s(a))
    return f"f'(z^{{({layer + 1})}}_{{{unit + 1}}}) = {numbers} = {_n(record.fprime[0, unit])}"


def solution_steps(exercise: Exercise) -> list[tuple[str, str]]:
    """The worked solution: (sentence, LaTeX equation) pairs, forward pass first."""
    t = exercise.trace
    hidden, output = t.layers
    steps = []
    rule, _ = ACTIVATION_DERIVATIVES[exercise.activation]
    steps.append(("The derivative of the activation, written with its output:", rule))
    for j in range(2):
        z = hidden.z[0, j]
        terms = " + ".join(
            f"{_s(hidden.W[j, k])} \\cdot {_s(t.X[0, k])}" for k in range(t.X.shape[1])
        )
        steps.append(
            (
                f"Forward pass, hidden neuron {j + 1}:",
                f"z^{{(1)}}_{{{j + 1}}} = {terms} + {_s(hidden.b[j])} = {_n(z)},\\quad"
                f" h_{{{j + 1}}} = f({_n(z)}) = {_n(hidden.a[0, j])}",
            )
        )
    for k in range(exercise.n_outputs):
        z = output.z[0, k]
        terms = " + ".join(f"{_s(output.W[k, j])} \\cdot {_s(hidden.a[0, j])}" for j in range(2))
        steps.append(
            (
                f"Forward pass, output neuron {k + 1}:",
                f"z^{{(2)}}_{{{k + 1}}} = {terms} + {_s(output.b[k])} = {_n(z)},\\quad"
                f" \\hat y_{{{k + 1}}} = f({_n(z)}) = {_n(output.a[0, k])}",
            )
        )
    needed_outputs = (
        [exercise.unit]
        if exercise.kind in ("output_delta",) or exercise.layer == 1
        else list(range(exercise.n_outputs))
    )
    for k in needed_outputs:
        steps.append((f"Slope of output neuron {k + 1}:", _fprime_equation(exercise, 1, k)))
        steps.append(
            (
                f"Delta of output neuron {k + 1}: the error times the slope.",
                f"\\delta^{{(2)}}_{{{k + 1}}} = (\\hat y_{{{k + 1}}} - y_{{{k + 1}}})\\,"
                f"f'(z^{{(2)}}_{{{k + 1}}}) = ({_n(output.a[0, k])} - {_s(t.Y[0, k])})"
                f" \\cdot {_s(output.fprime[0, k])} = {_n(output.delta[0, k])}",
            )
        )
    if exercise.kind == "output_delta":
        return steps
    if exercise.kind == "hidden_delta" or exercise.layer == 0:
        j = exercise.unit
        sum_symbols = " + ".join(
            f"w^{{(2)}}_{{{k + 1}{j + 1}}}\\,\\delta^{{(2)}}_{{{k + 1}}}"
            for k in range(exercise.n_outputs)
        )
        sum_numbers = " + ".join(
            f"{_s(output.W[k, j])} \\cdot {_s(output.delta[0, k])}"
            for k in range(exercise.n_outputs)
        )
        steps.append((f"Slope of hidden neuron {j + 1}:", _fprime_equation(exercise, 0, j)))
        steps.append(
            (
                f"Delta of hidden neuron {j + 1}: the output deltas sent back through the"
                " weights, times the slope.",
                f"\\delta^{{(1)}}_{{{j + 1}}} = f'(z^{{(1)}}_{{{j + 1}}})\\,({sum_symbols})"
                f" = {_s(hidden.fprime[0, j])} \\cdot ({sum_numbers})"
                f" = {_n(hidden.delta[0, j])}",
            )
        )
    if exercise.kind == "hidden_delta":
        return steps
    record = t.layers[exercise.layer]
    j, k = exercise.unit, exercise.source
    sender = "x" if exercise.layer == 0 else "h"
    delta = f"\\delta^{{({exercise.layer + 1})}}_{{{j + 1}}}"
    steps.append(
        (
            "The gradient of a weight: the delta of the neuron it feeds times the value it"
            " multiplies.",
            f"\\frac{{\\partial L}}{{\\partial {weight_symbol(exercise)}}} = {delta}\\,"
            f"{sender}_{{{k + 1}}} = {_s(record.delta[0, j])} \\cdot {_s(record.a_in[0, k])}"
            f" = {_n(record.dW[j, k])}",
        )
    )
    if exercise.kind == "updated_weight":
        steps.append(
            (
                "The update: step against the gradient, scaled by the learning rate.",
                f"{weight_symbol(exercise, new=True)} = {_n(record.W[j, k])}"
                f" - {_n(t.learning_rate)} \\cdot {_s(record.dW[j, k])}"
                f" = {_n(record.W_new[j, k])}",
            )
        )
    return steps
