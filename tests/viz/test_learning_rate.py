"""The Learning rate page's figures show the lesson's losses and descent path, and tell curves
apart by more than colour."""

import numpy as np
import pytest

from lessons.learning_rate import (
    DEFAULT_LEARNING_RATES,
    LEARNING_RATE_LABELS,
    NEURON_OPTIMUM,
    LearningRateRun,
    compare_learning_rates,
    descent_path,
    loss_surface,
)
from viz.format import format_number
from viz.learning_rate import descent_contour_figure, learning_rate_figure


def test_learning_rate_figure_marks_divergence_and_skips_non_finite_losses():
    finite = LearningRateRun(0.1, np.array([1.0, 0.5, 0.25]), None)
    diverged = LearningRateRun(5.0, np.array([1.0, 30.0, np.inf]), 2)
    fig = learning_rate_figure([finite, diverged], ["good", "divergent"])
    curves = [t for t in fig.data if t.mode == "lines"]
    assert curves[0].name == "η = 0.1 (good)"
    assert "diverged at update 2" in curves[1].name
    assert list(curves[1].y) == [1.0, 30.0]
    crosses = [t for t in fig.data if t.mode == "markers"]
    assert len(crosses) == 1 and list(crosses[0].y) == [30.0]


def test_learning_rate_figure_of_real_runs_has_one_curve_each():
    runs = compare_learning_rates([0.1, 0.2], epochs=10)
    fig = learning_rate_figure(runs)
    curves = [t for t in fig.data if t.mode == "lines"]
    assert [list(c.y) for c in curves] == [pytest.approx(list(r.loss)) for r in runs]


def test_contour_figure_draws_the_path_and_the_surface():
    surface = loss_surface("linear", resolution=20)
    path = descent_path("linear", 0.0, 0.0, 0.2, 10)
    fig = descent_contour_figure(surface, path, NEURON_OPTIMUM)
    contour, line, start, optimum = fig.data
    assert np.asarray(contour.z) == pytest.approx(np.log10(surface.loss))
    assert np.asarray(line.x) == pytest.approx(path.w)
    assert np.asarray(line.y) == pytest.approx(path.b)
    assert (start.x[0], start.y[0]) == (0.0, 0.0)
    assert (optimum.x[0], optimum.y[0]) == NEURON_OPTIMUM


def _pairwise_distinct(values) -> bool:
    values = list(values)
    return len(set(values)) == len(values)


def test_learning_rate_curves_differ_by_dash_not_only_colour():
    runs = compare_learning_rates(DEFAULT_LEARNING_RATES, epochs=20)
    fig = learning_rate_figure(runs, LEARNING_RATE_LABELS)
    curves = [t for t in fig.data if t.mode == "lines"]
    assert len(curves) == len(DEFAULT_LEARNING_RATES) == 4
    assert _pairwise_distinct((c.line.dash or "solid") for c in curves)
    assert _pairwise_distinct(c.line.color for c in curves)
    for curve, run in zip(curves, runs, strict=True):  # the legend names each rate
        assert curve.name.startswith(f"η = {format_number(run.learning_rate)}")
