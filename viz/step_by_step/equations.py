"""Equations of each phase: the general form and the same equation with the trace's numbers.

Every function returns a list of `Equation(caption, latex)`; every number comes from the
StepTrace (formatted with viz.format), so what the page shows is what the engine computed.
Indices: node layer l (0 = input), unit j of layer l, unit k of layer l - 1, sample n.
Superscripts in parentheses are layers: w^{(l)}_{jk} is W[l - 1][j, k] in the engine.
Matrices: one example is a column vector (z = W a + b); a batch has one row per example
(Z = A W^T + b), the orientation of the engine's arrays, the tables and the exports.
An updated value carries "new" in its subscript (lessons.notation.new_value): w_{jk, new}.
"""

import re
from dataclasses import dataclass

import numpy as np

from engine.activations import get_activation
from engine.losses import get_loss
from engine.trace import StepTrace
from lessons.notation import BIAS_UPDATE_RULE, UPDATE_RULE, new_value
from lessons.step_by_step.inspector import WeightChain
from lessons.step_by_step.phases import BACKWARD, FORWARD, LOSS, UPDATE, Phase
from viz.format import format_number
from viz.labels import activation_label

MAX_TERMS = 8  # terms of a sum written out in full; longer sums are elided in the middle


@dataclass(frozen=True)
class Equation:
    """One displayed equation: a caption in plain text and its LaTeX."""

    caption: str
    latex: str


def latex_number(value: float, digits: int = 4) -> str:
    """format_number as LaTeX: 1.2e-05 becomes 1.2 \\times 10^{-5}; words stay words."""
    text = format_number(value, digits)
    if text[0].isalpha() or text.startswith("minus"):
        return rf"\text{{{text}}}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


def latex_signed(value: float, digits: int = 4) -> str:
    """latex_number with parentheses around negatives, for substituting into sums."""
    text = latex_number(value, digits)
    return f"({text})" if float(value) < 0 else text


def _elide(terms: list[str]) -> tuple[list[str], int]:
    """At most MAX_TERMS terms: the first ones, a cdots, the last two; and how many were cut."""
    if len(terms) <= MAX_TERMS:
        return terms, 0
    kept = terms[: MAX_TERMS - 3] + [r"\cdots"] + terms[-2:]
    return kept, len(terms) - (MAX_TERMS - 1)


def _visible_length(latex: str) -> int:
    """Rough printed width of a LaTeX snippet in characters (a command counts as one)."""
    return len(re.sub(r"[{}^_]", "", re.sub(r"\\[a-zA-Z]+", "#", latex)))


def _sum_lines(terms: list[str], per_line: int = 3, max_chars: int = 34) -> str:
    """terms joined by +, broken into aligned lines of at most `per_line` terms and about
    `max_chars` printed characters, so that long sums fit a narrow column."""
    lines: list[list[str]] = [[]]
    for term in terms:
        current = lines[-1]
        width = sum(_visible_length(t) + 3 for t in current) + _visible_length(term)
        if current and (len(current) >= per_line or width > max_chars):
            lines.append([term])
        else:
            current.append(term)
    return r" \\ &\quad + ".join(" + ".join(line) for line in lines)


def _aligned(first: str, *rest: str) -> str:
    """An aligned block: `first` then one '&= ...' line per entry of `rest`; a long block is
    set a size smaller so that it fits a narrow column."""
    block = r"\begin{aligned} " + first + "".join(rf" \\ &= {line}" for line in rest)
    block += r" \end{aligned}"
    return (r"\small " + block) if block.count(r"\times") > 2 else block


def _stacked(*parts: str) -> str:
    """Several short equations one under the other (fits a narrow column)."""
    return r"\begin{gathered} " + r" \\ ".join(parts) + r" \end{gathered}"


def _input_base(layer: int) -> str:
    """Symbol of the inputs of node layer `layer`: x for the first layer, else a^{(l-1)}."""
    return "x" if layer == 1 else f"a^{{({layer - 1})}}"


def _input_symbol(layer: int, k: int) -> str:
    return f"{_input_base(layer)}_{{{k + 1}}}"


def _activation_applied(name: str, argument: str) -> str:
    return {
        "sigmoid": rf"\sigma({argument})",
        "tanh": rf"\tanh({argument})",
        "relu": rf"\mathrm{{ReLU}}({argument})",
        "leaky_relu": rf"\mathrm{{LeakyReLU}}({argument})",
        "linear": argument,
        "softmax": rf"\mathrm{{softmax}}({argument})",
    }[name]


