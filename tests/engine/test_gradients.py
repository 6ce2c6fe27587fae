"""Backpropagation agrees with central finite differences for every allowed network."""

import os

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engine import HIDDEN_ACTIVATIONS, Network, numerical_gradients

# Every (output activation, loss) pairing the engine allows.
OUTPUT_PAIRINGS = [
    (activation, loss) for activation in HIDDEN_ACTIVATIONS for loss in ("squared_error", "mse")
] + [("sigmoid", "binary_cross_entropy"), ("softmax", "cross_entropy")]
KINKED = {"relu", "leaky_relu"}
FD_STEP = 1e-5  # step of the finite differences


@st.composite
def networks_with_data(draw):
    """A random network (1 to 4 weight layers, widths 1 to 6) and a batch of 1 to 8 rows."""
    n_weight_layers = draw(st.integers(1, 4))
    output_activation, loss = draw(st.sampled_from(OUTPUT_PAIRINGS))
    min_outputs = 2 if output_activation == "softmax" else 1
    sizes = [draw(st.integers(1, 6)) for _ in range(n_weight_layers)]
    sizes.append(draw(st.integers(min_outputs, 6)))
    hidden = [draw(st.sampled_from(HIDDEN_ACTIVATIONS)) for _ in range(n_weight_layers - 1)]
    seed = draw(st.integers(0, 2**16))
    init = draw(st.sampled_from(["xavier", "he", "uniform"]))
    net = Network(sizes, hidden + [output_activation], loss=loss, init=init, seed=seed)
    rng = np.random.default_rng(seed)
    n_samples = draw(st.integers(1, 8))
    X = rng.normal(size=(n_samples, sizes[0]))
    if loss == "cross_entropy":
        Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], n_samples)]
    elif loss == "binary_cross_entropy":
        Y = rng.integers(0, 2, size=(n_samples, sizes[-1])).astype(float)
    else:
        Y = rng.normal(size=(n_samples, sizes[-1]))
    return net, X, Y


def richardson_gradients(net, X, Y, step: float = FD_STEP) -> list[np.ndarray]:
    """Central differences at steps h and h/2 combined as (4 D(h/2) - D(h)) / 3.

    A plain central difference with eps = 1e-6 carries a rounding error near 1e-16 * L / eps,
    which is above 1e-6 relative when gradients are small next to the loss; the combination
    cancels the h^2 error term, so a ten times larger step keeps both errors well below it.
    """
    coarse = sum(numerical_gradients(net, X, Y, eps=step), [])
    fine = sum(numerical_gradients(net, X, Y, eps=step / 2), [])
    return [(4 * f - c) / 3 for f, c in zip(fine, coarse, strict=True)]


def relative_error(analytic: list[np.ndarray], numeric: list[np.ndarray], loss: float) -> float:
    """||a - n|| / (||a|| + ||n||) over all parameters, with the differences' resolution as floor.

    A difference quotient cannot resolve a gradient smaller than its rounding error, about
    machine epsilon * |L| / step per entry (seen: a saturated tanh unit with gradients of 1e-9
    next to a loss of 0.17). Those entries are compared against that floor, not against zero.
    """
    a = np.concatenate([g.ravel() for g in analytic])
    n = np.concatenate([g.ravel() for g in numeric])
    floor = 10 * np.finfo(float).eps * max(abs(loss), 1.0) / FD_STEP * np.sqrt(a.size)
    return float(np.linalg.norm(a - n) / max(np.linalg.norm(a) + np.linalg.norm(n), floor / 1e-6))


@settings(
    max_examples=int(os.environ.get("GRADCHECK_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(networks_with_data())
def test_backprop_matches_finite_differences(case):
    net, X, Y = case
    trace = net.compute_trace(X, Y)
    # At a ReLU kink the derivative is undefined and finite differences straddle it.
    for layer in trace.layers:
        if layer.activation in KINKED:
            assume(np.min(np.abs(layer.z)) > 1e-3)
    dW, db = net.gradients(X, Y)
    numeric = richardson_gradients(net, X, Y)
    assert relative_error(dW + db, numeric, trace.loss) < 1e-6


def test_batch_gradient_is_the_mean_of_per_sample_gradients():
    net = Network([3, 4, 2], ["tanh", "sigmoid"], loss="squared_error", seed=3)
    rng = np.random.default_rng(3)
    X, Y = rng.normal(size=(5, 3)), rng.uniform(size=(5, 2))
    batch_dW, _ = net.gradients(X, Y)
    per_sample = [net.gradients(X[[n]], Y[[n]])[0] for n in range(5)]
    for layer in range(2):
        mean = np.mean([grads[layer] for grads in per_sample], axis=0)
        assert np.allclose(batch_dW[layer], mean, atol=1e-14)


def test_saturated_cross_entropy_outputs_keep_finite_gradients():
    # Huge weights push sigmoid outputs to exactly 0 or 1 in float64.
    net = Network.from_parameters(
        [[[800.0, -800.0]]], [[0.0]], ["sigmoid"], loss="binary_cross_entropy"
    )
    X, Y = np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[0.0], [1.0]])
    trace = net.compute_trace(X, Y, learning_rate=0.1)
    assert np.isfinite(trace.loss) and trace.loss > 100  # confidently wrong: large, finite loss
    assert trace.finite
    assert np.allclose(trace.layers[0].delta, [[0.5], [-0.5]])  # (y_hat - y) / N
