"""The vanishing-gradient demonstration: products of f'(z) through a chain of one-unit layers.

A chain a_0 = x, z_k = w a_{k-1} + b, a_k = f(z_k) for k = 1..n has
d a_n / d a_0 = prod_k w f'(z_k). Each factor is at most max f' * |w| in size, so along any
path through n layers the gradient is at most (max f' * |w|)^n: for sigmoid (max f' = 1/4)
that is (|w|/4)^n, which vanishes for |w| < 4 and allows explosion for |w| > 4.
"""

from dataclasses import dataclass

import numpy as np

from engine import limits
from engine.activations import HIDDEN_ACTIVATIONS, get_activation
from engine.validation import check_choice, check_in_range, check_int

MAX_CHAIN_LAYERS = 10
STUDY_ACTIVATIONS = ("sigmoid", "tanh", "relu")
# The largest slope of each activation, max over z of f'(z): sigmoid's is 1/4 (at z = 0).
MAX_SLOPE = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0, "leaky_relu": 1.0, "linear": 1.0}


@dataclass(frozen=True, eq=False)
class ChainProducts:
    """f'(z_k) and their running products through a chain of one-unit layers."""

    activation: str
    z: np.ndarray  # (n_layers,) pre-activation z_k of layer k = 1..n
    fprime: np.ndarray  # (n_layers,) f'(z_k)
    product: np.ndarray  # (n_layers,) prod_{j<=k} f'(z_j): the gradient factor through k layers
    gradient: np.ndarray  # (n_layers,) prod_{j<=k} w f'(z_j) = d a_k / d a_0
    weight: float  # w of every layer
    bound: np.ndarray  # (n_layers,) (max f' * |w|)^k: no path through k layers passes more

    @property
    def factor_bound(self) -> float:
        """max f' * |w|: the most one layer can multiply the gradient by. Below 1 gradients
        must vanish with depth; above 1 they can explode."""
        return MAX_SLOPE[self.activation] * abs(self.weight)


def derivative_products(
    activation: str,
    n_layers: int = MAX_CHAIN_LAYERS,
    x: float = 1.0,
    w: float = 1.0,
    b: float = 0.0,
) -> ChainProducts:
    """Forward through `n_layers` one-unit layers of `activation` from input `x`, weight `w`,
    bias `b`; return each layer's f'(z_k) and the running products (UserInputError if invalid)."""
    check_choice(activation, "activation", HIDDEN_ACTIVATIONS)
    n_layers = check_int(n_layers, "Number of layers", 1, MAX_CHAIN_LAYERS)
    x = check_in_range(x, "Input x", -limits.MAX_ABS_VALUE, limits.MAX_ABS_VALUE)
    w = check_in_range(w, "Weight w", -limits.MAX_ABS_VALUE, limits.MAX_ABS_VALUE)
    b = check_in_range(b, "Bias b", -limits.MAX_ABS_VALUE, limits.MAX_ABS_VALUE)
    f = get_activation(activation)
    z = np.empty(n_layers)
    a = np.array([x])
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(n_layers):
            z_k = w * a + b
            z[k] = z_k[0]
            a = f.f(z_k)
        fprime = f.df(z)
        product = np.cumprod(fprime)
        gradient = np.cumprod(w * fprime)
        bound = (MAX_SLOPE[activation] * abs(w)) ** np.arange(1, n_layers + 1)
    return ChainProducts(activation, z, fprime, product, gradient, w, bound)


def compare_activations(
    n_layers: int = MAX_CHAIN_LAYERS,
    x: float = 1.0,
    w: float = 1.0,
    b: float = 0.0,
    activations: tuple[str, ...] = STUDY_ACTIVATIONS,
) -> dict[str, ChainProducts]:
    """derivative_products for each of `activations` with the same chain."""
    return {name: derivative_products(name, n_layers, x, w, b) for name in activations}


def evaluate(activation: str, z: float) -> tuple[float, float]:
    """f(z) and f'(z) of `activation` at one finite z (UserInputError otherwise)."""
    check_choice(activation, "activation", HIDDEN_ACTIVATIONS)
    z = check_in_range(z, "z", -limits.MAX_ABS_VALUE, limits.MAX_ABS_VALUE)
    f = get_activation(activation)
    point = np.array([z])
    return float(f.f(point)[0]), float(f.df(point)[0])


SOFTMAX_EXAMPLE_Z = (2.0, 1.0, 0.1)


def softmax_example(z: tuple[float, ...] = SOFTMAX_EXAMPLE_Z) -> np.ndarray:
    """softmax(z) for one vector z: (n,) probabilities that sum to 1."""
    return get_activation("softmax").f(np.array([z], dtype=np.float64))[0]
