"""Loss functions: value, gradient with respect to the network output, and LaTeX.

Shapes: Y_hat and Y are (n_samples, n_outputs); N is n_samples and K is n_outputs.
Binary cross-entropy and cross-entropy also take the output pre-activation Z, from which they
compute the loss stably even when the outputs are 0 or 1 to machine precision.
"""

from dataclasses import dataclass

import numpy as np

from engine.activations import row_max
from engine.errors import UserInputError


@dataclass(frozen=True)
class Loss:
    """A loss L(Y_hat, Y) averaged over the N samples of a batch."""

    name: str
    latex: str  # L = ...
    label: str
    required_output: str | None  # the output activation this loss needs, if any
    grad_latex: str  # dL/dy_hat_j = ..., for one output unit j

    def terms(self, Y_hat: np.ndarray, Y: np.ndarray, Z: np.ndarray) -> np.ndarray:
        """Per-sample, per-output contributions, shape (N, K); they sum to the loss."""
        n_samples, n_outputs = Y.shape
        if self.name == "squared_error":
            return 0.5 * (Y_hat - Y) ** 2 / n_samples
        if self.name == "mse":
            return (Y_hat - Y) ** 2 / (n_samples * n_outputs)
        # Below, in place where possible: fewer temporaries, the same values.
        if self.name == "binary_cross_entropy":
            # -[y log s(z) + (1-y) log(1-s(z))] = max(z,0) - y z + log(1 + e^-|z|)
            terms = np.maximum(Z, 0.0)
            terms -= Y * Z
            softplus = np.abs(Z)
            np.negative(softplus, out=softplus)
            np.exp(softplus, out=softplus)
            np.log1p(softplus, out=softplus)
            terms += softplus
            terms /= n_samples
            return terms
        # cross_entropy with softmax: -y_k log softmax_k = -y_k (z_k - logsumexp(z))
        z_max = row_max(Z)
        exp_shifted = Z - z_max
        np.exp(exp_shifted, out=exp_shifted)
        log_sum = z_max + np.log(np.sum(exp_shifted, axis=1, keepdims=True))
        terms = Z - log_sum
        terms *= Y
        np.negative(terms, out=terms)
        terms /= n_samples
        return terms

    def value(self, Y_hat: np.ndarray, Y: np.ndarray, Z: np.ndarray) -> float:
        """The batch loss L (a float)."""
        return float(np.sum(self.terms(Y_hat, Y, Z)))

    def grad(self, Y_hat: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """dL/dY_hat, shape (N, K).

        Infinite or NaN where a cross-entropy output saturates at 0 or 1 (a division by zero:
        call it under np.errstate to keep NumPy quiet, as the engine does).
        """
        n_samples, n_outputs = Y.shape
        if self.name == "squared_error":
            return (Y_hat - Y) / n_samples
        if self.name == "mse":
            return 2.0 * (Y_hat - Y) / (n_samples * n_outputs)
        if self.name == "binary_cross_entropy":
            return (Y_hat - Y) / (Y_hat * (1.0 - Y_hat)) / n_samples
        return -Y / Y_hat / n_samples


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in [
        Loss(
            "squared_error",
            r"L = \frac{1}{N}\sum_{n}\sum_{k}\tfrac{1}{2}\,(\hat y_{nk} - y_{nk})^2",
            "Squared error (½ sum, mean over samples)",
            None,
            r"\frac{\partial L}{\partial \hat y_j} = \frac{1}{N}(\hat y_j - y_j)",
        ),
        Loss(
            "mse",
            r"L = \frac{1}{NK}\sum_{n}\sum_{k}(\hat y_{nk} - y_{nk})^2",
            "Mean squared error",
            None,
            r"\frac{\partial L}{\partial \hat y_j} = \frac{2}{NK}(\hat y_j - y_j)",
        ),
        Loss(
            "binary_cross_entropy",
            r"L = -\frac{1}{N}\sum_{n}\sum_{k}\bigl[y_{nk}\log \hat y_{nk}"
            r" + (1 - y_{nk})\log(1 - \hat y_{nk})\bigr]",
            "Binary cross-entropy",
            "sigmoid",
            r"\frac{\partial L}{\partial \hat y_j}"
            r" = \frac{1}{N}\,\frac{\hat y_j - y_j}{\hat y_j(1 - \hat y_j)}",
        ),
        Loss(
            "cross_entropy",
            r"L = -\frac{1}{N}\sum_{n}\sum_{k} y_{nk}\log \hat y_{nk}",
            "Cross-entropy (softmax outputs)",
            "softmax",
            r"\frac{\partial L}{\partial \hat y_j} = -\frac{1}{N}\,\frac{y_j}{\hat y_j}",
        ),
    ]
}


def get_loss(name: str) -> Loss:
    """Return the loss called `name`, or raise UserInputError listing the known names."""
    if name not in LOSSES:
        raise UserInputError(f"Unknown loss {name!r}; choose one of: {', '.join(LOSSES)}.")
    return LOSSES[name]
