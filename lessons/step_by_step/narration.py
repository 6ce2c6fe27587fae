"""Narration of a training step: one or two sentences per phase, with the trace's own numbers.

Each sentence says what the phase computes and why, the way a teacher would say it aloud:
"The output layer compares its prediction 0.7514 with the target 0.01: the loss is 0.2984."
Numbers carry NARRATION_DIGITS significant digits (the graph's precision); non-finite values
read as words ("undefined", "infinite") so a diverged step never narrates "nan".
"""

from collections.abc import Sequence

import numpy as np

from engine.trace import StepTrace
from lessons.format import format_number
from lessons.step_by_step.phases import BACKWARD, FORWARD, LOSS, Phase, layer_name

NARRATION_DIGITS = 4
LISTED_UNITS = 4  # a layer with more units is summed up by its smallest and largest value


def number(value: float, digits: int = NARRATION_DIGITS) -> str:
    """`value` to `digits` significant digits, words for NaN and infinities."""
    return format_number(value, digits)


def _list(values: Sequence[float]) -> str:
    """'0.1', '0.1 and 0.2' or '0.1, 0.2 and 0.3'."""
    texts = [number(v) for v in values]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


def _strongest(values: np.ndarray) -> tuple[int, ...]:
    """Index of the entry of largest finite magnitude (the first one on ties)."""
    magnitudes = np.where(np.isfinite(values), np.abs(values), -1.0)
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(magnitudes)), values.shape))


def _the(layer: int, n_layers: int) -> str:
    """'the input', 'hidden layer 2' or 'the output layer'."""
    name = layer_name(layer, n_layers)
    return name if name.startswith("hidden") else f"the {name}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def weight_name(layer: int, row: int, col: int) -> str:
    """Plain-text name of W[layer][row, col], as on the graph: 'w[2] 1,2' (1-based)."""
    return f"w[{layer + 1}] {row + 1},{col + 1}"


def phase_narration(
    trace: StepTrace,
    phase: Phase,
    sample: int = 0,
    output_names: Sequence[str] | None = None,
) -> str:
    """One or two sentences for `phase` of the step in `trace`, for example `sample`.

    Forward and backward phases narrate unit 1 of the layer (the one the equations show by
    default) and, for the backward phases, the largest gradient reaching that layer's weights.
    """
    layers = trace.layers
    n_layers = len(layers) + 1
    sample = min(max(int(sample), 0), trace.n_samples - 1)
    batch = trace.n_samples > 1
    if phase.kind == FORWARD:
        record = layers[phase.layer - 1]
        z, a = record.z[sample], record.a[sample]
        source = "inputs" if phase.layer == 1 else f"values of {_the(phase.layer - 1, n_layers)}"
        first = (
            f"{_capital(_the(phase.layer, n_layers))} weighs the {source} and adds its bias:"
            " unit 1 gets"
            f" z = {number(z[0])}, and {record.activation} turns it into a = {number(a[0])}."
        )
        if 1 < len(a) <= LISTED_UNITS:
            return f"{first} Its {len(a)} units output {_list(a)}."
        if len(a) > LISTED_UNITS:
            return (
                f"{first} Its {len(a)} units output values from {number(np.nanmin(a))} to"
                f" {number(np.nanmax(a))}."
            )
        return first
    if phase.kind == LOSS:
        y_hat, y = trace.Y_hat[sample], trace.Y[sample]
        names = list(output_names or [])
        predictions = "prediction" if len(y_hat) == 1 else "predictions"
        targets = "target" if len(y) == 1 else "targets"
        named = f" for {', '.join(names[: len(y)])}" if len(names) >= len(y) > 1 else ""
        loss = f"the {trace.loss_name.replace('_', ' ')} loss is {number(trace.loss)}"
        if batch:
            loss += f", the mean over the {trace.n_samples} examples of the batch"
        where = f"For example {sample + 1}, the" if batch else "The"
        return (
            f"{where} output layer compares its {predictions} {_list(y_hat)}{named} with the"
            f" {targets} {_list(y)}: {loss}."
        )
    if phase.kind == BACKWARD:
        record = layers[phase.layer - 1]
        delta = record.delta[sample]
        row, col = _strongest(record.dW)
        gradient = (
            f" The largest gradient into it is dL/dw = {number(record.dW[row, col])}"
            f" on {weight_name(phase.layer - 1, row, col)}."
        )
        if phase.layer == len(layers):
            return (
                f"The error starts at the output: delta = dL/dz = {number(delta[0])} for"
                f" unit 1, how much the loss changes when its z changes.{gradient}"
            )
        return (
            f"The deltas of {_the(phase.layer + 1, n_layers)} travel back through the weights"
            f" and are scaled by f'(z): unit 1 of {_the(phase.layer, n_layers)} gets"
            f" delta = {number(delta[0])}.{gradient}"
        )
    # UPDATE
    index = max(range(len(layers)), key=lambda i: float(np.nanmax(np.abs(layers[i].dW))))
    record = layers[index]
    row, col = _strongest(record.dW)
    return (
        f"Every weight moves against its gradient by the learning rate"
        f" {number(trace.learning_rate)} times dL/dw: {weight_name(index, row, col)} goes from"
        f" {number(record.W[row, col])} to {number(record.W_new[row, col])}. The loss was"
        f" {number(trace.loss)} before this update."
    )


def step_narration(
    trace: StepTrace,
    phases: Sequence[Phase],
    sample: int = 0,
    output_names: Sequence[str] | None = None,
) -> tuple[str, ...]:
    """`phase_narration` of every phase, in order."""
    return tuple(phase_narration(trace, phase, sample, output_names) for phase in phases)
