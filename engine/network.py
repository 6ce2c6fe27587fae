"""A small fully connected network whose every training step can be recorded.

Conventions: W[l] has shape (layer_sizes[l + 1], layer_sizes[l]) and maps layer l to layer l+1;
b[l] has shape (layer_sizes[l + 1],). Data are rows: X is (n_samples, n_inputs).
"""

from collections.abc import Sequence

import numpy as np

from engine import limits
from engine.activations import (
    HIDDEN_ACTIVATIONS,
    OUTPUT_ACTIVATIONS,
    Activation,
    get_activation,
)
from engine.errors import UserInputError
from engine.init import INITIALISERS, initialise
from engine.losses import LOSSES, get_loss
from engine.trace import LayerTrace, StepTrace
from engine.validation import as_matrix, check_choice, check_finite, check_int, check_learning_rate


def _check_architecture(layer_sizes: Sequence[int], activations: Sequence[str], loss: str) -> None:
    if len(layer_sizes) < 2:
        raise UserInputError("A network needs at least an input and an output layer.")
    if len(layer_sizes) - 2 > limits.MAX_HIDDEN_LAYERS:
        raise UserInputError(
            f"A network may have at most {limits.MAX_HIDDEN_LAYERS} hidden layers;"
            f" got {len(layer_sizes) - 2}."
        )
    for index, size in enumerate(layer_sizes):
        check_int(size, f"Layer {index} size", 1, limits.MAX_UNITS)
    if len(activations) != len(layer_sizes) - 1:
        raise UserInputError(
            f"Give one activation per layer after the input: {len(layer_sizes) - 1} expected,"
            f" {len(activations)} given."
        )
    for index, name in enumerate(activations):
        is_output = index == len(activations) - 1
        allowed = OUTPUT_ACTIVATIONS if is_output else HIDDEN_ACTIVATIONS
        if name == "softmax" and not is_output:
            raise UserInputError("Softmax is allowed only on the output layer.")
        check_choice(name, "activation", allowed)
    check_choice(loss, "loss", tuple(LOSSES))
    output = activations[-1]
    required = get_loss(loss).required_output
    if required is not None and output != required:
        raise UserInputError(f"The {loss} loss needs a {required} output layer, not {output}.")
    if output == "softmax" and loss != "cross_entropy":
        raise UserInputError("A softmax output layer must be trained with the cross_entropy loss.")
    if output == "softmax" and layer_sizes[-1] < 2:
        raise UserInputError("A softmax output layer needs at least 2 units.")


