"""Records of one training step: every number the app shows comes from these."""

from dataclasses import dataclass

import numpy as np


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
    grad_a: np.ndarray  # (N, n_out) dL/da (for a saturated cross-entropy output it may be inf)
    fprime: np.ndarray  # (N, n_out) f'(z); for softmax the diagonal of its Jacobian
    delta: np.ndarray  # (N, n_out) dL/dz
    dW: np.ndarray  # (n_out, n_in) dL/dW = delta^T a_in, summed over the batch
    db: np.ndarray  # (n_out,) dL/db = delta summed over the batch
    W_new: np.ndarray  # (n_out, n_in) W - learning_rate * dW
    b_new: np.ndarray  # (n_out,) b - learning_rate * db; b itself when biases are frozen


_LAYER_FIELDS = tuple(LayerTrace.__dataclass_fields__)


def layer_trace(*values) -> LayerTrace:
    """LayerTrace(*values), built without the frozen __init__'s one object.__setattr__ per
    field: a trace is recorded on every training step, and that was a tenth of its overhead."""
    record = object.__new__(LayerTrace)
    record.__dict__.update(zip(_LAYER_FIELDS, values, strict=True))
    return record


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
