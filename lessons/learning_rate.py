"""Gradient descent seen two ways: several learning rates on one network, and the path of a
one-neuron model with two parameters over its loss surface.

The one-neuron model is y_hat = f(w x + b) on five points whose targets are f(2 x - 3), so
the loss is zero at (w, b) = (2, -3) whatever f is.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from engine import limits
from engine.activations import get_activation
from engine.datasets import make_dataset
from engine.errors import UserInputError
from engine.losses import get_loss
from engine.network import Network
from engine.train import TrainConfig, Trainer
from engine.validation import check_choice, check_in_range, check_int, check_learning_rate

# --- Several learning rates on the same network and data -------------------------------------

DEFAULT_LEARNING_RATES = (0.01, 0.2, 0.75, 1.2)  # too small, good, too large, divergent
LEARNING_RATE_LABELS = ("too small", "good", "too large", "divergent")
MAX_COMPARED_RATES = 6
MAX_COMPARISON_EPOCHS = 300
COMPARISON_ARCHITECTURE = ([1, 8, 1], ["tanh", "linear"])  # a sine curve fitted by 8 tanh units
COMPARISON_DATA = dict(name="sine", n_samples=40, noise=0.1, seed=0)
COMPARISON_INIT_SEED = 1


@dataclass(frozen=True, eq=False)
class LearningRateRun:
    """The training loss curve of one learning rate."""

    learning_rate: float
    loss: np.ndarray  # (n_records,) full-batch loss after each update; entry 0 is before any
    diverged_at: int | None  # the update at which training blew up, or None

    @property
    def final_loss(self) -> float:
        return float(self.loss[-1])


def compare_learning_rates(
    learning_rates: Sequence[float] = DEFAULT_LEARNING_RATES, epochs: int = 150
) -> list[LearningRateRun]:
    """Train the same 1-8-1 network on the same sine data once per learning rate (full batch).

    Raises UserInputError if a learning rate or the number of epochs is out of range.
    """
    if not 1 <= len(learning_rates) <= MAX_COMPARED_RATES:
        raise UserInputError(f"Compare from 1 to {MAX_COMPARED_RATES} learning rates.")
    rates = [check_learning_rate(rate) for rate in learning_rates]
    epochs = check_int(epochs, "Epochs", 1, MAX_COMPARISON_EPOCHS)
    data = make_dataset(**COMPARISON_DATA)
    sizes, activations = COMPARISON_ARCHITECTURE
    runs = []
    for rate in rates:
        net = Network(sizes, activations, "squared_error", "xavier", COMPARISON_INIT_SEED)
        config = TrainConfig(learning_rate=rate, batch_size=data.n_samples, epochs=epochs)
        trainer = Trainer(net, data.X, data.Y, data.X[:0], data.Y[:0], config, "regression")
        trainer.run()
        runs.append(
            LearningRateRun(rate, trainer.history.train_loss.copy(), trainer.history.diverged_at)
        )
    return runs


# --- One neuron, two parameters: the loss surface and the descent path ------------------------

NEURON_X = np.array([0.5, 1.0, 1.5, 2.0, 2.5])  # (5,) inputs of the one-neuron model
NEURON_OPTIMUM = (2.0, -3.0)  # the (w, b) that produced the targets
NEURON_ACTIVATIONS = ("linear", "sigmoid", "tanh")
GRID_W = (-2.0, 6.0)  # w range of the loss-surface plot
GRID_B = (-7.0, 1.0)  # b range
MAX_PATH_STEPS = 200
ESCAPE_RADIUS = 1e4  # a path beyond this |w| or |b| has diverged


def neuron_data(activation: str) -> tuple[np.ndarray, np.ndarray]:
    """X (5, 1) and targets Y = f(2 x - 3) (5, 1) of the one-neuron model."""
    f = get_activation(check_choice(activation, "activation", NEURON_ACTIVATIONS))
    w, b = NEURON_OPTIMUM
    return NEURON_X.reshape(-1, 1), f.f(w * NEURON_X + b).reshape(-1, 1)


@dataclass(frozen=True, eq=False)
class LossSurface:
    """The loss over a grid of (w, b)."""

    w: np.ndarray  # (n_w,) grid values of w
    b: np.ndarray  # (n_b,) grid values of b
    loss: np.ndarray  # (n_b, n_w) loss at (w[j], b[i])


def loss_surface(activation: str = "linear", resolution: int = 60) -> LossSurface:
    """Squared-error loss (1/N sum 1/2 e^2) of y_hat = f(w x + b) over the (w, b) grid."""
    resolution = check_int(resolution, "Grid resolution", 5, 200)
    X, Y = neuron_data(activation)
    f = get_activation(activation)
    w = np.linspace(*GRID_W, resolution)
    b = np.linspace(*GRID_B, resolution)
    W, B = np.meshgrid(w, b)  # (n_b, n_w)
    # Each grid point is one column: Z is (n_samples, n_b * n_w), Y broadcasts over columns.
    Z = X * W.reshape(1, -1) + B.reshape(1, -1)
    terms = get_loss("squared_error").terms(f.f(Z), Y, Z)
    return LossSurface(w, b, terms.sum(axis=0).reshape(W.shape))


@dataclass(frozen=True, eq=False)
class DescentPath:
    """Gradient-descent steps of the one-neuron model from a start point."""

    w: np.ndarray  # (n_points,) w after each step; entry 0 is the start
    b: np.ndarray  # (n_points,)
    loss: np.ndarray  # (n_points,) loss at each point
    learning_rate: float
    diverged: bool  # the path left every sensible range (the learning rate is too large)


def descent_path(
    activation: str = "linear",
    w0: float = -1.0,
    b0: float = 0.0,
    learning_rate: float = 0.1,
    steps: int = 50,
) -> DescentPath:
    """Run `steps` full-batch gradient-descent updates of y_hat = f(w x + b) with the engine."""
    X, Y = neuron_data(activation)
    w0 = check_in_range(w0, "Start w", -limits.MAX_ABS_VALUE, limits.MAX_ABS_VALUE)
    b0 = check_in_range(b0, "Start b", -limits.MAX_ABS_VALUE, limits.MAX_ABS_VALUE)
    learning_rate = check_learning_rate(learning_rate)
    steps = check_int(steps, "Steps", 1, MAX_PATH_STEPS)
    net = Network.from_parameters([[[w0]]], [[b0]], [activation], "squared_error")
    ws, bs, losses = [w0], [b0], [net.loss_value(X, Y)]
    diverged = False
    for _ in range(steps):
        trace = net.train_step(X, Y, learning_rate)
        w, b = float(net.weights[0][0, 0]), float(net.biases[0][0])
        if not trace.finite or max(abs(w), abs(b)) > ESCAPE_RADIUS:
            diverged = True
            break
        ws.append(w)
        bs.append(b)
        losses.append(net.loss_value(X, Y))
    return DescentPath(np.array(ws), np.array(bs), np.array(losses), learning_rate, diverged)


# --- How large a step the one-neuron model can take ------------------------------------------


@dataclass(frozen=True)
class StepSizeLimits:
    """Learning rates at which gradient descent on the one-neuron model changes character.

    Near the minimum the loss is a bowl with curvature (largest Hessian eigenvalue) lambda:
    a step of eta multiplies the distance along that direction by (1 - eta lambda). Above
    1/lambda it changes sign (zig-zag); above 2/lambda it grows (divergence). For the linear
    neuron the loss is exactly quadratic, so these hold everywhere, not only near the minimum.
    """

    activation: str
    curvature: float  # largest eigenvalue of the loss's Hessian at the minimum
    zigzag_rate: float  # 1 / curvature
    divergence_rate: float  # 2 / curvature

    @property
    def exact(self) -> bool:
        """True when the loss is exactly quadratic (linear neuron), so the limits hold
        everywhere; otherwise they hold near the minimum."""
        return self.activation == "linear"


def step_size_limits(activation: str = "linear") -> StepSizeLimits:
    """The zig-zag and divergence learning rates of the one-neuron model with `activation`.

    At the minimum every residual is 0, so the Hessian of L = 1/N sum 1/2 (f(w x + b) - y)^2
    is J^T J / N with rows J_n = f'(z_n) (x_n, 1).
    """
    X, _ = neuron_data(activation)
    w, b = NEURON_OPTIMUM
    slopes = get_activation(activation).df(w * X[:, 0] + b)  # (5,) f'(z_n) at the minimum
    J = slopes[:, None] * np.column_stack([X[:, 0], np.ones(len(X))])  # (5, 2)
    curvature = float(np.linalg.eigvalsh(J.T @ J / len(X))[-1])
    return StepSizeLimits(activation, curvature, 1.0 / curvature, 2.0 / curvature)
