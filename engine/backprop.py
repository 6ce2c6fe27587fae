"""Backpropagation on one batch, as a textbook writes it.

Rows are samples: X is (N, n_0). Weight layer l maps layer l to layer l+1 with W[l] of shape
(n_out, n_in) and b[l] of shape (n_out,). The loss is a mean over the N samples, so the 1/N
sits in the output delta and the gradients below are already batch means.

    forward:   z = a_prev W^T + b,   a = f(z)                  (a_prev = X for the first layer)
    output:    delta = dL/da * f'(z)                          (general case)
               delta = (y_hat - y) / N                        (the two named shortcuts)
    hidden:    delta = (delta_next W_next) * f'(z)
    gradients: dL/dW = delta^T a_prev,   dL/db = delta summed over the samples
"""

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from engine.activations import Activation
from engine.losses import Loss

# Output layers whose delta is (y_hat - y) / N exactly (see output_delta).
SHORTCUTS = {
    ("sigmoid", "binary_cross_entropy"): "sigmoid + binary cross-entropy",
    ("softmax", "cross_entropy"): "softmax + cross-entropy",
}


class Backprop(NamedTuple):
    """Everything one backward pass computed; index l is weight layer l, input side first.

    Shapes: N samples; n_in and n_out are the units feeding and forming layer l+1.
    """

    a_in: list[np.ndarray]  # (N, n_in) input of each layer: X, then the layer below's a
    z: list[np.ndarray]  # (N, n_out) pre-activations
    a: list[np.ndarray]  # (N, n_out) activations; a[-1] is the output Y_hat
    grad_a: list[np.ndarray | None]  # (N, n_out) dL/da; None at a shortcut output
    fprime: list[np.ndarray | None]  # (N, n_out) f'(z); None at a shortcut output
    delta: list[np.ndarray]  # (N, n_out) dL/dz
    dW: list[np.ndarray]  # (n_out, n_in) dL/dW
    db: list[np.ndarray]  # (n_out,) dL/db
    shortcut: str | None  # the output shortcut taken, e.g. "softmax + cross-entropy"


def forward(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    activations: Sequence[Activation],
    X: np.ndarray,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Lists of z and a, each (N, n_out), for every layer after the input."""
    zs, outputs = [], []
    a = X
    for W, b, activation in zip(weights, biases, activations, strict=True):
        z = a @ W.T
        z += b  # in place: one (N, n_out) temporary fewer
        a = activation.f(z)
        zs.append(z)
        outputs.append(a)
    return zs, outputs


def output_delta(
    loss: Loss, activation: Activation, z: np.ndarray, a: np.ndarray, Y: np.ndarray
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None, str | None]:
    """(delta, dL/da, f'(z), shortcut name) of the output layer; each array (N, K).

    Sigmoid + binary cross-entropy: dL/da * f'(z) = (a - y) / (N a (1 - a)) * a (1 - a).
    Softmax + cross-entropy: the Jacobian of softmax is not diagonal, so delta_j is the sum
    over k of dL/da_k * da_k/dz_j = -y_k / (N a_k) * a_k (kronecker_kj - a_j) = (a_j - y_j) / N
    (the y_k sum to 1). Both shortcuts stay exact where a saturates at 0 or 1; dL/da and f'(z)
    are then not computed (None).
    """
    shortcut = SHORTCUTS.get((activation.name, loss.name))
    if shortcut is not None:
        return (a - Y) / Y.shape[0], None, None, shortcut
    grad_a = loss.grad(a, Y)
    fprime = activation.fprime(z, a)
    return grad_a * fprime, grad_a, fprime, None


def backprop(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    activations: Sequence[Activation],
    loss: Loss,
    X: np.ndarray,
    Y: np.ndarray,
) -> Backprop:
    """Forward pass, then deltas from the output back, and the gradients of every layer.

    `weights`, `biases`: the network's parameters (never changed); X (N, n_0) and Y (N, K)
    already validated. The arrays returned are new and nothing here changes them again.
    A diverging network overflows to infinity or NaN on the way: the callers check the result
    and run this under np.errstate to keep NumPy quiet about it.
    """
    n_layers = len(weights)
    zs, outputs = forward(weights, biases, activations, X)
    a_in = [X, *outputs[:-1]]
    grad_a, fprime, delta = [None] * n_layers, [None] * n_layers, [None] * n_layers
    dW, db = [None] * n_layers, [None] * n_layers
    last = n_layers - 1
    delta[last], grad_a[last], fprime[last], shortcut = output_delta(
        loss, activations[last], zs[last], outputs[last], Y
    )
    for layer in reversed(range(n_layers)):
        dW[layer] = delta[layer].T @ a_in[layer]
        db[layer] = delta[layer].sum(axis=0)
        if layer > 0:
            below = layer - 1
            grad_a[below] = delta[layer] @ weights[layer]
            fprime[below] = activations[below].fprime(zs[below], outputs[below])
            delta[below] = grad_a[below] * fprime[below]
    return Backprop(a_in, zs, outputs, grad_a, fprime, delta, dW, db, shortcut)
