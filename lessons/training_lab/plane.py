"""The input plane of 2-feature data: a drawing grid in the data's own units and the network's
outputs (or one neuron's) over it."""

from dataclasses import dataclass

import numpy as np

from engine.datasets import Split
from engine.errors import UserInputError
from engine.features import PLAIN
from engine.network import Network
from lessons.training_lab.runs import network_inputs

GRID_RESOLUTION = 60  # points per axis of the decision-boundary / neuron-output grid
FORWARD_BLOCK_ROWS = 1024  # rows per matrix product when drawing (see layer_outputs)
GRID_MARGIN = 0.1  # the plane extends this fraction of the data range beyond the data


@dataclass(frozen=True, eq=False)
class PlaneGrid:
    """A regular grid over the plane of two input features."""

    x1: np.ndarray  # (n,) first feature, original units
    x2: np.ndarray  # (n,) second feature, original units
    X: np.ndarray  # (n * n, n_inputs) network inputs; row i * n + j is the point (x1[j], x2[i])


def padded_range(values: np.ndarray) -> tuple[float, float]:
    """(low, high) of `values` (n,), widened by GRID_MARGIN of their range on each side."""
    low, high = float(np.min(values)), float(np.max(values))
    pad = (high - low) * GRID_MARGIN or 1.0
    return low - pad, high + pad


def plane_grid(
    split: Split, resolution: int = GRID_RESOLUTION, features: tuple[str, ...] = PLAIN
) -> PlaneGrid:
    """A grid covering the data of a 2-feature split, with a margin; X holds the `features`."""
    if split.X_train.shape[1] != 2:
        raise UserInputError("The input plane needs data with exactly 2 features.")
    X_all = split.x_scaler.inverse(np.vstack([split.X_train, split.X_test]))
    x1 = np.linspace(*padded_range(X_all[:, 0]), resolution)
    x2 = np.linspace(*padded_range(X_all[:, 1]), resolution)
    g1, g2 = np.meshgrid(x1, x2)
    X = split.x_scaler.transform(np.column_stack([g1.ravel(), g2.ravel()]))
    return PlaneGrid(x1, x2, network_inputs(X, features))


def layer_outputs(net: Network, X: np.ndarray) -> list[np.ndarray]:
    """Activations a of every layer after the input for standardised X: (n_samples, n_units).

    Unlike `Network.forward`, X may have more rows than MAX_SAMPLES (a drawing grid).
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != net.n_inputs or not np.all(np.isfinite(X)):
        raise UserInputError(f"Inputs must be finite rows of {net.n_inputs} numbers.")
    # In blocks: a multi-threaded BLAS on a busy machine makes one big product far slower.
    blocks = [
        [a for _, a in net._forward_layers(X[start : start + FORWARD_BLOCK_ROWS])]
        for start in range(0, X.shape[0], FORWARD_BLOCK_ROWS)
    ]
    return [np.vstack([block[layer] for block in blocks]) for layer in range(len(net.weights))]


def output_grid(net: Network, grid: PlaneGrid) -> np.ndarray:
    """(n_outputs, n, n) network outputs over the grid (probabilities for classification)."""
    n = grid.x1.shape[0]
    Y_hat = layer_outputs(net, grid.X)[-1]
    return Y_hat.T.reshape(-1, n, n)


def neuron_grid(net: Network, grid: PlaneGrid, layer: int, unit: int) -> np.ndarray:
    """(n, n) output of unit `unit` of layer `layer` (1 = first hidden layer) over the grid."""
    n_layers = len(net.weights)
    if not 1 <= layer <= n_layers:
        raise UserInputError(f"Choose a layer from 1 to {n_layers}.")
    outputs = layer_outputs(net, grid.X)[layer - 1]
    if not 0 <= unit < outputs.shape[1]:
        raise UserInputError(f"Layer {layer} has units 0 to {outputs.shape[1] - 1}.")
    n = grid.x1.shape[0]
    return outputs[:, unit].reshape(n, n)
