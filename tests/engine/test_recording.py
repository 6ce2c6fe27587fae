"""What recording a step skips or reuses changes no number: display-only arrays computed on
first read, a batch checked once while the same arrays come back, rows' maxima taken down the
columns."""

import dataclasses

import numpy as np
import pytest

from engine import ACTIVATIONS, LOSSES, Network, UserInputError
from engine.activations import row_max
from engine.trace import Deferred, LayerTrace


def shortcut_case(output: str, loss: str):
    rng = np.random.default_rng(5)
    net = Network([3, 4, 3], ["tanh", output], loss=loss, seed=2)
    X = rng.normal(size=(6, 3))
    if loss == "cross_entropy":
        Y = np.eye(3)[rng.integers(0, 3, 6)]
    else:
        Y = rng.integers(0, 2, size=(6, 3)).astype(float)
    return net, X, Y


@pytest.mark.parametrize(
    ("output", "loss"), [("sigmoid", "binary_cross_entropy"), ("softmax", "cross_entropy")]
)
def test_shortcut_output_computes_dL_da_and_fprime_when_first_read(output, loss):
    net, X, Y = shortcut_case(output, loss)
    trace = net.compute_trace(X, Y, learning_rate=0.2)
    layer = trace.layers[-1]
    # Not computed by the step itself...
    assert isinstance(layer.__dict__["grad_a"], Deferred)
    assert isinstance(layer.__dict__["fprime"], Deferred)
    # ...but read as the very numbers the loss and the activation give, once and for all.
    grad_a, fprime = layer.grad_a, layer.fprime
    assert np.array_equal(grad_a, LOSSES[loss].grad(layer.a, Y))
    assert np.array_equal(fprime, ACTIVATIONS[output].fprime(layer.z, layer.a))
    assert layer.grad_a is grad_a and layer.fprime is fprime
    assert layer.__dict__["grad_a"] is grad_a
    # Hidden layers hold arrays from the start.
    assert isinstance(trace.layers[0].__dict__["grad_a"], np.ndarray)


def test_a_saturated_output_reads_an_infinite_dL_da_quietly():
    net = Network.from_parameters(
        [[[800.0]]], [[0.0]], ["sigmoid"], loss="binary_cross_entropy"
    )  # a = 1 exactly: dL/da = (1 - 0) / (1 * 0) = inf
    trace = net.compute_trace(np.array([[1.0]]), np.array([[0.0]]))
    with np.errstate(all="raise"):  # computed under the engine's own errstate
        assert np.isinf(trace.layers[0].grad_a).all()
    assert np.isfinite(trace.layers[0].delta).all() and trace.finite


def test_layer_traces_stay_frozen_and_rebuildable_from_their_fields():
    net, X, Y = shortcut_case("sigmoid", "binary_cross_entropy")
    layer = net.compute_trace(X, Y).layers[-1]
    with pytest.raises(dataclasses.FrozenInstanceError):
        layer.grad_a = np.zeros(3)
    # As tests and lessons do to build a variant of a trace, before or after the first read.
    copy = LayerTrace(**layer.__dict__)
    assert np.array_equal(copy.grad_a, layer.grad_a)
    assert np.array_equal(LayerTrace(**layer.__dict__).fprime, layer.fprime)
    assert [f.name for f in dataclasses.fields(LayerTrace)][6:8] == ["grad_a", "fprime"]
    assert "grad_a=" in repr(copy)


def test_the_same_batch_is_checked_once_and_its_checked_copy_reused():
    net, X, Y = shortcut_case("softmax", "cross_entropy")
    first = net.train_step(X, Y)
    second = net.train_step(X, Y)
    assert second.X is first.X and second.Y is first.Y
    assert first.X is not X and np.array_equal(first.X, X)
    # The same bits in other arrays (a table rebuilt on a rerun) are the same batch too...
    assert net.train_step(X.copy(), Y.copy()).X is first.X
    # ...but not other values, other dtypes or lists, which are checked into new copies.
    for X_given in (X + 1.0, X.astype(np.float32), X.tolist()):
        trace = net.train_step(X_given, Y)
        assert trace.X is not first.X and np.array_equal(trace.X, np.asarray(X_given, float))
    # The network keeps its checked copies, not the arrays it was given.
    assert all(array is not X and array is not Y for array in net._last_batch[:2])


def test_a_checked_copy_coming_back_changed_is_checked_again():
    net, X, Y = shortcut_case("softmax", "cross_entropy")
    trace = net.train_step(X, Y)
    trace.X[0, 0] = np.nan  # never done by the engine; a caller might
    for given in (trace.X, trace.X[:, :]):
        with pytest.raises(UserInputError, match="Inputs X contains NaN"):
            net.train_step(given, Y)


def test_a_batch_changed_in_place_is_checked_again():
    net, X, Y = shortcut_case("softmax", "cross_entropy")
    net.train_step(X, Y)
    X[2, 1] = np.nan
    with pytest.raises(UserInputError, match="Inputs X contains NaN"):
        net.train_step(X, Y)
    X[2, 1] = 0.5
    Y[0] = [0.5, 0.2, 0.2]  # no longer sums to 1
    with pytest.raises(UserInputError, match="one-hot"):
        net.compute_trace(X, Y)
    Y[0] = [0.0, 0.0, 1.0]
    trace = net.compute_trace(X, Y)
    assert trace.X[2, 1] == 0.5 and trace.Y[0].tolist() == [0.0, 0.0, 1.0]
    # A sign change of a zero is a change too: the trace shows the numbers given.
    X[3, 0] = 0.0
    net.compute_trace(X, Y)
    X[3, 0] = -0.0
    assert np.signbit(net.compute_trace(X, Y).X[3, 0])


def test_a_checked_batch_is_not_reused_for_another_loss_or_a_list():
    net = Network([2, 1], ["sigmoid"], loss="squared_error")
    X, Y = np.zeros((2, 2)), np.array([[2.0], [0.5]])  # 2 is a fine squared-error target
    net.compute_trace(X, Y)
    net.loss_name = "binary_cross_entropy"  # ... but not a binary cross-entropy one
    with pytest.raises(UserInputError, match="between 0 and 1"):
        net.compute_trace(X, Y)
    lists = [[0.0, 1.0]], [[1.0]]
    assert net.compute_trace(*lists).X.tolist() == [[0.0, 1.0]]


@pytest.mark.parametrize("shape", [(1, 1), (1, 16), (5, 3), (2000, 16), (7,), (2, 3, 4)])
def test_row_max_is_numpys_maximum_along_the_last_axis(shape):
    rng = np.random.default_rng(len(shape))
    z = rng.normal(size=shape) * 10
    z.flat[0] = np.nan  # a NaN wins its row, as with np.max
    if z.size > 2:
        z.flat[1:3] = [-0.0, 0.0]
    expected = np.max(z, axis=-1, keepdims=True)
    assert np.array_equal(row_max(z), expected, equal_nan=True)
    assert row_max(z).shape == expected.shape
