"""The initialisation lesson: equal starts never break symmetry, random ones do, and large
weights saturate sigmoid units; checked by training with the engine."""

import numpy as np
import pytest

from engine import Network
from engine.datasets import xor_table
from lessons.initialisation import (
    EQUAL_WEIGHT,
    SYMMETRY_LEARNING_RATE,
    saturation,
    symmetry_run,
)


@pytest.mark.parametrize("start", ["equal", "zeros"])
def test_equal_starts_keep_every_hidden_unit_identical(start):
    run = symmetry_run(start, 100)
    assert run.hidden_weights.shape == (101, 3, 2)
    assert run.units_identical
    assert np.all(run.spread == 0)


def test_equal_start_still_learns_but_as_one_unit():
    run = symmetry_run("equal", 100)
    assert not np.allclose(run.hidden_weights[-1], EQUAL_WEIGHT)  # the weights do move
    # Reference: the same training, step by step, with the engine directly.
    data = xor_table()
    net = Network.from_parameters(
        [np.full((3, 2), EQUAL_WEIGHT), np.full((1, 3), EQUAL_WEIGHT)],
        [np.zeros(3), np.zeros(1)],
        ["sigmoid", "sigmoid"],
    )
    for _ in range(100):
        net.train_step(data.X, data.Y, SYMMETRY_LEARNING_RATE)
    assert run.hidden_weights[-1] == pytest.approx(net.weights[0])


def test_random_start_breaks_the_symmetry():
    run = symmetry_run("random", 100)
    assert not run.units_identical
    assert run.spread[-1] > 0.1


def test_larger_weights_saturate_more_sigmoid_units():
    small, medium, large = saturation(0.1), saturation(1.0), saturation(10.0)
    assert small.saturated_fraction == 0
    assert small.mean_slope > medium.mean_slope > large.mean_slope
    assert large.saturated_fraction > 0.5
    assert small.mean_slope <= 0.25
