"""Numbers worked out by hand: a 1-1-1 network and the textbook 2-2-2 example.

The expected values below come from the arithmetic in the comments (done with a calculator),
not from the engine, so they check the engine against an independent reference.
"""

import numpy as np
import pytest

from engine import Network
from lessons.step_by_step.presets import textbook_222


@pytest.fixture
def tiny():
    # x = 2 -> hidden sigmoid unit (w1 = 0.5, b1 = 0.1) -> linear output (w2 = 0.8, b2 = -0.2)
    net = Network.from_parameters(
        weights=[[[0.5]], [[0.8]]], biases=[[0.1], [-0.2]],
        activations=["sigmoid", "linear"], loss="squared_error",
    )  # fmt: skip
    return net, np.array([[2.0]]), np.array([[1.0]])


def test_tiny_network_forward_values(tiny):
    net, X, Y = tiny
    trace = net.compute_trace(X, Y, learning_rate=0.1)
    # z1 = 0.5 * 2 + 0.1 = 1.1
    assert trace.layers[0].z[0, 0] == pytest.approx(1.1, abs=1e-15)
    # a1 = 1 / (1 + e^-1.1) = 1 / (1 + 0.33287108369807955) = 0.7502601055951177
    assert trace.layers[0].a[0, 0] == pytest.approx(0.7502601055951177, abs=1e-15)
    # z2 = a2 = 0.8 * 0.7502601055951177 - 0.2 = 0.4002080844760942
    assert trace.layers[1].a[0, 0] == pytest.approx(0.4002080844760942, abs=1e-15)
    # L = 1/2 (0.4002080844760942 - 1)^2 = 1/2 * 0.3597503419278361 = 0.17987517096391806
    assert trace.loss == pytest.approx(0.17987517096391806, abs=1e-15)


def test_tiny_network_gradients(tiny):
    net, X, Y = tiny
    trace = net.compute_trace(X, Y, learning_rate=0.1)
    # Output: delta2 = dL/da2 * f'(z2) = (0.4002080844760942 - 1) * 1 = -0.5997919155239058
    assert trace.layers[1].delta[0, 0] == pytest.approx(-0.5997919155239058, abs=1e-15)
    # dL/dw2 = delta2 * a1 = -0.5997919155239058 * 0.7502601055951177 = -0.44999994587606346
    assert trace.layers[1].dW[0, 0] == pytest.approx(-0.44999994587606346, abs=1e-15)
    assert trace.layers[1].db[0] == pytest.approx(-0.5997919155239058, abs=1e-15)
    # Hidden: dL/da1 = w2 * delta2 = 0.8 * -0.5997919155239058 = -0.47983353241912464
    assert trace.layers[0].grad_a[0, 0] == pytest.approx(-0.47983353241912464, abs=1e-15)
    # f'(z1) = a1 (1 - a1) = 0.7502601055951177 * 0.2497398944048823 = 0.18736987954752055
    assert trace.layers[0].fprime[0, 0] == pytest.approx(0.18736987954752055, abs=1e-15)
    # delta1 = -0.47983353241912464 * 0.18736987954752055 = -0.08990635117223268
    assert trace.layers[0].delta[0, 0] == pytest.approx(-0.08990635117223268, abs=1e-15)
    # dL/dw1 = delta1 * x = -0.08990635117223268 * 2 = -0.17981270234446536
    assert trace.layers[0].dW[0, 0] == pytest.approx(-0.17981270234446536, abs=1e-15)


def test_tiny_network_update(tiny):
    net, X, Y = tiny
    net.train_step(X, Y, learning_rate=0.1)
    # w1 = 0.5 - 0.1 * -0.17981270234446536 = 0.5179812702344465
    assert net.weights[0][0, 0] == pytest.approx(0.5179812702344465, abs=1e-15)
    # b1 = 0.1 - 0.1 * -0.08990635117223268 = 0.10899063511722328
    assert net.biases[0][0] == pytest.approx(0.10899063511722328, abs=1e-15)
    # w2 = 0.8 - 0.1 * -0.44999994587606346 = 0.8449999945876064
    assert net.weights[1][0, 0] == pytest.approx(0.8449999945876064, abs=1e-15)
    # b2 = -0.2 - 0.1 * -0.5997919155239058 = -0.14002080844760945
    assert net.biases[1][0] == pytest.approx(-0.14002080844760945, abs=1e-15)


def test_compute_trace_leaves_parameters_unchanged(tiny):
    net, X, Y = tiny
    before = [W.copy() for W in net.weights]
    trace = net.compute_trace(X, Y, learning_rate=0.1)
    assert all(np.array_equal(a, b) for a, b in zip(before, net.weights, strict=True))
    assert not np.array_equal(trace.layers[0].W_new, trace.layers[0].W)


def test_textbook_222_matches_the_published_worked_example():
    # Matt Mazur, "A Step by Step Backpropagation Example": out_h1 = 0.593269992,
    # out_o1 = 0.75136507, E_total = 0.298371109, w5+ = 0.35891648, w1+ = 0.149780716.
    scenario = textbook_222()
    trace = scenario.network.compute_trace(scenario.X, scenario.Y, scenario.learning_rate)
    hidden, output = trace.layers
    assert hidden.a[0] == pytest.approx([0.593269992, 0.596884378], abs=1e-9)
    assert output.a[0] == pytest.approx([0.75136507, 0.772928465], abs=1e-8)
    assert trace.loss == pytest.approx(0.298371109, abs=1e-9)
    assert output.W_new == pytest.approx(
        np.array([[0.35891648, 0.408666186], [0.511301270, 0.561370121]]), abs=1e-8
    )
    assert hidden.W_new == pytest.approx(
        np.array([[0.149780716, 0.19956143], [0.24975114, 0.29950229]]), abs=1e-8
    )
