"""lessons.training_lab.plane: the drawing grid in original units and the outputs over it."""

import numpy as np
import pytest

from lessons.training_lab.data import original_data
from lessons.training_lab.plane import neuron_grid, output_grid, plane_grid
from lessons.training_lab.runs import build_run
from lessons.training_lab.settings import LabSettings


def test_plane_grid_covers_the_data_and_maps_back_to_original_units():
    run = build_run(LabSettings(dataset="moons"))
    grid = plane_grid(run.split, resolution=30)
    X_train, _, X_test, _ = original_data(run.split)
    X_all = np.vstack([X_train, X_test])
    assert grid.x1[0] < X_all[:, 0].min() and grid.x1[-1] > X_all[:, 0].max()
    assert grid.x2[0] < X_all[:, 1].min() and grid.x2[-1] > X_all[:, 1].max()
    back = run.split.x_scaler.inverse(grid.X)
    np.testing.assert_allclose(back[31], [grid.x1[1], grid.x2[1]])  # row i * n + j
    with pytest.raises(ValueError, match="2 features"):
        plane_grid(build_run(LabSettings(dataset="sine")).split)


def test_output_and_neuron_grids_match_a_hand_written_forward_pass():
    run = build_run(LabSettings(dataset="three_blobs", hidden_units=(4,)))
    run.trainer.step(5)
    net, grid = run.net, plane_grid(run.split, resolution=20)
    hidden = np.tanh(grid.X @ net.weights[0].T + net.biases[0])
    z = hidden @ net.weights[1].T + net.biases[1]
    softmax = np.exp(z - z.max(axis=1, keepdims=True))
    softmax /= softmax.sum(axis=1, keepdims=True)
    outputs = output_grid(net, grid)
    assert outputs.shape == (3, 20, 20)
    np.testing.assert_allclose(outputs[:, 4, 7], softmax[4 * 20 + 7])
    np.testing.assert_allclose(neuron_grid(net, grid, 1, 2), hidden[:, 2].reshape(20, 20))
    np.testing.assert_allclose(neuron_grid(net, grid, 2, 0), outputs[0])
    with pytest.raises(ValueError):
        neuron_grid(net, grid, 3, 0)
    with pytest.raises(ValueError):
        neuron_grid(net, grid, 1, 4)


def test_the_plane_grid_feeds_the_network_the_same_features_as_training():
    features = ("x1", "x2", "x1*x2", "sin(x2)")
    run = build_run(LabSettings(dataset="xor", features=features))
    grid = plane_grid(run.split, 5, features)
    assert grid.X.shape == (25, 4)
    np.testing.assert_allclose(grid.X[:, 2], grid.X[:, 0] * grid.X[:, 1])
    np.testing.assert_allclose(grid.X[:, 3], np.sin(grid.X[:, 1]))
    outputs = output_grid(run.net, grid)
    np.testing.assert_allclose(outputs[0].ravel(), run.net.forward(grid.X)[:, 0])
