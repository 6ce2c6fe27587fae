"""The scalar network y_hat = f(w2 f(w1 x + b1) + b2) and its loss as a computational graph.

Each node is one elementary operation (multiply, add, activation, loss) or a leaf (input,
parameter, target). The forward pass fills in values; the backward pass visits the operation
nodes in reverse topological order, and each one multiplies its gradient by its local
derivatives and adds the products to its parents' gradients. When a value feeds two places
(tied weights, w1 = w2 = w), its gradient is the sum of what both places send back.
"""

import math
from dataclasses import dataclass

import numpy as np

from engine import limits
from engine.activations import HIDDEN_ACTIVATIONS, get_activation
from engine.errors import UserInputError
from engine.gradcheck import numerical_gradients
from engine.losses import get_loss
from engine.network import Network
from engine.validation import check_choice

GRAPH_LOSSES = ("squared_error", "mse", "binary_cross_entropy")


@dataclass(frozen=True)
class Node:
    """One value in the graph, with how it was computed from its parents."""

    id: str  # stable identifier, e.g. "mul1"
    op: str  # "input", "param", "target", "mul", "add", "activation" or "loss"
    name: str  # the quantity, e.g. "z1"
    value: float
    parents: tuple[str, ...] = ()
    local_grads: tuple[float, ...] = ()  # d(this node) / d(parent), one per parent

    @property
    def is_leaf(self) -> bool:
        return not self.parents


@dataclass(frozen=True)
class Contribution:
    """What one backward step adds to one parent's gradient."""

    parent: str
    local_grad: float  # d(node) / d(parent)
    amount: float  # upstream gradient * local_grad
    before: float  # the parent's gradient before this step (0 if nothing arrived yet)
    after: float  # before + amount
    accumulates: bool = False  # the parent already had a gradient from another place: it adds


@dataclass(frozen=True)
class BackwardStep:
    """Processing one operation node: its gradient is final and is pushed to its parents."""

    node: str
    upstream: float  # dL/d(node), complete when the node is processed
    contributions: tuple[Contribution, ...]


@dataclass(frozen=True)
class ChainGraph:
    """The whole graph, its forward values and its backward pass, step by step."""

    nodes: tuple[Node, ...]  # forward topological order, loss last
    steps: tuple[BackwardStep, ...]  # reverse topological order over operation nodes
    activation: str
    loss_name: str
    tied: bool

    @property
    def loss(self) -> float:
        return self.nodes[-1].value

    def node(self, node_id: str) -> Node:
        """The node called `node_id` (KeyError if there is none)."""
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    @property
    def n_steps(self) -> int:
        return len(self.steps)

    def gradients_after(self, n_steps: int) -> dict[str, float | None]:
        """dL/d(node) known after the first `n_steps` backward steps; None where nothing arrived.

        Step 0 is the seed: dL/dL = 1. Constants (the target) never receive a gradient.
        """
        n_steps = max(0, min(int(n_steps), self.n_steps))
        grads: dict[str, float | None] = {node.id: None for node in self.nodes}
        grads[self.nodes[-1].id] = 1.0
        for step in self.steps[:n_steps]:
            for contribution in step.contributions:
                grads[contribution.parent] = contribution.after
        return grads

    @property
    def gradients(self) -> dict[str, float | None]:
        """dL/d(node) for every node once the backward pass is complete."""
        return self.gradients_after(self.n_steps)

    def parameter_gradients(self) -> dict[str, float]:
        """dL/dw1, dL/db1, dL/dw2, dL/db2 (with tied weights, w1 and w2 both give dL/dw)."""
        grads = self.gradients
        weight_ids = ("w", "w") if self.tied else ("w1", "w2")
        return {
            "w1": float(grads[weight_ids[0]]),
            "b1": float(grads["b1"]),
            "w2": float(grads[weight_ids[1]]),
            "b2": float(grads["b2"]),
        }


@dataclass(frozen=True)
class GraphSettings:
    """The scalars and choices that define the graph."""

    x: float = 1.0
    y: float = 0.0
    w1: float = 0.5
    b1: float = 0.1
    w2: float = -0.8
    b2: float = 0.2
    activation: str = "sigmoid"
    loss: str = "squared_error"
    tied: bool = False  # use one weight w for both layers (w2 := w1)

    def validated(self) -> "GraphSettings":
        """These settings, or UserInputError saying which value is not allowed."""
        for field in ("x", "y", "w1", "b1", "w2", "b2"):
            value = getattr(self, field)
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise UserInputError(f"{field} must be a number.") from None
            if not math.isfinite(number):
                raise UserInputError(f"{field} must be a finite number; got {value}.")
            if abs(number) > limits.MAX_ABS_VALUE:
                raise UserInputError(
                    f"{field} must be at most {limits.MAX_ABS_VALUE:g} in magnitude; got {value}."
                )
        check_choice(self.activation, "activation", HIDDEN_ACTIVATIONS)
        check_choice(self.loss, "loss", GRAPH_LOSSES)
        if self.loss == "binary_cross_entropy":
            if self.activation != "sigmoid":
                raise UserInputError(
                    "Binary cross-entropy needs a sigmoid output; choose sigmoid or another loss."
                )
            if not 0.0 <= float(self.y) <= 1.0:
                raise UserInputError("With binary cross-entropy the target y must be from 0 to 1.")
        return self


