"""The vanishing-gradient chain: products of f'(z) through one-unit layers."""

import numpy as np
import pytest

from lessons.activations import (
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
