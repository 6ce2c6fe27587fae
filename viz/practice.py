"""Question and worked solution of a practice exercise, as Markdown and LaTeX.

Numbers come from the exercise's traces. Notation (lessons/notation.py): x_k inputs; layer 1 is
hidden (z^(1), a^(1) = f(z^(1))), layer 2 the output (z^(2), y_hat = a^(2) = f(z^(2)));
w^(l)_jk is the weight from unit k of layer l-1 into unit j of layer l, counted from 1;
delta = dL/dz; the loss is L = 1/N sum_n 1/2 sum_j (y_hat_j - y_j)^2.
"""

import re

import numpy as np

from engine.activations import get_activation
from lessons.notation import new_value, weight
from lessons.practice import Exercise
from viz.format import format_number, format_signed

_OUTPUT_SYMBOL = re.compile(r"(?<![A-Za-z\\])a(?![A-Za-z])")  # the letter a alone, as in a(1 - a)


def derivative_rule(activation: str) -> str:
    """f'(z) of `activation` as LaTeX, also written with its output a where the engine has
    that form: sigma'(z) = sigma(z)(1 - sigma(z)) = a(1 - a)."""
    function = get_activation(activation)
    if function.dlatex_in_a is None:
        return function.dlatex
    return f"{function.dlatex} = {function.dlatex_in_a}"


