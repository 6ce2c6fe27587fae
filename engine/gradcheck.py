"""Finite-difference gradients: the independent reference that backprop is checked against."""

import numpy as np


def numerical_gradients(net, X, Y, eps: float = 1e-6) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """dL/dW and dL/db by central differences, (L(p + eps) - L(p - eps)) / (2 eps).

    Returns two lists shaped like `net.weights` and `net.biases`. The network is left unchanged.
    """
    X, Y = net.check_data(X, Y)
    probe = net.copy()

    def central_difference(params: list[np.ndarray]) -> list[np.ndarray]:
        grads = []
        for array in params:
            grad = np.zeros_like(array)
            for index in np.ndindex(array.shape):
                original = array[index]
                array[index] = original + eps
                loss_plus = probe.loss_value(X, Y)
                array[index] = original - eps
                loss_minus = probe.loss_value(X, Y)
                array[index] = original
                grad[index] = (loss_plus - loss_minus) / (2 * eps)
            grads.append(grad)
        return grads

    return central_difference(probe.weights), central_difference(probe.biases)


def numerical_weight_gradient(net, X, Y, layer: int, row: int, col: int, eps=1e-6) -> float:
    """dL/dW[layer][row, col] by central differences (one weight, for the weight inspector)."""
    X, Y = net.check_data(X, Y)
    probe = net.copy()
    original = probe.weights[layer][row, col]
    probe.weights[layer][row, col] = original + eps
    loss_plus = probe.loss_value(X, Y)
    probe.weights[layer][row, col] = original - eps
    loss_minus = probe.loss_value(X, Y)
    return (loss_plus - loss_minus) / (2 * eps)
