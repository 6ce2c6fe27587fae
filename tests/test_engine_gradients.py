"""Backpropagation agrees with central finite differences for every allowed network."""

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engine import HIDDEN_ACTIVATIONS, Network, numerical_gradients

# Every (output activation, loss) pairing the engine allows.
OUTPUT_PAIRINGS = [
    (activation, loss) for activation in HIDDEN_ACTIVATIONS for loss in ("squared_error", "mse")
] + [("sigmoid", "binary_cross_entropy"), ("softmax", "cross_entropy")]
KINKED = {"relu", "leaky_relu"}


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


def relative_error(analytic: list[np.ndarray], numeric: list[np.ndarray]) -> float:
    """||a - n|| / (||a|| + ||n||) over all parameters together; 0 when both are 0."""
    a = np.concatenate([g.ravel() for g in analytic])
    n = np.concatenate([g.ravel() for g in numeric])
    scale = np.linalg.norm(a) + np.linalg.norm(n)
    return 0.0 if scale < 1e-12 else float(np.linalg.norm(a - n) / scale)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks_with_data())
def test_backprop_matches_finite_differences(case):
    net, X, Y = case
    trace = net.compute_trace(X, Y)
    # At a ReLU kink the derivative is undefined and finite differences straddle it.
    for layer in trace.layers:
        if layer.activation in KINKED:
            assume(np.min(np.abs(layer.z)) > 1e-4)
    dW, db = net.gradients(X, Y)
    num_dW, num_db = numerical_gradients(net, X, Y, eps=1e-6)
    assert relative_error(dW + db, num_dW + num_db) < 1e-6
    for analytic, numeric in zip(dW + db, num_dW + num_db, strict=True):
        assert np.allclose(analytic, numeric, rtol=1e-5, atol=1e-8)


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
