"""The backprop core: what the trace records is what the core computed, gradients() is the
core's, each activation's fprime is its derivative, and train_biases=False keeps biases fixed."""

from pathlib import Path

import numpy as np
import pytest

from engine import (
    ACTIVATIONS,
    HIDDEN_ACTIVATIONS,
    LOSSES,
    Network,
    TrainConfig,
    Trainer,
    UserInputError,
    network_at,
)
from engine.backprop import SHORTCUTS, backprop, output_delta
from engine.validation import all_finite, check_finite

ENGINE = Path(__file__).resolve().parents[2] / "engine"

# Every (output activation, loss) pairing the engine allows.
PAIRINGS = [(a, loss) for a in HIDDEN_ACTIVATIONS for loss in ("squared_error", "mse")] + [
    ("sigmoid", "binary_cross_entropy"),
    ("softmax", "cross_entropy"),
]


def random_case(seed: int, output: str, loss: str):
    """A 3-4-3-K network with random hidden activations and a batch of 5 valid rows."""
    rng = np.random.default_rng(seed)
    hidden = [HIDDEN_ACTIVATIONS[i] for i in rng.integers(0, len(HIDDEN_ACTIVATIONS), 2)]
    net = Network([3, 4, 3, 3], hidden + [output], loss=loss, init="uniform", seed=seed)
    X = rng.normal(size=(5, 3))
    if loss == "cross_entropy":
        Y = np.eye(3)[rng.integers(0, 3, 5)]
    elif loss == "binary_cross_entropy":
        Y = rng.integers(0, 2, size=(5, 3)).astype(float)
    else:
        Y = rng.normal(size=(5, 3))
    return net, X, Y


def core_of(net: Network, X, Y):
    activations = [ACTIVATIONS[name] for name in net.activations]
    return backprop(net.weights, net.biases, activations, LOSSES[net.loss_name], X, Y)


def textbook_network(train_biases: bool) -> Network:
    # Mazur's 2-2-2 example (as lessons/step_by_step/presets.py textbook_222).
    return Network.from_parameters(
        weights=[[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]],
        biases=[[0.35, 0.35], [0.60, 0.60]],
        activations=["sigmoid", "sigmoid"],
        loss="squared_error",
        train_biases=train_biases,
    )


TEXTBOOK_X, TEXTBOOK_Y = np.array([[0.05, 0.10]]), np.array([[0.01, 0.99]])


@pytest.mark.parametrize(("output", "loss"), PAIRINGS)
def test_trace_records_exactly_what_the_core_computed(output, loss):
    for seed in range(4):
        net, X, Y = random_case(seed, output, loss)
        core = core_of(net, X, Y)
        trace = net.compute_trace(X, Y, learning_rate=0.3)
        shortcut = (output, loss) in SHORTCUTS
        assert core.shortcut == SHORTCUTS.get((output, loss))
        for index, layer in enumerate(trace.layers):
            for field in ("a_in", "z", "a", "delta", "dW", "db"):
                assert np.array_equal(getattr(layer, field), getattr(core, field)[index]), field
            if not (shortcut and index == len(trace.layers) - 1):
                assert np.array_equal(layer.grad_a, core.grad_a[index])
                assert np.array_equal(layer.fprime, core.fprime[index])
            # The parameters and the layer input are recorded by reference, not copied.
            assert layer.W is net.weights[index] and layer.b is net.biases[index]
            assert layer.a_in is (trace.X if index == 0 else trace.layers[index - 1].a)
            np.testing.assert_array_equal(layer.W_new, layer.W - 0.3 * layer.dW)
            np.testing.assert_array_equal(layer.b_new, layer.b - 0.3 * layer.db)


@pytest.mark.parametrize(("output", "loss"), PAIRINGS)
def test_gradients_equal_the_traces_dW_and_db(output, loss):
    for seed in range(4):
        net, X, Y = random_case(seed, output, loss)
        dW, db = net.gradients(X, Y)
        trace = net.compute_trace(X, Y)
        for index, layer in enumerate(trace.layers):
            assert np.array_equal(dW[index], layer.dW)
            assert np.array_equal(db[index], layer.db)