def _sample_note(trace: StepTrace, sample: int) -> str:
    return f" (sample {sample + 1} of {trace.n_samples})" if trace.n_samples > 1 else ""


def forward_equations(trace: StepTrace, layer: int, unit: int, sample: int = 0) -> list[Equation]:
    """z and a of unit `unit` in node layer `layer` (1..L) for sample `sample`."""
    record = trace.layers[layer - 1]
    activation = get_activation(record.activation)
    j = unit + 1
    general = Equation(
        "General form: weighted sum of the inputs plus the bias, then the activation f.",
        _stacked(
            rf"z^{{({layer})}}_{{j}} = \sum_k w^{{({layer})}}_{{jk}}\,{_input_base(layer)}"
            rf"_{{k}} + b^{{({layer})}}_{{j}}",
            rf"a^{{({layer})}}_{{j}} = f(z^{{({layer})}}_{{j}})",
        ),
    )
    matrix = Equation(
        "Matrix form for the whole layer, one example as a column vector.",
        _stacked(
            rf"z^{{({layer})}} = W^{{({layer})}} {_input_base(layer)} + b^{{({layer})}}",
            rf"a^{{({layer})}} = f(z^{{({layer})}})",
        ),
    )
    batch = Equation(
        "The same for a batch, one row per example (the form of the tables, the matrix view"
        " and the exports): b is added to every row"
        + (", and A^(0) holds the inputs x." if layer == 1 else "."),
        _stacked(
            rf"Z^{{({layer})}} = A^{{({layer - 1})}}\,\bigl(W^{{({layer})}}\bigr)^{{\!\top}}"
            rf" + b^{{({layer})}}",
            rf"A^{{({layer})}} = f(Z^{{({layer})}})",
        ),
    )
    weights = record.W[unit]
    inputs = record.a_in[sample]
    symbols = [
        f"w^{{({layer})}}_{{{j}{k + 1}}}\\,{_input_symbol(layer, k)}" for k in range(len(inputs))
    ]
    numbers = [
        f"{latex_signed(w)} \\times {latex_signed(x)}" for w, x in zip(weights, inputs, strict=True)
    ]
    numbers, cut = _elide(numbers)
    symbols, _ = _elide(symbols)
    z = record.z[sample, unit]
    a = record.a[sample, unit]
    note = f" ({cut} of the {len(inputs)} products are not written out)" if cut else ""
    substituted = Equation(
        f"With the numbers, unit {j}{_sample_note(trace, sample)}{note}.",
        _aligned(
            rf"z^{{({layer})}}_{{{j}}} &= "
            + _sum_lines([*symbols, rf"b^{{({layer})}}_{{{j}}}"], max_chars=40),
            _sum_lines([*numbers, latex_signed(record.b[unit])]),
            latex_number(z),
        ),
    )
    if record.activation == "softmax":
        denominator = " + ".join(f"e^{{{latex_signed(v)}}}" for v in record.z[sample][:MAX_TERMS])
        if record.z.shape[1] > MAX_TERMS:
            denominator += r" + \cdots"
        activation_line = Equation(
            f"Activation: {activation.label}.",
            rf"a^{{({layer})}}_{{{j}}} = \frac{{e^{{{latex_signed(z)}}}}}{{{denominator}}}"
            rf" = {latex_number(a)}",
        )
    else:
        activation_line = Equation(
            f"Activation: {activation.label}, {_plain(activation.latex)}.",
            rf"a^{{({layer})}}_{{{j}}} = {_activation_applied(record.activation, latex_number(z))}"
            rf" = {latex_number(a)}",
        )
    return [general, matrix, batch, substituted, activation_line]


def _plain(latex: str) -> str:
    return f"${latex}$"


def _loss_term(loss: str, y_hat: float, y: float, n_outputs: int) -> str:
    if loss == "squared_error":
        return rf"\tfrac{{1}}{{2}}({latex_number(y_hat)} - {latex_signed(y)})^2"
    if loss == "mse":
        return rf"\tfrac{{1}}{{{n_outputs}}}({latex_number(y_hat)} - {latex_signed(y)})^2"
    if loss == "binary_cross_entropy":
        return (
            rf"-\bigl[{latex_signed(y)}\log {latex_number(y_hat)} + (1 - {latex_signed(y)})"
            rf"\log(1 - {latex_number(y_hat)})\bigr]"
        )
    return rf"-{latex_signed(y)}\log {latex_number(y_hat)}"


