"""viz.training_lab: each figure's structure, from arrays with known values."""

import numpy as np
import pytest

from viz import training_lab as charts
from viz.network_graph import KIND_NODE


def _names(figure) -> list[str]:
    return [trace.name for trace in figure.data]


def test_thin_indices_keep_the_ends_and_the_cap():
    assert charts.thin_indices(5).tolist() == [0, 1, 2, 3, 4]
    index = charts.thin_indices(20_001, 600)
    assert len(index) <= 600 and index[0] == 0 and index[-1] == 20_000
    assert np.all(np.diff(index) > 0)


def test_loss_figure_for_classification_has_loss_and_accuracy_panels():
    loss = np.linspace(1.0, 0.1, 11)
    accuracy = np.linspace(0.5, 1.0, 11)
    figure = charts.loss_figure(loss, loss * 1.1, accuracy, accuracy, selected_update=4)
    assert _names(figure) == ["train loss", "test loss", "train accuracy", "test accuracy"]
    np.testing.assert_allclose(figure.data[0].y, loss)
    assert list(figure.data[0].x) == list(range(11))
    assert figure.data[2].yaxis == "y2"
    assert figure.layout.shapes[0].x0 == 4
    assert "accuracy" in figure.layout.title.text


def test_loss_figure_drops_nan_and_skips_missing_series():
    loss = np.array([1.0, 0.5, np.nan, 0.25])
    no_test = np.full(4, np.nan)
    figure = charts.loss_figure(loss, no_test, no_test, no_test)
    assert _names(figure) == ["train loss"]  # no test rows, regression: no accuracy
    assert list(figure.data[0].x) == [0, 1, 3]
    assert np.all(np.isfinite(figure.data[0].y))
    assert figure.layout.title.text == "Loss"
    assert not figure.layout.shapes


def test_loss_figure_thins_long_runs():
    loss = np.linspace(2.0, 0.0, 20_001)
    figure = charts.loss_figure(loss, loss)
    assert len(figure.data[0].x) <= charts.MAX_POINTS
    assert figure.data[0].x[-1] == 20_000 and figure.data[0].y[-1] == 0.0


def _points():
    X_train = np.array([[0.0, 0.0], [1.0, 1.0], [0.5, 0.2]])
    X_test = np.array([[0.2, 0.8]])
    return [(X_train, np.array([0, 1, 1]), "train"), (X_test, np.array([0]), "test")]


def test_binary_boundary_figure_draws_probabilities_boundary_and_points():
    x1, x2 = np.linspace(-1, 1, 5), np.linspace(-2, 2, 4)
    probability = np.linspace(0, 1, 20).reshape(1, 4, 5)
    figure = charts.boundary_figure(x1, x2, probability, _points(), class_names=("a", "b"))
    heatmap, contour = figure.data[0], figure.data[1]
    assert heatmap.type == "heatmap" and contour.type == "contour"
    np.testing.assert_allclose(heatmap.z, probability[0], rtol=1e-6)
    assert (heatmap.zmin, heatmap.zmax) == (0.0, 1.0)
    assert contour.contours.start == 0.5 == contour.contours.end
    assert _names(figure)[2:] == ["a (train)", "b (train)", "a (test)"]
    assert figure.data[4].marker.symbol == "circle-open"  # class a, test row: open circle
    assert list(figure.layout.xaxis.range) == [-1.0, 1.0]


def _marker_traces(figure) -> list:
    return [trace for trace in figure.data if trace.type == "scatter" and trace.mode == "markers"]


@pytest.mark.parametrize("n_classes", [2, 3, 6])
def test_boundary_classes_differ_by_shape_and_train_test_by_fill(n_classes):
    rng = np.random.default_rng(1)
    labels = np.arange(2 * n_classes) % n_classes
    points = [
        (rng.normal(size=(2 * n_classes, 2)), labels, "train"),
        (rng.normal(size=(2 * n_classes, 2)), labels, "test"),
    ]
    names = tuple(f"class {k}" for k in range(n_classes))
    outputs = rng.uniform(size=(1 if n_classes == 2 else n_classes, 4, 5))
    grid = (np.linspace(-1, 1, 5), np.linspace(-1, 1, 4))
    figure = charts.boundary_figure(*grid, outputs, points, class_names=names)
    markers = _marker_traces(figure)
    assert len(markers) == 2 * n_classes
    by_name = {trace.name: trace.marker.symbol for trace in markers}
    train = [by_name[f"{name} (train)"] for name in names]
    test = [by_name[f"{name} (test)"] for name in names]
    assert len(set(train)) == n_classes and len(set(test)) == n_classes  # pairwise different
    assert not any(symbol.endswith("-open") for symbol in train)
    assert test == [f"{symbol}-open" for symbol in train]  # same shape, open for test rows
    # The grey points of the neuron view carry the same shapes.
    neuron = charts.neuron_figure(*grid, outputs[0], points, title="t", class_names=names)
    assert [trace.marker.symbol for trace in _marker_traces(neuron)] == train + test


