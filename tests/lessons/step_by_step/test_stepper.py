"""Stepper state: phases, training steps against the engine, undo, bounds, tables, sharing."""

import base64
import json
import zlib

import numpy as np
import pytest

from engine import Network, limits
from engine.gradcheck import numerical_gradients
from lessons.step_by_step import stepper
from lessons.step_by_step.presets import textbook_222, xor_scenario
from lessons.step_by_step.stepper import CustomConfig


def _start(scenario):
    net = scenario.network
    return stepper.start(net.weights, net.biases, net.loss_value(scenario.X, scenario.Y))


def _train(state, scenario, learning_rate=None):
    net = scenario.network
    return stepper.next_training_step(
        state,
        net.activations,
        net.loss_name,
        scenario.X,
        scenario.Y,
        learning_rate or scenario.learning_rate,
    )


def test_next_and_previous_stay_within_the_step():
    state = _start(textbook_222())
    seen = [state.phase]
    for _ in range(10):
        state = stepper.next_phase(state, 6)
        seen.append(state.phase)
    assert seen[:7] == [0, 1, 2, 3, 4, 5, 5]
    for _ in range(10):
        state = stepper.previous_phase(state)
    assert state.phase == 0
    assert stepper.finish_step(state, 6).phase == 5
    assert stepper.go_to_phase(state, 99, 6).phase == 5


def test_training_step_takes_the_engines_update():
    scenario = textbook_222()
    state = _start(scenario)
    trace = scenario.network.copy().compute_trace(scenario.X, scenario.Y, 0.5)
    state = _train(state, scenario)
    assert state.step == 1 and state.phase == 0
    for layer, W, b in zip(trace.layers, state.weights, state.biases, strict=True):
        np.testing.assert_array_equal(W, layer.W_new)
        np.testing.assert_array_equal(b, layer.b_new)
    # Mazur's worked example: w5 0.40 -> 0.35891648, w1 0.15 -> 0.14978072
    assert state.weights[1][0, 0] == pytest.approx(0.35891648, abs=1e-8)
    assert state.weights[0][0, 0] == pytest.approx(0.14978072, abs=1e-8)
    updated = Network.from_parameters(
        state.weights, state.biases, ["sigmoid", "sigmoid"], "squared_error"
    )
    assert state.history[-1] == (1, pytest.approx(updated.loss_value(scenario.X, scenario.Y)))


def test_undo_goes_back_to_the_weights_before_the_last_update():
    scenario = xor_scenario()
    first = _start(scenario)
    second = _train(first, scenario)
    third = _train(second, scenario)
    back = stepper.undo_step(third)
    assert back.step == 1 and back.phase == 0
    for W, W_before in zip(back.weights, second.weights, strict=True):
        np.testing.assert_array_equal(W, W_before)
    assert back.history == second.history
    assert stepper.undo_step(stepper.undo_step(back)).step == 0
    assert stepper.undo_step(first) is first


def test_undo_stack_and_history_are_bounded():
    scenario = xor_scenario()
    state = _start(scenario)
    for _ in range(stepper.MAX_HISTORY + 5):
        state = _train(state, scenario)
    assert len(state.undo) == stepper.MAX_HISTORY
    assert len(state.history) == stepper.MAX_HISTORY
    assert state.history[-1][0] == stepper.MAX_HISTORY + 5


def test_big_networks_keep_fewer_undo_entries():
    sizes = [limits.MAX_UNITS] * (limits.MAX_HIDDEN_LAYERS + 2)
    net = Network(sizes, ["tanh"] * (len(sizes) - 1), seed=0)
    X, Y = np.full((1, limits.MAX_UNITS), 0.5), np.zeros((1, limits.MAX_UNITS))
    state = stepper.start(net.weights, net.biases, net.loss_value(X, Y))
    depth = stepper.undo_depth(state)
    n_values = sum(W.size + b.size for W, b in zip(net.weights, net.biases, strict=True))
    assert depth == stepper.MAX_UNDO_VALUES // n_values < stepper.MAX_HISTORY
    for _ in range(depth + 3):
        state = stepper.next_training_step(state, net.activations, net.loss_name, X, Y, 0.01)
    assert len(state.undo) == depth
    assert len(state.history) == depth + 4  # the loss history is not trimmed as early


def test_a_diverging_step_is_refused_with_advice():
    net = Network.from_parameters([[[1e5]], [[1e5]]], [[0.0], [0.0]], ["linear", "linear"])
    X, Y = np.array([[1e5]]), np.array([[0.0]])
    state = stepper.start(net.weights, net.biases, net.loss_value(X, Y))
    with pytest.raises(ValueError, match="learning rate") as caught:
        for _ in range(20):
            state = stepper.next_training_step(state, net.activations, net.loss_name, X, Y, 100.0)
    assert "Undo step" in str(caught.value)
    assert all(np.all(np.isfinite(W)) for W in state.weights)


def test_diverged_message_only_for_non_finite_traces():
    scenario = textbook_222()
    trace = scenario.network.compute_trace(scenario.X, scenario.Y, 0.5)
    assert stepper.diverged_message(trace) is None
    with pytest.raises(ValueError):
        stepper.apply_update(_start(scenario), trace, float("inf"))


def test_custom_scenario_fits_its_loss():
    config = CustomConfig(
        n_inputs=3,
        hidden_units=(4, 2),
        n_outputs=3,
        activations=("relu", "tanh", "softmax"),
        loss="cross_entropy",
        seed=4,
        n_rows=5,
    )
    scenario = stepper.custom_scenario(config)
    assert scenario.network.layer_sizes == [3, 4, 2, 3]
    assert scenario.X.shape == (5, 3)
    np.testing.assert_array_equal(scenario.Y.sum(axis=1), np.ones(5))
    scenario.network.compute_trace(scenario.X, scenario.Y)  # valid data for the loss
    sigmoid = stepper.custom_scenario(
        CustomConfig(activations=("tanh", "sigmoid"), loss="binary_cross_entropy", n_rows=6)
    )
    assert np.all((sigmoid.Y >= 0) & (sigmoid.Y <= 1))