def loss_equations(trace: StepTrace, sample: int = 0) -> list[Equation]:
    """The loss formula and its value for sample `sample` and for the whole batch."""
    loss = get_loss(trace.loss_name)
    N = trace.n_samples
    y_hat, y = trace.Y_hat[sample], trace.Y[sample]
    terms = [_loss_term(trace.loss_name, yh, yt, len(y)) for yh, yt in zip(y_hat, y, strict=True)]
    terms, cut = _elide(terms)
    sample_loss = float(np.sum(trace.loss_terms[sample]) * N)
    equations = [
        Equation(f"General form: {loss.label}.", loss.latex),
        Equation(
            f"With the numbers{_sample_note(trace, sample)}"
            + (f" ({cut} output terms not written out)" if cut else "")
            + ".",
            _aligned(rf"L_{{{sample + 1}}} &= " + _sum_lines(terms), latex_number(sample_loss)),
        ),
    ]
    if N > 1:
        per_sample = [float(np.sum(trace.loss_terms[n]) * N) for n in range(N)]
        shown, _ = _elide([latex_number(v) for v in per_sample])
        equations.append(
            Equation(
                f"Batch mode: the loss is the mean over the {N} samples.",
                _aligned(
                    rf"L &= \tfrac{{1}}{{{N}}}\,\bigl(" + _sum_lines(shown, 4) + r"\bigr)",
                    latex_number(trace.loss),
                ),
            )
        )
    else:
        equations.append(Equation("The loss of this example.", f"L = {latex_number(trace.loss)}"))
    return equations


def _dloss_latex(loss: str) -> str:
    return get_loss(loss).grad_latex


def backward_equations(
    trace: StepTrace, layer: int, unit: int, sample: int = 0, source: int = 0
) -> list[Equation]:
    """delta of unit `unit` in node layer `layer` and dL/dw of its weight from unit `source`."""
    L = len(trace.layers)
    record = trace.layers[layer - 1]
    j = unit + 1
    delta = record.delta[sample, unit]
    fprime = record.fprime[sample, unit]
    equations: list[Equation] = []
    if layer == L:
        loss = get_loss(trace.loss_name)
        if record.activation == "softmax":
            equations += _softmax_delta_equations(trace, sample, unit)
        elif loss.required_output is not None:
            equations.append(
                Equation(
                    f"Output layer, {activation_label(loss.required_output).lower()} with"
                    f" {loss.label.lower()}: the product"
                    r" dL/da * f'(z) simplifies to (y_hat - y)/N. The engine uses this form; it"
                    " stays exact even when an output saturates at 0 or 1.",
                    rf"\delta^{{({L})}}_j = \frac{{\partial L}}{{\partial a_j}}\,f'(z_j)"
                    rf" = \frac{{\hat y_j - y_j}}{{N}}",
                )
            )
            equations.append(_shortcut_numbers(trace, sample, unit))
        else:
            grad = record.grad_a[sample, unit]
            equations += [
                Equation(
                    "Output layer: how the loss changes with the output, times the slope of the"
                    " activation.",
                    _stacked(
                        rf"\delta^{{({L})}}_j = \frac{{\partial L}}{{\partial a_j}}\,f'(z_j)",
                        _dloss_latex(trace.loss_name),
                    ),
                ),
                Equation(
                    f"With the numbers, unit {j}{_sample_note(trace, sample)}.",
                    rf"\delta^{{({L})}}_{{{j}}} = {latex_signed(grad)}"
                    rf" \times {latex_signed(fprime)} = {latex_number(delta)}",
                ),
            ]
    else:
        above = trace.layers[layer]  # W^{(layer+1)} and delta^{(layer+1)}
        terms = [
            f"{latex_signed(w)} \\times {latex_signed(d)}"
            for w, d in zip(above.W[:, unit], above.delta[sample], strict=True)
        ]
        terms, cut = _elide(terms)
        equations += [
            Equation(
                "Hidden layer: the deltas of the layer above, sent back through the weights,"
                " times the slope of this unit's activation.",
                rf"\delta^{{({layer})}}_j = \Bigl(\sum_k w^{{({layer + 1})}}_{{kj}}\,"
                rf"\delta^{{({layer + 1})}}_k\Bigr) f'(z^{{({layer})}}_j)",
            ),
            Equation(
                "Matrix form for one example as a column vector (⊙ is the elementwise"
                " product); in a batch each example's deltas are one row of the delta table.",
                rf"\delta^{{({layer})}} = \bigl(W^{{({layer + 1})}}\bigr)^{{\!\top}}"
                rf" \delta^{{({layer + 1})}} \odot f'\bigl(z^{{({layer})}}\bigr)",
            ),
            Equation(
                f"With the numbers, unit {j}{_sample_note(trace, sample)}"
                + (f" ({cut} products not written out)" if cut else "")
                + ".",
                _aligned(
                    rf"\delta^{{({layer})}}_{{{j}}} &= \bigl(" + _sum_lines(terms) + r"\bigr)"
                    rf" \times {latex_signed(fprime)}",
                    rf"{latex_signed(record.grad_a[sample, unit])} \times {latex_signed(fprime)}",
                    latex_number(delta),
                ),
            ),
        ]
    equations += gradient_equations(trace, layer, unit, source)
    return equations


