"""Weight initialisation schemes; every one is seeded and reproducible."""

import numpy as np

from engine.errors import UserInputError

UNIFORM_RANGE = 0.5  # "uniform" draws weights and biases from U(-0.5, 0.5)

INITIALISERS = {
    "xavier": "Xavier/Glorot uniform: W ~ U(-r, r), r = sqrt(6 / (n_in + n_out)); b = 0",
    "he": "He normal: W ~ N(0, 2 / n_in); b = 0",
    "uniform": f"Small uniform: W, b ~ U(-{UNIFORM_RANGE}, {UNIFORM_RANGE})",
    "zeros": "All zeros: every unit of a layer stays identical (symmetry is never broken)",
}


def initialise(
    layer_sizes: list[int], scheme: str, seed: int
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Weights W[l] (n_out, n_in) and biases b[l] (n_out,) for `layer_sizes` under `scheme`."""
    rng = np.random.default_rng(seed)
    weights, biases = [], []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=True):
        if scheme == "xavier":
            bound = np.sqrt(6.0 / (n_in + n_out))
            W = rng.uniform(-bound, bound, size=(n_out, n_in))
            b = np.zeros(n_out)
        elif scheme == "he":
            W = rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in))
            b = np.zeros(n_out)
        elif scheme == "uniform":
            W = rng.uniform(-UNIFORM_RANGE, UNIFORM_RANGE, size=(n_out, n_in))
            b = rng.uniform(-UNIFORM_RANGE, UNIFORM_RANGE, size=n_out)
        elif scheme == "zeros":
            W = np.zeros((n_out, n_in))
            b = np.zeros(n_out)
        else:
            raise UserInputError(
                f"Unknown initialisation {scheme!r}; choose one of: {', '.join(INITIALISERS)}."
            )
        weights.append(W)
        biases.append(b)
    return weights, biases