def test_invalid_custom_settings_say_what_is_allowed():
    with pytest.raises(ValueError, match="sigmoid"):
        stepper.custom_scenario(
            CustomConfig(activations=("tanh", "tanh"), loss="binary_cross_entropy")
        )
    with pytest.raises(ValueError, match="hidden layers"):
        stepper.custom_scenario(CustomConfig(hidden_units=(2,) * 7, activations=("tanh",) * 8))
    with pytest.raises(ValueError, match="Number of examples"):
        stepper.custom_scenario(CustomConfig(n_rows=stepper.MAX_TABLE_ROWS + 1))
    with pytest.raises(ValueError, match="scenario"):
        stepper.build_scenario("nope")


def test_build_scenario_for_every_name():
    for name in stepper.SCENARIO_NAMES:
        scenario = stepper.build_scenario(name, seed=1)
        net, X, Y = scenario.network, scenario.X, scenario.Y
        assert X.shape == (len(Y), net.layer_sizes[0]), name
        assert Y.shape[1] == net.layer_sizes[-1], name
        trace = net.compute_trace(X, Y)
        assert np.isfinite(trace.loss) and trace.loss == pytest.approx(net.loss_value(X, Y))
        numeric_dW, numeric_db = numerical_gradients(net, X, Y)
        for layer, dW, db in zip(trace.layers, numeric_dW, numeric_db, strict=True):
            np.testing.assert_allclose(layer.dW, dW, rtol=1e-4, atol=1e-7, err_msg=name)
            np.testing.assert_allclose(layer.db, db, rtol=1e-4, atol=1e-7, err_msg=name)


def test_parse_table_reads_numbers_and_text_numbers():
    values = stepper.parse_table([[1, "0.5"], [-2.0, " 3 "]], "W", (2, 2))
    np.testing.assert_array_equal(values, [[1, 0.5], [-2, 3]])


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([[1.0, None]], "row 1, column b is empty"),
        ([[1.0, ""]], "is empty"),
        ([[1.0, float("nan")]], "is empty"),
        ([["x", 1.0]], "column a is not a number"),
        ([[float("inf"), 1.0]], "finite"),
        ([[limits.MAX_ABS_VALUE * 10, 1.0]], "at most"),
        ([[1.0, 2.0, 3.0]], "1 row"),
        ([[True, 1.0]], "not a number"),
    ],
)
def test_parse_table_names_the_bad_cell(rows, message):
    with pytest.raises(ValueError, match=message):
        stepper.parse_table(rows, "Inputs", (1, 2), ["a", "b"])


def _base(scenario):
    net = scenario.network
    return scenario.X, scenario.Y, list(net.weights), list(net.biases)


def test_encode_decode_round_trip_of_edited_cells():
    scenario = xor_scenario(seed=2)
    base = _base(scenario)
    X, Y, W, b = (base[0].copy(), base[1].copy(), [w.copy() for w in base[2]],
                  [v.copy() for v in base[3]])  # fmt: skip
    X[3, 1] = -0.25
    W[1][0, 1] = 1.5
    b[0][1] = 1 / 3
    text = stepper.encode_tables((X, Y, W, b), base)
    assert all(ch.isalnum() or ch in "-_" for ch in text)
    assert len(text) < 100  # only the three changed cells travel
    X2, Y2, W2, b2 = stepper.decode_tables(text, base)
    np.testing.assert_array_equal(X2, X)
    np.testing.assert_array_equal(Y2, Y)
    np.testing.assert_array_equal(W2[1], W[1])
    assert b2[0][1] == pytest.approx(1 / 3, rel=1e-9)
    np.testing.assert_array_equal(base[2][1], scenario.network.weights[1])  # base untouched


def test_unchanged_tables_encode_to_an_empty_change_list():
    base = _base(textbook_222())
    decoded = stepper.decode_tables(stepper.encode_tables(base, base), base)
    for got, want in zip(decoded[2] + decoded[3], base[2] + base[3], strict=True):
        np.testing.assert_array_equal(got, want)


def _pack(payload) -> str:
    raw = json.dumps(payload).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw)).decode().rstrip("=")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not-base64!!",
        "A" * (stepper.MAX_SHARE_CHARS + 1),
        _pack({"X": [[1, 2]]}),
        _pack([[0, 0, 0]]),
        _pack([[9, 0, 0, 1.0]]),
        _pack([[0, 5, 0, 1.0]]),
        _pack([[0, 0, -1, 1.0]]),
        _pack([[0, 0, 0, "a"]]),
        _pack([[0, 0, 0, True]]),
        _pack([[0.5, 0, 0, 1.0]]),
        _pack([[0, 0, 0, 1e300]]),
        _pack([[0, 0, 0, 10**400]]),
        _pack([[0, 0, 0, 1.0]] * 100),
    ],
)
def test_decode_rejects_tampered_links(text):
    with pytest.raises(ValueError):
        stepper.decode_tables(text, _base(textbook_222()))


def test_decode_refuses_a_zip_bomb():
    bomb = base64.urlsafe_b64encode(zlib.compress(b" " * 5_000_000)).decode()
    assert len(bomb) < stepper.MAX_SHARE_CHARS
    with pytest.raises(ValueError):
        stepper.decode_tables(bomb, _base(textbook_222()))
