"""lessons.training_lab.play: Play in chunks trains like the engine and records true pictures."""

import numpy as np
import pytest

from lessons.training_lab.plane import plane_grid
from lessons.training_lab.play import (
    activation_range,
    dequantise,
    hidden_layer,
    play_chunk,
    quantise,
    thumbnail_grid,
)
from lessons.training_lab.runs import build_run
from lessons.training_lab.settings import LabSettings
from lessons.training_lab.state import LabState


def test_quantise_round_trips_within_half_a_step_and_clips():
    values = np.array([-3.0, -1.0, -0.25, 0.0, 0.3, 1.0, 7.0, np.nan])
    codes = quantise(values, -1.0, 1.0)
    assert codes.dtype == np.uint8
    assert codes.tolist()[:2] == [0, 0] and codes[6] == 255 and codes[7] == 128
    inside = slice(1, 6)
    np.testing.assert_allclose(dequantise(codes, -1.0, 1.0)[inside], values[inside], atol=1 / 255)


def test_a_chunk_trains_exactly_like_the_engine_and_records_one_frame_per_slice():
    settings = LabSettings(dataset="circles", epochs=50)
    state, frames = play_chunk(LabState(build_run(settings), True), 30, n_frames=6, time_budget=60)
    assert state.playing
    assert [frame.update for frame in frames] == [5, 10, 15, 20, 25, 30]
    reference = build_run(settings)
    reference.trainer.step(30)
    np.testing.assert_array_equal(state.run.history.train_loss, reference.history.train_loss)
    assert frames[-1].train_loss == reference.history.train_loss[30]
    assert frames[2].test_accuracy == reference.history.test_accuracy[15]
    for W_frame, W_engine in zip(frames[-1].weights, reference.net.weights, strict=True):
        np.testing.assert_array_equal(W_frame, W_engine)


def test_a_paused_state_plays_nothing():
    run = build_run(LabSettings())
    state, frames = play_chunk(LabState(run, False), 30)
    assert frames == [] and run.trainer.updates == 0 and not state.playing


def test_a_chunk_stops_at_the_last_update_and_stops_playing():
    run = build_run(LabSettings(epochs=2, batch_size=64))  # 2 epochs of 3 updates
    state, frames = play_chunk(LabState(run, True), 30, n_frames=6, time_budget=60)
    assert run.trainer.updates == run.trainer.total_updates == 6
    assert frames[-1].update == 6 and not state.playing


@pytest.mark.parametrize(
    ("hidden", "activations"), [((8,), ("tanh",)), ((5, 3), ("relu", "sigmoid"))]
)
def test_thumbnails_exist_for_every_neuron_and_match_the_engines_activations(hidden, activations):
    settings = LabSettings(dataset="moons", hidden_units=hidden, hidden_activations=activations)
    state, frames = play_chunk(LabState(build_run(settings), True), 12, n_frames=2, time_budget=60)
    net, grid = state.run.net, thumbnail_grid(state.run)
    m = grid.x1.shape[0]
    # The engine's own record of a forward pass over the thumbnail grid.
    trace = net.compute_trace(grid.X, np.zeros((grid.X.shape[0], 1)))
    neurons = frames[-1].neurons
    assert [pictures.shape for pictures in neurons] == [
        (units, m, m) for units in net.layer_sizes[1:]
    ]
    for layer, pictures in zip(trace.layers, neurons, strict=True):
        low, high = activation_range(layer.activation)
        expected = np.clip(layer.a.T.reshape(-1, m, m), low, high)
        np.testing.assert_allclose(
            dequantise(pictures, low, high), expected, atol=(high - low) / 510 + 1e-12
        )


def test_the_boundary_picture_is_the_engines_probability_over_the_plane():
    state, frames = play_chunk(LabState(build_run(LabSettings()), True), 10, 1, time_budget=60)
    grid = plane_grid(state.run.split)
    n = grid.x1.shape[0]
    probability = state.run.net.forward(grid.X[:2000])[:, 0]
    rows = 2000 // n
    codes = frames[-1].boundary[:rows].ravel()
    np.testing.assert_allclose(dequantise(codes, 0, 1), probability[: rows * n], atol=1 / 510)


def test_multiclass_boundary_is_the_predicted_class_and_1d_data_has_no_pictures():
    state, frames = play_chunk(LabState(build_run(LabSettings(dataset="three_blobs")), True), 4)
    grid = plane_grid(state.run.split)
    predicted = np.argmax(state.run.net.forward(grid.X[:1200]), axis=1)
    assert frames[-1].boundary.ravel()[:1200].tolist() == predicted.tolist()
    state, frames = play_chunk(LabState(build_run(LabSettings(dataset="sine")), True), 4)
    assert frames[-1].boundary is None and frames[-1].neurons == ()


def test_with_a_2_unit_hidden_layer_every_frame_has_the_training_rows_in_its_plane():
    settings = LabSettings(
        dataset="xor", hidden_units=(4, 2), hidden_activations=("tanh", "tanh"), epochs=50
    )
    state, frames = play_chunk(LabState(build_run(settings), True), 20, n_frames=4, time_budget=60)
    assert hidden_layer(state.run) == 2
    X_train = state.run.split.X_train
    for frame in frames:
        # The engine's own record of a forward pass, at the weights after this frame's update.
        reference = build_run(settings)
        reference.trainer.step(frame.update)
        trace = reference.net.compute_trace(X_train, reference.split.Y_train)
        assert frame.hidden.shape == (len(X_train), 2)
        np.testing.assert_allclose(frame.hidden, trace.layers[1].a, rtol=1e-6, atol=1e-6)
        # One output follows layer 2: its z = 0 line w_1 a_1 + w_2 a_2 + b = 0.
        W, b = reference.net.weights[2], reference.net.biases[2]
        np.testing.assert_array_equal(frame.hidden_line, [W[0, 0], W[0, 1], b[0]])
    assert not np.allclose(frames[0].hidden, frames[-1].hidden)  # the data moves in the plane


def test_the_hidden_plane_is_the_last_2_unit_layer_with_no_line_when_another_layer_follows():
    settings = LabSettings(
        dataset="moons", hidden_units=(2, 2, 3), hidden_activations=("tanh", "relu", "tanh")
    )
    state, frames = play_chunk(LabState(build_run(settings), True), 4, n_frames=2, time_budget=60)
    assert hidden_layer(state.run) == 2
    net = state.run.net
    expected = net.compute_trace(state.run.split.X_train, state.run.split.Y_train).layers[1].a
    np.testing.assert_allclose(frames[-1].hidden, expected, rtol=1e-6, atol=1e-6)
    assert frames[-1].hidden_line is None


@pytest.mark.parametrize(
    "settings",
    [
        LabSettings(),
        LabSettings(dataset="sine", hidden_units=(2,)),
        LabSettings(hidden_units=(), hidden_activations=()),
    ],
)
def test_without_a_2_unit_hidden_layer_or_for_regression_frames_have_no_hidden_plane(settings):
    state, frames = play_chunk(LabState(build_run(settings), True), 4, n_frames=2, time_budget=60)
    assert hidden_layer(state.run) is None
    assert all(frame.hidden is None and frame.hidden_line is None for frame in frames)
