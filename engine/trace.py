"""Records of one training step: every number the app shows comes from these."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np


class Deferred(NamedTuple):
    """An array recorded for display only, computed by `function(*args)` when first read.

    At an output where backprop took a shortcut, dL/da and f'(z) are not part of the
    gradient; a step nobody looks at (a training loop) need not pay for them.
    """

    function: Callable[..., np.ndarray]
    args: tuple

    def compute(self) -> np.ndarray:
        # dL/da of a saturated cross-entropy output is a division by zero: inf, quietly.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return self.function(*self.args)


class _ComputedOnRead:
    """A LayerTrace field that may hold a Deferred: the first read computes and keeps it."""

    def __init__(self, name: str):
        self.name = name

    def __get__(self, record, owner=None):
        if record is None:
            return self
        value = record.__dict__[self.name]
        if isinstance(value, Deferred):
            value = record.__dict__[self.name] = value.compute()
        return value

    def __set__(self, record, value) -> None:
        # Reached only from the frozen __init__ (object.__setattr__); assigning a field of a
        # recorded trace still raises FrozenInstanceError.
        record.__dict__[self.name] = value


@dataclass(frozen=True, eq=False)
class LayerTrace:
    """Layer l of a step: the weights mapping layer l to layer l+1 and what flowed through them.

    Shapes use N = samples in the batch, n_in = units of layer l, n_out = units of layer l+1.
    The arrays are the ones the backprop core computed and the network's own parameters, held
    by reference: the engine never changes an array once it is recorded here.
    """

    activation: str  # name of f for layer l+1
    W: np.ndarray  # (n_out, n_in) weights before the update
    b: np.ndarray  # (n_out,) biases before the update
    a_in: np.ndarray  # (N, n_in) input to this layer: X for l = 0, else the previous layer's a
    z: np.ndarray  # (N, n_out) pre-activation z = a_in W^T + b
    a: np.ndarray  # (N, n_out) activation a = f(z)
    # (N, n_out) dL/da (for a saturated cross-entropy output it may be inf); at a shortcut
    # output computed when first read, as is fprime (see Deferred)
    grad_a: np.ndarray
    fprime: np.ndarray  # (N, n_out) f'(z); for softmax the diagonal of its Jacobian
    delta: np.ndarray  # (N, n_out) dL/dz
    dW: np.ndarray  # (n_out, n_in) dL/dW = delta^T a_in, summed over the batch
    db: np.ndarray  # (n_out,) dL/db = delta summed over the batch
    W_new: np.ndarray  # (n_out, n_in) W - learning_rate * dW
    b_new: np.ndarray  # (n_out,) b - learning_rate * db; b itself when biases are frozen


LayerTrace.grad_a = _ComputedOnRead("grad_a")
LayerTrace.fprime = _ComputedOnRead("fprime")


def _record(cls, values: tuple):
    """cls(*values) for a frozen dataclass, without its __init__'s one object.__setattr__ per
    field: a trace is recorded on every training step, and that was a tenth of its overhead."""
    record = object.__new__(cls)
    record.__dict__.update(zip(cls.__dataclass_fields__, values, strict=True))
    return record


def layer_trace(*values) -> LayerTrace:
    """LayerTrace(*values), built quickly (see _record)."""
    return _record(LayerTrace, values)


@dataclass(frozen=True, eq=False)
class StepTrace:
    """One gradient-descent step on a batch: forward values, loss, gradients and the update."""

    X: np.ndarray  # (N, n_inputs)
    Y: np.ndarray  # (N, n_outputs) targets
    layers: tuple[LayerTrace, ...]  # one per weight matrix, input side first
    loss_name: str
    loss: float  # batch loss before the update
    loss_terms: np.ndarray  # (N, n_outputs) contributions that sum to `loss`
    learning_rate: float
    # True when the loss, every delta and every updated parameter is a finite number.
    finite: bool

    @property
    def Y_hat(self) -> np.ndarray:
        """(N, n_outputs) network output before the update."""
        return self.layers[-1].a

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]


def step_trace(*values) -> StepTrace:
    """StepTrace(*values), built quickly (see _record)."""
    return _record(StepTrace, values)
