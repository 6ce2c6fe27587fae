"""The vanishing-gradient chain: products of f'(z) through one-unit layers."""

import numpy as np
import pytest

from engine.activations import get_activation
from lessons.activations import (
    MAX_SLOPE,
    compare_activations,
    derivative_products,
    evaluate,
    softmax_example,
)


def test_products_follow_the_chain_by_hand():
    chain = derivative_products("sigmoid", n_layers=3, x=0.5, w=2.0, b=-0.1)
    a, expected_z = 0.5, []
    for _ in range(3):
        z = 2.0 * a - 0.1
        expected_z.append(z)
        a = 1 / (1 + np.exp(-z))
    z = np.array(expected_z)
    s = 1 / (1 + np.exp(-z))
    fprime = s * (1 - s)
    assert chain.z == pytest.approx(z)
    assert chain.fprime == pytest.approx(fprime)
    assert chain.product == pytest.approx(np.cumprod(fprime))
    assert chain.gradient == pytest.approx(np.cumprod(2.0 * fprime))


def test_sigmoid_vanishes_faster_than_tanh_and_relu_keeps_it():
    chains = compare_activations(n_layers=10, x=1.0, w=1.0)
    assert chains["sigmoid"].product[-1] <= 0.25**10
    assert chains["sigmoid"].product[-1] < chains["tanh"].product[-1] < 1
    assert chains["relu"].product == pytest.approx(np.ones(10))
    assert np.all(np.diff(chains["sigmoid"].product) < 0)


def test_dead_relu_gives_zero():
    assert derivative_products("relu", 4, x=-1.0, w=1.0).product[-1] == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(n_layers=0),
        dict(n_layers=11),
        dict(x=float("nan")),
        dict(w=1e9),
        dict(activation="softmax"),
    ],
)
def test_bad_settings_raise(kwargs):
    args = dict(activation="tanh") | kwargs
    with pytest.raises(ValueError):
        derivative_products(**args)


def test_evaluate_gives_f_and_its_slope():
    f_z, df_z = evaluate("sigmoid", 0.0)
    assert (f_z, df_z) == pytest.approx((0.5, 0.25))
    assert evaluate("relu", -2.0) == (0.0, 0.0)
    eps = 1e-6
    for name in ("tanh", "sigmoid", "leaky_relu", "linear"):
        slope = (evaluate(name, 0.7 + eps)[0] - evaluate(name, 0.7 - eps)[0]) / (2 * eps)
        assert evaluate(name, 0.7)[1] == pytest.approx(slope, abs=1e-6)
    with pytest.raises(ValueError):
        evaluate("sigmoid", float("nan"))


def test_softmax_example_is_a_probability_vector():
    p = softmax_example((2.0, 1.0, 0.1))
    assert p.sum() == pytest.approx(1.0)
    assert p == pytest.approx(np.exp([2.0, 1.0, 0.1]) / np.exp([2.0, 1.0, 0.1]).sum())


# --- the bound (max f' |w|)^n ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "linear"])
def test_max_slope_is_the_largest_derivative_of_the_engines_function(name):
    z = np.linspace(-20, 20, 400_001)
    assert MAX_SLOPE[name] == pytest.approx(get_activation(name).df(z).max(), abs=1e-9)


@pytest.mark.parametrize("w", [0.5, 1.0, 3.0, -2.5])
@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
def test_the_gradient_never_exceeds_the_weighted_bound(name, w):
    chain = derivative_products(name, 10, x=0.3, w=w, b=0.1)
    assert chain.bound == pytest.approx((MAX_SLOPE[name] * abs(w)) ** np.arange(1, 11))
    assert np.all(np.abs(chain.gradient) <= chain.bound * (1 + 1e-12))


def test_the_bound_depends_on_the_weights_not_only_on_one_quarter():
    # The old text said sigmoid gradients shrink like (1/4)^n whatever the weights: with
    # |w| = 6 the bound is (6/4)^n, above 1, and a chain gets more than (1/4)^n through.
    chain = derivative_products("sigmoid", 10, x=0.0, w=6.0, b=-3.0)
    assert chain.factor_bound == 1.5
    assert abs(chain.gradient[-1]) > 0.25**10