def _fprime(activation: Activation, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """f'(z) for a = f(z), shape of z.

    Sigmoid, tanh and softmax reuse a: the values are exactly those of activation.df(z)
    (which evaluates f(z) again), at a fraction of the cost in a training step.
    """
    if activation.name in ("sigmoid", "softmax"):
        fprime = 1.0 - a
        fprime *= a  # s (1 - s) with s = a: df of sigmoid, the Jacobian diagonal of softmax
        return fprime
    if activation.name == "tanh":
        fprime = np.square(a)
        np.subtract(1.0, fprime, out=fprime)  # 1 - tanh(z)**2 with tanh(z) = a
        return fprime
    return activation.df(z)


class Network:
    """A fully connected feed-forward network with recorded training steps.

    >>> net = Network([2, 4, 1], ["tanh", "sigmoid"], loss="binary_cross_entropy", seed=0)
    >>> trace = net.train_step(X, Y, learning_rate=0.5)
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        activations: Sequence[str],
        loss: str = "squared_error",
        init: str = "xavier",
        seed: int = 0,
    ):
        layer_sizes = list(layer_sizes)
        activations = list(activations)
        _check_architecture(layer_sizes, activations, loss)
        check_choice(init, "initialisation", tuple(INITIALISERS))
        check_int(seed, "Seed", 0, limits.MAX_SEED)
        self.activations = activations
        self.loss_name = loss
        self.weights, self.biases = initialise(layer_sizes, init, seed)

    @classmethod
    def from_parameters(
        cls,
        weights: Sequence,
        biases: Sequence,
        activations: Sequence[str],
        loss: str = "squared_error",
    ) -> "Network":
        """Build a network from given weights W[l] (n_out, n_in) and biases b[l] (n_out,)."""
        if len(weights) != len(biases):
            raise UserInputError(
                f"Give one bias vector per weight matrix: {len(weights)} weight matrices,"
                f" {len(biases)} bias vectors."
            )
        if not weights:
            raise UserInputError("A network needs at least one weight matrix.")
        W_list = [as_matrix(W, f"Weights of layer {i + 1}") for i, W in enumerate(weights)]
        b_list = []
        for index, b in enumerate(biases):
            try:
                vector = np.array(b, dtype=np.float64)
            except (TypeError, ValueError):
                raise UserInputError(f"Biases of layer {index + 1} must be numbers.") from None
            if vector.ndim != 1 or vector.shape[0] != W_list[index].shape[0]:
                raise UserInputError(
                    f"Biases of layer {index + 1} must be a list of {W_list[index].shape[0]}"
                    f" numbers, one per unit; got shape {vector.shape}."
                )
            check_finite(vector, f"Biases of layer {index + 1}")
            b_list.append(vector)
        layer_sizes = [W_list[0].shape[1]] + [W.shape[0] for W in W_list]
        for index in range(1, len(W_list)):
            if W_list[index].shape[1] != W_list[index - 1].shape[0]:
                raise UserInputError(
                    f"Weights of layer {index + 1} have {W_list[index].shape[1]} column(s), but"
                    f" layer {index} has {W_list[index - 1].shape[0]} unit(s)."
                )
        _check_architecture(layer_sizes, list(activations), loss)
        net = cls.__new__(cls)
        net.activations = list(activations)
        net.loss_name = loss
        net.weights, net.biases = W_list, b_list
        return net

    @property
    def layer_sizes(self) -> list[int]:
        """Units per layer, input layer first."""
        return [self.weights[0].shape[1]] + [W.shape[0] for W in self.weights]

    @property
    def n_inputs(self) -> int:
        return self.weights[0].shape[1]

    @property
    def n_outputs(self) -> int:
        return self.weights[-1].shape[0]

    def copy(self) -> "Network":
        """An independent copy: changing one network's parameters never changes the other."""
        return Network.from_parameters(
            [W.copy() for W in self.weights],
            [b.copy() for b in self.biases],
            self.activations,
            self.loss_name,
        )

    def check_data(self, X, Y=None) -> tuple[np.ndarray, np.ndarray | None]:
        """Validate X (n_samples, n_inputs) and Y (n_samples, n_outputs) against this network."""
        X = as_matrix(X, "Inputs X", self.n_inputs)
        if Y is None:
            return X, None
        Y = as_matrix(Y, "Targets Y", self.n_outputs)
        if Y.shape[0] != X.shape[0]:
            raise UserInputError(
                f"Inputs have {X.shape[0]} row(s) but targets have {Y.shape[0]};"
                " give one target row per input row."
            )
        if self.loss_name == "binary_cross_entropy" and np.any((Y < 0) | (Y > 1)):
            raise UserInputError("Binary cross-entropy targets must be between 0 and 1.")
        if self.loss_name == "cross_entropy":
            if np.any(Y < 0) or not np.allclose(Y.sum(axis=1), 1.0):
                raise UserInputError(
                    "Cross-entropy targets must be one-hot rows (or probabilities summing to 1)."
                )
        return X, Y

    def _forward_layers(self, X: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """(z, a) of each layer after the input, for already validated X."""
        values = []
        a = X
        with np.errstate(over="ignore", invalid="ignore"):
            for W, b, name in zip(self.weights, self.biases, self.activations, strict=True):
                z = a @ W.T
                z += b  # in place: one (n_samples, n_out) temporary fewer per layer
                a = get_activation(name).f(z)
                values.append((z, a))
        return values

    def forward(self, X) -> np.ndarray:
        """The network output Y_hat, shape (n_samples, n_outputs), for inputs X."""
        X, _ = self.check_data(X)
        return self._forward_layers(X)[-1][1]

    def loss_value(self, X, Y) -> float:
        """The batch loss L for inputs X and targets Y (no gradients, no update)."""
        X, Y = self.check_data(X, Y)
        z, a = self._forward_layers(X)[-1]
        with np.errstate(over="ignore", invalid="ignore"):
            return get_loss(self.loss_name).value(a, Y, z)

    def compute_trace(self, X, Y, learning_rate: float = 0.1) -> StepTrace:
        """Record a full gradient-descent step on the batch without changing the parameters.

        The trace holds forward values, the loss, dL/da, f'(z), delta, dL/dW, dL/db and the
        parameters the update would produce. The gradient is that of the batch-mean loss.
        """
        X, Y = self.check_data(X, Y)
        learning_rate = check_learning_rate(learning_rate)
        loss = get_loss(self.loss_name)
        forward = self._forward_layers(X)
        n_layers = len(self.weights)
        records: list[LayerTrace | None] = [None] * n_layers
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            z_out, a_out = forward[-1]
            loss_terms = loss.terms(a_out, Y, z_out)
            grad_a = loss.grad(a_out, Y)
            for index in reversed(range(n_layers)):
                z, a = forward[index]
                activation = get_activation(self.activations[index])
                fprime = _fprime(activation, z, a)
                if index == n_layers - 1:
                    delta = loss.output_delta(a, Y, z, lambda _z, fprime=fprime: fprime)
                else:
                    delta = grad_a * fprime
                a_in = X if index == 0 else forward[index - 1][1]
                W, b = self.weights[index], self.biases[index]
                dW = delta.T @ a_in
                db = delta.sum(axis=0)
                records[index] = LayerTrace(
                    activation=self.activations[index],
                    W=W.copy(),
                    b=b.copy(),
                    a_in=a_in,
                    z=z,
                    a=a,
                    grad_a=grad_a,
                    fprime=fprime,
                    delta=delta,
                    dW=dW,
                    db=db,
                    W_new=W - learning_rate * dW,
                    b_new=b - learning_rate * db,
                )
                grad_a = delta @ W  # dL/da of the layer below
        return StepTrace(
            X=X,
            Y=Y,
            layers=tuple(records),
            loss_name=self.loss_name,
            loss=float(np.sum(loss_terms)),
            loss_terms=loss_terms,
            learning_rate=learning_rate,
        )

    def gradients(self, X, Y) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """dL/dW and dL/db for every layer, by backpropagation (lists shaped like the params)."""
        trace = self.compute_trace(X, Y)
        return [layer.dW for layer in trace.layers], [layer.db for layer in trace.layers]

    def apply(self, trace: StepTrace) -> None:
        """Set the parameters to the updated ones recorded in `trace`."""
        if [layer.W.shape for layer in trace.layers] != [W.shape for W in self.weights]:
            raise ValueError("This trace was recorded on a network of a different shape.")
        self.weights = [layer.W_new.copy() for layer in trace.layers]
        self.biases = [layer.b_new.copy() for layer in trace.layers]

    def train_step(self, X, Y, learning_rate: float = 0.1) -> StepTrace:
        """One gradient-descent update on the batch; returns its full trace.

        If the step would make the loss or a parameter NaN or infinite, the parameters are
        left unchanged and the returned trace has `finite == False`.
        """
        trace = self.compute_trace(X, Y, learning_rate)
        if trace.finite:
            self.apply(trace)
        return trace

    def set_parameters(self, weights: Sequence, biases: Sequence) -> None:
        """Replace the parameters with copies of validated ones of the same shapes."""
        other = Network.from_parameters(weights, biases, self.activations, self.loss_name)
        if other.layer_sizes != self.layer_sizes:
            raise ValueError(
                f"Expected parameters for layers {self.layer_sizes}, got {other.layer_sizes}."
            )
        self.weights, self.biases = other.weights, other.biases
