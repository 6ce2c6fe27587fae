"""One training step of the textbook's 2-2-2 example, written out with the published names.

Every number is read from a `StepTrace` (one sample) or the lesson's `WorkedStep`; this module
only names and formats them. Names as published: inputs i1, i2; hidden h1, h2; outputs o1, o2;
weights w1..w8 numbered row by row through W[0] and then W[1] (w1 joins i1 to h1, w2 joins i2
to h1, w5 joins h1 to o1 ...); biases b1 (hidden layer) and b2 (output layer); net and out of
each unit; E_total the error. The mapping to the app's z, a, L is lessons.worked_example's
NAME_MAPPING.
"""

from dataclasses import dataclass

from engine.trace import StepTrace
from lessons.notation import new_value
from lessons.worked_example import WorkedStep
from viz.format import format_number, format_signed

E_TOTAL = "E_{\\mathrm{total}}"


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


def _d(quantity: str, by: str) -> str:
    return f"\\frac{{\\partial {quantity}}}{{\\partial {by}}}"


def weight_name(trace: StepTrace, layer: int, row: int, col: int) -> str:
    """w_k, numbering the weights row by row through W[0], then W[1], ... from 1."""
    offset = sum(record.W.size for record in trace.layers[:layer])
    return f"w_{{{offset + row * trace.layers[layer].W.shape[1] + col + 1}}}"


def bias_name(trace: StepTrace, layer: int, row: int) -> str:
    """b1 / b2 as published when the layer's units share one bias; b_{1,h_1} when they differ
    (after a step that trains the biases, each unit's copy moves by its own gradient)."""
    biases = trace.layers[layer].b
    if (biases == biases[0]).all():
        return f"b_{{{layer + 1}}}"
    return f"b_{{{layer + 1},{unit_names(trace, layer + 1)[row]}}}"


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
                f"\\mathrm{{net}}_{{{unit}}} = {symbols} + {bias_name(trace, layer_index, row)}"
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
    equations.append(f"{E_TOTAL} = {total} = {terms} = {format_number(trace.loss, 10)}")
    return Section(
        "The error", "The squared error of each output, then their sum.", tuple(equations)
    )


def output_layer_section(trace: StepTrace, train_biases: bool) -> Section:
    """Chain-rule factors, deltas and gradients of the weights into the output layer."""
    _check(trace)
    record = trace.layers[1]
    hidden, outputs = unit_names(trace, 1), unit_names(trace, 2)
    equations = []
    for k, unit in enumerate(outputs):
        out, target = trace.Y_hat[0, k], trace.Y[0, k]
        out_symbol, net_symbol = f"\\mathrm{{out}}_{{{unit}}}", f"\\mathrm{{net}}_{{{unit}}}"
        equations.append(
            f"{_d(E_TOTAL, out_symbol)} = {out_symbol} - \\mathrm{{target}}_{{{unit}}}"
            f" = {_n(out)} - {_s(target)} = {_n(record.grad_a[0, k])}"
        )
        equations.append(
            f"{_d(out_symbol, net_symbol)} = {out_symbol}(1 - {out_symbol})"
            f" = {_n(out)}\\,(1 - {_s(out)}) = {_n(record.fprime[0, k])}"
        )
        equations.append(
            f"\\delta_{{{unit}}} = {_d(E_TOTAL, out_symbol)}\\cdot{_d(out_symbol, net_symbol)}"
            f" = {_s(record.grad_a[0, k])} \\cdot {_s(record.fprime[0, k])}"
            f" = {_n(record.delta[0, k])}"
        )
        for j, source in enumerate(hidden):
            w = weight_name(trace, 1, k, j)
            equations.append(
                f"{_d(E_TOTAL, w)} = \\delta_{{{unit}}}\\cdot {_d(net_symbol, w)}"
                f" = \\delta_{{{unit}}}\\,\\mathrm{{out}}_{{{source}}}"
                f" = {_s(record.delta[0, k])} \\cdot {_s(record.a_in[0, j])}"
                f" = {_n(record.dW[k, j])}"
            )
        if train_biases:
            equations.append(
                f"{_d(E_TOTAL, f'b_{{2,{unit}}}')} = \\delta_{{{unit}}} = {_n(record.db[k])}"
            )
    intro = (
        "For a weight into an output neuron the chain rule has three factors: how E_total"
        " changes with the output, how the output changes with its net input, and how the net"
        " input changes with the weight. The first two together are the neuron's delta."
    )
    return Section("Backward pass: output layer", intro, tuple(equations))


