"""Ready-made scenarios whose numbers appear in textbooks and lectures."""

from dataclasses import dataclass

import numpy as np

from engine.datasets import xor_table
from engine.network import Network


@dataclass(frozen=True, eq=False)
class Scenario:
    """A network with its training batch and learning rate."""

    name: str
    title: str
    network: Network
    X: np.ndarray  # (n_samples, n_inputs)
    Y: np.ndarray  # (n_samples, n_outputs)
    learning_rate: float
    input_names: tuple[str, ...]
    output_names: tuple[str, ...]
    description: str


def textbook_222() -> Scenario:
    """The 2-2-2 sigmoid network of Matt Mazur's well-known worked example.

    Inputs 0.05 and 0.10, targets 0.01 and 0.99, learning rate 0.5, squared error
    (1/2 sum). Its forward pass gives a total error of 0.298371109.
    """
    net = Network.from_parameters(
        weights=[[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]],
        biases=[[0.35, 0.35], [0.60, 0.60]],
        activations=["sigmoid", "sigmoid"],
        loss="squared_error",
    )
    return Scenario(
        "textbook",
        "2-2-2 worked example",
        net,
        np.array([[0.05, 0.10]]),
        np.array([[0.01, 0.99]]),
        0.5,
        ("i1", "i2"),
        ("o1", "o2"),
        "Two inputs, two sigmoid hidden units, two sigmoid outputs: the classic worked example.",
    )


def xor_scenario(seed: int = 0) -> Scenario:
    """XOR truth table with a 2-2-1 sigmoid network trained on all four rows."""
    data = xor_table()
    net = Network(
        [2, 2, 1], ["sigmoid", "sigmoid"], loss="squared_error", init="uniform", seed=seed
    )
    return Scenario(
        "xor",
        "XOR (2-2-1)",
        net,
        data.X,
        data.Y,
        0.5,
        ("x1", "x2"),
        ("y",),
        "The four rows of XOR in one batch: the gradient is the mean over the rows.",
    )


def housing_scenario(seed: int = 0) -> Scenario:
    """One house (standardised size, location score, rooms) and its standardised price."""
    net = Network([3, 3, 1], ["tanh", "linear"], loss="squared_error", init="xavier", seed=seed)
    return Scenario(
        "housing",
        "House price (3-3-1)",
        net,
        np.array([[0.8, -0.3, 0.5]]),
        np.array([[0.6]]),
        0.1,
        ("size", "location", "rooms"),
        ("price",),
        "Standardised features of one house (0 = average) and its standardised price.",
    )


def traffic_scenario(seed: int = 0) -> Scenario:
    """One morning rush hour on a rainy weekday and its congestion (0 = free flow, 1 = jam).

    Inputs are scaled to about 0..1 (hour / 24, rain / 10 mm/h, weekday flag), as a network
    expects; the target is the congestion level, so the output is a sigmoid.
    """
    net = Network([3, 3, 1], ["tanh", "sigmoid"], loss="squared_error", init="xavier", seed=seed)
    return Scenario(
        "traffic",
        "Traffic congestion (3-3-1)",
        net,
        np.array([[8.0 / 24.0, 0.2, 1.0]]),
        np.array([[0.85]]),
        0.5,
        ("hour/24", "rain/10", "weekday"),
        ("congestion",),
        "8:00 on a weekday with 2 mm/h of rain: predict the congestion level (0 to 1).",
    )


PRESETS = {
    "textbook": textbook_222,
    "xor": xor_scenario,
    "housing": housing_scenario,
    "traffic": traffic_scenario,
}