def test_loss_and_accuracy_lines_differ_by_dash():
    loss, accuracy = np.linspace(1.0, 0.1, 11), np.linspace(0.5, 1.0, 11)
    figure = charts.loss_figure(loss, loss * 1.1, accuracy, accuracy)
    dashes = [trace.line.dash for trace in figure.data]
    assert len(dashes) == 4 and len(set(dashes)) == 4


@pytest.mark.parametrize("n_layers", [2, 4, 7])
def test_gradient_flow_layers_differ_by_dash(n_layers):
    norms = np.full((5, n_layers), 0.1) * np.arange(1, n_layers + 1)
    figure = charts.gradient_flow_figure(norms)
    dashes = [trace.line.dash for trace in figure.data]  # the layers, then the threshold
    assert len(dashes) == n_layers + 1 and len(set(dashes)) == n_layers + 1


def test_loss_axis_is_fixed_to_the_planned_updates_and_margins_are_fixed():
    figure = charts.loss_figure(np.ones(3), np.ones(3), total_updates=500)
    assert list(figure.layout.xaxis.range) == [0, 500]
    assert figure.layout.xaxis.automargin is False and figure.layout.yaxis.automargin is False
    assert charts.loss_figure(np.ones(3), np.ones(3)).layout.xaxis.range is None


def test_text_alternatives_state_the_shown_values():
    loss, test_loss = np.array([0.7, 0.4, 0.21]), np.array([0.75, 0.5, 0.25])
    accuracy = np.array([0.5, 0.8, 0.92])
    text = charts.loss_alt(loss, test_loss, accuracy, 2)
    assert "Train loss 0.21" in text and "test loss 0.25" in text
    assert "after 2 updates" in text and "92%" in text
    no_test = charts.loss_alt(loss, np.full(3, np.nan), None, 1)
    assert "test" not in no_test and "0.4" in no_test
    assert "3 of 4" in charts.confusion_alt(np.array([[2, 1], [0, 1]]), "test")
    norms = charts.gradient_flow_alt(np.array([0.5, 2e-7]), 3)
    assert "layer 1: 0.5" in norms and "layer 2: 2.000e-07" in norms
    shapes = charts.boundary_alt(("a", "b", "c"), 0.75, 10)
    assert "a circles" in shapes and "b squares" in shapes and "75%" in shapes
    weights = [np.array([[1.0, -3.0]]), np.array([[0.5]])]
    assert "2-1-1" in charts.network_alt([2, 1, 1], weights, 4) and "is 3" in charts.network_alt(
        [2, 1, 1], weights, 4
    )
    spread = charts.distributions_alt(weights, [np.zeros((1, 2)), np.ones((1, 1))], 4)
    assert "-3 to 1" in spread and "0 to 1" in spread


def test_boundary_without_a_crossing_has_no_contour_and_nan_becomes_undecided():
    x1, x2 = np.linspace(0, 1, 3), np.linspace(0, 1, 3)
    outputs = np.full((1, 3, 3), 0.9)
    outputs[0, 1, 1] = np.nan
    figure = charts.boundary_figure(x1, x2, outputs, [], class_names=("a", "b"))
    assert [trace.type for trace in figure.data] == ["heatmap"]
    assert np.all(np.isfinite(figure.data[0].z))


def test_multiclass_boundary_colours_the_predicted_class():
    x1, x2 = np.linspace(0, 1, 2), np.linspace(0, 1, 2)
    outputs = np.zeros((3, 2, 2))
    outputs[0, 0, 0] = outputs[1, 0, 1] = outputs[2, 1, 0] = outputs[2, 1, 1] = 0.9
    figure = charts.boundary_figure(x1, x2, outputs, [], class_names=("p", "q", "r"))
    assert np.array(figure.data[0].z).tolist() == [[0, 1], [2, 2]]
    assert (figure.data[0].zmin, figure.data[0].zmax) == (-0.5, 2.5)


def test_neuron_figure_is_a_centred_heatmap_with_grey_points():
    x1, x2 = np.linspace(0, 1, 3), np.linspace(0, 1, 2)
    values = np.array([[-0.5, 0.0, 0.25], [0.1, 0.2, 0.3]])
    figure = charts.neuron_figure(x1, x2, values, _points(), title="unit", class_names=("a", "b"))
    np.testing.assert_allclose(figure.data[0].z, values, rtol=1e-6)
    assert figure.data[0].zmid == 0.0 and figure.data[0].zmax == 0.5
    assert all(trace.marker.color == charts.MARKER_COLOR for trace in figure.data[1:])
    assert not any(trace.showlegend for trace in figure.data[1:])


