"""Learning-rate runs and the one-neuron loss surface and descent path."""

import numpy as np
import pytest

from engine import Network
from lessons.learning_rate import (
    DEFAULT_LEARNING_RATES,
    MAX_PATH_STEPS,
    NEURON_OPTIMUM,
    NEURON_X,
    compare_learning_rates,
    descent_path,
    loss_surface,
    neuron_data,
    step_size_limits,
)


@pytest.fixture(scope="module")
def default_runs():
    return compare_learning_rates(DEFAULT_LEARNING_RATES, epochs=150)


def test_default_rates_show_slow_good_bumpy_and_divergent(default_runs):
    small, good, large, divergent = default_runs
    assert [run.learning_rate for run in default_runs] == list(DEFAULT_LEARNING_RATES)
    for run in (small, good, large):
        assert run.diverged_at is None and len(run.loss) == 151
    assert good.final_loss < small.final_loss  # the tiny rate is still far behind
    assert np.any(np.diff(large.loss) > 0)  # the large rate makes the loss jump up
    assert np.all(np.diff(good.loss[:20]) <= 1e-12)  # the good one falls steadily at first
    assert divergent.diverged_at is not None and len(divergent.loss) < 151


def test_runs_start_from_the_same_network(default_runs):
    assert len({run.loss[0] for run in default_runs}) == 1


def test_comparison_is_deterministic():
    a = compare_learning_rates([0.1], epochs=20)[0]
    b = compare_learning_rates([0.1], epochs=20)[0]
    assert np.array_equal(a.loss, b.loss)


@pytest.mark.parametrize(
    "rates, epochs",
    [
        ([], 10),
        ([0.1] * 7, 10),
        ([0.0], 10),
        ([float("nan")], 10),
        ([0.1], 0),
        ([0.1], 301),
        ([1e3], 10),
    ],
)
def test_bad_comparison_settings_raise(rates, epochs):
    with pytest.raises(ValueError):
        compare_learning_rates(rates, epochs)


@pytest.mark.parametrize("activation", ["linear", "sigmoid", "tanh"])
def test_loss_surface_matches_the_engine_and_is_zero_at_the_optimum(activation):
    surface = loss_surface(activation, resolution=9)
    X, Y = neuron_data(activation)
    assert surface.loss.shape == (9, 9)
    for i, j in [(0, 0), (3, 7), (8, 2)]:
        net = Network.from_parameters([[[surface.w[j]]]], [[surface.b[i]]], [activation])
        assert surface.loss[i, j] == pytest.approx(net.loss_value(X, Y))
    w, b = NEURON_OPTIMUM
    at_optimum = Network.from_parameters([[[w]]], [[b]], [activation]).loss_value(X, Y)
    assert at_optimum == pytest.approx(0.0, abs=1e-15)


def test_descent_path_follows_gradient_steps():
    path = descent_path("linear", w0=-1.0, b0=0.0, learning_rate=0.1, steps=5)
    X, Y = neuron_data("linear")
    net = Network.from_parameters([[[-1.0]]], [[0.0]], ["linear"])
    for k in range(5):
        dW, db = net.gradients(X, Y)
        expected_w = net.weights[0][0, 0] - 0.1 * dW[0][0, 0]
        expected_b = net.biases[0][0] - 0.1 * db[0][0]
        net.set_parameters([[[expected_w]]], [[expected_b]])
        assert path.w[k + 1] == pytest.approx(expected_w)
        assert path.b[k + 1] == pytest.approx(expected_b)
    assert np.all(np.diff(path.loss) < 0)


def test_good_rate_converges_and_huge_rate_diverges():
    good = descent_path("linear", learning_rate=0.5, steps=100)
    assert not good.diverged
    assert (good.w[-1], good.b[-1]) == pytest.approx(NEURON_OPTIMUM, abs=1e-2)
    bad = descent_path("linear", learning_rate=0.6, steps=200)
    assert bad.diverged and len(bad.w) < 201


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(activation="relu"),
        dict(w0=float("nan")),
        dict(learning_rate=0),
        dict(steps=0),
        dict(steps=1000),
        dict(b0=1e9),
    ],
)
def test_bad_path_settings_raise(kwargs):
    with pytest.raises(ValueError):
        descent_path(**kwargs)


# --- the divergence threshold ----------------------------------------------------------------


def test_linear_threshold_is_two_over_the_largest_curvature_of_the_data():
    x = NEURON_X
    hessian = np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])  # by hand
    limits = step_size_limits("linear")
    assert limits.curvature == pytest.approx(np.linalg.eigvalsh(hessian)[-1])
    assert limits.divergence_rate == pytest.approx(0.5538, abs=1e-4)
    assert limits.zigzag_rate == pytest.approx(limits.divergence_rate / 2)


def test_the_threshold_separates_settling_from_growing_paths():
    limits = step_size_limits("linear")
    below = descent_path("linear", -1.0, 0.0, 0.98 * limits.divergence_rate, MAX_PATH_STEPS)
    above = descent_path("linear", -1.0, 0.0, 1.02 * limits.divergence_rate, MAX_PATH_STEPS)
    assert below.loss[-1] < 1e-3 * below.loss[0]
    assert above.loss[-1] > above.loss[0]


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_near_the_minimum_the_threshold_holds_for_curved_losses(activation):
    limits = step_size_limits(activation)
    assert not limits.exact
    w, b = NEURON_OPTIMUM
    start = (w + 0.05, b - 0.05)
    rate_below = min(0.95 * limits.divergence_rate, 20.0)
    below = descent_path(activation, *start, rate_below, MAX_PATH_STEPS)
    assert below.loss[-1] < below.loss[0]
    if 1.05 * limits.divergence_rate <= 20.0:
        above = descent_path(activation, *start, 1.05 * limits.divergence_rate, MAX_PATH_STEPS)
        assert above.loss[-1] > below.loss[-1]
