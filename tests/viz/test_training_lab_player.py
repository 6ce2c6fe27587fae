"""viz.training_lab.player: the JSON a chunk sends to the browser carries the frames exactly."""

import base64
import json
import struct
import zlib

import numpy as np

from lessons.training_lab.classes import labelled_points
from lessons.training_lab.play import neuron_codes, play_chunk, thumbnail_grid
from lessons.training_lab.runs import build_run
from lessons.training_lab.settings import LabSettings
from lessons.training_lab.state import LabState
from viz.training_lab import views
from viz.training_lab.common import CLASS_FILLS, MIDDLE_FILL
from viz.training_lab.network import code_colors, zero_weights_text
from viz.training_lab.player import PLAYER_JS, hidden_codes, player_data


def _decoded(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=np.uint8)


def test_player_data_is_strict_json_and_carries_every_frame():
    run = build_run(
        LabSettings(dataset="circles", hidden_units=(4, 3), hidden_activations=("tanh", "relu"))
    )
    state, frames = play_chunk(LabState(run, True), 24, n_frames=4, time_budget=60)
    data = json.loads(json.dumps(player_data(run, frames, chunk=7, speed=12), allow_nan=False))
    assert data["chunk"] == 7 and data["speed"] == 12
    assert data["layer_sizes"] == [2, 4, 3, 1]
    assert [f["update"] for f in data["frames"]] == [6, 12, 18, 24]
    for sent, frame in zip(data["frames"], frames, strict=True):
        assert sent["train_loss"] == frame.train_loss
        np.testing.assert_array_equal(_decoded(sent["boundary"]), frame.boundary.ravel())
        for layer, pictures in zip(sent["neurons"], frame.neurons, strict=True):
            np.testing.assert_array_equal(_decoded(layer), pictures.ravel())
        for W_sent, W in zip(sent["weights"], frame.weights, strict=True):
            np.testing.assert_allclose(W_sent, W.ravel(), rtol=1e-3)
    # The loss curve reaches the last frame; the data points are the run's, in original units.
    assert data["loss"]["update"][-1] == 24
    assert data["loss"]["train"][-1] == float(f"{run.history.train_loss[24]:.4g}")
    n_rows = sum(len(X) for X, _, _ in labelled_points(run))
    assert len(data["plane"]["points"]["x"]) == n_rows == len(run.dataset.X)
    assert sum(data["plane"]["points"]["test"]) == len(run.split.X_test)


def test_regression_without_a_plane_sends_no_pictures_and_no_nan():
    run = build_run(LabSettings(dataset="sine", test_fraction=0.0))
    _, frames = play_chunk(LabState(run, True), 6, n_frames=2, time_budget=60)
    data = json.loads(json.dumps(player_data(run, frames, chunk=1, speed=6), allow_nan=False))
    assert data["plane"] is None
    assert all(f["boundary"] is None and f["neurons"] == [] for f in data["frames"])
    assert all(f["test_loss"] is None for f in data["frames"])  # no test rows: not NaN


def test_the_hidden_plane_travels_as_classes_once_and_coordinates_per_frame():
    run = build_run(LabSettings(dataset="xor", hidden_units=(2,), hidden_activations=("tanh",)))
    _, frames = play_chunk(LabState(run, True), 12, n_frames=3, time_budget=60)
    data = json.loads(json.dumps(player_data(run, frames, chunk=1, speed=6), allow_nan=False))
    hidden = data["hidden"]
    assert hidden["layer"] == 1 and hidden["activation"] == "tanh"
    assert hidden["x_range"] == hidden["y_range"] == [-1.0, 1.0]  # tanh's whole range
    classes = (run.split.Y_train[:, 0] > 0.5).astype(int)
    assert hidden["classes"] == classes.tolist()
    for sent, frame in zip(data["frames"], frames, strict=True):
        codes = _decoded(sent["hidden"]).reshape(-1, 2)
        assert codes.shape == (len(classes), 2)
        # A byte 0..254 across [-1, 1]: within half a step of the frame's activations.
        np.testing.assert_allclose(-1 + codes / 254 * 2, frame.hidden, atol=1 / 254 + 1e-6)
        np.testing.assert_allclose(sent["hidden_line"], frame.hidden_line, rtol=1e-3)
    # Small: two bytes a row per frame (base64), the classes once.
    assert len(json.dumps([f["hidden"] for f in data["frames"]])) < 3 * 2 * len(classes) * 1.4 + 30


