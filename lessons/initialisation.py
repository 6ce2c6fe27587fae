"""Why weights start small and random: the symmetry problem and sigmoid saturation.

- Symmetry: if every weight into the hidden layer starts equal (or zero), every hidden unit
  computes the same z, gets the same delta and the same update, so they stay identical for
  ever: the layer behaves like a single unit. Random starting weights break the tie.
- Saturation: with large weights |z| is large, sigmoid's slope f'(z) is almost 0, and the
  units pass back almost no gradient.

Both are shown by running the engine, not by formulas.
"""

from dataclasses import dataclass

import numpy as np

from engine import limits
from engine.datasets import xor_table
from engine.network import Network
from engine.validation import check_choice, check_in_range, check_int

STARTS = ("equal", "zeros", "random")
START_LABELS = {
    "equal": "All weights equal (0.5)",
    "zeros": "All weights zero",
    "random": "Small random weights",
}
EQUAL_WEIGHT = 0.5
SYMMETRY_HIDDEN_UNITS = 3
MAX_SYMMETRY_STEPS = 500
SYMMETRY_LEARNING_RATE = 1.0
SATURATION_INPUTS = 16  # inputs feeding each unit in the saturation demonstration
SATURATION_UNITS = 16
SATURATION_EXAMPLES = 100
SATURATED_SLOPE = 0.01  # a sigmoid unit with f'(z) below this passes back < 4 % of the maximum


@dataclass(frozen=True, eq=False)
class SymmetryRun:
    """A 2-3-1 sigmoid network trained on XOR from one kind of start."""

    start: str  # one of STARTS
    hidden_weights: np.ndarray  # (steps + 1, 3, 2) W^(1) after each update; entry 0 the start
    loss: np.ndarray  # (steps + 1,) loss after each update

    @property
    def units_identical(self) -> bool:
        """True when every hidden unit still has exactly the same incoming weights."""
        final = self.hidden_weights[-1]
        return bool(np.all(final == final[0]))

    @property
    def spread(self) -> np.ndarray:
        """(steps + 1,) largest difference between two hidden units' weights at each step."""
        W = self.hidden_weights
        return (W.max(axis=1) - W.min(axis=1)).max(axis=1)


def _start_network(start: str, seed: int) -> Network:
    sizes = [2, SYMMETRY_HIDDEN_UNITS, 1]
    if start == "random":
        return Network(sizes, ["sigmoid", "sigmoid"], "squared_error", "uniform", seed)
    value = EQUAL_WEIGHT if start == "equal" else 0.0
    weights = [
        np.full((SYMMETRY_HIDDEN_UNITS, 2), value),
        np.full((1, SYMMETRY_HIDDEN_UNITS), value),
    ]
    biases = [np.zeros(SYMMETRY_HIDDEN_UNITS), np.zeros(1)]
    return Network.from_parameters(weights, biases, ["sigmoid", "sigmoid"], "squared_error")


def symmetry_run(start: str = "equal", steps: int = 200, seed: int = 0) -> SymmetryRun:
    """Train the 2-3-1 network on the four XOR rows (full batch) for `steps` updates."""
    start = check_choice(start, "start", STARTS)
    steps = check_int(steps, "Steps", 1, MAX_SYMMETRY_STEPS)
    seed = check_int(seed, "Seed", 0, limits.MAX_SEED)
    data = xor_table()
    net = _start_network(start, seed)
    weights = [net.weights[0].copy()]
    losses = [net.loss_value(data.X, data.Y)]
    for _ in range(steps):
        net.train_step(data.X, data.Y, SYMMETRY_LEARNING_RATE)
        weights.append(net.weights[0].copy())
        losses.append(net.loss_value(data.X, data.Y))
    return SymmetryRun(start, np.array(weights), np.array(losses))


@dataclass(frozen=True)
class Saturation:
    """Sigmoid units fed by SATURATION_INPUTS inputs with weights of one size."""

    weight_scale: float  # standard deviation of the weights
    mean_slope: float  # mean f'(z) over units and examples (at most 0.25)
    saturated_fraction: float  # share of (unit, example) pairs with f'(z) < SATURATED_SLOPE


def saturation(weight_scale: float, seed: int = 0) -> Saturation:
    """f'(z) of SATURATION_UNITS sigmoid units with weights ~ N(0, weight_scale^2), over
    SATURATION_EXAMPLES inputs uniform in (-1, 1): the larger the weights, the more units sit
    on a flat part of the sigmoid."""
    weight_scale = check_in_range(weight_scale, "Weight size", 0.0, 100.0)
    rng = np.random.default_rng(seed)
    W = rng.normal(0.0, weight_scale, (SATURATION_UNITS, SATURATION_INPUTS))
    X = rng.uniform(-1.0, 1.0, (SATURATION_EXAMPLES, SATURATION_INPUTS))
    net = Network.from_parameters([W], [np.zeros(SATURATION_UNITS)], ["sigmoid"])
    trace = net.compute_trace(X, np.zeros((SATURATION_EXAMPLES, SATURATION_UNITS)))
    slopes = trace.layers[0].fprime  # (SATURATION_EXAMPLES, SATURATION_UNITS) f'(z)
    return Saturation(weight_scale, float(slopes.mean()), float(np.mean(slopes < SATURATED_SLOPE)))
