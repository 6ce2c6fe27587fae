"""The Activation functions page's figures show the engine's f and f', and tell series apart
by more than colour."""

import numpy as np
import pytest

from lessons.activations import compare_activations, evaluate
from viz.activations import activation_figure, vanishing_gradient_figure
from viz.format import format_number


def _pairwise_distinct(values) -> bool:
    values = list(values)
    return len(set(values)) == len(values)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "linear"])
def test_activation_figure_marks_the_engines_values(name):
    fig = activation_figure(name, 0.8)
    f_curve, df_curve, marker = fig.data
    f_z, df_z = evaluate(name, 0.8)
    assert list(marker.y) == pytest.approx([f_z, df_z])
    assert marker.text[0].endswith(format_number(f_z))
    z = np.asarray(f_curve.x)
    expected = [evaluate(name, value) for value in z[::40]]
    assert np.asarray(f_curve.y)[::40] == pytest.approx([e[0] for e in expected])
    assert np.asarray(df_curve.y)[::40] == pytest.approx([e[1] for e in expected])


def test_vanishing_figure_leaves_out_zero_products_and_says_so():
    chains = compare_activations(n_layers=4, x=-1.0, w=1.0)  # ReLU is dead from layer 1
    fig = vanishing_gradient_figure(chains)
    by_name = {trace.name.split(" ")[0]: trace for trace in fig.data}
    assert np.asarray(by_name["Sigmoid"].y) == pytest.approx(chains["sigmoid"].product)
    relu = by_name["ReLU"]
    assert len(relu.x) == 0 and "0 from layer 1" in relu.name


def test_vanishing_lines_differ_by_dash_and_symbol_not_only_colour():
    chains = compare_activations(n_layers=6, x=1.0, w=1.0)
    fig = vanishing_gradient_figure(chains)
    assert len(fig.data) == len(chains) >= 3
    assert _pairwise_distinct((t.line.dash or "solid") for t in fig.data)
    assert _pairwise_distinct((t.marker.symbol or "circle") for t in fig.data)


@pytest.mark.parametrize("name", ["sigmoid", "relu"])
def test_activation_f_and_fprime_differ_by_dash_and_their_markers_by_symbol(name):
    f_curve, df_curve, marker = activation_figure(name, 0.5).data
    assert (f_curve.line.dash or "solid") != (df_curve.line.dash or "solid")
    symbols = list(marker.marker.symbol)
    assert len(symbols) == 2 and symbols[0] != symbols[1]
