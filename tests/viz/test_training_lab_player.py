"""viz.training_lab.player: the JSON a chunk sends to the browser carries the frames exactly."""

import base64
import json

import numpy as np

from lessons.training_lab import LabSettings, LabState, build_run, labelled_points
from lessons.training_lab_play import play_chunk
from viz.training_lab.player import PLAYER_JS, player_data


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


def test_the_player_script_is_an_es_module_with_a_default_export():
    assert "export default function" in PLAYER_JS
    assert 'setAttribute("data-testid", "stMetric")' in PLAYER_JS