def test_unbounded_hidden_axes_cover_the_chunks_points_and_no_layer_sends_none():
    run = build_run(LabSettings(dataset="moons", hidden_units=(2,), hidden_activations=("relu",)))
    _, frames = play_chunk(LabState(run, True), 12, n_frames=3, time_budget=60)
    hidden = player_data(run, frames, chunk=1, speed=6)["hidden"]
    points = np.vstack([frame.hidden for frame in frames])
    for axis, (low, high) in enumerate([hidden["x_range"], hidden["y_range"]]):
        assert low < points[:, axis].min() and points[:, axis].max() < high
    run = build_run(LabSettings())  # 2-8-1
    _, frames = play_chunk(LabState(run, True), 4, n_frames=2, time_budget=60)
    data = player_data(run, frames, chunk=1, speed=6)
    assert data["hidden"] is None and all(f["hidden"] is None for f in data["frames"])


def test_hidden_codes_clip_and_mark_points_that_are_not_finite():
    points = np.array([[-2.0, 0.0], [1.0, 0.5], [np.nan, 0.0], [0.0, np.inf]])
    codes = hidden_codes(points, [-1.0, 1.0], [0.0, 1.0])
    assert codes.tolist() == [[0, 0], [254, 127], [255, 255], [255, 255]]


def test_the_player_script_is_an_es_module_with_a_default_export():
    assert "export default function" in PLAYER_JS
    assert 'setAttribute("data-testid", "stMetric")' in PLAYER_JS


def _png_pixels(uri: str) -> np.ndarray:
    """(height, width, 3) of a PNG written by viz.training_lab.network (8-bit RGB, filter 0)."""
    data = base64.b64decode(uri.split(",", 1)[1])
    width, height = struct.unpack(">II", data[16:24])
    idat = data[data.index(b"IDAT") + 4 : data.index(b"IEND") - 8]
    rows = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(height, 1 + 3 * width)
    assert np.all(rows[:, 0] == 0)
    return rows[:, 1:].reshape(height, width, 3)


def test_the_graphs_thumbnails_are_the_engines_activations_in_the_boundarys_colours():
    run = build_run(LabSettings(dataset="moons", hidden_units=(3,)))
    run.trainer.step(20)
    figure, _, note = views.network_view(run, run.net, 20, 420, 12)
    assert note is None  # no L1, no count
    images = figure.layout.images
    assert len(images) == 3 + 1
    grid = thumbnail_grid(run)
    codes = neuron_codes(run.net, grid)  # checked against the engine's trace in tests/lessons
    colors = code_colors(CLASS_FILLS[0], MIDDLE_FILL, CLASS_FILLS[1])
    assert colors[0].tolist() == [int(CLASS_FILLS[0][i : i + 2], 16) for i in (1, 3, 5)]
    for unit in range(3):
        pixels = _png_pixels(images[unit].source)
        np.testing.assert_array_equal(pixels, colors[codes[0][unit][::-1]])  # x2 grows upward
    np.testing.assert_array_equal(_png_pixels(images[3].source), colors[codes[1][0][::-1]])


def test_the_zero_weight_sentence_counts_and_explains_all_zero():
    assert zero_weights_text(7, 41, 0.01, 0.001).startswith("7 of 41 weights are zero")
    everything = zero_weights_text(41, 41, 1.0, 0.1)
    assert "All 41 weights are zero" in everything and "Lower the L1 penalty" in everything