FUNCTION_LATEX = {
    "sigmoid": "\\sigma",
    "tanh": "\\tanh",
    "relu": "\\mathrm{ReLU}",
    "linear": "f",
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


def answer_text(exercise: Exercise) -> str:
    """The answer as the worked solution states it: SIGNIFICANT_FIGURES significant figures."""
    return format_number(exercise.answer, exercise.significant_figures)


def weight_symbol(exercise: Exercise, new: bool = False) -> str:
    """LaTeX name of the weight an exercise asks about, e.g. w^{(2)}_{12} (or its new value)."""
    symbol = weight(exercise.layer + 1, exercise.unit + 1, exercise.source + 1)
    return new_value(symbol) if new else symbol


def _unit_value(layer: int, unit: int) -> str:
    """a^{(1)}_j for a hidden unit, \\hat y_j for an output."""
    return f"a^{{(1)}}_{{{unit + 1}}}" if layer == 0 else f"\\hat y_{{{unit + 1}}}"


def target_symbol(exercise: Exercise) -> str:
    """LaTeX of the quantity the exercise asks for."""
    layer, j = exercise.layer + 1, exercise.unit + 1
    kind = exercise.kind
    if kind == "forward_z":
        return f"z^{{({layer})}}_{{{j}}}"
    if kind == "activation":
        return _unit_value(exercise.layer, exercise.unit)
    if kind == "loss":
        return "L"
    if kind == "derivative":
        return f"f'(z^{{(1)}}_{{{j}}})"
    if kind in ("output_delta", "hidden_delta"):
        return f"\\delta^{{({layer})}}_{{{j}}}"
    if kind in ("weight_gradient", "dead_relu"):
        return f"\\partial L / \\partial {weight_symbol(exercise)}"
    if kind == "bias_gradient":
        return f"\\partial L / \\partial b^{{(2)}}_{{{j}}}"
    if kind == "updated_weight":
        return weight_symbol(exercise, new=True)
    return "\\eta"


def _network_description(exercise: Exercise) -> list[str]:
    t = exercise.trace
    hidden, output = t.layers
    shape = f"2-2-{exercise.n_outputs}"
    f_hidden, f_out = FUNCTION_LATEX[hidden.activation], FUNCTION_LATEX[output.activation]
    if hidden.activation == output.activation:
        functions = f"${f_hidden}$ in both layers"
    else:
        out_name = "no activation (f(z) = z)" if output.activation == "linear" else f"${f_out}$"
        functions = f"${f_hidden}$ in the hidden layer and {out_name} at the output"
    if t.n_samples == 1:
        data = f"$$x = {_vector(t.X[0])},\\quad y = {_vector(t.Y[0])},$$"
        examples = "It gets one training example ($N = 1$):"
    else:
        data = (
            "$$"
            + ",\\quad ".join(
                f"x_{{n={n + 1}}} = {_vector(t.X[n])},\\ y_{{n={n + 1}}} = {_vector(t.Y[n])}"
                for n in range(t.n_samples)
            )
            + "$$"
        )
        examples = (
            f"It gets a batch of $N = {t.n_samples}$ examples, and the loss is their mean"
            " $L = \\tfrac{1}{N}\\sum_n L_n$:"
        )
    return [
        f"A {shape} network uses {functions} and the loss"
        " $L = \\tfrac{1}{2}\\sum_j (\\hat y_j - y_j)^2$ for one example. " + examples,
        "",
        data,
        "",
        f"$$W^{{(1)}} = {_matrix(hidden.W)},\\quad b^{{(1)}} = {_vector(hidden.b)},\\quad"
        f" W^{{(2)}} = {_matrix(output.W)},\\quad b^{{(2)}} = {_vector(output.b)},\\quad"
        f" \\eta = {_n(t.learning_rate)}.$$",
        "",
        "Row $j$, column $k$ of $W^{(l)}$ is $w^{(l)}_{jk}$, the weight from unit $k$ of the"
        " layer below into unit $j$ of layer $l$; $\\delta = \\partial L/\\partial z$.",
        "",
    ]


def precision_text(exercise: Exercise) -> str:
    """The precision the answer is asked for, as a sentence."""
    return (
        f"Give {exercise.significant_figures} significant figures (a fraction such as 1/8 is"
        " fine too)."
    )


def question_markdown(exercise: Exercise) -> str:
    """The question as Markdown with $...$ LaTeX."""
    if exercise.kind == "learning_rate":
        return _learning_rate_question(exercise)
    lines = _network_description(exercise)
    symbol = target_symbol(exercise)
    layer_name = "hidden" if exercise.layer == 0 else "output"
    asks = {
        "forward_z": f"the pre-activation ${symbol}$ of {layer_name} neuron {exercise.unit + 1}",
        "activation": f"the activation ${symbol}$ of {layer_name} neuron {exercise.unit + 1}",
        "loss": "the loss $L$ for this example, before any update",
        "derivative": f"the slope ${symbol}$ of hidden neuron {exercise.unit + 1}",
        "output_delta": f"the delta ${symbol}$ of output neuron {exercise.unit + 1}",
        "hidden_delta": f"the delta ${symbol}$ of hidden neuron {exercise.unit + 1}",
        "weight_gradient": f"the gradient ${symbol}$",
        "dead_relu": f"the gradient ${symbol}$ (look at each hidden neuron's $z$ first)",
        "bias_gradient": f"the gradient ${symbol}$ of the batch loss",
        "updated_weight": f"the new value ${symbol}$ after one gradient-descent step,"
        f" ${new_value('w')} = w - \\eta\\,\\partial L/\\partial w$",
    }
    lines.append(f"**Compute {asks[exercise.kind]}.** {precision_text(exercise)}")
    return "\n".join(lines)


def _learning_rate_question(exercise: Exercise) -> str:
    t = exercise.trace
    x, y, w = t.X[0, 0], t.Y[0, 0], t.layers[0].W[0, 0]
    rates = ", ".join(f"${_n(outcome.learning_rate)}$" for outcome in exercise.rate_outcomes)
    return "\n".join(
        [
            "One linear neuron with a single weight, $\\hat y = w\\,x$ (its bias is fixed at"
            " 0), has the loss $L(w) = \\tfrac{1}{2}(w\\,x - y)^2$ on one example:",
            "",
            f"$$x = {_n(x)},\\quad y = {_n(y)},\\quad w = {_n(w)}.$$",
            "",
            f"One gradient-descent step ${new_value('w')} = w - \\eta\\,\\partial L/\\partial w$"
            f" is taken with one of the learning rates {rates}.",
            "",
            "**Which learning rate makes the weight jump past the best weight $w^* = y/x$"
            " (overshoot) while the loss still goes down?** Type that learning rate.",
        ]
    )


def _fprime_equation(exercise: Exercise, layer: int, unit: int, sample: int = 0) -> str:
    record = exercise.trace.layers[layer]
    a, z = record.a[sample, unit], record.z[sample, unit]
    symbol = f"f'(z^{{({layer + 1})}}_{{{unit + 1}}})"
    in_a = get_activation(record.activation).dlatex_in_a
    if record.activation == "relu":
        side = ">" if z > 0 else "\\le"
        return f"{symbol} = \\mathrm{{ReLU}}'({_n(z)}) = {_n(record.fprime[sample, unit])}" + (
            f" \\quad (z {side} 0)"
        )
    if in_a is None:
        return f"{symbol} = {_n(record.fprime[sample, unit])}"
    numbers = _OUTPUT_SYMBOL.sub(lambda _: _s(a), in_a)
    return f"{symbol} = {numbers} = {_n(record.fprime[sample, unit])}"


def _forward_steps(exercise: Exercise, sample: int, outputs: bool = True) -> list[tuple[str, str]]:
    t = exercise.trace
    hidden, output = t.layers
    note = f" (example {sample + 1})" if t.n_samples > 1 else ""
    steps = []
    for j in range(hidden.W.shape[0]):
        terms = " + ".join(
            f"{_s(hidden.W[j, k])} \\cdot {_s(t.X[sample, k])}" for k in range(t.X.shape[1])
        )
        f_name = FUNCTION_LATEX[hidden.activation]
        steps.append(
            (
                f"Forward pass, hidden neuron {j + 1}{note}: weighted inputs plus bias, then f.",
                f"z^{{(1)}}_{{{j + 1}}} = {terms} + {_s(hidden.b[j])} = {_n(hidden.z[sample, j])},"
                f"\\quad a^{{(1)}}_{{{j + 1}}} = {f_name}({_n(hidden.z[sample, j])})"
                f" = {_n(hidden.a[sample, j])}",
            )
        )
    if not outputs:
        return steps
    for j in range(output.W.shape[0]):
        terms = " + ".join(
            f"{_s(output.W[j, k])} \\cdot {_s(hidden.a[sample, k])}"
            for k in range(hidden.W.shape[0])
        )
        f_name = FUNCTION_LATEX[output.activation]
        steps.append(
            (
                f"Forward pass, output neuron {j + 1}{note}:",
                f"z^{{(2)}}_{{{j + 1}}} = {terms} + {_s(output.b[j])} = {_n(output.z[sample, j])},"
                f"\\quad \\hat y_{{{j + 1}}} = {f_name}({_n(output.z[sample, j])})"
                f" = {_n(output.a[sample, j])}",
            )
        )
    return steps


def _output_delta_steps(exercise: Exercise, units: list[int], sample: int = 0):
    t = exercise.trace
    output = t.layers[1]
    N = t.n_samples
    symbol_scale = "\\tfrac{1}{N}\\," if N > 1 else ""
    scale = f"\\tfrac{{1}}{{{N}}}\\," if N > 1 else ""
    note = f" (example {sample + 1}; the 1/N of the mean loss is in every delta)" if N > 1 else ""
    steps = []
    for j in units:
        steps.append(
            (f"Slope of output neuron {j + 1}{note}:", _fprime_equation(exercise, 1, j, sample))
        )
        steps.append(
            (
                f"Delta of output neuron {j + 1}: the error times the slope{note}.",
                f"\\delta^{{(2)}}_{{{j + 1}}} = {symbol_scale}"
                f"(\\hat y_{{{j + 1}}} - y_{{{j + 1}}})\\,"
                f"f'(z^{{(2)}}_{{{j + 1}}}) = {scale}({_n(output.a[sample, j])}"
                f" - {_s(t.Y[sample, j])}) \\cdot {_s(output.fprime[sample, j])}"
                f" = {_n(output.delta[sample, j])}",
            )
        )
    return steps


def _hidden_delta_steps(exercise: Exercise, j: int) -> list[tuple[str, str]]:
    t = exercise.trace
    hidden, output = t.layers
    n_out = exercise.n_outputs
    sum_symbols = " + ".join(
        f"{weight(2, k + 1, j + 1)}\\,\\delta^{{(2)}}_{{{k + 1}}}" for k in range(n_out)
    )
    sum_numbers = " + ".join(
        f"{_s(output.W[k, j])} \\cdot {_s(output.delta[0, k])}" for k in range(n_out)
    )
    return [
        (f"Slope of hidden neuron {j + 1}:", _fprime_equation(exercise, 0, j)),
        (
            f"Delta of hidden neuron {j + 1}: the output deltas sent back through the weights"
            " (the weights before the update), times the slope.",
            f"\\begin{{aligned}} \\delta^{{(1)}}_{{{j + 1}}} &= f'(z^{{(1)}}_{{{j + 1}}})\\,"
            f"({sum_symbols}) \\\\ &= {_s(hidden.fprime[0, j])} \\cdot ({sum_numbers}) \\\\"
            f" &= {_n(hidden.delta[0, j])} \\end{{aligned}}",
        ),
    ]


def _gradient_step(exercise: Exercise) -> tuple[str, str]:
    record = exercise.trace.layers[exercise.layer]
    j, k = exercise.unit, exercise.source
    sender = f"x_{{{k + 1}}}" if exercise.layer == 0 else f"a^{{(1)}}_{{{k + 1}}}"
    delta = f"\\delta^{{({exercise.layer + 1})}}_{{{j + 1}}}"
    return (
        "The gradient of a weight: the delta of the unit it feeds (j) times the value it"
        " multiplies (from unit k).",
        f"\\frac{{\\partial L}}{{\\partial {weight_symbol(exercise)}}} = {delta}\\,{sender}"
        f" = {_s(record.delta[0, j])} \\cdot {_s(record.a_in[0, k])} = {_n(record.dW[j, k])}",
    )


def solution_steps(exercise: Exercise) -> list[tuple[str, str]]:
    """The worked solution: (sentence, LaTeX equation) pairs, ending with the answer."""
    kind = exercise.kind
    if kind == "learning_rate":
        return _learning_rate_steps(exercise)
    t = exercise.trace
    hidden, output = t.layers
    j = exercise.unit
    rule = derivative_rule(hidden.activation)
    steps: list[tuple[str, str]] = []
    if kind == "forward_z" or (kind == "activation" and exercise.layer == 0):
        steps += _forward_steps(exercise, 0, outputs=exercise.layer == 1)
    elif kind == "derivative":
        steps += _forward_steps(exercise, 0, outputs=False)
        steps.append(("The derivative of the activation:", rule))
        steps.append((f"Slope of hidden neuron {j + 1}:", _fprime_equation(exercise, 0, j)))
    elif kind == "bias_gradient":
        for n in range(t.n_samples):
            steps += _forward_steps(exercise, n)
            steps += _output_delta_steps(exercise, [j], n)
        terms = " + ".join(_s(output.delta[n, j]) for n in range(t.n_samples))
        steps.append(
            (
                "The gradient of a bias is the delta of its unit, added over the batch (each"
                " delta already carries the 1/N of the mean loss).",
                f"\\frac{{\\partial L}}{{\\partial b^{{(2)}}_{{{j + 1}}}}}"
                f" = \\sum_n \\delta^{{(2)}}_{{{j + 1}}} = {terms} = {_n(output.db[j])}",
            )
        )
    else:
        steps += _forward_steps(exercise, 0)
    if kind == "loss":
        terms = " + ".join(
            f"\\tfrac{{1}}{{2}}({_n(output.a[0, k])} - {_s(t.Y[0, k])})^2"
            for k in range(exercise.n_outputs)
        )
        steps.append(
            (
                "The loss: half the squared error of each output, added up.",
                f"L = \\tfrac{{1}}{{2}}\\sum_j (\\hat y_j - y_j)^2 = {terms} = {_n(t.loss)}",
            )
        )
    if kind in ("output_delta", "hidden_delta", "weight_gradient", "updated_weight", "dead_relu"):
        steps.append(("The derivative of the activation, written with its output:", rule))
        if exercise.layer == 1:
            steps += _output_delta_steps(exercise, [j])
        else:
            steps += _output_delta_steps(exercise, list(range(exercise.n_outputs)))
            if kind != "output_delta":
                steps += _hidden_delta_steps(exercise, j)
    if kind in ("weight_gradient", "updated_weight", "dead_relu"):
        steps.append(_gradient_step(exercise))
    if kind == "dead_relu":
        z = hidden.z[0, j]
        state = "off: its z is negative, so" if z < 0 else "on: its z is positive, so"
        steps.append(
            (
                f"Hidden neuron {j + 1} is {state} ReLU'(z) = {_n(hidden.fprime[0, j])}. A unit"
                " that stays off for every example never gets a gradient: a dead ReLU.",
                f"z^{{(1)}}_{{{j + 1}}} = {_n(z)}",
            )
        )
    if kind == "updated_weight":
        record = t.layers[exercise.layer]
        k = exercise.source
        steps.append(
            (
                "The update: step against the gradient, scaled by the learning rate.",
                f"{weight_symbol(exercise, new=True)} = {_n(record.W[j, k])}"
                f" - {_n(t.learning_rate)} \\cdot {_s(record.dW[j, k])}"
                f" = {_n(record.W_new[j, k])}",
            )
        )
    steps.append(
        (
            f"The answer, to {exercise.significant_figures} significant figures:",
            f"{target_symbol(exercise)} = {answer_text(exercise)}",
        )
    )
    return steps


def _learning_rate_steps(exercise: Exercise) -> list[tuple[str, str]]:
    t = exercise.trace
    record = t.layers[0]
    x, y, w = t.X[0, 0], t.Y[0, 0], record.W[0, 0]
    steps = [
        (
            "The gradient: the error times the input (the same for every rate).",
            f"\\frac{{\\partial L}}{{\\partial w}} = (w\\,x - y)\\,x = ({_n(w)} \\cdot {_s(x)}"
            f" - {_s(y)}) \\cdot {_s(x)} = {_n(record.dW[0, 0])}",
        ),
        (
            "The best weight, where the loss is 0:",
            f"w^* = y / x = {_n(y)} / {_s(x)} = {_n(exercise.best_weight)},\\quad"
            f" L = {_n(t.loss)}"
            " \\text{ before the step}",
        ),
    ]
    for outcome in exercise.rate_outcomes:
        if not outcome.overshoots:
            verdict = r"\text{stops short of } w^*"
        elif outcome.loss_falls:
            verdict = r"\text{jumps past } w^* \text{ and the loss falls}"
        else:
            verdict = r"\text{jumps past } w^* \text{ and the loss grows}"
        steps.append(
            (
                f"With η = {_n(outcome.learning_rate)}:",
                f"{new_value('w')} = {_n(w)} - {_n(outcome.learning_rate)} \\cdot"
                f" {_s(record.dW[0, 0])} = {_n(outcome.new_weight)},\\quad"
                f" L = {_n(outcome.loss_after)}\\quad {verdict}",
            )
        )
    steps.append(
        (
            "The answer: the rate that overshoots yet still lowers the loss.",
            f"\\eta = {answer_text(exercise)}",
        )
    )
    return steps