def _shortcut_numbers(trace: StepTrace, sample: int, unit: int) -> Equation:
    """delta_j = (y_hat_j - y_j)/N with the numbers of unit `unit` of the output layer."""
    L = len(trace.layers)
    record = trace.layers[-1]
    return Equation(
        f"With the numbers, unit {unit + 1}{_sample_note(trace, sample)}.",
        rf"\delta^{{({L})}}_{{{unit + 1}}} = \frac{{{latex_number(record.a[sample, unit])}"
        rf" - {latex_signed(trace.Y[sample, unit])}}}{{{trace.n_samples}}}"
        rf" = {latex_number(record.delta[sample, unit])}",
    )


def _softmax_delta_equations(trace: StepTrace, sample: int, unit: int) -> list[Equation]:
    """Softmax + cross-entropy: delta_j through the whole Jacobian of softmax.

    Every output a_k depends on every z_j, so delta_j = sum_k dL/da_k da_k/dz_j; there is no
    element-wise dL/da_j * f'(z_j). With the targets summing to 1 the sum is (y_hat_j - y_j)/N.
    """
    L = len(trace.layers)
    record = trace.layers[-1]
    a, grad_a = record.a[sample], record.grad_a[sample]
    equations = [
        Equation(
            "Output layer, softmax with cross-entropy: every output a_k depends on every z_j,"
            " so delta_j sums the chain rule over all outputs k (softmax's Jacobian is not"
            " diagonal: there is no single dL/da_j times f'(z_j)). Here [k = j] is 1 when"
            " k = j and 0 otherwise; with targets that sum to 1 the sum is (y_hat_j - y_j)/N,"
            " the form the engine uses.",
            _stacked(
                rf"\delta^{{({L})}}_j = \sum_k \frac{{\partial L}}{{\partial a_k}}\,"
                r"\frac{\partial a_k}{\partial z_j}, \qquad"
                r" \frac{\partial a_k}{\partial z_j} = a_k\,\bigl([k = j] - a_j\bigr)",
                rf"\delta^{{({L})}}_j = -\frac{{1}}{{N}}\sum_k \frac{{y_k}}{{a_k}}\,"
                r"a_k\bigl([k = j] - a_j\bigr) = \frac{a_j \sum_k y_k - y_j}{N}"
                r" = \frac{\hat y_j - y_j}{N}",
            ),
        )
    ]
    terms = grad_a * a * ((np.arange(len(a)) == unit) - a[unit])  # dL/da_k da_k/dz_j
    if np.all(np.isfinite(terms)):
        shown, cut = _elide([latex_signed(term) for term in terms])
        equations.append(
            Equation(
                f"The sum over the {len(a)} outputs k, unit j = {unit + 1}"
                f"{_sample_note(trace, sample)}"
                + (f" ({cut} terms not written out)" if cut else "")
                + ".",
                _aligned(
                    rf"\delta^{{({L})}}_{{{unit + 1}}} &= " + _sum_lines(shown),
                    latex_number(float(np.sum(terms))),
                ),
            )
        )
    equations.append(_shortcut_numbers(trace, sample, unit))
    return equations