def test_shortcut_outputs_record_dL_da_and_fprime_for_display():
    net, X, Y = random_case(1, "sigmoid", "binary_cross_entropy")
    output = net.compute_trace(X, Y).layers[-1]
    # Away from saturation the shortcut equals the chain-rule product it replaces.
    np.testing.assert_allclose(output.delta, output.grad_a * output.fprime, rtol=1e-12)
    np.testing.assert_array_equal(output.fprime, output.a * (1 - output.a))


def test_softmax_cross_entropy_delta_is_the_full_jacobian_product_not_the_diagonal():
    net, X, Y = random_case(2, "softmax", "cross_entropy")
    output = net.compute_trace(X, Y).layers[-1]
    for n in range(X.shape[0]):
        a = output.a[n]
        jacobian = np.diag(a) - np.outer(a, a)  # d a_k / d z_j
        expected = jacobian.T @ output.grad_a[n]  # sum over k of dL/da_k * da_k/dz_j
        np.testing.assert_allclose(output.delta[n], expected, rtol=1e-10, atol=1e-15)
    # The element-wise product with the Jacobian's diagonal is a different vector.
    assert not np.allclose(output.delta, output.grad_a * output.fprime)


def test_output_delta_names_its_shortcut_and_otherwise_applies_the_chain_rule():
    z = np.array([[0.3, -1.2]])
    a, Y = ACTIVATIONS["sigmoid"].f(z), np.array([[1.0, 0.0]])
    delta, grad_a, fprime, name = output_delta(
        LOSSES["binary_cross_entropy"], ACTIVATIONS["sigmoid"], z, a, Y
    )
    assert name == "sigmoid + binary cross-entropy" and grad_a is None and fprime is None
    np.testing.assert_array_equal(delta, a - Y)
    delta, grad_a, fprime, name = output_delta(
        LOSSES["squared_error"], ACTIVATIONS["sigmoid"], z, a, Y
    )
    assert name is None
    np.testing.assert_array_equal(delta, (a - Y) * a * (1 - a))


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_fprime_is_the_numerical_derivative_of_f(name):
    activation = ACTIVATIONS[name]
    # Away from the ReLU kink at 0; rows of 3 so softmax acts on a row.
    z = np.array([[-3.0, -0.7, 0.4], [0.2, 0.9, 2.5], [-1.3, 1.7, -0.1]])
    a = activation.f(z)
    eps = 1e-6
    numeric = np.empty_like(z)
    for index in np.ndindex(z.shape):
        step = np.zeros_like(z)
        step[index] = eps
        # d f(z)_k / d z_k: for softmax the diagonal of its Jacobian, as fprime documents.
        numeric[index] = (activation.f(z + step)[index] - activation.f(z - step)[index]) / (2 * eps)
    np.testing.assert_allclose(activation.fprime(z, a), numeric, atol=1e-9)
    np.testing.assert_array_equal(activation.fprime(z, a), activation.df(z))


def test_derivative_in_the_output_is_written_where_it_exists():
    assert ACTIVATIONS["sigmoid"].dlatex_in_a == r"a\,(1 - a)"
    assert ACTIVATIONS["tanh"].dlatex_in_a == "1 - a^2"
    for name in ("relu", "leaky_relu", "linear", "softmax"):
        assert ACTIVATIONS[name].dlatex_in_a is None


def test_every_loss_writes_its_gradient_with_respect_to_the_output():
    for loss in LOSSES.values():
        assert loss.grad_latex.startswith(r"\frac{\partial L}{\partial \hat y_j} = ")
    assert r"\frac{2}{NK}" in LOSSES["mse"].grad_latex
    assert r"\frac{y_j}{\hat y_j}" in LOSSES["cross_entropy"].grad_latex


