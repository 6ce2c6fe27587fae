"""lessons.training_lab.diagnosis: full-batch gradients; vanishing and exploding gradients."""

import numpy as np

from engine.datasets import make_dataset, train_test_split
from engine.gradcheck import numerical_gradients
from engine.network import Network
from lessons.training_lab.diagnosis import (
    EXPLODING_NORM,
    VANISHING_NORM,
    diagnose_gradients,
    full_batch_gradients,
)
from lessons.training_lab.history import norms_at
from lessons.training_lab.runs import build_run
from lessons.training_lab.settings import LabSettings


def test_full_batch_gradients_match_finite_differences():
    data = make_dataset("moons", 40, 0.1, 0)
    split = train_test_split(data, 0.25, seed=0)
    net = Network([2, 3, 1], ["tanh", "sigmoid"], loss="binary_cross_entropy", seed=0)
    gradients = full_batch_gradients(net, split, l2=0.1)
    numeric, _ = numerical_gradients(net, split.X_train, split.Y_train)
    for dW, dW_num, W in zip(gradients, numeric, net.weights, strict=True):
        np.testing.assert_allclose(dW, dW_num + 0.1 * W, atol=1e-7)


def test_diagnosis_of_healthy_vanishing_and_exploding_gradients():
    activations = ["sigmoid", "sigmoid", "sigmoid"]
    assert diagnose_gradients(None, activations).state == "unknown"
    healthy = diagnose_gradients([0.2, 0.5, 0.3], ["tanh", "tanh", "sigmoid"])
    assert healthy.state == "healthy" and healthy.explanation == ""
    vanished = diagnose_gradients([VANISHING_NORM / 10, 1e-3, 0.1], activations)
    assert vanished.state == "vanishing" and vanished.layer == 1
    assert "(max|w| / 4)^n" in vanished.explanation and "below 1e-06" in vanished.message
    relative = diagnose_gradients([1e-5, 0.01, 0.1], ["relu", "relu", "linear"])
    assert relative.state == "vanishing" and "times smaller" in relative.message
    assert "1/4" not in relative.explanation
    exploded = diagnose_gradients([EXPLODING_NORM * 5, 10.0, 1.0], activations)
    assert exploded.state == "exploding" and exploded.layer == 1
    assert "smaller learning rate" in exploded.explanation
    assert diagnose_gradients([np.inf, 1.0, 1.0], activations).state == "exploding"
    zeros = diagnose_gradients([0.0, 0.0], ["tanh", "sigmoid"], init="zeros")
    assert zeros.state == "vanishing" and "zero" in zeros.explanation.lower()


def test_a_deep_sigmoid_network_is_diagnosed_with_vanishing_gradients():
    settings = LabSettings(
        hidden_units=(16,) * 6, hidden_activations=("sigmoid",) * 6, learning_rate=0.1
    )
    run = build_run(settings)
    run.trainer.step(20)
    diagnosis = diagnose_gradients(norms_at(run.history, 20), run.net.activations)
    assert diagnosis.state == "vanishing"
    assert diagnosis.layer == 1
    shallow = build_run(LabSettings())
    shallow.trainer.step(20)
    assert diagnose_gradients(norms_at(shallow.history, 20), shallow.net.activations).state == (
        "healthy"
    )
