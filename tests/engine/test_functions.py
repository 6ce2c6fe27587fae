"""Activations and losses: derivatives against finite differences, stability, LaTeX."""

import ast
import sys
from pathlib import Path

import numpy as np
import pytest

from engine import ACTIVATIONS, LOSSES
from engine.activations import get_activation
from engine.losses import get_loss

ENGINE = Path(__file__).resolve().parents[2] / "engine"


@pytest.mark.parametrize("name", [n for n in ACTIVATIONS if n != "softmax"])
def test_activation_derivative_matches_finite_differences(name):
    activation = get_activation(name)
    z = np.array([-3.0, -0.7, -0.1, 0.2, 0.9, 2.5])  # away from the ReLU kink at 0
    eps = 1e-6
    numeric = (activation.f(z + eps) - activation.f(z - eps)) / (2 * eps)
    assert np.allclose(activation.df(z), numeric, atol=1e-8)


def test_softmax_rows_sum_to_one_and_survive_huge_inputs():
    softmax = get_activation("softmax")
    out = softmax.f(np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]]))
    assert np.allclose(out.sum(axis=1), 1.0) and np.all(np.isfinite(out))
    assert out[1] == pytest.approx(np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())


def test_sigmoid_is_finite_for_huge_inputs():
    values = get_activation("sigmoid").f(np.array([-1e4, 0.0, 1e4]))
    assert values.tolist() == [0.0, 0.5, 1.0]


@pytest.mark.parametrize("name", ["squared_error", "mse"])
def test_regression_loss_gradient_matches_finite_differences(name):
    loss = get_loss(name)
    rng = np.random.default_rng(0)
    Y_hat, Y = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    numeric = np.zeros_like(Y_hat)
    for index in np.ndindex(Y_hat.shape):
        step = np.zeros_like(Y_hat)
        step[index] = 1e-6
        numeric[index] = (
            loss.value(Y_hat + step, Y, Y_hat + step) - loss.value(Y_hat - step, Y, Y_hat - step)
        ) / 2e-6
    assert np.allclose(loss.grad(Y_hat, Y), numeric, atol=1e-8)


def test_loss_definitions_match_the_documented_formulas():
    Y_hat, Y = np.array([[0.2, 0.9], [0.6, 0.1]]), np.array([[0.0, 1.0], [1.0, 0.0]])
    # squared_error: (1/N) sum 1/2 e^2 = (1/2)(0.5)(0.04 + 0.01 + 0.16 + 0.01) = 0.055
    assert get_loss("squared_error").value(Y_hat, Y, Y_hat) == pytest.approx(0.055)
    # mse: 1/(N K) sum e^2 = 0.22 / 4 = 0.055
    assert get_loss("mse").value(Y_hat, Y, Y_hat) == pytest.approx(0.055)
    logits = np.log(Y_hat / (1 - Y_hat))
    expected_bce = -(np.log(0.8) + np.log(0.9) + np.log(0.6) + np.log(0.9)) / 2
    assert get_loss("binary_cross_entropy").value(Y_hat, Y, logits) == pytest.approx(expected_bce)


@pytest.mark.parametrize("registry", [ACTIVATIONS, LOSSES])
def test_every_function_has_latex(registry):
    for item in registry.values():
        assert item.latex.strip() and "=" in item.latex


def test_engine_imports_only_numpy_and_the_standard_library():
    allowed_roots = {"numpy", "engine"}
    for path in ENGINE.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                roots = [node.module.split(".")[0]]
            else:
                continue
            for root in roots:
                assert root in allowed_roots or root in sys.stdlib_module_names, (
                    f"{path.name} imports {root}"
                )
