"""Quiz: questions from the trace, checked against the revealed values."""

import math

import numpy as np
import pytest

from lessons.step_by_step import stepper
from lessons.step_by_step.phases import BACKWARD, FORWARD, LOSS, UPDATE, phase_sequence
from lessons.step_by_step.quiz import (
    GROWS,
    LOSS_VALUE,
    NEGATIVE,
    NEURON_VALUE,
    POSITIVE,
    SHRINKS,
    SIGN_OF_GRADIENT,
    WEIGHT_CHANGE,
    Question,
    Score,
    check,
    question_for_phase,
    step_questions,
)


def _trace(name="textbook"):
    scenario = stepper.build_scenario(name)
    trace = scenario.network.compute_trace(scenario.X, scenario.Y, scenario.learning_rate)
    return trace, phase_sequence(len(trace.layers))


def test_every_phase_after_the_first_has_a_question_of_the_right_kind():
    trace, phases = _trace()
    questions = step_questions(trace, phases)
    assert [q.phase for q in questions] == list(range(1, len(phases)))
    kinds = {FORWARD: NEURON_VALUE, LOSS: LOSS_VALUE, BACKWARD: SIGN_OF_GRADIENT,
             UPDATE: WEIGHT_CHANGE}  # fmt: skip
    for question in questions:
        assert question.kind == kinds[phases[question.phase].kind]


def test_neuron_question_answer_is_the_traced_activation():
    trace, phases = _trace()
    question = question_for_phase(trace, phases, 1)
    _, layer, unit = question.target
    assert phases[1].layer == layer
    assert question.answer == trace.layers[layer - 1].a[0, unit]
    assert question.numeric and question.choices == ()


def test_numeric_check_accepts_the_rounded_value_and_rejects_a_wrong_one():
    trace, phases = _trace()
    question = question_for_phase(trace, phases, 1)
    right = round(question.answer, 2)
    assert check(question, right)
    assert check(question, f"{right:.2f}")
    assert check(question, question.answer)
    assert not check(question, right + 0.02)
    assert not check(question, "abc")
    assert not check(question, None)
    assert not check(question, True)
    assert not check(question, "nan")


def test_loss_question_answer_is_the_loss():
    trace, phases = _trace()
    index = next(i for i, p in enumerate(phases) if p.kind == LOSS)
    question = question_for_phase(trace, phases, index)
    assert question.answer == trace.loss
    assert check(question, f"{trace.loss:.2f}")


def test_gradient_sign_question_matches_the_sign_of_dw():
    trace, phases = _trace()
    for index, phase in enumerate(phases):
        if phase.kind != BACKWARD:
            continue
        question = question_for_phase(trace, phases, index, step=1)
        _, layer, row, col = question.target
        assert layer == phase.layer - 1
        value = trace.layers[layer].dW[row, col]
        expected = POSITIVE if value > 0 else NEGATIVE
        assert question.answer == expected
        assert check(question, expected.upper())
        wrong = NEGATIVE if expected == POSITIVE else POSITIVE
        assert not check(question, wrong)


def test_weight_change_question_matches_the_update():
    trace, phases = _trace()
    for step in range(6):
        question = question_for_phase(trace, phases, len(phases) - 1, step=step)
        _, layer, row, col = question.target
        old, new = trace.layers[layer].W[row, col], trace.layers[layer].W_new[row, col]
        assert question.answer == (GROWS if new > old else SHRINKS)
        assert f"w[{layer + 1}] {row + 1},{col + 1}" in question.prompt


def test_questions_vary_with_the_step():
    trace, phases = _trace()
    targets = {question_for_phase(trace, phases, len(phases) - 1, step=s).target for s in range(8)}
    assert len(targets) == 8  # the textbook network has 8 weights


def test_no_question_for_the_first_phase_or_out_of_range():
    trace, phases = _trace()
    assert question_for_phase(trace, phases, 0) is None
    assert question_for_phase(trace, phases, len(phases)) is None


def test_non_finite_values_are_never_asked():
    trace, phases = _trace()
    assert phases[1].layer == 2
    bad = np.full_like(trace.layers[1].a, np.nan)
    layers = (trace.layers[0], type(trace.layers[1])(**{**trace.layers[1].__dict__, "a": bad}))
    broken = type(trace)(**{**trace.__dict__, "layers": layers})
    assert question_for_phase(broken, phases, 1) is None


def test_choice_check_is_strict_about_type_and_spacing():
    question = Question(SIGN_OF_GRADIENT, "?", (POSITIVE, NEGATIVE), POSITIVE, 0.0, 3, ("dW",))
    assert check(question, "  Positive ")
    assert not check(question, 1)
    assert not check(question, "negative")


def test_score_counts_right_answers():
    score = Score().record(True).record(False).record(True)
    assert (score.right, score.asked) == (2, 3)


@pytest.mark.parametrize("name", ["xor", "housing"])
def test_questions_serialise_to_plain_json(name):
    import json

    trace, phases = _trace(name)
    for question in step_questions(trace, phases, sample=1):
        data = json.loads(json.dumps(question.to_dict()))
        assert data["phase"] == question.phase
        if question.numeric:
            assert math.isfinite(data["answer"])
