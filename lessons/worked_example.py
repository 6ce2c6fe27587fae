"""The textbook's 2-2-2 worked example (Matt Mazur's "A Step by Step Backpropagation Example"),
reproduced exactly: biases frozen as in the text, and both update orders.

- Simultaneous (backpropagation proper): every gradient is computed with the weights before the
  step, then all weights change at once. Error after one step: 0.2910277737.
- Sequential ("as in the published code"): the output weights w5..w8 are updated first and
  the hidden deltas are then computed with those new weights. Error after one step:
  0.2910279239, the 0.291027924 the text states.

The published example never updates its biases b1 and b2; `train_biases=True` is offered as
an option. Numbers come from the engine (`Network.from_parameters(..., train_biases=...)`).
"""

from dataclasses import dataclass

import numpy as np

from engine.activations import ACTIVATIONS
from engine.backprop import backprop
from engine.errors import UserInputError
from engine.losses import get_loss
from engine.network import Network
from engine.trace import StepTrace
from engine.validation import check_choice

SIMULTANEOUS, SEQUENTIAL = "simultaneous", "sequential"
UPDATE_ORDERS = (SIMULTANEOUS, SEQUENTIAL)
TRAIN_BLOCK = 10_000  # updates per press of "train 10,000 more steps"
MAX_TRAIN_BLOCKS = 10  # at most 100,000 further updates

# The published numbers, keyed by the page's widgets. b1 is the bias of both hidden units,
# b2 that of both outputs.
TEXTBOOK_VALUES: dict[str, float] = {
    "i1": 0.05,
    "i2": 0.10,
    "t1": 0.01,
    "t2": 0.99,
    "w1": 0.15,
    "w2": 0.20,
    "w3": 0.25,
    "w4": 0.30,
    "w5": 0.40,
    "w6": 0.45,
    "w7": 0.50,
    "w8": 0.55,
    "b1": 0.35,
    "b2": 0.60,
    "eta": 0.5,
}

# The published names and the app's notation (lessons/notation.py), shown once on the page.
NAME_MAPPING: tuple[tuple[str, str, str], ...] = (
    ("i_1, i_2", "x_1, x_2", "the inputs"),
    ("h_1, h_2", "\\text{units 1, 2 of layer 1}", "the hidden units"),
    ("o_1, o_2", "\\text{units 1, 2 of layer 2}", "the output units"),
    ("\\mathrm{net}_{h_1}", "z^{(1)}_1", "net input: weighted inputs plus bias"),
    ("\\mathrm{out}_{h_1}", "a^{(1)}_1", "output of a unit, the sigmoid of its net input"),
    ("\\mathrm{out}_{o_1}", "\\hat y_1 = a^{(2)}_1", "the network's output"),
    ("\\mathrm{target}_{o_1}", "y_1", "the target"),
    ("E_{\\mathrm{total}}", "L", "the error (loss), ½ Σ (target − out)²"),
    ("w_1, w_2, w_3, w_4", "w^{(1)}_{11}, w^{(1)}_{12}, w^{(1)}_{21}, w^{(1)}_{22}", "into h1, h2"),
    ("w_5, w_6, w_7, w_8", "w^{(2)}_{11}, w^{(2)}_{12}, w^{(2)}_{21}, w^{(2)}_{22}", "into o1, o2"),
    ("b_1, b_2", "b^{(1)}_j, b^{(2)}_j", "the biases of the hidden and output layer"),
    ("\\delta_{o_1}", "\\delta^{(2)}_1 = \\partial L / \\partial z^{(2)}_1", "a unit's delta"),
)


def textbook_network(values: dict[str, float], train_biases: bool = False) -> Network:
    """The 2-2-2 sigmoid network with the weights and biases in `values` (UserInputError if
    a value is not allowed)."""
    v = values
    return Network.from_parameters(
        [[[v["w1"], v["w2"]], [v["w3"], v["w4"]]], [[v["w5"], v["w6"]], [v["w7"], v["w8"]]]],
        [[v["b1"], v["b1"]], [v["b2"], v["b2"]]],
        ["sigmoid", "sigmoid"],
        "squared_error",
        train_biases=train_biases,
    )