def gradient_equations(trace: StepTrace, layer: int, unit: int, source: int) -> list[Equation]:
    """dL/dw^{(layer)}_{unit, source} and dL/db^{(layer)}_{unit}, summed over the batch."""
    record = trace.layers[layer - 1]
    j, k = unit + 1, source + 1
    N = trace.n_samples
    input_symbol = _input_symbol(layer, source)
    if N == 1:
        gradient_numbers = (
            f"{latex_signed(record.delta[0, unit])} \\times {latex_signed(record.a_in[0, source])}"
        )
        general = _stacked(
            rf"\frac{{\partial L}}{{\partial w^{{({layer})}}_{{jk}}}} = \delta^{{({layer})}}_j\,"
            rf"{_input_base(layer)}_k",
            rf"\frac{{\partial L}}{{\partial b^{{({layer})}}_j}} = \delta^{{({layer})}}_j",
        )
        caption = "Gradient of a weight: the delta of its target unit times its input."
    else:
        terms = [
            f"{latex_signed(d)} \\times {latex_signed(x)}"
            for d, x in zip(record.delta[:, unit], record.a_in[:, source], strict=True)
        ]
        terms, _ = _elide(terms)
        gradient_numbers = _sum_lines(terms)
        general = _stacked(
            rf"\frac{{\partial L}}{{\partial w^{{({layer})}}_{{jk}}}} = \sum_n \delta^{{({layer})}}"
            rf"_{{nj}}\,{_input_base(layer)}_{{nk}}",
            rf"\frac{{\partial L}}{{\partial b^{{({layer})}}_j}}"
            rf" = \sum_n \delta^{{({layer})}}_{{nj}}",
        )
        caption = (
            f"Batch mode: each sample's product is summed over the {N} samples (each delta"
            " already carries the 1/N of the mean loss)."
        )
    return [
        Equation(caption, general),
        Equation(
            f"With the numbers, the weight from input {k} to unit {j} (its input is"
            f" ${input_symbol}$).",
            _aligned(
                rf"\frac{{\partial L}}{{\partial w^{{({layer})}}_{{{j}{k}}}}} &= "
                + gradient_numbers,
                latex_number(record.dW[unit, source]),
            ),
        ),
    ]


def update_equations(trace: StepTrace, layer: int, unit: int, source: int) -> list[Equation]:
    """w_new = w - eta dL/dw for W^{(layer)}[unit, source] and b_new for b^{(layer)}[unit]."""
    record = trace.layers[layer - 1]
    j, k = unit + 1, source + 1
    eta = latex_number(trace.learning_rate)
    return [
        Equation(
            "Gradient descent: every weight and bias moves against its gradient, scaled by the"
            " learning rate eta.",
            _stacked(UPDATE_RULE, BIAS_UPDATE_RULE),
        ),
        Equation(
            f"With the numbers, the weight from unit {k} of layer {layer - 1} to unit {j} of"
            f" layer {layer}.",
            rf"{new_value(f'w^{{({layer})}}_{{{j}{k}}}')} = {latex_number(record.W[unit, source])}"
            rf" - {eta}"
            rf" \times {latex_signed(record.dW[unit, source])}"
            rf" = {latex_number(record.W_new[unit, source])}",
        ),
        Equation(
            f"And the bias of unit {j} of layer {layer}.",
            rf"{new_value(f'b^{{({layer})}}_{{{j}}}')} = {latex_number(record.b[unit])} - {eta}"
            rf" \times {latex_signed(record.db[unit])} = {latex_number(record.b_new[unit])}",
        ),
    ]


def phase_equations(
    trace: StepTrace,
    phase: Phase,
    unit: int = 0,
    sample: int = 0,
    source: int = 0,
    update_layer: int | None = None,
) -> list[Equation]:
    """The equations of `phase` for unit `unit` of its layer (and its input `source`).

    The update phase has no layer of its own: `update_layer` (node layer 1..L, default the
    output layer) says which weight matrix to show. Out-of-range indices are clamped.
    """
    sample = min(max(sample, 0), trace.n_samples - 1)
    if phase.kind == UPDATE:
        layer = update_layer or len(trace.layers)
    else:
        layer = phase.layer
    n_units, n_inputs = trace.layers[layer - 1].W.shape
    unit = min(max(unit, 0), n_units - 1)
    source = min(max(source, 0), n_inputs - 1)
    if phase.kind == FORWARD:
        return forward_equations(trace, phase.layer, unit, sample)
    if phase.kind == LOSS:
        return loss_equations(trace, sample)
    if phase.kind == BACKWARD:
        return backward_equations(trace, phase.layer, unit, sample, source)
    if phase.kind == UPDATE:
        return update_equations(trace, layer, unit, source)
    raise ValueError(f"Unknown phase kind {phase.kind!r}.")


