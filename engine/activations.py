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
    # f'(z) written in the output a = f(z), where such a form exists: as a NumPy function of a
    # (the same values as df(z) without evaluating f again) and as LaTeX, e.g. "a\,(1 - a)".
    df_in_a: Callable[[np.ndarray], np.ndarray] | None = None
    dlatex_in_a: str | None = None

    def fprime(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """f'(z) for a = f(z), a new array of the shape of z (N, n_units).

        From the output a where the derivative has a form in a (sigmoid, tanh, softmax's
        Jacobian diagonal): bit for bit the values of df(z), at a fraction of the cost.
        """
        if self.df_in_a is not None:
            return self.df_in_a(a)
        return self.df(z)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # With e = exp(-|z|), which never overflows: 1 / (1 + e) for z >= 0, e / (1 + e) below.
    z = np.asarray(z, dtype=np.float64)
    e = np.abs(z, out=np.empty_like(z))  # an array even for a 0-d z: worked on in place
    np.negative(e, out=e)
    np.exp(e, out=e)
    # np.where(z >= 0, 1.0, e), in a third less time: where z >= 0, e <= 1; below, e >= 0.
    sigma = np.maximum(e, z >= 0, out=np.empty_like(e))
    e += 1.0
    sigma /= e
    return sigma


def _dsigmoid(z: np.ndarray) -> np.ndarray:
    s = _sigmoid(z)
    return s * (1.0 - s)


def _logistic_slope_in_a(a: np.ndarray) -> np.ndarray:
    """a (1 - a): sigmoid'(z) for a = sigmoid(z), and the diagonal of softmax's Jacobian."""
    slope = 1.0 - a
    slope *= a  # in place: one temporary fewer
    return slope


def _tanh_slope_in_a(a: np.ndarray) -> np.ndarray:
    """1 - a^2: tanh'(z) for a = tanh(z)."""
    return 1.0 - np.square(a)


def row_max(z: np.ndarray) -> np.ndarray:
    """The largest value of each row of z (N, K), as a column (N, 1); along the last axis for
    other shapes.

    For a table it is taken down the columns of a transposed copy: NumPy reduces N short rows
    (K <= 16) slowly and K long contiguous columns quickly (3-4x faster at N = 2000), and a
    maximum does not depend on the order it is taken in.
    """
    if z.ndim != 2:
        return np.max(z, axis=-1, keepdims=True)
    return np.ascontiguousarray(z.T).max(axis=0)[:, None]


def _softmax(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z, dtype=np.float64)
    exp_z = z - row_max(z)  # shifted: no overflow in exp
    np.exp(exp_z, out=exp_z)
    exp_z /= np.sum(exp_z, axis=-1, keepdims=True)
    return exp_z


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
            _logistic_slope_in_a,
            r"a\,(1 - a)",
        ),
        Activation(
            "tanh",
            np.tanh,
            lambda z: 1.0 - np.tanh(z) ** 2,
            r"\tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}",
            r"\tanh'(z) = 1 - \tanh^2(z)",
            "Tanh",
            _tanh_slope_in_a,
            r"1 - a^2",
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
            _logistic_slope_in_a,  # only the diagonal k = j of the Jacobian, as df
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
