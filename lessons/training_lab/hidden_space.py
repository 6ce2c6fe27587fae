"""The hidden space: the data as a hidden layer of exactly 2 units sees it, a plane of
activations where the network's bending of the data shows."""

import numpy as np

from engine.errors import UserInputError
from engine.network import Network
from lessons.training_lab.classes import class_labels
from lessons.training_lab.plane import layer_outputs
from lessons.training_lab.runs import LabRun, network_inputs


def two_unit_layers(net: Network) -> list[int]:
    """Hidden layers (1 = first) with exactly 2 units: their activations make a plane."""
    return [layer for layer in range(1, len(net.weights)) if net.layer_sizes[layer] == 2]


def hidden_layer(run: LabRun) -> int | None:
    """The 2-unit hidden layer (1 = first) whose plane the lab shows, paused and playing: the
    last one with exactly 2 units; None without one, and for regression (no classes to see)."""
    layers = two_unit_layers(run.net) if run.task != "regression" else []
    return layers[-1] if layers else None


def hidden_space(run: LabRun, net: Network, layer: int) -> list[tuple[np.ndarray, np.ndarray, str]]:
    """The data as hidden layer `layer` (2 units) sees it: [(A (m, 2) activations, class (m,),
    "train"), (..., "test")], A[i] = (a_1, a_2) of row i."""
    if not 1 <= layer < len(net.weights) or net.layer_sizes[layer] != 2:
        raise UserInputError("The hidden space needs a hidden layer of exactly 2 units.")
    parts = []
    for X, Y, part in ((run.split.X_train, run.split.Y_train, "train"),
                       (run.split.X_test, run.split.Y_test, "test")):  # fmt: skip
        if len(X) == 0:
            parts.append((np.empty((0, 2)), np.empty(0, dtype=int), part))
            continue
        A = layer_outputs(net, network_inputs(X, run.features))[layer - 1]
        parts.append((A, class_labels(Y, run.task), part))
    return parts
