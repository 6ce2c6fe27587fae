"""Practice exercises are reproducible and their answers are right; the checker is fair."""

import numpy as np
import pytest

from engine import Network, numerical_gradients
from engine.activations import get_activation
from lessons.practice import (
    EXERCISE_KINDS,
    MAX_SCORED_EXERCISES,
    check_answer,
    generate_exercise,
    parse_number,
    record_outcome,
    score,
)


def test_same_seed_gives_same_exercise():
    a, b = generate_exercise(42), generate_exercise(42)
    assert a.kind == b.kind and a.answer == b.answer
    assert np.array_equal(a.trace.layers[0].W, b.trace.layers[0].W)
    assert np.array_equal(a.trace.X, b.trace.X)


def test_seeds_give_every_kind_and_different_numbers():
    exercises = [generate_exercise(seed) for seed in range(40)]
    assert {e.kind for e in exercises} == set(EXERCISE_KINDS)
    assert len({e.answer for e in exercises}) > 30


@pytest.mark.parametrize("kind", EXERCISE_KINDS)
def test_kind_can_be_forced(kind):
    assert generate_exercise(7, kind).kind == kind


def hand_deltas(exercise):
    """Textbook formulas, written out independently of the engine's vectorised code."""
    t = exercise.trace
    f = get_activation(exercise.activation)
    x, y = t.X[0], t.Y[0]
    W1, b1, W2, b2 = t.layers[0].W, t.layers[0].b, t.layers[1].W, t.layers[1].b
    z_hidden = np.array([W1[j] @ x + b1[j] for j in range(2)])
    h = f.f(z_hidden)
    z_out = np.array([W2[k] @ h + b2[k] for k in range(W2.shape[0])])
    out = f.f(z_out)
    delta_out = (out - y) * f.df(z_out)
    delta_hidden = np.array(
        [
            f.df(z_hidden[j]) * sum(W2[k, j] * delta_out[k] for k in range(len(delta_out)))
            for j in range(2)
        ]
    )
    return x, h, delta_hidden, delta_out


@pytest.mark.parametrize("seed", range(0, 60, 3))
def test_answers_agree_with_hand_formulas_and_finite_differences(seed):
    for kind in EXERCISE_KINDS:
        e = generate_exercise(seed, kind)
        x, h, delta_hidden, delta_out = hand_deltas(e)
        t = e.trace
        if kind == "output_delta":
            expected = delta_out[e.unit]
        elif kind == "hidden_delta":
            expected = delta_hidden[e.unit]
        else:
            net = Network.from_parameters(
                [t.layers[0].W, t.layers[1].W],
                [t.layers[0].b, t.layers[1].b],
                [e.activation] * 2,
                "squared_error",
            )
            dW, _ = numerical_gradients(net, t.X, t.Y)
            gradient = dW[e.layer][e.unit, e.source]
            sender = x if e.layer == 0 else h
            receiver = delta_hidden if e.layer == 0 else delta_out
            assert gradient == pytest.approx(receiver[e.unit] * sender[e.source], abs=1e-7)
            if kind == "weight_gradient":
                expected = gradient
            else:
                expected = t.layers[e.layer].W[e.unit, e.source] - t.learning_rate * gradient
        assert e.answer == pytest.approx(expected, abs=1e-7)


def test_numbers_are_short_enough_to_work_by_hand():
    e = generate_exercise(3)
    for layer in e.trace.layers:
        assert np.allclose(layer.W, np.round(layer.W, 2))
        assert np.allclose(layer.b, np.round(layer.b, 2))
    assert np.allclose(e.trace.X, np.round(e.trace.X, 1))


@pytest.mark.parametrize("bad", [-1, 2**31, 1.5, "seven", None])
def test_bad_seed_is_a_value_error(bad):
    with pytest.raises(ValueError):
        generate_exercise(bad)


def test_unknown_kind_is_a_value_error():
    with pytest.raises(ValueError, match="exercise kind"):
        generate_exercise(1, "bias_delta")


