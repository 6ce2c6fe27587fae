"""Activation functions: value, derivative and LaTeX of each.

All functions act elementwise on z of any shape, except softmax, which acts on each row of a
(n_samples, n_units) array and is allowed only on the output layer, with cross-entropy.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.errors import UserInputError

LEAKY_SLOPE = 0.01  # slope of leaky ReLU for negative z


@dataclass(frozen=True)
class Activation:
    """One activation function f with its derivative f'(z), both as NumPy functions and LaTeX."""

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray], np.ndarray]  # f'(z) elementwise; softmax: diagonal of the Jacobian
    latex: str  # f(z) = ...
    dlatex: str  # f'(z) = ...
    label: str  # name to show to people


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # exp(-|z|) never overflows; the two branches give the same value without a large exp.
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _dsigmoid(z: np.ndarray) -> np.ndarray:
    s = _sigmoid(z)
    return s * (1.0 - s)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z, dtype=np.float64)
    shifted = z - np.max(z, axis=-1, keepdims=True)
    exp_z = np.exp(shifted)
    return exp_z / np.sum(exp_z, axis=-1, keepdims=True)


def _dsoftmax_diagonal(z: np.ndarray) -> np.ndarray:
    s = _softmax(z)
    return s * (1.0 - s)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in [
        Activation(
            "sigmoid",
            _sigmoid,
            _dsigmoid,
            r"\sigma(z) = \frac{1}{1 + e^{-z}}",
            r"\sigma'(z) = \sigma(z)\,\bigl(1 - \sigma(z)\bigr)",
            "Sigmoid",
        ),
        Activation(
            "tanh",
            np.tanh,
            lambda z: 1.0 - np.tanh(z) ** 2,
            r"\tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}",
            r"\tanh'(z) = 1 - \tanh^2(z)",
            "Tanh",
        ),
        Activation(
            "relu",
            lambda z: np.maximum(z, 0.0),
            lambda z: (np.asarray(z) > 0).astype(np.float64),
            r"\mathrm{ReLU}(z) = \max(0, z)",
            r"\mathrm{ReLU}'(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}",
            "ReLU",
        ),
        Activation(
            "leaky_relu",
            lambda z: np.where(np.asarray(z) > 0, z, LEAKY_SLOPE * np.asarray(z)),
            lambda z: np.where(np.asarray(z) > 0, 1.0, LEAKY_SLOPE),
            r"\mathrm{LeakyReLU}(z) = \begin{cases} z & z > 0 \\ 0.01\,z & z \le 0 \end{cases}",
            r"\mathrm{LeakyReLU}'(z) = \begin{cases} 1 & z > 0 \\ 0.01 & z \le 0 \end{cases}",
            "Leaky ReLU",
        ),
        Activation(
            "linear",
            lambda z: np.array(z, dtype=np.float64),
            lambda z: np.ones_like(np.asarray(z, dtype=np.float64)),
            r"f(z) = z",
            r"f'(z) = 1",
            "Linear (identity)",
        ),
        Activation(
            "softmax",
            _softmax,
            _dsoftmax_diagonal,
            r"\mathrm{softmax}(z)_k = \frac{e^{z_k}}{\sum_j e^{z_j}}",
            r"\frac{\partial\,\mathrm{softmax}_k}{\partial z_j}"
            r" = \mathrm{softmax}_k\,(\delta_{kj} - \mathrm{softmax}_j)",
            "Softmax",
        ),
    ]
}

HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
OUTPUT_ACTIVATIONS = HIDDEN_ACTIVATIONS + ("softmax",)


def get_activation(name: str) -> Activation:
    """Return the activation called `name`, or raise UserInputError listing the known names."""
    if name not in ACTIVATIONS:
        raise UserInputError(
            f"Unknown activation {name!r}; choose one of: {', '.join(ACTIVATIONS)}."
        )
    return ACTIVATIONS[name]