def _scalar(function, value: float) -> float:
    return float(function(np.array([value], dtype=np.float64))[0])


def build_graph(settings: GraphSettings) -> ChainGraph:
    """Forward pass and step-by-step backward pass of `settings` (UserInputError if invalid)."""
    s = settings.validated()
    f = get_activation(s.activation)
    loss = get_loss(s.loss)
    w1_id, w2_id = ("w", "w") if s.tied else ("w1", "w2")
    w1, w2 = float(s.w1), float(s.w1 if s.tied else s.w2)
    x, y, b1, b2 = float(s.x), float(s.y), float(s.b1), float(s.b2)

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        mul1 = w1 * x
        z1 = mul1 + b1
        h = _scalar(f.f, z1)
        mul2 = w2 * h
        z2 = mul2 + b2
        y_hat = _scalar(f.f, z2)
        Y_hat, Y, Z = np.array([[y_hat]]), np.array([[y]]), np.array([[z2]])
        loss_value = loss.value(Y_hat, Y, Z)
        dloss = float(loss.grad(Y_hat, Y)[0, 0])

    nodes: list[Node] = [Node("x", "input", "x", x)]
    if s.tied:
        nodes.append(Node("w", "param", "w", w1))
    else:
        nodes.append(Node("w1", "param", "w1", w1))
    nodes += [
        Node("mul1", "mul", "w1·x", mul1, (w1_id, "x"), (x, w1)),
        Node("b1", "param", "b1", b1),
        Node("z1", "add", "z1", z1, ("mul1", "b1"), (1.0, 1.0)),
        Node("h", "activation", "h", h, ("z1",), (_scalar(f.df, z1),)),
    ]
    if not s.tied:
        nodes.append(Node("w2", "param", "w2", w2))
    nodes += [
        Node("mul2", "mul", "w2·h", mul2, (w2_id, "h"), (h, w2)),
        Node("b2", "param", "b2", b2),
        Node("z2", "add", "z2", z2, ("mul2", "b2"), (1.0, 1.0)),
        Node("y_hat", "activation", "ŷ", y_hat, ("z2",), (_scalar(f.df, z2),)),
        Node("y", "target", "y", y),
        Node("loss", "loss", "L", loss_value, ("y_hat",), (dloss,)),
    ]
    return ChainGraph(tuple(nodes), _backward(nodes), s.activation, s.loss, s.tied)


def _backward(nodes: list[Node]) -> tuple[BackwardStep, ...]:
    """Reverse-mode accumulation over `nodes` (already in forward topological order)."""
    grads: dict[str, float] = {node.id: 0.0 for node in nodes}
    reached: set[str] = set()
    grads[nodes[-1].id] = 1.0
    steps = []
    with np.errstate(over="ignore", invalid="ignore"):
        for node in reversed(nodes):
            if node.is_leaf:
                continue
            upstream = grads[node.id]
            contributions = []
            for parent, local in zip(node.parents, node.local_grads, strict=True):
                amount = upstream * local
                before = grads[parent]
                grads[parent] = before + amount
                contributions.append(
                    Contribution(parent, local, amount, before, grads[parent], parent in reached)
                )
                reached.add(parent)
            steps.append(BackwardStep(node.id, upstream, tuple(contributions)))
    return tuple(steps)


@dataclass(frozen=True)
class ReferenceGradients:
    """dL/d(parameter) of the same network computed two other ways, to check the graph."""

    backprop: dict[str, float]  # Network.compute_trace (vectorised backpropagation)
    finite_difference: dict[str, float]  # central differences of the loss


def reference_gradients(settings: GraphSettings) -> ReferenceGradients:
    """The graph's parameter gradients recomputed by the engine's Network and by finite
    differences. With tied weights, dL/dw is the sum of the two weight gradients."""
    s = settings.validated()
    w2 = s.w1 if s.tied else s.w2
    net = Network.from_parameters(
        [[[float(s.w1)]], [[float(w2)]]],
        [[float(s.b1)], [float(s.b2)]],
        [s.activation, s.activation],
        s.loss,
    )
    X, Y = [[float(s.x)]], [[float(s.y)]]
    trace = net.compute_trace(X, Y)
    dW, db = numerical_gradients(net, X, Y)

    def named(w1: float, w2: float, b1: float, b2: float) -> dict[str, float]:
        if s.tied:
            w1 = w2 = w1 + w2
        return {"w1": float(w1), "b1": float(b1), "w2": float(w2), "b2": float(b2)}

    return ReferenceGradients(
        named(
            trace.layers[0].dW[0, 0],
            trace.layers[1].dW[0, 0],
            trace.layers[0].db[0],
            trace.layers[1].db[0],
        ),
        named(dW[0][0, 0], dW[1][0, 0], db[0][0], db[1][0]),
    )
