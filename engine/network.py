"""A small fully connected network whose every training step can be recorded.

Conventions: W[l] has shape (layer_sizes[l + 1], layer_sizes[l]) and maps layer l to layer l+1;
b[l] has shape (layer_sizes[l + 1],). Data are rows: X is (n_samples, n_inputs).

The engine never writes into a parameter array: an update replaces the arrays, and traces hold
references to them. Change parameters with `set_parameters` (or by assigning new arrays), not
in place, or recorded traces change with them.
"""

import math
from collections.abc import Sequence

import numpy as np

from engine import limits
from engine.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, Activation
from engine.backprop import backprop, forward
from engine.errors import UserInputError
from engine.init import INITIALISERS, initialise
from engine.losses import LOSSES, get_loss
from engine.trace import Deferred, StepTrace, layer_trace, step_trace
from engine.validation import (
    all_finite,
    as_matrix,
    check_choice,
    check_finite,
    check_int,
    check_learning_rate,
)

# |row sum - 1| <= 1e-8 + 1e-5: the tolerance of np.allclose(row sums, 1.0)
_ROW_SUM_TOLERANCE = 1.001e-5
_CROSS_ENTROPY_TARGETS = (
    "Cross-entropy targets must be one-hot rows (or probabilities summing to 1)."
)


def _same_bits(given, checked: np.ndarray) -> bool:
    """True when `given` is a float64 array, apart from `checked`, holding exactly its bits.

    An array sharing memory with `checked` (the checked copy itself coming back, or a view of
    it) may have been written into since: it counts as different and is checked again.
    """
    return (
        type(given) is np.ndarray
        and given.dtype == np.float64
        and given.shape == checked.shape
        and not np.may_share_memory(given, checked)
        and given.tobytes() == checked.tobytes()
    )


