"""lessons.training_lab: settings -> runs, drawing grids in original units, gradient diagnosis."""

import numpy as np
import pytest

from engine import limits
from engine.datasets import GENERATORS, make_dataset, train_test_split
from engine.errors import UserInputError
from engine.gradcheck import numerical_gradients
from engine.network import Network
from lessons.training_lab import (
    EXPLODING_NORM,
    UPLOADED,
    VANISHING_NORM,
    LabSettings,
    LabState,
    act,
    advance,
    build_network,
    build_run,
    class_labels,
    confusion_matrix,
    csv_columns,
    dataset_from_upload,
    default_output,
    diagnose_gradients,
    fitted_curve,
    full_batch_gradients,
    hidden_space,
    history_bound_bytes,
    neuron_grid,
    norms_at,
    original_data,
    output_grid,
    pin_curve,
    plane_grid,
    predicted_vs_true,
    recorded_updates,
    shown_network,
    snapshot_at,
    training_classes,
    two_unit_layers,
)


def test_default_output_matches_the_task():
    assert default_output("binary") == ("sigmoid", "binary_cross_entropy")
    assert default_output("multiclass") == ("softmax", "cross_entropy")
    assert default_output("regression") == ("linear", "mse")
    with pytest.raises(ValueError, match="task"):
        default_output("clustering")


@pytest.mark.parametrize("name", list(GENERATORS))
def test_every_dataset_builds_a_network_of_the_right_shape_that_trains(name):
    run = build_run(
        LabSettings(dataset=name, hidden_units=(5, 3), hidden_activations=("relu",) * 2)
    )
    data = make_dataset(name, 200, 0.1, 0)
    assert run.net.layer_sizes == [data.X.shape[1], 5, 3, data.Y.shape[1]]
    assert run.net.activations[-1] == default_output(data.task)[0]
    assert run.net.loss_name == default_output(data.task)[1]
    assert run.trainer.step(3) == 3
    assert np.all(np.isfinite(run.history.train_loss))


def test_a_chosen_output_and_loss_are_used_and_a_mismatch_is_refused():
    settings = LabSettings(dataset="sine", output_activation="tanh", loss="squared_error")
    net = build_run(settings).net
    assert net.activations[-1] == "tanh" and net.loss_name == "squared_error"
    with pytest.raises(ValueError, match="output activations"):
        build_network(LabSettings(output_activation="softmax"), 2, 1, "binary")
    with pytest.raises(ValueError, match="losses"):
        build_network(LabSettings(loss="cross_entropy"), 2, 1, "binary")
    with pytest.raises(ValueError, match="one activation per hidden layer"):
        build_network(LabSettings(hidden_units=(3, 3)), 2, 1, "binary")


def test_out_of_range_settings_raise_value_errors():
    for settings in (
        LabSettings(hidden_units=(99,)),
        LabSettings(learning_rate=0.0),
        LabSettings(noise=5.0),
        LabSettings(batch_size=1, epochs=500, n_samples=2000),  # more than MAX_UPDATES
        LabSettings(dataset="nope"),
    ):
        with pytest.raises(ValueError):
            build_run(settings)
    with pytest.raises(ValueError, match="Upload"):
        build_run(LabSettings(dataset=UPLOADED))


def test_identical_settings_give_identical_runs_and_the_seed_matters():
    settings = LabSettings(dataset="spiral", optimizer="adam", learning_rate=0.01)
    first, second = build_run(settings), build_run(settings)
    first.trainer.step(40)
    second.trainer.step(40)
    np.testing.assert_array_equal(first.history.train_loss, second.history.train_loss)
    other = build_run(LabSettings(dataset="spiral", optimizer="adam", learning_rate=0.01, seed=1))
    other.trainer.step(40)
    assert not np.array_equal(first.history.train_loss, other.history.train_loss)


def test_advance_gives_the_same_updates_however_training_is_sliced():
    settings = LabSettings(dataset="moons", batch_size=16)
    sliced, whole = build_run(settings), build_run(settings)
    made = [advance(sliced.trainer, n, time_budget=10.0) for n in (1, 7, 3, 29)]
    assert made == [1, 7, 3, 29]
    whole.trainer.step(40)
    np.testing.assert_array_equal(sliced.history.train_loss, whole.history.train_loss)
    for W_a, W_b in zip(sliced.net.weights, whole.net.weights, strict=True):
        np.testing.assert_array_equal(W_a, W_b)