def hidden_layer_section(trace: StepTrace, train_biases: bool) -> Section:
    """dE/dout of each hidden neuron (summed over the outputs), its delta and its gradients."""
    _check(trace)
    record, above = trace.layers[0], trace.layers[1]
    inputs, hidden, outputs = unit_names(trace, 0), unit_names(trace, 1), unit_names(trace, 2)
    equations = []
    for j, unit in enumerate(hidden):
        out_symbol = f"\\mathrm{{out}}_{{{unit}}}"
        symbols = " + ".join(
            f"\\delta_{{{o}}}\\,{weight_name(trace, 1, k, j)}" for k, o in enumerate(outputs)
        )
        numbers = " + ".join(
            f"{_s(above.delta[0, k])} \\cdot {_s(above.W[k, j])}" for k in range(len(outputs))
        )
        h = record.a[0, j]
        equations.append(
            f"{_d(E_TOTAL, out_symbol)} = {symbols} = {numbers} = {_n(record.grad_a[0, j])}"
        )
        net_symbol = f"\\mathrm{{net}}_{{{unit}}}"
        equations.append(
            f"{_d(out_symbol, net_symbol)} = {_n(h)}\\,(1 - {_s(h)}) = {_n(record.fprime[0, j])}"
        )
        equations.append(
            f"\\delta_{{{unit}}} = {_s(record.grad_a[0, j])} \\cdot {_s(record.fprime[0, j])}"
            f" = {_n(record.delta[0, j])}"
        )
        for i, source in enumerate(inputs):
            w = weight_name(trace, 0, j, i)
            equations.append(
                f"{_d(E_TOTAL, w)} = \\delta_{{{unit}}}\\,{source}"
                f" = {_s(record.delta[0, j])} \\cdot {_s(record.a_in[0, i])}"
                f" = {_n(record.dW[j, i])}"
            )
        if train_biases:
            equations.append(
                f"{_d(E_TOTAL, f'b_{{1,{unit}}}')} = \\delta_{{{unit}}} = {_n(record.db[j])}"
            )
    intro = (
        "A hidden neuron affects E_total through every output, so its ∂E_total/∂out adds up one"
        " term per output: that output's delta times the weight joining them, the weight"
        " before the update."
    )
    return Section("Backward pass: hidden layer", intro, tuple(equations))


def update_section(trace: StepTrace, train_biases: bool) -> Section:
    """Every weight (and, when trained, bias) after one gradient-descent step."""
    _check(trace)
    eta = _n(trace.learning_rate)
    equations = []
    for layer_index, record in enumerate(trace.layers):
        units = unit_names(trace, layer_index + 1)
        for row in range(record.W.shape[0]):
            for col in range(record.W.shape[1]):
                w = weight_name(trace, layer_index, row, col)
                equations.append(
                    f"{new_value(w)} = {w} - \\eta\\,{_d(E_TOTAL, w)}"
                    f" = {_n(record.W[row, col])} - {eta} \\cdot {_s(record.dW[row, col])}"
                    f" = {format_number(record.W_new[row, col], 9)}"
                )
        if train_biases:
            for row, unit in enumerate(units):
                b = f"b_{{{layer_index + 1},{unit}}}"
                equations.append(
                    f"{new_value(b)} = {_n(record.b[row])} - {eta} \\cdot {_s(record.db[row])}"
                    f" = {_n(record.b_new[row])}"
                )
    if train_biases:
        biases = (
            " The biases are trained too (the switch above): each unit's copy of b1 and b2 moves"
            " by its own gradient."
        )
    else:
        biases = " As in the published example, the biases b1 and b2 stay fixed."
    intro = (
        f"Gradient descent moves every weight against its gradient, scaled by the learning"
        f" rate η = {eta}: w_new = w − η ∂E_total/∂w. All gradients were computed with the old"
        " weights; only now are the weights replaced." + biases
    )
    return Section("The update", intro, tuple(equations))


def sequential_section(step: WorkedStep) -> Section:
    """The published code's order: hidden deltas sent back through the updated w5..w8."""
    trace = step.trace
    _check(trace)
    hidden, output = trace.layers
    inputs, hidden_units, outputs = (unit_names(trace, layer) for layer in range(3))
    eta = _n(trace.learning_rate)
    equations = []
    for j, unit in enumerate(hidden_units):
        symbols = " + ".join(
            f"\\delta_{{{o}}}\\,{new_value(weight_name(trace, 1, k, j))}"
            for k, o in enumerate(outputs)
        )
        numbers = " + ".join(
            f"{_s(output.delta[0, k])} \\cdot {_s(output.W_new[k, j])}" for k in range(len(outputs))
        )
        equations.append(
            f"\\delta_{{{unit}}} = ({symbols})\\cdot {_n(hidden.fprime[0, j])}"
            f" = ({numbers}) \\cdot {_n(hidden.fprime[0, j])}"
            f" = {_n(step.sequential.hidden_delta[j])}"
        )
        for i in range(len(inputs)):
            w = weight_name(trace, 0, j, i)
            equations.append(
                f"{new_value(w)} = {_n(hidden.W[j, i])} - {eta} \\cdot"
                f" {_s(step.sequential.hidden_delta[j])} \\cdot {_s(trace.X[0, i])}"
                f" = {format_number(step.sequential.hidden_W_new[j, i], 9)}"
            )
    equations.append(
        f"{E_TOTAL} \\text{{ after the step}} = {format_number(step.error_after_sequential, 10)}"
    )
    intro = (
        "The published code updates w5..w8 first and then sends the output deltas back through"
        " the new weights, so the hidden deltas, and w1..w4, come out slightly different."
    )
    return Section("The published code's order (sequential)", intro, tuple(equations))


def worked_example(step: WorkedStep, sequential: bool = False) -> list[Section]:
    """The whole step, section by section (ValueError if the trace is not of this kind)."""
    trace = step.trace
    sections = [
        *forward_sections(trace),
        loss_section(trace),
        output_layer_section(trace, step.train_biases),
        hidden_layer_section(trace, step.train_biases),
        update_section(trace, step.train_biases),
    ]
    if sequential:
        sections.append(sequential_section(step))
    return sections


def order_explanation(step: WorkedStep) -> str:
    """The two sentences on the two update orders, with both errors."""
    return (
        "Backpropagation computes every gradient with the weights as they were before the step"
        " and then updates them all at once: that gives the eight new weights the text prints"
        f" and a total error of {format_number(step.error_after_simultaneous, 10)} after one"
        f" step. The text's error figure, {format_number(step.error_after_sequential, 10)},"
        " comes from its code, which updates the output weights w5..w8 first and then computes"
        " the hidden deltas with those new weights (the sequential order)."
    )