def _check_flag(value, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise UserInputError(f"{name} must be True or False; got {value!r}.")
    return bool(value)


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


class Network:
    """A fully connected feed-forward network with recorded training steps.

    >>> net = Network([2, 4, 1], ["tanh", "sigmoid"], loss="binary_cross_entropy", seed=0)
    >>> trace = net.train_step(X, Y, learning_rate=0.5)

    With `train_biases=False` an update changes only the weights (as in textbook examples that
    keep the biases fixed); dL/db is still computed and recorded.
    """

    # (X, Y, what the check depended on) of the last batch a step checked, as check_data
    # returned them (copies; the caller's arrays are not kept): see _checked_batch.
    _last_batch: tuple | None = None

    def __init__(
        self,
        layer_sizes: Sequence[int],
        activations: Sequence[str],
        loss: str = "squared_error",
        init: str = "xavier",
        seed: int = 0,
        *,
        train_biases: bool = True,
    ):
        layer_sizes = list(layer_sizes)
        activations = list(activations)
        _check_architecture(layer_sizes, activations, loss)
        check_choice(init, "initialisation", tuple(INITIALISERS))
        check_int(seed, "Seed", 0, limits.MAX_SEED)
        self.activations = activations
        self.loss_name = loss
        self.train_biases = _check_flag(train_biases, "train_biases")
        self.weights, self.biases = initialise(layer_sizes, init, seed)

    @classmethod
    def from_parameters(
        cls,
        weights: Sequence,
        biases: Sequence,
        activations: Sequence[str],
        loss: str = "squared_error",
        *,
        train_biases: bool = True,
    ) -> "Network":
        """Build a network from given weights W[l] (n_out, n_in) and biases b[l] (n_out,).

        The arrays are copied: changing the given ones later does not change the network.
        """
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
        return cls._of_checked(W_list, b_list, list(activations), loss, train_biases)

    @classmethod
    def _of_checked(
        cls,
        weights: list[np.ndarray],
        biases: list[np.ndarray],
        activations: list[str],
        loss: str,
        train_biases: bool,
    ) -> "Network":
        """A network holding these arrays as they are (the caller has checked and owns them)."""
        net = cls.__new__(cls)
        net.activations = activations
        net.loss_name = loss
        net.train_biases = _check_flag(train_biases, "train_biases")
        net.weights, net.biases = weights, biases
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
        """An independent copy: changing one network's parameters never changes the other.

        Not validated again, so a network trained beyond the caps a visitor's values obey
        (MAX_ABS_VALUE) can still be copied.
        """
        return Network._of_checked(
            [W.copy() for W in self.weights],
            [b.copy() for b in self.biases],
            list(self.activations),
            self.loss_name,
            self.train_biases,
        )

    def _activation_functions(self) -> list[Activation]:
        return [ACTIVATIONS[name] for name in self.activations]

    def check_data(self, X, Y=None) -> tuple[np.ndarray, np.ndarray | None]:
        """Validate X (n_samples, n_inputs) and Y (n_samples, n_outputs) against this network."""
        X = as_matrix(X, "Inputs X", self.n_inputs)
        if Y is None:
            return X, None
        within = None
        if self.loss_name == "binary_cross_entropy":
            within = (0.0, 1.0, "Binary cross-entropy targets must be between 0 and 1.")
        elif self.loss_name == "cross_entropy":
            within = (0.0, 1.0 + _ROW_SUM_TOLERANCE, _CROSS_ENTROPY_TARGETS)
        Y = as_matrix(Y, "Targets Y", self.n_outputs, within)
        if Y.shape[0] != X.shape[0]:
            raise UserInputError(
                f"Inputs have {X.shape[0]} row(s) but targets have {Y.shape[0]};"
                " give one target row per input row."
            )
        if self.loss_name == "cross_entropy":
            if np.abs(Y.sum(axis=1) - 1.0).max() > _ROW_SUM_TOLERANCE:
                raise UserInputError(_CROSS_ENTROPY_TARGETS)
        return X, Y

    def _checked_batch(self, X, Y) -> tuple[np.ndarray, np.ndarray]:
        """check_data(X, Y), or the arrays it returned last time when X and Y hold exactly the
        bits checked then (a training loop passes one batch step after step; comparing bytes
        costs a fraction of checking them again)."""
        depends_on = (self.n_inputs, self.n_outputs, self.loss_name)
        last = self._last_batch
        if (
            last is not None
            and last[2] == depends_on
            and _same_bits(X, last[0])
            and _same_bits(Y, last[1])
        ):
            return last[0], last[1]
        X, Y = self.check_data(X, Y)
        self._last_batch = (X, Y, depends_on)
        return X, Y

    def _forward_layers(self, X: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """(z, a) of each layer after the input, for already validated X."""
        with np.errstate(over="ignore", invalid="ignore"):
            zs, outputs = forward(self.weights, self.biases, self._activation_functions(), X)
        return list(zip(zs, outputs, strict=True))

    def forward(self, X) -> np.ndarray:
        """The network output Y_hat, shape (n_samples, n_outputs), for inputs X."""
        X, _ = self.check_data(X)
        with np.errstate(over="ignore", invalid="ignore"):
            return forward(self.weights, self.biases, self._activation_functions(), X)[1][-1]

    def loss_value(self, X, Y) -> float:
        """The batch loss L for inputs X and targets Y (no gradients, no update)."""
        X, Y = self.check_data(X, Y)
        with np.errstate(over="ignore", invalid="ignore"):
            zs, outputs = forward(self.weights, self.biases, self._activation_functions(), X)
            return get_loss(self.loss_name).value(outputs[-1], Y, zs[-1])

    def compute_trace(self, X, Y, learning_rate: float = 0.1) -> StepTrace:
        """Record a full gradient-descent step on the batch without changing the parameters.

        The trace holds forward values, the loss, dL/da, f'(z), delta, dL/dW, dL/db and the
        parameters the update would produce. The gradient is that of the batch-mean loss.
        The arrays are the ones `engine.backprop` computed, not copies; only the loss terms
        and the updated parameters are computed here, and, at an output where backprop took a
        shortcut, dL/da and f'(z) when the trace is first asked for them (display only).
        """
        X, Y = self._checked_batch(X, Y)
        learning_rate = check_learning_rate(learning_rate)
        loss = get_loss(self.loss_name)
        activations = self._activation_functions()
        train_biases = self.train_biases
        # A diverging step overflows to infinity or NaN; `finite` below reports it.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            result = backprop(self.weights, self.biases, activations, loss, X, Y)
            z_out, a_out = result.z[-1], result.a[-1]
            loss_terms = loss.terms(a_out, Y, z_out)
            if result.shortcut is not None:
                result.grad_a[-1] = Deferred(loss.grad, (a_out, Y))
                result.fprime[-1] = Deferred(activations[-1].fprime, (z_out, a_out))
            layers = []
            # A NaN or infinity in delta reaches db through its sum: checking W_new and b_new
            # (db when biases are frozen) covers every delta and gradient too.
            to_check = []
            for index, (W, b) in enumerate(zip(self.weights, self.biases, strict=True)):
                dW, db = result.dW[index], result.db[index]
                W_new = W - learning_rate * dW
                b_new = b - learning_rate * db if train_biases else b
                to_check += (W_new, b_new if train_biases else db)
                layers.append(
                    layer_trace(
                        self.activations[index],
                        W,
                        b,
                        result.a_in[index],
                        result.z[index],
                        result.a[index],
                        result.grad_a[index],
                        result.fprime[index],
                        result.delta[index],
                        dW,
                        db,
                        W_new,
                        b_new,
                    )
                )
            loss_total = float(loss_terms.sum())
            finite = math.isfinite(loss_total) and all_finite(to_check)
        return step_trace(
            X, Y, tuple(layers), self.loss_name, loss_total, loss_terms, learning_rate, finite
        )

    def gradients(self, X, Y) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """dL/dW and dL/db for every layer, by backpropagation (lists shaped like the params)."""
        X, Y = self.check_data(X, Y)
        loss = get_loss(self.loss_name)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            result = backprop(self.weights, self.biases, self._activation_functions(), loss, X, Y)
        return result.dW, result.db

    def apply(self, trace: StepTrace) -> None:
        """Set the parameters to the updated ones recorded in `trace` (the same arrays)."""
        if [layer.W.shape for layer in trace.layers] != [W.shape for W in self.weights]:
            raise ValueError("This trace was recorded on a network of a different shape.")
        self.weights = [layer.W_new for layer in trace.layers]
        self.biases = [layer.b_new for layer in trace.layers]

    def train_step(self, X, Y, learning_rate: float = 0.1) -> StepTrace:
        """One gradient-descent update on the batch; returns its full trace.

        If the step would make the loss or a parameter NaN or infinite, the parameters are
        left unchanged and the returned trace has `finite == False`.
        """
        trace = self.compute_trace(X, Y, learning_rate)
        if trace.finite:  # as apply(trace), without its check: the trace is of this network
            self.weights = [layer.W_new for layer in trace.layers]
            self.biases = [layer.b_new for layer in trace.layers]
        return trace

    def set_parameters(self, weights: Sequence, biases: Sequence) -> None:
        """Replace the parameters with copies of validated ones of the same shapes."""
        other = Network.from_parameters(
            weights, biases, self.activations, self.loss_name, train_biases=self.train_biases
        )
        if other.layer_sizes != self.layer_sizes:
            raise ValueError(
                f"Expected parameters for layers {self.layer_sizes}, got {other.layer_sizes}."
            )
        self.weights, self.biases = other.weights, other.biases
