"""The chain rule of one weight, factor by factor, for the weight inspector.

dL/dw[l]_{jk} = sum over samples n of delta_{nj} * dz/dw_{njk}, where dz/dw_{njk} = a_in_{nk}
(x_k, an input, for the first layer) and delta_{nj} = dL/da_{nj} * f'(z_{nj}) for an element-wise
activation. Two output layers take a shortcut, which is what the engine uses (it stays exact
where the outputs saturate):
- sigmoid + binary cross-entropy: the product dL/da_j * f'(z_j) simplifies to (y_hat_j - y_j)/N;
- softmax + cross-entropy: every output a_k depends on every z_j, so there is no such product:
  delta_j = sum over k of dL/da_k * da_k/dz_j (the full Jacobian of softmax), which also
  equals (y_hat_j - y_j)/N.
"""

from dataclasses import dataclass

import numpy as np

from engine.errors import UserInputError
from engine.gradcheck import numerical_weight_gradient
from engine.losses import get_loss
from engine.network import Network
from engine.trace import StepTrace


@dataclass(frozen=True, eq=False)
class WeightChain:
    """Every factor of one weight's gradient, per sample, and its update.

    Arrays are (N,) for the N samples of the batch.
    """

    layer: int  # weight matrix index l: W[l] maps node layer l to l + 1
    row: int  # unit j of node layer l + 1
    col: int  # unit k of node layer l
    dL_da: np.ndarray  # (N,) dL/da_j
    da_dz: np.ndarray  # (N,) f'(z_j); for softmax only the diagonal da_j/dz_j of its Jacobian
    delta: np.ndarray  # (N,) dL/dz_j: the product of the two factors above, or the shortcut
    dz_dw: np.ndarray  # (N,) a_in_k
    products: np.ndarray  # (N,) delta * a_in_k, the per-sample contributions
    gradient: float  # dL/dw = sum of products, from the trace (trace.layers[l].dW[j, k])
    numerical: float  # central-difference estimate of the same derivative
    weight: float
    learning_rate: float
    new_weight: float  # from the trace
    simplified: bool  # True when delta = (y_hat - y)/N rather than dL/da * f'(z)
    is_output: bool
    shortcut: str | None = None  # "sigmoid + binary cross-entropy" or "softmax + cross-entropy"


def weight_chain(net: Network, trace: StepTrace, layer: int, row: int, col: int) -> WeightChain:
    """The chain rule of W[layer][row, col] for the step recorded in `trace` on `net`.

    `net` must hold the parameters the trace was computed from (used for finite differences).
    Raises UserInputError for an id outside the network.
    """
    n_weight_layers = len(trace.layers)
    if not 0 <= layer < n_weight_layers:
        raise UserInputError(f"Weight layer must be from 1 to {n_weight_layers}; got {layer + 1}.")
    record = trace.layers[layer]
    n_out, n_in = record.W.shape
    if not (0 <= row < n_out and 0 <= col < n_in):
        raise UserInputError(
            f"Weight layer {layer + 1} has {n_out} x {n_in} weights; got unit {row + 1},"
            f" input {col + 1}."
        )
    is_output = layer == n_weight_layers - 1
    loss = get_loss(trace.loss_name)
    simplified = is_output and loss.required_output is not None
    shortcut = (
        f"{loss.required_output} + {loss.label.split(' (')[0].lower()}" if simplified else None
    )
    delta = record.delta[:, row]
    dz_dw = record.a_in[:, col]
    numerical = numerical_weight_gradient(net, trace.X, trace.Y, layer, row, col)
    return WeightChain(
        layer=layer,
        row=row,
        col=col,
        dL_da=record.grad_a[:, row].copy(),
        da_dz=record.fprime[:, row].copy(),
        delta=delta.copy(),
        dz_dw=dz_dw.copy(),
        products=delta * dz_dw,
        gradient=float(record.dW[row, col]),
        numerical=float(numerical),
        weight=float(record.W[row, col]),
        learning_rate=trace.learning_rate,
        new_weight=float(record.W_new[row, col]),
        simplified=simplified,
        is_output=is_output,
        shortcut=shortcut,
    )