def chain_rule_equations(chain: WeightChain) -> list[Equation]:
    """The whole chain rule of one weight with each factor's value, the product and the check.

    The last factor is the weight's input: x_k for the first layer, a^{(l-1)}_k after it. At a
    softmax + cross-entropy output delta_j is the sum over every output k (the full Jacobian),
    never an element-wise dL/da_j * f'(z_j).
    """
    layer, j, k = chain.layer + 1, chain.row + 1, chain.col + 1
    name = rf"w^{{({layer})}}_{{{j}{k}}}"
    input_symbol = _input_symbol(layer, chain.col)
    softmax = chain.shortcut is not None and chain.shortcut.startswith("softmax")
    N = len(chain.products)
    if softmax:
        general = (
            rf"\frac{{\partial L}}{{\partial {name}}} = \underbrace{{\sum_k"
            rf" \frac{{\partial L}}{{\partial a_k}}\,\frac{{\partial a_k}}{{\partial z_{{{j}}}}}}}"
            rf"_{{\delta_{{{j}}}}}\cdot \frac{{\partial z_{{{j}}}}}{{\partial {name}}}"
        )
    else:
        general = (
            rf"\frac{{\partial L}}{{\partial {name}}} = \frac{{\partial L}}{{\partial a_{{{j}}}}}"
            rf"\cdot \frac{{\partial a_{{{j}}}}}{{\partial z_{{{j}}}}}\cdot"
            rf"\frac{{\partial z_{{{j}}}}}{{\partial {name}}}"
        )
    equations = [
        Equation(
            "Chain rule: how the loss depends on this weight, one link at a time"
            + (
                " (softmax couples the outputs, so the first link sums over every output k)."
                if softmax
                else "."
            ),
            general,
        )
    ]
    rows = []
    for n in range(N):
        if chain.simplified:
            first = rf"\underbrace{{{latex_signed(chain.delta[n])}}}_{{(\hat y - y)/N}}"
        else:
            first = (
                rf"\underbrace{{{latex_signed(chain.dL_da[n])}}}_{{\partial L/\partial a}}"
                rf"\cdot\underbrace{{{latex_signed(chain.da_dz[n])}}}_{{f'(z)}}"
            )
        rows.append(
            first + rf"\cdot\underbrace{{{latex_signed(chain.dz_dw[n])}}}_{{{input_symbol}}}"
            rf" = {latex_number(chain.products[n])}"
        )
    shown, _ = _elide(rows)
    caption = "With the numbers"
    if softmax:
        caption += (
            " (at this softmax output delta_j = sum over k of dL/da_k * da_k/dz_j, which with"
            " the cross-entropy loss equals (y_hat_j - y_j)/N, the form the engine uses)"
        )
    elif chain.simplified:
        caption += (
            " (at this output the first two factors are combined: dL/da * f'(z) = (y_hat - y)/N,"
            " the form the engine uses)"
        )
    if N > 1:
        caption += f"; one line per sample, summed over the {N} samples"
    equations.append(
        Equation(
            caption + ".",
            r"\begin{aligned}" + r"\\ ".join(f"&{r}" for r in shown) + r"\end{aligned}",
        )
    )
    equations.append(
        Equation(
            "Backpropagation and the finite-difference check (L(w + h) - L(w - h)) / 2h, h = 1e-6.",
            _stacked(
                rf"\frac{{\partial L}}{{\partial {name}}} = {latex_number(chain.gradient, 6)}",
                rf"\text{{finite difference: }} {latex_number(chain.numerical, 6)}",
            ),
        )
    )
    equations.append(
        Equation(
            "The update of this weight.",
            rf"{new_value(name)} = {latex_number(chain.weight)}"
            rf" - {latex_number(chain.learning_rate)} \times {latex_signed(chain.gradient)}"
            rf" = {latex_number(chain.new_weight)}",
        )
    )
    return equations
