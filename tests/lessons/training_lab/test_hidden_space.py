"""lessons.training_lab.hidden_space: the data as a 2-unit hidden layer sees it."""

import numpy as np
import pytest

from engine.errors import UserInputError
from lessons.training_lab.hidden_space import hidden_space, two_unit_layers
from lessons.training_lab.runs import build_run
from lessons.training_lab.settings import LabSettings


def test_hidden_space_is_the_engines_activations_of_a_two_unit_layer():
    settings = LabSettings(dataset="circles", hidden_units=(4, 2), hidden_activations=("tanh",) * 2)
    run = build_run(settings)
    run.trainer.step(30)
    assert two_unit_layers(run.net) == [2]
    (A_train, labels, part), (A_test, _, _) = hidden_space(run, run.net, 2)
    trace = run.net.compute_trace(run.split.X_train, run.split.Y_train)
    np.testing.assert_array_equal(A_train, trace.layers[1].a)
    assert part == "train" and labels.tolist() == run.split.Y_train[:, 0].astype(int).tolist()
    assert A_test.shape == (len(run.split.X_test), 2)
    with pytest.raises(UserInputError):
        hidden_space(run, run.net, 1)  # 4 units
    assert two_unit_layers(build_run(LabSettings()).net) == []
