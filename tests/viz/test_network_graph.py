"""Structure of the network graph figure and the click-to-weight mapping."""

import json

import numpy as np
import pytest

from engine import Network, limits
from lessons.step_by_step.phases import phase_sequence
from lessons.step_by_step.presets import textbook_222
from viz.format import format_number
from viz.network_graph import (
    KIND_BIAS,
    KIND_NODE,
    KIND_WEIGHT,
    N_MAGNITUDE_BINS,
    UIREVISION,
    GraphOptions,
    Shown,
    network_figure,
    phase_view,
    selected_weight,
)


def _trace(fig, name):
    matches = [t for t in fig.data if t.name == name]
    assert len(matches) == 1, name
    return matches[0]


def _edge_line_traces(fig):
    return [t for t in fig.data if t.mode == "lines"]


def _cap_network() -> Network:
    sizes = [limits.MAX_UNITS] * (limits.MAX_HIDDEN_LAYERS + 2)
    return Network(sizes, ["tanh"] * (len(sizes) - 1), seed=3)


def test_every_weight_has_one_marker_with_its_id_and_exact_value():
    scenario = textbook_222()
    net = scenario.network
    fig = network_figure(net.weights, net.biases)
    edges = _trace(fig, "edges")
    ids = [tuple(int(v) for v in row) for row in edges.customdata]
    expected = [
        (layer, row, col, KIND_WEIGHT)
        for layer, W in enumerate(net.weights)
        for row in range(W.shape[0])
        for col in range(W.shape[1])
    ]
    assert sorted(ids) == sorted(expected)
    for (layer, row, col, _), hover, colour in zip(
        ids, edges.hovertext, edges.marker.color, strict=True
    ):
        value = net.weights[layer][row, col]
        assert f"weight = {format_number(value)}" in hover
        assert colour == pytest.approx(value)


def test_edge_segments_cover_every_weight_and_sign_is_carried_by_dash():
    net = Network([3, 4, 2], ["tanh", "linear"], seed=5)
    fig = network_figure(net.weights, net.biases)
    lines = _edge_line_traces(fig)
    n_segments = sum(int(np.sum(np.isnan(np.asarray(t.x, dtype=float)))) for t in lines)
    assert n_segments == sum(W.size for W in net.weights)
    dashes = {t.line.dash for t in lines}
    assert dashes == {"solid", "dash"}  # this seed has weights of both signs
    for trace in lines:
        assert ("negative" in trace.name) == (trace.line.dash == "dash")


def test_edge_values_drive_colour_and_title():
    net = textbook_222().network
    grads = [np.full_like(W, -0.5) for W in net.weights]
    fig = network_figure(net.weights, net.biases, edge_values=grads, edge_title="dL/dw")
    edges = _trace(fig, "edges")
    assert np.allclose(np.asarray(edges.marker.color, dtype=float), -0.5)
    assert edges.marker.colorbar.title.text == "dL/dw"
    assert edges.marker.showscale
    assert all(t.line.dash == "dash" for t in _edge_line_traces(fig))


def test_neuron_zero_on_top_and_node_values_printed():
    scenario = textbook_222()
    trace = scenario.network.compute_trace(scenario.X, scenario.Y)
    values = [trace.X[0]] + [layer.a[0] for layer in trace.layers]
    fig = network_figure(scenario.network.weights, scenario.network.biases, node_values=values)
    nodes = _trace(fig, "neurons")
    ids = [tuple(int(v) for v in row[:2]) for row in nodes.customdata]
    assert all(int(row[3]) == KIND_NODE for row in nodes.customdata)
    y = dict(zip(ids, nodes.y, strict=True))
    for layer in range(3):
        assert y[(layer, 0)] > y[(layer, 1)]
    text = dict(zip(ids, nodes.text, strict=True))
    assert text[(2, 0)] == format_number(trace.layers[1].a[0, 0], 3)


def test_biases_are_drawn_for_every_unit_after_the_input():
    net = textbook_222().network
    fig = network_figure(net.weights, net.biases)
    biases = _trace(fig, "biases")
    assert len(biases.x) == sum(b.size for b in net.biases)
    assert all(int(row[3]) == KIND_BIAS for row in biases.customdata)
    assert "b = 0.35" in biases.hovertext[0]


def test_highlight_dims_everything_but_the_layer_being_computed():
    net = Network([2, 3, 3, 1], ["tanh", "tanh", "sigmoid"], seed=1)
    fig = network_figure(net.weights, net.biases, highlight_layer=2)
    edges = _trace(fig, "edges")
    for row, opacity in zip(edges.customdata, edges.marker.opacity, strict=True):
        assert (opacity == 1.0) == (int(row[0]) == 1)
    nodes = _trace(fig, "neurons")
    for row, opacity in zip(nodes.customdata, nodes.marker.opacity, strict=True):
        assert (opacity == 1.0) == (int(row[0]) == 2)
    bright_lines = [t for t in _edge_line_traces(fig) if t.opacity == 1.0]
    assert sum(int(np.sum(np.isnan(np.asarray(t.x, float)))) for t in bright_lines) == 9


