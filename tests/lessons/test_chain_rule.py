"""The scalar computational graph: its backward stepping must agree with the engine's
backpropagation on the same 1-1-1 network, and with finite differences."""

import numpy as np
import pytest

from engine import Network, numerical_gradients
from lessons.chain_rule import GRAPH_LOSSES, GraphSettings, build_graph, reference_gradients

SETTINGS = [
    GraphSettings(x=1.0, y=0.0, w1=0.5, b1=0.1, w2=-0.8, b2=0.2, activation=act, loss=loss)
    for act in ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
    for loss in ("squared_error", "mse")
] + [
    GraphSettings(x=-1.3, y=1.0, w1=2.0, b1=-0.4, w2=1.7, b2=-0.9, activation="sigmoid", loss=loss)
    for loss in GRAPH_LOSSES
]


def engine_network(s: GraphSettings, w2: float | None = None) -> Network:
    return Network.from_parameters(
        [[[s.w1]], [[s.w2 if w2 is None else w2]]],
        [[s.b1], [s.b2]],
        [s.activation, s.activation],
        s.loss,
    )


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: f"{s.activation}-{s.loss}")
def test_backward_stepping_matches_engine_trace(settings):
    graph = build_graph(settings)
    trace = engine_network(settings).compute_trace([[settings.x]], [[settings.y]])
    grads = graph.parameter_gradients()
    assert grads["w1"] == pytest.approx(trace.layers[0].dW[0, 0], rel=1e-9, abs=1e-12)
    assert grads["b1"] == pytest.approx(trace.layers[0].db[0], rel=1e-9, abs=1e-12)
    assert grads["w2"] == pytest.approx(trace.layers[1].dW[0, 0], rel=1e-9, abs=1e-12)
    assert grads["b2"] == pytest.approx(trace.layers[1].db[0], rel=1e-9, abs=1e-12)
    assert graph.loss == pytest.approx(trace.loss)
    assert graph.node("y_hat").value == pytest.approx(trace.Y_hat[0, 0])
    assert graph.node("z1").value == pytest.approx(trace.layers[0].z[0, 0])
    # dL/dz at the two add nodes are the engine's deltas
    assert graph.gradients["z2"] == pytest.approx(trace.layers[1].delta[0, 0])
    assert graph.gradients["z1"] == pytest.approx(trace.layers[0].delta[0, 0])


@pytest.mark.parametrize(
    "settings", [s for s in SETTINGS if s.activation not in ("relu", "leaky_relu")]
)
def test_backward_stepping_matches_finite_differences(settings):
    graph = build_graph(settings)
    dW, db = numerical_gradients(engine_network(settings), [[settings.x]], [[settings.y]])
    grads = graph.parameter_gradients()
    assert grads["w1"] == pytest.approx(dW[0][0, 0], abs=1e-6)
    assert grads["w2"] == pytest.approx(dW[1][0, 0], abs=1e-6)
    assert grads["b1"] == pytest.approx(db[0][0], abs=1e-6)
    assert grads["b2"] == pytest.approx(db[1][0], abs=1e-6)


def test_input_gradient_matches_finite_difference():
    s = GraphSettings(x=0.7, y=0.2, w1=1.1, b1=0.3, w2=-0.6, b2=0.4, activation="tanh")
    eps = 1e-6

    def loss_at(x):
        return engine_network(s).loss_value([[x]], [[s.y]])

    expected = (loss_at(s.x + eps) - loss_at(s.x - eps)) / (2 * eps)
    assert build_graph(s).gradients["x"] == pytest.approx(expected, abs=1e-7)


def test_steps_visit_operations_in_reverse_topological_order():
    graph = build_graph(GraphSettings())
    order = [node.id for node in graph.nodes]
    position = {node_id: index for index, node_id in enumerate(order)}
    for node in graph.nodes:  # forward order: every parent comes before its child
        assert all(position[parent] < position[node.id] for parent in node.parents)
    visited = [step.node for step in graph.steps]
    assert visited == [n.id for n in reversed(graph.nodes) if not n.is_leaf]
    assert visited[0] == "loss"
    # a node is processed only after every node that uses it has been processed
    for index, step in enumerate(graph.steps):
        users = [n.id for n in graph.nodes if step.node in n.parents]
        assert all(visited.index(user) < index for user in users)


