"""Exports of a training step: the full trace as JSON or CSV, the weights as JSON, the LaTeX of
the shown equations, and a Python snippet that rebuilds the scenario with the engine.

Non-finite numbers become JSON null (JSON has no NaN) and empty CSV cells. Every export
uses the batch orientation of the step page's tables and matrix view (ORIENTATION).
"""

import csv
import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from engine.trace import StepTrace

ORIENTATION = (
    "Batch form Z = A W^T + b: X, Y, Y_hat, a_in, z, a, grad_a, fprime and delta have one row"
    " per example and one column per unit; W, dW and W_new have one row per unit j of the"
    " layer and one column per input k (w_jk is row j, column k); b, db and b_new have one"
    " entry per unit j."
)
PER_SAMPLE_FIELDS = ("a_in", "z", "a", "grad_a", "fprime", "delta")

LAYER_FIELDS = (
    "W",
    "b",
    "a_in",
    "z",
    "a",
    "grad_a",
    "fprime",
    "delta",
    "dW",
    "db",
    "W_new",
    "b_new",
)


def _clean(array) -> list:
    """A nested list of floats with non-finite entries as None."""
    values = np.asarray(array, dtype=float)
    if values.ndim == 0:
        number = float(values)
        return number if math.isfinite(number) else None
    return [_clean(item) for item in values]


def trace_to_dict(trace: StepTrace) -> dict:
    """The whole step as plain lists and numbers, ready for json.dumps."""
    loss = float(trace.loss)
    return {
        "orientation": ORIENTATION,
        "loss_name": trace.loss_name,
        "loss": loss if math.isfinite(loss) else None,
        "learning_rate": trace.learning_rate,
        "X": _clean(trace.X),
        "Y": _clean(trace.Y),
        "Y_hat": _clean(trace.Y_hat),
        "layers": [
            {"layer": index + 1, "activation": layer.activation}
            | {field: _clean(getattr(layer, field)) for field in LAYER_FIELDS}
            for index, layer in enumerate(trace.layers)
        ],
    }


def trace_to_json(trace: StepTrace) -> str:
    """The whole step as indented JSON text."""
    return json.dumps(trace_to_dict(trace), indent=2)