def test_fitted_curve_figure_shows_data_and_the_finite_part_of_the_curve():
    x = np.array([0.0, 1.0, 2.0])
    curve_y = np.array([0.0, np.inf, 4.0])
    figure = charts.fitted_curve_figure(x, x, x[:1], x[:1], x, curve_y, x_name="x", y_name="y")
    assert _names(figure) == ["data (train)", "data (test)", "network"]
    assert list(figure.data[2].x) == [0.0, 2.0]


def test_predicted_vs_true_has_the_diagonal_over_the_true_range():
    figure = charts.predicted_vs_true_figure(
        np.array([100.0, 300.0]), np.array([110.0, 290.0]), np.array([50.0]), np.array([70.0]),
        target_name="price",
    )  # fmt: skip
    diagonal = figure.data[0]
    assert list(diagonal.x) == [50.0, 300.0] == list(diagonal.y)
    assert _names(figure)[1:] == ["train", "test"]
    assert figure.layout.xaxis.title.text == "true price"


def test_confusion_figure_labels_counts():
    matrix = np.array([[5, 1], [2, 7]])
    figure = charts.confusion_figure(matrix, ("class 0", "class 1"), part="test")
    assert np.array(figure.data[0].z).tolist() == [[5, 1], [2, 7]]
    assert figure.data[0].text[1][1] == "7"
    assert "test" in figure.layout.title.text


def test_gradient_flow_is_log_scaled_per_layer_with_the_threshold():
    norms = np.array([[1e-3, 0.1], [0.0, 0.2], [np.nan, 0.3], [1e-4, 0.4]])
    figure = charts.gradient_flow_figure(norms, selected_update=2)
    assert figure.layout.yaxis.type == "log"
    assert _names(figure) == ["layer 1", "layer 2", "vanishing below this"]
    assert list(figure.data[0].x) == [1, 4]  # zero and NaN cannot sit on a log axis
    np.testing.assert_allclose(figure.data[1].y, [0.1, 0.2, 0.3, 0.4])
    assert list(figure.data[2].y) == [1e-6, 1e-6]
    assert figure.layout.shapes[0].x0 == 2


def test_gradient_flow_shows_the_exploding_line_only_near_it():
    figure = charts.gradient_flow_figure(np.array([[500.0, 1.0]]))
    assert "exploding above this" in _names(figure)
    assert "exploding above this" not in _names(charts.gradient_flow_figure(np.ones((3, 2))))


@pytest.mark.parametrize("n_layers", [1, 3, 7])
def test_distributions_have_a_histogram_per_layer_and_row(n_layers):
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(4, 3)) for _ in range(n_layers)]
    gradients = [np.full((4, 3), 0.5) for _ in range(n_layers)]  # constant: one bar
    figure = charts.distributions_figure(weights, gradients)
    assert len(figure.data) == 2 * n_layers
    for trace in figure.data:
        assert sum(trace.y) == 12  # every weight counted once
    domains = [figure.layout[f"xaxis{'' if i == 1 else i}"].domain for i in range(1, n_layers + 1)]
    for left, right in zip(domains, domains[1:], strict=False):
        assert left[1] < right[0]
    titles = [a.text for a in figure.layout.annotations]
    assert len(titles) == n_layers and titles[0] in ("layer 1", "L1")
    assert figure.layout.yaxis.title.text == "weights"
    assert figure.layout[f"yaxis{n_layers + 1}"].title.text == "gradients"
    assert figure.data[n_layers].name == "layer 1 gradients"


def test_presenter_sizes_reach_the_layout():
    figure = charts.loss_figure(np.ones(3), np.ones(3), height=560, font_size=18)
    assert figure.layout.height == 560 and figure.layout.font.size == 18


def test_clicked_neuron_reads_node_clicks_on_the_network_graph():
    sizes = [2, 8, 1]
    node = {"customdata": [1, 3, -1, KIND_NODE]}
    weight = {"customdata": [0, 3, 1, 0]}
    assert charts.clicked_neuron({"selection": {"points": [node]}}, sizes) == (1, 3)
    assert charts.clicked_neuron({"points": [node, weight]}, sizes) == (1, 3)
    typed = {"customdata": {"0": 2, "1": 0, "2": -1, "3": KIND_NODE}}
    assert charts.clicked_neuron({"selection": {"points": [typed]}}, sizes) == (2, 0)
    for bad in (
        None,
        {},
        {"selection": {"points": []}},
        {"selection": {"points": [weight]}},
        {"selection": {"points": [{"customdata": [0, 1, -1, KIND_NODE]}]}},  # an input
        {"selection": {"points": [{"customdata": [1, 8, -1, KIND_NODE]}]}},  # no unit 8
        {"selection": {"points": [{"customdata": ["x", 1, -1, KIND_NODE]}]}},
        {"selection": {"points": "garbage"}},
    ):
        assert charts.clicked_neuron(bad, sizes) is None