def test_advance_stops_at_the_time_budget_and_at_the_end():
    run = build_run(LabSettings(epochs=2))
    assert 1 <= advance(run.trainer, 1000, time_budget=0.0) <= 4
    advance(run.trainer, 10_000, time_budget=10.0)
    assert run.trainer.updates == run.trainer.total_updates
    assert advance(run.trainer, 10, time_budget=10.0) == 0


def test_snapshot_at_and_norms_at_index_the_history():
    run = build_run(LabSettings())
    run.trainer.step(12)
    history = run.history
    assert snapshot_at(history, 0).update == 0
    assert snapshot_at(history, 7).update == 7
    assert snapshot_at(history, 999).update == 12
    assert norms_at(history, 0) is None
    np.testing.assert_array_equal(norms_at(history, 1), history.grad_norms[0])
    np.testing.assert_array_equal(norms_at(history, 12), history.grad_norms[11])
    assert norms_at(history, 13) is None


def test_history_memory_stays_under_the_documented_bound_on_the_longest_run():
    settings = LabSettings(
        n_samples=40, test_fraction=0.0, batch_size=1, epochs=500, hidden_units=(2,),
        hidden_activations=("tanh",), learning_rate=0.01,
    )  # fmt: skip
    run = build_run(settings)
    assert run.trainer.total_updates == limits.MAX_UPDATES
    run.trainer.run()
    history = run.history
    assert run.trainer.updates == limits.MAX_UPDATES
    assert len(history.snapshots) <= limits.MAX_SNAPSHOTS
    assert history.nbytes() <= history_bound_bytes(run.net.layer_sizes)
    # At the caps the bound is a few megabytes per session.
    largest = [16, *[16] * limits.MAX_HIDDEN_LAYERS, 16]
    assert history_bound_bytes(largest) < 5_000_000


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


def test_fitted_curve_and_predictions_are_in_the_original_units():
    run = build_run(LabSettings(dataset="sine"))
    run.trainer.step(30)
    split, net = run.split, run.net
    x, y = fitted_curve(net, split, n_points=50)
    expected = split.y_scaler.inverse(net.forward(split.x_scaler.transform(x.reshape(-1, 1))))
    np.testing.assert_allclose(y, expected[:, 0])
    assert x.min() < -3.0 and x.max() > 3.0  # sine data span [-pi, pi]
    housing = build_run(LabSettings(dataset="housing"))
    true_train, pred_train, true_test, pred_test = predicted_vs_true(housing.net, housing.split)
    prices = make_dataset("housing", 200, 0.1, 0).Y[:, 0]
    np.testing.assert_allclose(np.sort(np.concatenate([true_train, true_test])), np.sort(prices))
    assert pred_train.shape == true_train.shape and pred_test.shape == true_test.shape


def test_confusion_matrix_counts_every_test_row():
    run = build_run(LabSettings(dataset="three_blobs"))
    run.trainer.step(20)
    matrix, part = confusion_matrix(run.net, run.split, "multiclass")
    assert part == "test"
    assert matrix.sum() == len(run.split.X_test)
    predicted = class_labels(run.net.forward(run.split.X_test), "multiclass")
    assert matrix.sum(axis=0).tolist() == np.bincount(predicted, minlength=3).tolist()
    no_test = build_run(LabSettings(dataset="xor", test_fraction=0.0))
    matrix, part = confusion_matrix(no_test.net, no_test.split, "binary")
    assert part == "training" and matrix.sum() == 200


def test_full_batch_gradients_match_finite_differences():
    data = make_dataset("moons", 40, 0.1, 0)
    split = train_test_split(data, 0.25, seed=0)
    net = Network([2, 3, 1], ["tanh", "sigmoid"], loss="binary_cross_entropy", seed=0)
    gradients = full_batch_gradients(net, split, l2=0.1)
    numeric, _ = numerical_gradients(net, split.X_train, split.Y_train)
    for dW, dW_num, W in zip(gradients, numeric, net.weights, strict=True):
        np.testing.assert_allclose(dW, dW_num + 0.1 * W, atol=1e-7)