def test_layout_keeps_zoom_and_hides_axes():
    net = textbook_222().network
    fig = network_figure(net.weights, net.biases, height=500)
    assert fig.layout.uirevision == UIREVISION
    assert fig.layout.height == 500
    assert not fig.layout.xaxis.visible


def test_caps_stay_few_traces():
    # Few traces keep the figure fast at the caps (speed itself is measured by bench/, never
    # asserted in a test: the machine is shared).
    net = _cap_network()
    fig = network_figure(net.weights, net.biases, highlight_layer=3)
    assert len(fig.data) <= 2 * 2 * N_MAGNITUDE_BINS + 4
    assert len(_trace(fig, "edges").x) == sum(W.size for W in net.weights)


def test_nonfinite_values_do_not_break_the_figure():
    net = textbook_222().network
    bad = [W.copy() for W in net.weights]
    bad[0][0, 0] = np.nan
    bad[1][1, 1] = np.inf
    fig = network_figure(net.weights, net.biases, edge_values=bad)
    hover = " ".join(_trace(fig, "edges").hovertext)
    assert "undefined" in hover and "infinite" in hover
    assert "nan" not in hover.lower().replace("undefined", "")


def _selection(*customdata):
    return {"selection": {"points": [{"customdata": list(c)} for c in customdata]}}


def test_selected_weight_reads_the_clicked_edge():
    assert selected_weight(_selection([1, 0, 1, KIND_WEIGHT])) == (1, 0, 1)
    assert selected_weight(_selection([0, 1, 0, KIND_WEIGHT]), [2, 2, 2]) == (0, 1, 0)


def test_selected_weight_ignores_nodes_biases_and_nothing():
    assert selected_weight(None) is None
    assert selected_weight({}) is None
    assert selected_weight({"selection": {"points": []}}) is None
    assert selected_weight(_selection([0, 1, -1, KIND_NODE])) is None
    assert selected_weight(_selection([0, 1, -1, KIND_BIAS])) is None


def test_selected_weight_rejects_malformed_and_out_of_range():
    assert selected_weight(_selection(["x", 0, 0, 0])) is None
    assert selected_weight(_selection([0.5, 0, 0, KIND_WEIGHT])) is None
    assert selected_weight(_selection([0, 0, 0])) is None
    assert selected_weight({"selection": {"points": "junk"}}) is None
    assert selected_weight(_selection([5, 0, 0, KIND_WEIGHT]), [2, 2, 2]) is None
    assert selected_weight(_selection([0, 2, 0, KIND_WEIGHT]), [2, 2, 2]) is None


def test_selected_weight_takes_the_last_weight_point():
    selection = _selection([0, 0, 0, KIND_WEIGHT], [0, 0, -1, KIND_NODE], [1, 1, 0, KIND_WEIGHT])
    assert selected_weight(selection) == (1, 1, 0)


def test_customdata_travels_as_plain_lists():
    """A numeric array would reach the browser as a typed array and come back as a dict."""
    net = textbook_222().network
    spec = json.loads(network_figure(net.weights, net.biases).to_json())
    edges = next(trace for trace in spec["data"] if trace.get("name") == "edges")
    assert edges["customdata"][0] == [0, 0, 0, KIND_WEIGHT]


def test_selected_weight_reads_typed_array_customdata():
    points = {"selection": {"points": [{"customdata": {"0": 1, "1": 0, "2": 1, "3": 0}}]}}
    assert selected_weight(points) == (1, 0, 1)


def test_options_and_flat_keywords_draw_the_same_figure():
    scenario = textbook_222()
    net = scenario.network
    grads = [W * -0.5 for W in net.weights]
    values = [scenario.X[0], np.array([0.1, 0.2]), np.array([0.3, 0.4])]
    options = GraphOptions(
        nodes=Shown(values, "a"),
        edges=Shown(grads, "dL/dw", {"w": net.weights}),
        highlight_layer=2,
        selected=(1, 0, 1),
        input_names=("i1", "i2"),
        output_names=("o1", "o2"),
        height=480,
        font_size=16,
    )
    flat = network_figure(
        net.weights, net.biases, node_values=values, edge_values=grads, edge_title="dL/dw",
        edge_hover={"w": net.weights}, highlight_layer=2, selected=(1, 0, 1),
        input_names=("i1", "i2"), output_names=("o1", "o2"), height=480, font_size=16,
    )  # fmt: skip
    assert network_figure(net.weights, net.biases, options).to_json() == flat.to_json()
    with pytest.raises(TypeError):
        network_figure(net.weights, net.biases, options, height=300)