def test_frozen_biases_reproduce_the_textbook_error_after_one_update():
    net = textbook_network(train_biases=False)
    trace = net.train_step(TEXTBOOK_X, TEXTBOOK_Y, learning_rate=0.5)
    for layer in trace.layers:
        assert layer.b_new is layer.b  # kept
        assert np.all(layer.db != 0)  # but the gradient is still recorded
    assert [b.tolist() for b in net.biases] == [[0.35, 0.35], [0.60, 0.60]]
    assert net.loss_value(TEXTBOOK_X, TEXTBOOK_Y) == pytest.approx(0.2910277737, abs=1e-10)
    # Training the biases too gives a different (lower) error: the switch matters.
    trained = textbook_network(train_biases=True)
    trained.train_step(TEXTBOOK_X, TEXTBOOK_Y, learning_rate=0.5)
    assert trained.loss_value(TEXTBOOK_X, TEXTBOOK_Y) < 0.2910277737 - 1e-6


def test_frozen_biases_reproduce_the_textbook_result_after_10000_updates():
    net = textbook_network(train_biases=False)
    for _ in range(10_000):
        net.train_step(TEXTBOOK_X, TEXTBOOK_Y, learning_rate=0.5)
    assert f"{net.loss_value(TEXTBOOK_X, TEXTBOOK_Y):.5e}" == "3.51019e-05"
    outputs = net.forward(TEXTBOOK_X)[0]
    assert f"{outputs[0]:.9f}" == "0.015913620"
    assert f"{outputs[1]:.9f}" == "0.984064274"
    assert [b.tolist() for b in net.biases] == [[0.35, 0.35], [0.60, 0.60]]


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_trainer_keeps_frozen_biases_and_trains_the_weights(optimizer):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    Y = (X[:, :1] * X[:, 1:] > 0).astype(float)
    net = Network([2, 4, 1], ["tanh", "sigmoid"], "binary_cross_entropy", train_biases=False)
    net.biases = [np.full(4, 0.1), np.array([-0.2])]
    biases = [b.copy() for b in net.biases]
    weights = [W.copy() for W in net.weights]
    config = TrainConfig(learning_rate=0.2, batch_size=8, epochs=3, optimizer=optimizer)
    trainer = Trainer(net, X, Y, X[:0], Y[:0], config, "binary")
    trainer.run()
    assert trainer.updates == 15
    assert all(np.array_equal(b, b0) for b, b0 in zip(net.biases, biases, strict=True))
    assert not any(np.array_equal(W, W0) for W, W0 in zip(net.weights, weights, strict=True))
    restored = network_at(net, trainer.history.snapshots[-1])
    assert restored.train_biases is False


def test_trainer_full_batch_sgd_takes_the_same_steps_as_train_step():
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(12, 3)), rng.normal(size=(12, 2))
    for train_biases in (True, False):
        net = Network([3, 5, 2], ["tanh", "linear"], "mse", seed=4, train_biases=train_biases)
        reference = net.copy()
        config = TrainConfig(learning_rate=0.05, batch_size=12, epochs=5)
        Trainer(net, X, Y, X[:0], Y[:0], config, "regression").run()
        for _ in range(5):
            reference.train_step(X, Y, 0.05)
        # The trainer shuffles the rows: sums over them may differ in the last bit.
        mine, theirs = net.weights + net.biases, reference.weights + reference.biases
        for ours, reference_value in zip(mine, theirs, strict=True):
            np.testing.assert_allclose(ours, reference_value, rtol=1e-13, atol=1e-15)
        if not train_biases:
            assert [b.tolist() for b in net.biases] == [b.tolist() for b in reference.biases]


def test_train_biases_is_a_keyword_kept_by_copies_and_checked():
    net = Network([2, 2, 1], ["tanh", "sigmoid"], train_biases=False)
    assert net.train_biases is False and net.copy().train_biases is False
    assert Network([2, 2, 1], ["tanh", "sigmoid"]).train_biases is True
    net.set_parameters(net.weights, net.biases)
    assert net.train_biases is False
    with pytest.raises(TypeError):
        Network([2, 2, 1], ["tanh", "sigmoid"], "squared_error", "xavier", 0, False)
    with pytest.raises(UserInputError, match="train_biases must be True or False"):
        Network([2, 2, 1], ["tanh", "sigmoid"], train_biases="no")


