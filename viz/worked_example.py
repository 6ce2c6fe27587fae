"""One training step of a network with one hidden layer, written out as a textbook would.

Every number is read from a `StepTrace` (one sample); this module only names and formats them.
Naming follows the classic 2-2-2 example: inputs i1, i2; hidden h1, h2; outputs o1, o2;
weights w1, w2, ... numbered row by row through W[0] and then W[1], so w1 joins i1 to h1,
w2 joins i2 to h1, w5 joins h1 to o1, and so on. E is the loss.
"""

from dataclasses import dataclass

from engine.trace import StepTrace
from viz.format import format_number, format_signed


@dataclass(frozen=True)
class Section:
    """A titled part of the worked example: a sentence and display equations (LaTeX)."""

    title: str
    intro: str
    equations: tuple[str, ...]


def _n(value: float) -> str:
    return format_number(value)


def _s(value: float) -> str:
    return format_signed(value)


def weight_name(trace: StepTrace, layer: int, row: int, col: int) -> str:
    """w_k, numbering the weights row by row through W[0], then W[1], ... from 1."""
    offset = sum(record.W.size for record in trace.layers[:layer])
    return f"w_{{{offset + row * trace.layers[layer].W.shape[1] + col + 1}}}"


def unit_names(trace: StepTrace, layer: int) -> list[str]:
    """Names of the units of layer `layer` (0 = inputs, then hidden h, then outputs o)."""
    if layer == 0:
        return [f"i_{{{k + 1}}}" for k in range(trace.X.shape[1])]
    prefix = "o" if layer == len(trace.layers) else "h"
    return [f"{prefix}_{{{k + 1}}}" for k in range(trace.layers[layer - 1].W.shape[0])]


def _check(trace: StepTrace) -> None:
    if trace.n_samples != 1:
        raise ValueError("The worked example writes out one training example at a time.")
    if len(trace.layers) != 2:
        raise ValueError("The worked example needs a network with exactly one hidden layer.")
    if trace.loss_name != "squared_error":
        raise ValueError("The worked example uses the squared error E = ½ Σ (target − out)².")
    if any(layer.activation != "sigmoid" for layer in trace.layers):
        raise ValueError("The worked example uses sigmoid units in both layers.")


def forward_sections(trace: StepTrace) -> list[Section]:
    """net and out of every hidden and output neuron."""
    _check(trace)
    sections = []
    for layer_index, record in enumerate(trace.layers):
        inputs = unit_names(trace, layer_index)
        units = unit_names(trace, layer_index + 1)
        a_in = record.a_in[0]
        equations = []
        for row, unit in enumerate(units):
            symbols = " + ".join(
                f"{weight_name(trace, layer_index, row, col)}\\,\\mathrm{{out}}_{{{name}}}"
                if layer_index
                else f"{weight_name(trace, layer_index, row, col)}\\,{name}"
                for col, name in enumerate(inputs)
            )
            numbers = " + ".join(
                f"{_s(record.W[row, col])} \\cdot {_s(a_in[col])}" for col in range(len(inputs))
            )
            z, a = record.z[0, row], record.a[0, row]
            equations.append(
                f"\\mathrm{{net}}_{{{unit}}} = {symbols} + b_{{{unit}}}"
                f" = {numbers} + {_s(record.b[row])} = {_n(z)}"
            )
            equations.append(
                f"\\mathrm{{out}}_{{{unit}}} = \\sigma(\\mathrm{{net}}_{{{unit}}})"
                f" = \\frac{{1}}{{1 + e^{{-{_s(z)}}}}} = {_n(a)}"
            )
        title = "Forward pass: hidden layer" if layer_index == 0 else "Forward pass: output layer"
        intro = (
            "Each neuron adds up its weighted inputs and its bias (net), then squashes the sum"
            " with the sigmoid (out)."
        )
        sections.append(Section(title, intro, tuple(equations)))
    return sections


def loss_section(trace: StepTrace) -> Section:
    """Each output's error term and the total error."""
    _check(trace)
    outputs = unit_names(trace, 2)
    equations = []
    for k, unit in enumerate(outputs):
        target, out = trace.Y[0, k], trace.Y_hat[0, k]
        equations.append(
            f"E_{{{unit}}} = \\tfrac{{1}}{{2}}(\\mathrm{{target}}_{{{unit}}}"
            f" - \\mathrm{{out}}_{{{unit}}})^2 = \\tfrac{{1}}{{2}}({_n(target)} - {_s(out)})^2"
            f" = {_n(trace.loss_terms[0, k])}"
        )
    total = " + ".join(f"E_{{{unit}}}" for unit in outputs)
    terms = " + ".join(_s(trace.loss_terms[0, k]) for k in range(len(outputs)))
    equations.append(f"E_{{\\mathrm{{total}}}} = {total} = {terms} = {_n(trace.loss)}")
    return Section(
        "The error", "The squared error of each output, then their sum.", tuple(equations)
    )