def test_gradients_after_reveals_one_node_at_a_time():
    graph = build_graph(GraphSettings())
    start = graph.gradients_after(0)
    assert start["loss"] == 1.0
    assert all(value is None for key, value in start.items() if key != "loss")
    after_one = graph.gradients_after(1)
    assert after_one["y_hat"] == pytest.approx(graph.steps[0].contributions[0].amount)
    assert after_one["z2"] is None
    final = graph.gradients_after(graph.n_steps)
    assert final == graph.gradients
    assert final["y"] is None  # the target is a constant and gets no gradient
    assert graph.gradients_after(10_000) == final
    assert graph.gradients_after(-3) == start


def test_tied_weight_gradients_add_up():
    s = GraphSettings(x=0.9, y=0.1, w1=0.6, b1=-0.2, w2=123.0, b2=0.3, tied=True)
    graph = build_graph(s)
    into_w = [c for step in graph.steps for c in step.contributions if c.parent == "w"]
    assert len(into_w) == 2
    first, second = into_w
    assert not first.accumulates and second.accumulates
    assert second.before == pytest.approx(first.after)
    assert second.after == pytest.approx(first.amount + second.amount)
    # the sum equals the engine's two weight gradients of the untied network with w2 = w1 ...
    trace = engine_network(s, w2=s.w1).compute_trace([[s.x]], [[s.y]])
    total = trace.layers[0].dW[0, 0] + trace.layers[1].dW[0, 0]
    assert graph.gradients["w"] == pytest.approx(total)
    # ... and the finite-difference derivative of L(w) with both weights moving together
    eps = 1e-6

    def loss_at(w):
        net = Network.from_parameters([[[w]], [[w]]], [[s.b1], [s.b2]], [s.activation] * 2, s.loss)
        return net.loss_value([[s.x]], [[s.y]])

    numeric = (loss_at(s.w1 + eps) - loss_at(s.w1 - eps)) / (2 * eps)
    assert graph.gradients["w"] == pytest.approx(numeric, abs=1e-7)


def test_contributions_are_upstream_times_local_gradient():
    graph = build_graph(GraphSettings(activation="tanh"))
    for step in graph.steps:
        for c in step.contributions:
            assert c.amount == pytest.approx(step.upstream * c.local_grad)
            assert c.after == pytest.approx(c.before + c.amount)


@pytest.mark.parametrize(
    "settings, message",
    [
        (GraphSettings(w1=float("nan")), "finite"),
        (GraphSettings(x=float("inf")), "finite"),
        (GraphSettings(b2=1e9), "magnitude"),
        (GraphSettings(w2="abc"), "number"),
        (GraphSettings(activation="softmax"), "activation"),
        (GraphSettings(loss="cross_entropy"), "loss"),
        (GraphSettings(loss="binary_cross_entropy", activation="tanh"), "sigmoid"),
        (GraphSettings(loss="binary_cross_entropy", y=2.0), "from 0 to 1"),
    ],
)
def test_invalid_settings_raise_value_error_with_message(settings, message):
    with pytest.raises(ValueError, match=message):
        build_graph(settings)


def test_large_values_stay_finite_or_report_without_crashing():
    graph = build_graph(GraphSettings(w1=1e6, x=1e6, activation="sigmoid"))
    assert np.isfinite(graph.loss)


@pytest.mark.parametrize("tied", [False, True])
def test_reference_gradients_agree_with_the_graph(tied):
    s = GraphSettings(x=0.4, y=0.9, w1=-0.7, b1=0.2, w2=1.3, b2=-0.1, activation="tanh", tied=tied)
    graph = build_graph(s).parameter_gradients()
    reference = reference_gradients(s)
    for name in ("w1", "b1", "w2", "b2"):
        assert reference.backprop[name] == pytest.approx(graph[name], rel=1e-9, abs=1e-12)
        assert reference.finite_difference[name] == pytest.approx(graph[name], abs=1e-7)
