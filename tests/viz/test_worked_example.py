"""The worked example writes out every number of the trace it explains."""

import numpy as np
import pytest

from engine import Network
from lessons.step_by_step.presets import textbook_222
from viz.format import format_number
from viz.worked_example import worked_example


def test_worked_example_contains_every_number_of_the_trace():
    scenario = textbook_222()
    trace = scenario.network.compute_trace(scenario.X, scenario.Y, scenario.learning_rate)
    text = " ".join(eq for section in worked_example(trace) for eq in section.equations)
    for layer in trace.layers:
        for array in (layer.z, layer.a, layer.delta, layer.dW, layer.W_new, layer.b_new):
            for value in np.ravel(array):
                assert format_number(value) in text
    assert format_number(trace.loss) in text
    for value in np.ravel(trace.loss_terms):
        assert format_number(value) in text


def test_worked_example_refuses_what_it_cannot_write_out():
    net = Network([2, 2, 2], ["tanh", "sigmoid"], seed=0)
    with pytest.raises(ValueError, match="sigmoid"):
        worked_example(net.compute_trace([[0.1, 0.2]], [[0.0, 1.0]]))
    scenario = textbook_222()
    two_rows = scenario.network.compute_trace([[0.1, 0.2], [0.3, 0.4]], [[0, 1], [1, 0]])
    with pytest.raises(ValueError, match="one training example"):
        worked_example(two_rows)