def test_csv_helpers_validate_with_the_engine_loader():
    good = b"a,b,y\n1,2,0\n2,3,1\n3,4,0\n4,5,1\n"
    assert csv_columns(good) == ["a", "b", "y"]
    dataset = dataset_from_upload(good, "y")
    assert dataset.task == "binary" and dataset.feature_names == ("a", "b")
    for content, message in (
        (b"", "empty"),
        (b"a,y\n1,x\n2,3\n3,4\n5,6\n", "not a number"),
        (b"a\n1\n2\n", "two columns"),
        (b"a,y\n1,\n2,3\n3,4\n5,6\n", "empty"),
        (b"a,y\n" + b"1.000000,2.000000\n" * 60_000, "bytes"),
        (b",,,\n,,,\n", "header row"),  # older loaders raised IndexError here
    ):
        with pytest.raises(ValueError, match=message):
            dataset_from_upload(content, "y")
    with pytest.raises(ValueError, match="header row"):
        csv_columns(b",,\n")
    with pytest.raises(ValueError, match="no column 'price'"):
        dataset_from_upload(good, "price")


def test_diagnosis_of_healthy_vanishing_and_exploding_gradients():
    activations = ["sigmoid", "sigmoid", "sigmoid"]
    assert diagnose_gradients(None, activations).state == "unknown"
    healthy = diagnose_gradients([0.2, 0.5, 0.3], ["tanh", "tanh", "sigmoid"])
    assert healthy.state == "healthy" and healthy.explanation == ""
    vanished = diagnose_gradients([VANISHING_NORM / 10, 1e-3, 0.1], activations)
    assert vanished.state == "vanishing" and vanished.layer == 1
    assert "(max|w| / 4)^n" in vanished.explanation and "below 1e-06" in vanished.message
    relative = diagnose_gradients([1e-5, 0.01, 0.1], ["relu", "relu", "linear"])
    assert relative.state == "vanishing" and "times smaller" in relative.message
    assert "1/4" not in relative.explanation
    exploded = diagnose_gradients([EXPLODING_NORM * 5, 10.0, 1.0], activations)
    assert exploded.state == "exploding" and exploded.layer == 1
    assert "smaller learning rate" in exploded.explanation
    assert diagnose_gradients([np.inf, 1.0, 1.0], activations).state == "exploding"
    zeros = diagnose_gradients([0.0, 0.0], ["tanh", "sigmoid"], init="zeros")
    assert zeros.state == "vanishing" and "zero" in zeros.explanation.lower()


def test_a_deep_sigmoid_network_is_diagnosed_with_vanishing_gradients():
    settings = LabSettings(
        hidden_units=(16,) * 6, hidden_activations=("sigmoid",) * 6, learning_rate=0.1
    )
    run = build_run(settings)
    run.trainer.step(20)
    diagnosis = diagnose_gradients(norms_at(run.history, 20), run.net.activations)
    assert diagnosis.state == "vanishing"
    assert diagnosis.layer == 1
    shallow = build_run(LabSettings())
    shallow.trainer.step(20)
    assert diagnose_gradients(norms_at(shallow.history, 20), shallow.net.activations).state == (
        "healthy"
    )


# --- the run controls as pure transitions (lessons.training_lab.act) ----------------------------


def _weights(net) -> list[np.ndarray]:
    return [W.copy() for W in net.weights]


def test_play_and_pause_set_the_flag_idempotently_and_do_not_train():
    state = LabState(build_run(LabSettings()))
    playing = act(state, "play")
    assert playing.playing is True and playing.run is state.run
    assert act(playing, "play").playing is True  # a click delivered twice stays playing
    paused = act(playing, "pause")
    assert paused.playing is False and act(paused, "pause").playing is False
    assert state.run.trainer.updates == 0


