"""Gradient-descent update rules. Each keeps its own state (velocities, moments) per parameter."""

import numpy as np

from engine.errors import UserInputError

OPTIMIZERS = {
    "sgd": "Plain gradient descent: p <- p - lr * g",
    "momentum": "SGD with momentum 0.9: v <- 0.9 v + g; p <- p - lr * v",
    "adam": "Adam (beta1 0.9, beta2 0.999, eps 1e-8)",
}


class Optimizer:
    """Updates a list of parameter arrays from their gradients, in place of nothing: returns new."""

    def __init__(self, name: str, learning_rate: float, momentum: float = 0.9):
        if name not in OPTIMIZERS:
            raise UserInputError(
                f"Unknown optimizer {name!r}; choose one of: {', '.join(OPTIMIZERS)}."
            )
        self.name = name
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.beta1, self.beta2, self.eps = 0.9, 0.999, 1e-8
        self.steps = 0
        self._first: list[np.ndarray] | None = None
        self._second: list[np.ndarray] | None = None

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> list[np.ndarray]:
        """New parameters after one update; the inputs are not modified."""
        if self._first is None:
            self._first = [np.zeros_like(p) for p in params]
            self._second = [np.zeros_like(p) for p in params]
        self.steps += 1
        lr = self.learning_rate
        if self.name == "sgd":
            return [p - lr * g for p, g in zip(params, grads, strict=True)]
        if self.name == "momentum":
            self._first = [self.momentum * v + g for v, g in zip(self._first, grads, strict=True)]
            return [p - lr * v for p, v in zip(params, self._first, strict=True)]
        b1, b2 = self.beta1, self.beta2
        self._first = [b1 * m + (1 - b1) * g for m, g in zip(self._first, grads, strict=True)]
        self._second = [b2 * v + (1 - b2) * g * g for v, g in zip(self._second, grads, strict=True)]
        m_scale = 1.0 / (1 - b1**self.steps)
        v_scale = 1.0 / (1 - b2**self.steps)
        return [
            p - lr * (m * m_scale) / (np.sqrt(v * v_scale) + self.eps)
            for p, m, v in zip(params, self._first, self._second, strict=True)
        ]
