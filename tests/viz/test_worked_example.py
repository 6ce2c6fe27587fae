"""The worked example writes out every number of the trace it explains, with the published
names, and refuses a trace it cannot write out."""

import numpy as np
import pytest

from engine import Network
from lessons.step_by_step.presets import textbook_222
from lessons.worked_example import TEXTBOOK_VALUES, one_step
from viz.format import format_number
from viz.worked_example import forward_sections, worked_example


@pytest.mark.parametrize("train_biases", [False, True])
def test_worked_example_contains_every_number_of_the_trace(train_biases):
    step = one_step(TEXTBOOK_VALUES, train_biases)
    trace = step.trace
    text = " ".join(eq for section in worked_example(step) for eq in section.equations)
    for layer in trace.layers:
        for array in (layer.z, layer.a, layer.delta, layer.dW, layer.b):
            for value in np.ravel(array):
                assert format_number(value) in text
        for value in np.ravel(layer.W_new):
            assert format_number(value, 9) in text
        if train_biases:
            for value in np.ravel(layer.b_new):
                assert format_number(value) in text
    assert format_number(trace.loss, 10) in text
    for value in np.ravel(trace.loss_terms):
        assert format_number(value) in text


def test_sequential_section_writes_out_the_published_codes_numbers():
    step = one_step(TEXTBOOK_VALUES)
    text = " ".join(
        eq for section in worked_example(step, sequential=True) for eq in section.equations
    )
    for value in step.sequential.hidden_delta:
        assert format_number(value) in text
    for value in np.ravel(step.sequential.hidden_W_new):
        assert format_number(value, 9) in text
    assert format_number(step.error_after_sequential, 10) in text


def test_worked_example_refuses_what_it_cannot_write_out():
    net = Network([2, 2, 2], ["tanh", "sigmoid"], seed=0)
    with pytest.raises(ValueError, match="sigmoid"):
        forward_sections(net.compute_trace([[0.1, 0.2]], [[0.0, 1.0]]))
    scenario = textbook_222()
    two_rows = scenario.network.compute_trace([[0.1, 0.2], [0.3, 0.4]], [[0, 1], [1, 0]])
    with pytest.raises(ValueError, match="one training example"):
        forward_sections(two_rows)