def textbook_data(values: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """X (1, 2) and Y (1, 2) of the example."""
    return np.array([[values["i1"], values["i2"]]]), np.array([[values["t1"], values["t2"]]])


@dataclass(frozen=True, eq=False)
class SequentialUpdate:
    """The published code's order: output weights first, then hidden deltas with them."""

    hidden_delta: np.ndarray  # (2,) delta of h1, h2 computed with the new w5..w8
    hidden_dW: np.ndarray  # (2, 2) dE/dw1..w4 from those deltas
    hidden_W_new: np.ndarray  # (2, 2) w1..w4 after the update
    network_after: Network


def sequential_update(net: Network, trace: StepTrace) -> SequentialUpdate:
    """One update of `net` in the published code's order, from the step's `trace`.

    The forward values and output deltas are those of `trace`; only the hidden deltas differ,
    because they are sent back through the already updated output weights.
    """
    hidden, output = trace.layers
    hidden_delta = (output.delta @ output.W_new) * hidden.fprime  # (1, 2)
    hidden_dW = hidden_delta.T @ hidden.a_in  # (2, 2)
    hidden_W_new = hidden.W - trace.learning_rate * hidden_dW
    hidden_b_new = hidden.b - trace.learning_rate * hidden_delta.sum(axis=0)
    after = Network.from_parameters(
        [hidden_W_new, output.W_new],
        [hidden_b_new if net.train_biases else hidden.b, output.b_new],
        net.activations,
        net.loss_name,
        train_biases=net.train_biases,
    )
    return SequentialUpdate(hidden_delta[0], hidden_dW, hidden_W_new, after)


@dataclass(frozen=True, eq=False)
class WorkedStep:
    """One training step of the example, in both orders."""

    trace: StepTrace  # every number of the step; gradients with the weights before the step
    train_biases: bool
    sequential: SequentialUpdate
    error_after_simultaneous: float  # E_total after the step, all weights updated at once
    error_after_sequential: float  # E_total after the published code's order


def one_step(values: dict[str, float], train_biases: bool = False) -> WorkedStep:
    """The step of the example with `values` (UserInputError if a value is not allowed)."""
    net = textbook_network(values, train_biases)
    X, Y = textbook_data(values)
    trace = net.compute_trace(X, Y, values["eta"])
    simultaneous = net.copy()
    simultaneous.apply(trace)
    sequential = sequential_update(net, trace)
    return WorkedStep(
        trace,
        train_biases,
        sequential,
        simultaneous.loss_value(X, Y),
        sequential.network_after.loss_value(X, Y),
    )


@dataclass(frozen=True, eq=False)
class TrainingResult:
    """The example after many updates."""

    steps: int
    network: Network  # the parameters after `steps` updates
    error: float  # E_total
    outputs: tuple[float, float]  # out_o1, out_o2


def train_more(
    values: dict[str, float],
    train_biases: bool,
    order: str,
    start: TrainingResult | None = None,
) -> TrainingResult:
    """TRAIN_BLOCK more updates in `order`, from `start` (or from the example's start values).

    Raises UserInputError beyond MAX_TRAIN_BLOCKS blocks or for a value that is not allowed.
    """
    order = check_choice(order, "update order", UPDATE_ORDERS)
    done = 0 if start is None else start.steps
    if done + TRAIN_BLOCK > MAX_TRAIN_BLOCKS * TRAIN_BLOCK:
        raise UserInputError(
            f"The example trains at most {MAX_TRAIN_BLOCKS * TRAIN_BLOCK:,} steps here."
        )
    net = textbook_network(values, train_biases) if start is None else start.network
    X, Y = textbook_data(values)
    eta = values["eta"]
    weights, biases = list(net.weights), list(net.biases)
    functions = [ACTIVATIONS[name] for name in net.activations]
    loss = get_loss(net.loss_name)
    # The engine's backprop directly, not a full trace per step: 10,000 steps per press.
    for _ in range(TRAIN_BLOCK):
        result = backprop(weights, biases, functions, loss, X, Y)
        output_W_new = weights[1] - eta * result.dW[1]
        if order == SIMULTANEOUS:
            hidden_delta, hidden_dW = result.delta[0], result.dW[0]
        else:  # hidden deltas sent back through the already updated output weights
            hidden_delta = (result.delta[1] @ output_W_new) * result.fprime[0]
            hidden_dW = hidden_delta.T @ X
        new_weights = [weights[0] - eta * hidden_dW, output_W_new]
        new_biases = biases
        if train_biases:
            new_biases = [
                biases[0] - eta * hidden_delta.sum(axis=0),
                biases[1] - eta * result.db[1],
            ]
        if not all(np.isfinite(W).all() for W in new_weights + new_biases):
            break
        weights, biases = new_weights, new_biases
    net = Network.from_parameters(
        weights, biases, net.activations, net.loss_name, train_biases=train_biases
    )
    outputs = net.forward(X)[0]
    return TrainingResult(
        done + TRAIN_BLOCK, net, net.loss_value(X, Y), (float(outputs[0]), float(outputs[1]))
    )