def output_layer_section(trace: StepTrace) -> Section:
    """Chain-rule factors, deltas and gradients of the weights into the output layer."""
    _check(trace)
    record = trace.layers[1]
    hidden, outputs = unit_names(trace, 1), unit_names(trace, 2)
    equations = []
    for k, unit in enumerate(outputs):
        out, target = trace.Y_hat[0, k], trace.Y[0, k]
        equations.append(
            f"\\frac{{\\partial E}}{{\\partial \\mathrm{{out}}_{{{unit}}}}}"
            f" = \\mathrm{{out}}_{{{unit}}} - \\mathrm{{target}}_{{{unit}}}"
            f" = {_n(out)} - {_s(target)} = {_n(record.grad_a[0, k])}"
        )
        equations.append(
            f"\\frac{{\\partial \\mathrm{{out}}_{{{unit}}}}}"
            f"{{\\partial \\mathrm{{net}}_{{{unit}}}}}"
            f" = \\mathrm{{out}}_{{{unit}}}(1 - \\mathrm{{out}}_{{{unit}}})"
            f" = {_n(out)}\\,(1 - {_s(out)}) = {_n(record.fprime[0, k])}"
        )
        equations.append(
            f"\\delta_{{{unit}}} = \\frac{{\\partial E}}{{\\partial \\mathrm{{out}}_{{{unit}}}}}"
            f"\\cdot\\frac{{\\partial \\mathrm{{out}}_{{{unit}}}}}"
            f"{{\\partial \\mathrm{{net}}_{{{unit}}}}}"
            f" = {_s(record.grad_a[0, k])} \\cdot {_s(record.fprime[0, k])}"
            f" = {_n(record.delta[0, k])}"
        )
        for j, source in enumerate(hidden):
            w = weight_name(trace, 1, k, j)
            equations.append(
                f"\\frac{{\\partial E}}{{\\partial {w}}} = \\delta_{{{unit}}}"
                f"\\cdot \\frac{{\\partial \\mathrm{{net}}_{{{unit}}}}}{{\\partial {w}}}"
                f" = \\delta_{{{unit}}}\\,\\mathrm{{out}}_{{{source}}}"
                f" = {_s(record.delta[0, k])} \\cdot {_s(record.a_in[0, j])}"
                f" = {_n(record.dW[k, j])}"
            )
        equations.append(
            f"\\frac{{\\partial E}}{{\\partial b_{{{unit}}}}} = \\delta_{{{unit}}}"
            f" = {_n(record.db[k])}"
        )
    intro = (
        "For a weight into an output neuron the chain rule has three factors: how E changes with"
        " the output, how the output changes with its net input, and how the net input changes"
        " with the weight. The first two together are the neuron's delta."
    )
    return Section("Backward pass: output layer", intro, tuple(equations))


def hidden_layer_section(trace: StepTrace) -> Section:
    """dE/dout of each hidden neuron (summed over the outputs), its delta and its gradients."""
    _check(trace)
    record, above = trace.layers[0], trace.layers[1]
    inputs, hidden, outputs = unit_names(trace, 0), unit_names(trace, 1), unit_names(trace, 2)
    equations = []
    for j, unit in enumerate(hidden):
        symbols = " + ".join(
            f"\\delta_{{{o}}}\\,{weight_name(trace, 1, k, j)}" for k, o in enumerate(outputs)
        )
        numbers = " + ".join(
            f"{_s(above.delta[0, k])} \\cdot {_s(above.W[k, j])}" for k in range(len(outputs))
        )
        h = record.a[0, j]
        equations.append(
            f"\\frac{{\\partial E}}{{\\partial \\mathrm{{out}}_{{{unit}}}}} = {symbols}"
            f" = {numbers} = {_n(record.grad_a[0, j])}"
        )
        equations.append(
            f"\\frac{{\\partial \\mathrm{{out}}_{{{unit}}}}}"
            f"{{\\partial \\mathrm{{net}}_{{{unit}}}}}"
            f" = {_n(h)}\\,(1 - {_s(h)}) = {_n(record.fprime[0, j])}"
        )
        equations.append(
            f"\\delta_{{{unit}}} = {_s(record.grad_a[0, j])} \\cdot {_s(record.fprime[0, j])}"
            f" = {_n(record.delta[0, j])}"
        )
        for i, source in enumerate(inputs):
            w = weight_name(trace, 0, j, i)
            equations.append(
                f"\\frac{{\\partial E}}{{\\partial {w}}} = \\delta_{{{unit}}}\\,{source}"
                f" = {_s(record.delta[0, j])} \\cdot {_s(record.a_in[0, i])}"
                f" = {_n(record.dW[j, i])}"
            )
        equations.append(
            f"\\frac{{\\partial E}}{{\\partial b_{{{unit}}}}} = \\delta_{{{unit}}}"
            f" = {_n(record.db[j])}"
        )
    intro = (
        "A hidden neuron affects E through every output, so its dE/dout adds up one term per"
        " output: that output's delta times the weight joining them (computed before the update)."
    )
    return Section("Backward pass: hidden layer", intro, tuple(equations))


def update_section(trace: StepTrace) -> Section:
    """Every weight and bias after one gradient-descent step."""
    _check(trace)
    eta = _n(trace.learning_rate)
    equations = []
    for layer_index, record in enumerate(trace.layers):
        units = unit_names(trace, layer_index + 1)
        for row in range(record.W.shape[0]):
            for col in range(record.W.shape[1]):
                w = weight_name(trace, layer_index, row, col)
                equations.append(
                    f"{w}^{{+}} = {w} - \\eta\\,\\frac{{\\partial E}}{{\\partial {w}}}"
                    f" = {_n(record.W[row, col])} - {eta} \\cdot {_s(record.dW[row, col])}"
                    f" = {_n(record.W_new[row, col])}"
                )
        for row, unit in enumerate(units):
            equations.append(
                f"b_{{{unit}}}^{{+}} = {_n(record.b[row])} - {eta} \\cdot {_s(record.db[row])}"
                f" = {_n(record.b_new[row])}"
            )
    intro = (
        f"Gradient descent moves every parameter against its gradient, scaled by the learning"
        f" rate η = {eta}. All gradients were computed with the old weights; only now are the"
        " weights replaced."
    )
    return Section("The update", intro, tuple(equations))


def worked_example(trace: StepTrace) -> list[Section]:
    """The whole step, section by section (ValueError if the trace is not of this kind)."""
    return [
        *forward_sections(trace),
        loss_section(trace),
        output_layer_section(trace),
        hidden_layer_section(trace),
        update_section(trace),
    ]