def test_a_diverging_step_is_refused_whether_biases_train_or_not():
    for train_biases in (True, False):
        net = Network([1, 1, 1, 1], ["linear"] * 3, "mse", train_biases=train_biases)
        # Trained far beyond the caps: z overflows to infinity and delta to NaN.
        net.weights = [np.array([[1e300]]), np.array([[1e300]]), np.array([[1.0]])]
        before = [W.copy() for W in net.weights + net.biases]
        trace = net.train_step(np.array([[1e6]]), np.array([[0.0]]), learning_rate=0.1)
        assert not trace.finite and not np.isfinite(trace.layers[0].delta).all()
        after = net.weights + net.biases
        assert all(np.array_equal(p, p0) for p, p0 in zip(after, before, strict=True))


def test_recorded_traces_survive_later_steps():
    net, X, Y = random_case(3, "tanh", "mse")
    first = net.train_step(X, Y, learning_rate=0.1)
    kept = [(layer.W.copy(), layer.W_new.copy(), layer.z.copy()) for layer in first.layers]
    for _ in range(3):
        net.train_step(X, Y, learning_rate=0.1)
    for layer, (W, W_new, z) in zip(first.layers, kept, strict=True):
        assert np.array_equal(layer.W, W) and np.array_equal(layer.W_new, W_new)
        assert np.array_equal(layer.z, z)


def test_copy_works_beyond_the_caps_a_visitor_obeys():
    net = Network([1, 1], ["linear"], "mse")
    net.weights = [np.array([[5e6]])]  # trained there, say; a visitor may not type it
    assert net.copy().weights[0][0, 0] == 5e6


def test_finiteness_checks_find_one_bad_entry_anywhere():
    allowed = np.full((2000, 16), -1e6)
    check_finite(allowed, "X")
    for bad, message in [(np.inf, "NaN or infinite"), (-np.inf, "NaN or infinite"),
                         (np.nan, "NaN or infinite"), (-2e6, "larger than")]:  # fmt: skip
        values = allowed.copy()
        values[1999, 3] = bad
        with pytest.raises(UserInputError, match=message):
            check_finite(values, "X")
    huge = np.array([1e308, -1e308])  # finite, but their sum of squares overflows
    with np.errstate(over="ignore"):
        assert all_finite([huge, np.zeros((2, 2))])
        assert not all_finite([huge, np.array([[0.0, np.nan]])])
    assert not all_finite([np.zeros(3), np.array([np.inf])])
    assert all_finite([np.ones(3), np.full((4, 4), -1e6)])


@pytest.mark.parametrize(
    ("loss", "output", "Y", "message"),
    [
        ("binary_cross_entropy", "sigmoid", [[0.5], [np.nan]], "Targets Y contains NaN"),
        ("binary_cross_entropy", "sigmoid", [[0.5], [2e6]], "larger than"),
        ("binary_cross_entropy", "sigmoid", [[0.5], [1.5]], "between 0 and 1"),
        ("cross_entropy", "softmax", [[0.5, 0.5], [np.inf, 0]], "NaN or infinite"),
        ("cross_entropy", "softmax", [[0.5, 0.5], [-0.5, 1.5]], "one-hot rows"),
        ("cross_entropy", "softmax", [[0.5, 0.5], [0.5, 0.4]], "one-hot rows"),
    ],
)
def test_targets_outside_the_loss_range_say_what_is_wrong(loss, output, Y, message):
    net = Network([2, len(Y[0])], [output], loss=loss)
    with pytest.raises(UserInputError, match=message):
        net.compute_trace(np.zeros((2, 2)), Y)


def test_the_core_is_short_enough_to_read_aloud_and_engine_stays_small():
    lines = (ENGINE / "backprop.py").read_text().splitlines()
    assert len(lines) <= 130
    assert len(list(ENGINE.glob("*.py"))) <= 16 + 1  # 16 modules plus __init__.py