def test_tick_trains_only_while_playing_and_exactly_the_asked_updates():
    settings = LabSettings(batch_size=16)
    state = LabState(build_run(settings))
    assert act(state, "tick", 5).run.trainer.updates == 0  # paused: nothing happens
    state = act(act(state, "play"), "tick", 5)
    state = act(state, "tick", 7)
    assert state.playing and state.run.trainer.updates == 12
    reference = build_run(settings)
    reference.trainer.step(12)
    np.testing.assert_array_equal(state.run.history.train_loss, reference.history.train_loss)


def test_tick_stops_playing_at_the_last_update_and_a_finished_run_cannot_play():
    state = act(LabState(build_run(LabSettings(epochs=2, batch_size=64))), "play")
    total = state.run.trainer.total_updates
    for _ in range(total + 3):
        state = act(state, "tick", 2)
    assert state.run.trainer.updates == total
    assert state.playing is False
    assert act(state, "play").playing is False


def test_step_makes_one_update_epoch_ends_the_epoch_and_both_pause():
    state = act(LabState(build_run(LabSettings(batch_size=16))), "play")
    before = _weights(state.run.net)
    stepped = act(state, "step")
    assert stepped.playing is False and stepped.run.trainer.updates == 1
    assert any(
        not np.array_equal(a, b) for a, b in zip(before, stepped.run.net.weights, strict=True)
    )
    per_epoch = stepped.run.trainer.updates_per_epoch
    epoch = act(act(stepped, "play"), "epoch")
    assert epoch.playing is False and epoch.run.trainer.updates == per_epoch
    assert act(epoch, "epoch").run.trainer.updates == 2 * per_epoch


def test_reset_builds_the_same_scenario_untrained_with_the_same_initial_weights():
    state = LabState(build_run(LabSettings(dataset="circles")))
    initial = _weights(state.run.net)
    state = act(act(state, "play"), "tick", 20)
    reset = act(state, "reset")
    assert reset.run is not state.run and reset.playing is False
    assert reset.run.trainer.updates == 0 and reset.run.settings == state.run.settings
    for W_reset, W_initial in zip(reset.run.net.weights, initial, strict=True):
        np.testing.assert_array_equal(W_reset, W_initial)


def test_reset_of_an_uploaded_csv_keeps_its_data():
    data = b"a,b,y\n" + b"".join(f"{i},{i % 3},{2 * i}\n".encode() for i in range(30))
    dataset = dataset_from_upload(data, "y")
    run = build_run(LabSettings(dataset=UPLOADED, test_fraction=0.0), dataset)
    reset = act(act(LabState(run), "step"), "reset").run
    assert reset.dataset is dataset and reset.trainer.updates == 0


def test_an_unknown_action_is_refused():
    with pytest.raises(UserInputError, match="Unknown action"):
        act(LabState(build_run(LabSettings())), "rewind")


def test_recorded_updates_end_at_the_latest_and_shown_network_rebuilds_older_states():
    run = build_run(LabSettings())
    initial = _weights(run.net)
    run.trainer.step(5)
    assert recorded_updates(run) == [0, 1, 2, 3, 4, 5]
    assert shown_network(run, 5) is run.net
    for W_old, W_initial in zip(shown_network(run, 0).weights, initial, strict=True):
        np.testing.assert_array_equal(W_old, W_initial)


# --- input features --------------------------------------------------------------------------


@pytest.mark.parametrize("feature", ["x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"])
def test_each_feature_toggle_grows_the_input_layer_with_that_column(feature):
    plain = build_run(LabSettings(dataset="circles"))
    run = build_run(LabSettings(dataset="circles", features=("x1", "x2", feature)))
    assert plain.net.layer_sizes[0] == 2 and run.net.layer_sizes[0] == 3
    x1, x2 = run.split.X_train[:, 0], run.split.X_train[:, 1]
    expected = {
        "x1^2": x1**2, "x2^2": x2**2, "x1*x2": x1 * x2, "sin(x1)": np.sin(x1), "sin(x2)": np.sin(x2)
    }[feature]  # fmt: skip
    np.testing.assert_allclose(run.trainer.X_train[:, 2], expected)
    np.testing.assert_array_equal(run.trainer.X_train[:, :2], run.split.X_train)
    only = build_run(LabSettings(dataset="circles", features=(feature,)))
    assert only.net.layer_sizes[0] == 1  # x1 and x2 switched off: the layer shrinks