def trace_to_csv(trace: StepTrace) -> str:
    """The whole step as long-format CSV: layer, quantity, sample, row, col, value.

    `layer` 0 holds X, Y, Y_hat and the loss. In the batch orientation (ORIENTATION) a
    per-example quantity (X, Y, Y_hat, a_in, z, a, grad_a, fprime, delta) has its example in
    `sample` and its unit in `col`; a parameter quantity has no sample, its unit j in `row`
    and, for W, dW and W_new, its input k in `col` (all 1-based).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["layer", "quantity", "sample", "row", "col", "value"])

    def cell(value: float) -> str:
        return repr(float(value)) if math.isfinite(value) else ""

    writer.writerow([0, "loss", "", "", "", cell(trace.loss)])
    for name, array in (("X", trace.X), ("Y", trace.Y), ("Y_hat", trace.Y_hat)):
        for (n, k), value in np.ndenumerate(array):
            writer.writerow([0, name, n + 1, "", k + 1, cell(value)])
    for index, layer in enumerate(trace.layers):
        for field in LAYER_FIELDS:
            array = np.asarray(getattr(layer, field), dtype=float)
            per_sample = field in PER_SAMPLE_FIELDS
            for position, value in np.ndenumerate(array):
                if per_sample:  # row n, column j of a batch matrix, like X
                    sample, row, col = position[0] + 1, "", position[1] + 1
                elif array.ndim == 2:
                    sample, row, col = "", position[0] + 1, position[1] + 1
                else:
                    sample, row, col = "", position[0] + 1, ""
                writer.writerow([index + 1, field, sample, row, col, cell(value)])
    return out.getvalue()


def weights_to_json(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    activations: Sequence[str],
    loss: str,
) -> str:
    """The parameters (and what is needed to use them) as JSON text."""
    return json.dumps(
        {
            "layer_sizes": [int(np.shape(weights[0])[1])] + [int(np.shape(W)[0]) for W in weights],
            "activations": list(activations),
            "loss": loss,
            "weights": [_clean(W) for W in weights],
            "biases": [_clean(b) for b in biases],
        },
        indent=2,
    )


def latex_document(equations: Sequence[tuple[str, str]]) -> str:
    """A standalone LaTeX document (amsmath) with each (caption, equation) pair as a display."""
    lines = [
        r"\documentclass{article}",
        r"\usepackage{amsmath}",
        r"\begin{document}",
        r"\noindent Matrices in the batch form $Z = A\,W^{\top} + b$: one row per example;"
        r" $W$ has one row per unit $j$ and one column per input $k$.",
        "",
    ]
    for caption, equation in equations:
        safe = "".join("\\" + ch if ch in "&%$#_{}" else ch for ch in caption)
        # \small shrinks long equations on screen (KaTeX) but is not allowed in LaTeX math.
        body = equation.removeprefix(r"\small ")
        lines += [f"\\noindent {safe}", r"\[", body, r"\]", ""]
    lines.append(r"\end{document}")
    return "\n".join(lines) + "\n"


def _literal(array) -> str:
    """A Python literal of nested float lists that round-trips exactly (repr of floats)."""
    values = np.asarray(array, dtype=float)
    if values.ndim == 0:
        return repr(float(values))
    return "[" + ", ".join(_literal(item) for item in values) + "]"


def python_snippet(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    activations: Sequence[str],
    loss: str,
    X,
    Y,
    learning_rate: float,
) -> str:
    """Python source that rebuilds this network and batch with the engine and prints the step.

    Run it from the repository root (or with the `engine` package importable).
    """
    for name in (*activations, loss):
        if not str(name).replace("_", "").isalnum():
            raise ValueError(f"Unexpected name {name!r} in the scenario.")
    weight_lines = ",\n        ".join(_literal(W) for W in weights)
    bias_lines = ",\n        ".join(_literal(b) for b in biases)
    return f'''"""Rebuild the Backprop Lab scenario and compute one training step."""

import numpy as np

from engine import Network

net = Network.from_parameters(
    weights=[
        {weight_lines},
    ],
    biases=[
        {bias_lines},
    ],
    activations={list(activations)!r},
    loss={loss!r},
)
X = np.array({_literal(X)})
Y = np.array({_literal(Y)})
trace = net.compute_trace(X, Y, learning_rate={float(learning_rate)!r})
print("loss", repr(trace.loss))
for index, layer in enumerate(trace.layers, start=1):
    print("layer", index, "dW", layer.dW.tolist())
    print("layer", index, "W_new", layer.W_new.tolist())
'''


@dataclass(frozen=True)
class Download:
    """One file the export tab offers."""

    label: str
    data: str
    file_name: str
    mime: str


def downloads(
    trace: StepTrace,
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    activations: Sequence[str],
    loss: str,
    equations: Sequence[tuple[str, str]],
    step: int,
) -> tuple[Download, ...]:
    """What the export tab offers, `step` (1-based) naming the files: the step's trace (JSON,
    CSV), its parameters (JSON), the shown (caption, LaTeX) equations as a document, and the
    Python snippet that rebuilds the network and the trace's batch."""
    snippet = python_snippet(
        weights, biases, activations, loss, trace.X, trace.Y, trace.learning_rate
    )
    return (
        Download("Step trace (JSON)", trace_to_json(trace), f"step-{step}-trace.json",
                 "application/json"),
        Download("Step trace (CSV)", trace_to_csv(trace), f"step-{step}-trace.csv", "text/csv"),
        Download("Weights (JSON)", weights_to_json(weights, biases, activations, loss),
                 f"step-{step}-weights.json", "application/json"),
        Download("Equations (LaTeX)", latex_document(equations), f"step-{step}-equations.tex",
                 "text/x-tex"),
        Download("Python snippet", snippet, f"step-{step}.py", "text/x-python"),
    )  # fmt: skip