def test_the_builders_draw_edges_biases_nodes_ring_and_labels():
    scenario = textbook_222()
    net = scenario.network
    plain = network_figure(net.weights, net.biases)
    ringed = network_figure(
        net.weights, net.biases, GraphOptions(selected=(0, 1, 0), input_names=("i1", "i2"))
    )
    names = [t.name for t in ringed.data]
    assert names[-4:] == ["edges", "biases", "neurons", "selected weight"]
    assert "selected weight" not in [t.name for t in plain.data]
    ring = _trace(ringed, "selected weight")
    markers = _trace(ringed, "edges")
    index = [tuple(row[:3]) for row in markers.customdata].index((0, 1, 0))
    assert (ring.x[0], ring.y[0]) == (markers.x[index], markers.y[index])
    texts = [note.text for note in ringed.layout.annotations]
    assert texts == ["input", "hidden 1", "output", "i1", "i2"]


def test_phase_view_gives_the_parameters_and_the_options_of_the_phase():
    scenario = textbook_222()
    trace = scenario.network.compute_trace(scenario.X, scenario.Y, 0.5)
    update = phase_sequence(2)[-1]
    weights, biases, options = phase_view(trace, update)
    np.testing.assert_array_equal(weights[1], trace.layers[1].W)
    assert options.edges.title == "w_new" and options.highlight_layer is None
    np.testing.assert_array_equal(options.edges.values[1], trace.layers[1].W_new)
    np.testing.assert_array_equal(options.biases.values[0], trace.layers[0].b_new)


def _phase_figure(trace, phase):
    weights, biases, options = phase_view(trace, phase)
    return network_figure(weights, biases, options)


def _all_text(fig) -> str:
    parts = []
    for trace in fig.data:
        for field in (trace.text, trace.hovertext):
            if field is not None:
                parts += [str(item) for item in np.ravel(np.asarray(field, dtype=object))]
    return " ".join(parts)


def test_a_backward_phase_shows_only_the_gradients_computed_so_far():
    scenario = textbook_222()
    trace = scenario.network.compute_trace(scenario.X, scenario.Y, 0.5)
    hidden, output = trace.layers
    backward_output, backward_hidden = phase_sequence(2)[3], phase_sequence(2)[4]
    fig = _phase_figure(trace, backward_output)
    text = _all_text(fig)
    for value in (*hidden.dW.ravel(), *hidden.db):  # the first layer's gradients: not yet
        assert format_number(value) not in text and format_number(value, 3) not in text
    assert format_number(hidden.dW[0, 0], 3) == "0.000439"
    assert sorted(_trace(fig, "edges").marker.color) == pytest.approx(sorted(output.dW.ravel()))
    pending = _trace(fig, "pending weights")
    ids = sorted(tuple(row[:3]) for row in pending.customdata)
    assert ids == [(0, row, col) for row in range(2) for col in range(2)]
    assert all("dL/dw: not computed yet" in hover for hover in pending.hovertext)
    assert [tuple(row[:2]) for row in _trace(fig, "pending biases").customdata] == [(0, 0), (0, 1)]
    neurons = _trace(fig, "neurons")
    hover_by_layer = list(zip(neurons.hovertext, neurons.customdata, strict=True))
    hidden_hover = [hover for hover, row in hover_by_layer if row[0] == 1]
    output_hover = [hover for hover, row in hover_by_layer if row[0] == 2]
    assert not any("delta =" in hover for hover in hidden_hover)
    assert all("delta =" in hover for hover in output_hover)
    # One phase later the first layer is computed too: every gradient is on the graph.
    fig = _phase_figure(trace, backward_hidden)
    assert not [t for t in fig.data if t.name.startswith("pending")]
    colours = sorted(_trace(fig, "edges").marker.color)
    assert colours == pytest.approx(sorted([*hidden.dW.ravel(), *output.dW.ravel()]))
    assert format_number(hidden.dW[0, 0], 3) in _all_text(fig)


def test_forward_phases_show_nothing_that_is_computed_later():
    scenario = textbook_222()
    trace = scenario.network.compute_trace(scenario.X, scenario.Y, 0.5)
    fig = _phase_figure(trace, phase_sequence(2)[0])  # forward through the hidden layer
    text = _all_text(fig)
    assert "dL/dw" not in text and "delta =" not in text and "w_new" not in text
    assert format_number(trace.layers[0].z[0, 0]) in text
    assert format_number(trace.layers[1].z[0, 0]) not in text
    update = _phase_figure(trace, phase_sequence(2)[-1])
    assert "dL/dw =" in _all_text(update) and "w_new =" in _all_text(update)
