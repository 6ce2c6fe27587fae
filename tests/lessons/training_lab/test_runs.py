"""lessons.training_lab.runs: settings -> network and Trainer; training in slices; features; L1."""

import numpy as np
import pytest

from engine.datasets import GENERATORS, make_dataset
from engine.errors import UserInputError
from lessons.training_lab.runs import advance, build_network, build_run
from lessons.training_lab.settings import UPLOADED, LabSettings, default_output


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


# --- regularisation ----------------------------------------------------------------------------


def test_l1_moves_each_weight_by_learning_rate_times_l1_times_its_sign():
    plain = build_run(LabSettings(learning_rate=0.1))
    penalised = build_run(LabSettings(learning_rate=0.1, l1=0.01))
    start = [W.copy() for W in plain.net.weights]
    plain.trainer.step(1)
    penalised.trainer.step(1)
    for W0, W_plain, W_l1 in zip(start, plain.net.weights, penalised.net.weights, strict=True):
        np.testing.assert_allclose(W_l1 - W_plain, -0.1 * 0.01 * np.sign(W0), atol=1e-15)