def test_features_are_refused_for_data_without_two_inputs_and_when_none_is_chosen():
    with pytest.raises(UserInputError, match="2 inputs"):
        build_run(LabSettings(dataset="sine", features=("x1", "x2", "x1^2")))
    with pytest.raises(UserInputError, match="at least one"):
        build_run(LabSettings(dataset="moons", features=()))
    with pytest.raises(UserInputError, match="Unknown input feature"):
        build_run(LabSettings(dataset="moons", features=("x3",)))


def test_the_plane_grid_feeds_the_network_the_same_features_as_training():
    features = ("x1", "x2", "x1*x2", "sin(x2)")
    run = build_run(LabSettings(dataset="xor", features=features))
    grid = plane_grid(run.split, 5, features)
    assert grid.X.shape == (25, 4)
    np.testing.assert_allclose(grid.X[:, 2], grid.X[:, 0] * grid.X[:, 1])
    np.testing.assert_allclose(grid.X[:, 3], np.sin(grid.X[:, 1]))
    outputs = output_grid(run.net, grid)
    np.testing.assert_allclose(outputs[0].ravel(), run.net.forward(grid.X)[:, 0])


# --- regularisation ----------------------------------------------------------------------------


def test_l1_moves_each_weight_by_learning_rate_times_l1_times_its_sign():
    plain = build_run(LabSettings(learning_rate=0.1))
    penalised = build_run(LabSettings(learning_rate=0.1, l1=0.01))
    start = [W.copy() for W in plain.net.weights]
    plain.trainer.step(1)
    penalised.trainer.step(1)
    for W0, W_plain, W_l1 in zip(start, plain.net.weights, penalised.net.weights, strict=True):
        np.testing.assert_allclose(W_l1 - W_plain, -0.1 * 0.01 * np.sign(W0), atol=1e-15)


def test_training_classes_counts_the_classes_the_training_rows_hold():
    assert training_classes(build_run(LabSettings(dataset="moons"))) == 2
    assert training_classes(build_run(LabSettings(dataset="three_blobs"))) == 3
    assert training_classes(build_run(LabSettings(dataset="sine"))) == 0
    # A file with one row of class 1, held out as the test row: training sees class 0 only.
    rows = "".join(f"{i},0\n" for i in range(9)) + "9,1\n"
    dataset = dataset_from_upload(("a,y\n" + rows).encode(), "y")
    for seed in range(50):
        run = build_run(LabSettings(dataset=UPLOADED, test_fraction=0.1, seed=seed), dataset)
        if 1.0 in run.split.Y_test:
            assert training_classes(run) == 1
            break
    else:
        raise AssertionError("no seed held the class-1 row out")


def test_hidden_space_is_the_engines_activations_of_a_two_unit_layer():
    settings = LabSettings(dataset="circles", hidden_units=(4, 2), hidden_activations=("tanh",) * 2)
    run = build_run(settings)
    run.trainer.step(30)
    assert two_unit_layers(run.net) == [2]
    (A_train, labels, part), (A_test, _, _) = hidden_space(run, run.net, 2)
    trace = run.net.compute_trace(run.split.X_train, run.split.Y_train)
    np.testing.assert_array_equal(A_train, trace.layers[1].a)
    assert part == "train" and labels.tolist() == run.split.Y_train[:, 0].astype(int).tolist()
    assert A_test.shape == (len(run.split.X_test), 2)
    with pytest.raises(UserInputError):
        hidden_space(run, run.net, 1)  # 4 units
    assert two_unit_layers(build_run(LabSettings()).net) == []


def test_a_pinned_curve_keeps_at_most_600_points_ending_at_the_last_update():
    run = build_run(LabSettings(epochs=400, l2=0.01))  # 2,000 updates
    run.trainer.run()
    pinned = pin_curve(run)
    assert len(pinned.updates) <= 600 and pinned.updates[0] == 0 and pinned.updates[-1] == 2000
    np.testing.assert_array_equal(pinned.train_loss, run.history.train_loss[pinned.updates])
    assert pinned.label == "8 hidden, tanh, sgd lr 0.1, L2 0.01"