# --- the answer checker --------------------------------------------------------------------


def test_exact_and_rounded_answers_are_accepted():
    assert check_answer("0.123456", 0.123456).correct
    assert check_answer("0.1235", 0.123456).correct  # 4 significant figures
    assert check_answer("  -0.0532 ", -0.05321).correct
    assert check_answer("1.23e-2", 0.0123).correct


def test_wrong_answers_are_rejected_with_a_message():
    result = check_answer("0.2", 0.123456)
    assert result.status == "wrong" and not result.correct and result.counts
    assert result.value == 0.2
    assert "Not quite" in result.message


def test_sign_error_gets_a_hint():
    result = check_answer("0.05", -0.05)
    assert result.status == "wrong" and "sign" in result.message


def test_tolerance_is_relative_with_an_absolute_floor():
    assert check_answer("1.009", 1.0).correct
    assert not check_answer("1.02", 1.0).correct
    assert check_answer("0.000005", 0.0).correct
    assert not check_answer("0.001", 0.0).correct


@pytest.mark.parametrize("text", ["", "   ", None])
def test_empty_input_is_not_an_attempt(text):
    result = check_answer(text, 0.5)
    assert result.status == "empty" and not result.counts
    assert "Type your answer" in result.message


@pytest.mark.parametrize("text", ["abc", "0.5.1", "1/2", "nan", "inf", "-inf", "x" * 100, "2+2"])
def test_non_numeric_input_gets_a_message(text):
    result = check_answer(text, 0.5)
    assert result.status == "invalid" and not result.counts and not result.correct
    assert result.message


def test_decimal_comma_and_unicode_minus_are_read():
    assert parse_number("0,25") == 0.25
    assert parse_number("\u22120.5") == -0.5
    with pytest.raises(ValueError, match="not a number"):
        parse_number("1,000,000")


def test_updated_weight_is_judged_against_the_size_of_the_update():
    e = generate_exercise(11, "updated_weight")
    old = float(e.trace.layers[e.layer].W[e.unit, e.source])
    assert not e.check(repr(float(old))).correct  # not updating at all is wrong
    assert e.check(repr(e.answer)).correct
    change = e.answer - old
    assert e.check(repr(e.answer + 0.005 * change)).correct
    assert not e.check(repr(e.answer + 0.5 * change)).correct


# --- the session score ---------------------------------------------------------------------


def test_score_counts_solved_and_tried_exercises():
    right, wrong = check_answer("1", 1.0), check_answer("2", 1.0)
    outcomes = record_outcome({}, "a", wrong)
    assert score(outcomes) == (0, 1)
    outcomes = record_outcome(outcomes, "a", right)  # a second try that is right solves it
    assert score(outcomes) == (1, 1)
    outcomes = record_outcome(outcomes, "a", wrong)  # solved stays solved
    outcomes = record_outcome(outcomes, "b", right)
    assert score(outcomes) == (2, 2)


def test_revealing_first_means_not_solved():
    outcomes = record_outcome({}, "a", revealed=True)
    outcomes = record_outcome(outcomes, "a", check_answer("1", 1.0))
    assert score(outcomes) == (0, 1)


def test_empty_and_invalid_input_do_not_count():
    outcomes = record_outcome({}, "a", check_answer("", 1.0))
    outcomes = record_outcome(outcomes, "a", check_answer("abc", 1.0))
    assert score(outcomes) == (0, 0)


def test_record_outcome_does_not_modify_its_input_and_stays_bounded():
    original = {"a": "attempted"}
    record_outcome(original, "a", check_answer("1", 1.0))
    assert original == {"a": "attempted"}
    outcomes: dict[str, str] = {}
    for index in range(MAX_SCORED_EXERCISES + 20):
        outcomes = record_outcome(outcomes, str(index), check_answer("1", 1.0))
    assert len(outcomes) == MAX_SCORED_EXERCISES
