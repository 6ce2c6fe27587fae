"""Input features computed from two inputs: x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2).

A network can only combine its inputs through weighted sums and activations; handing it
products, squares or sines of the inputs lets a small network draw boundaries it could not
otherwise (circles from squares, a spiral from sines). `expand` turns rows of (x1, x2) into
rows of the chosen features, in the order of FEATURES.
"""

from collections.abc import Callable, Sequence

import numpy as np

from engine.errors import UserInputError

FEATURES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}
PLAIN = ("x1", "x2")  # the two inputs themselves: no feature added


def check_features(names: Sequence[str]) -> tuple[str, ...]:
    """The chosen feature names in the order of FEATURES (UserInputError if none or unknown)."""
    unknown = [name for name in names if name not in FEATURES]
    if unknown:
        raise UserInputError(
            f"Unknown input feature {unknown[0]!r}; choose from: {', '.join(FEATURES)}."
        )
    if not names:
        raise UserInputError("Choose at least one input feature.")
    return tuple(name for name in FEATURES if name in names)


def expand(X: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """(n, len(names)) features of rows X (n, 2) = (x1, x2), column k being names[k]."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise UserInputError("Input features need data with exactly 2 inputs, x1 and x2.")
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([FEATURES[name](x1, x2) for name in names]).reshape(len(X), -1)
