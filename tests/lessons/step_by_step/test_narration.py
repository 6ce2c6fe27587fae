"""Narration: every phase gets sentences with the trace's own numbers."""

import math

import numpy as np
import pytest

from lessons.step_by_step import stepper
from lessons.step_by_step.narration import number, phase_narration, step_narration
from lessons.step_by_step.phases import BACKWARD, FORWARD, LOSS, UPDATE, phase_sequence


def _trace(name="textbook"):
    scenario = stepper.build_scenario(name)
    trace = scenario.network.compute_trace(scenario.X, scenario.Y, scenario.learning_rate)
    return scenario, trace, phase_sequence(len(trace.layers))


def test_number_keeps_four_significant_digits_and_reads_non_finite_as_words():
    assert number(0.298371109) == "0.2984"
    assert number(1.10590597) == "1.106"
    assert number(12345.6) == "1.235e+04" or number(12345.6) == "12346"
    assert number(float("nan")) == "undefined"
    assert number(float("inf")) == "infinite"
    assert number(0.0) == "0"


def test_every_phase_has_one_or_two_sentences():
    scenario, trace, phases = _trace()
    texts = step_narration(trace, phases, 0, scenario.output_names)
    assert len(texts) == len(phases)
    for text in texts:
        sentences = [s for s in text.split(". ") if s]
        assert 1 <= len(sentences) <= 2, text
        assert "nan" not in text


def test_forward_phase_names_the_real_z_and_a_of_unit_one():
    _, trace, phases = _trace()
    for phase in phases:
        if phase.kind != FORWARD:
            continue
        record = trace.layers[phase.layer - 1]
        text = phase_narration(trace, phase)
        assert f"z = {number(record.z[0, 0])}" in text
        assert f"a = {number(record.a[0, 0])}" in text
        assert record.activation in text


def test_loss_phase_compares_prediction_with_target_and_gives_the_loss():
    scenario, trace, phases = _trace()
    (loss_phase,) = [p for p in phases if p.kind == LOSS]
    text = phase_narration(trace, loss_phase, 0, scenario.output_names)
    for value in (*trace.Y_hat[0], *trace.Y[0]):
        assert number(value) in text
    assert f"loss is {number(trace.loss)}" in text
    assert math.isclose(float(number(trace.loss)), trace.loss, rel_tol=1e-3)


def test_backward_phases_give_the_delta_and_the_largest_gradient():
    _, trace, phases = _trace()
    for phase in phases:
        if phase.kind != BACKWARD:
            continue
        record = trace.layers[phase.layer - 1]
        text = phase_narration(trace, phase)
        assert f"{number(record.delta[0, 0])} for unit 1" in text or (
            f"delta = {number(record.delta[0, 0])}" in text
        )
        largest = np.max(np.abs(record.dW))
        assert number(record.dW.flat[np.argmax(np.abs(record.dW))]) in text
        assert largest > 0


def test_update_phase_gives_a_weight_before_and_after_and_the_learning_rate():
    _, trace, phases = _trace()
    text = phase_narration(trace, phases[-1])
    assert phases[-1].kind == UPDATE
    assert "learning rate 0.5" in text
    # The textbook's largest gradient is on W[2][0, 1] (0.45 -> 0.4087).
    record = trace.layers[1]
    assert f"from {number(record.W[0, 1])} to {number(record.W_new[0, 1])}" in text


def test_batch_narration_says_which_example_and_that_the_loss_is_a_mean():
    scenario, trace, phases = _trace("xor")
    (loss_phase,) = [p for p in phases if p.kind == LOSS]
    text = phase_narration(trace, loss_phase, 2)
    assert "For example 3" in text
    assert f"mean over the {trace.n_samples} examples" in text
    assert number(trace.Y_hat[2, 0]) in text


@pytest.mark.parametrize("sample", [-5, 99])
def test_out_of_range_sample_is_clamped(sample):
    _, trace, phases = _trace("xor")
    assert phase_narration(trace, phases[0], sample)


def test_a_wide_layer_is_summed_up_by_its_range():
    config = stepper.CustomConfig(2, (8,), 1, ("tanh", "sigmoid"))
    scenario = stepper.custom_scenario(config)
    trace = scenario.network.compute_trace(scenario.X, scenario.Y, 0.5)
    text = phase_narration(trace, phase_sequence(2)[0])
    a = trace.layers[0].a[0]
    assert f"from {number(a.min())} to {number(a.max())}" in text
    assert len(text.split(". ")) <= 2
