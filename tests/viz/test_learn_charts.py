"""Figures and text of the Learn pages show the engine's numbers, and only those."""

import numpy as np
import pytest

from engine import Network
from lessons.activations import compare_activations, evaluate
from lessons.chain_rule import GraphSettings, build_graph, reference_gradients
from lessons.learning_rate import (
    DEFAULT_LEARNING_RATES,
    LEARNING_RATE_LABELS,
    NEURON_OPTIMUM,
    LearningRateRun,
    compare_learning_rates,
    descent_path,
    loss_surface,
)
from lessons.practice import EXERCISE_KINDS, generate_exercise
from lessons.step_by_step.presets import textbook_222
from viz.chain_rule import (
    graph_alt,
    graph_figure,
    node_rows,
    reference_table,
    step_explanation,
)
from viz.format import format_number
from viz.learn_charts import (
    activation_figure,
    descent_contour_figure,
    learning_rate_figure,
    vanishing_gradient_figure,
)
from viz.practice import question_markdown, solution_steps, target_symbol, weight_symbol
from viz.worked_example import worked_example


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "linear"])
def test_activation_figure_marks_the_engines_values(name):
    fig = activation_figure(name, 0.8)
    f_curve, df_curve, marker = fig.data
    f_z, df_z = evaluate(name, 0.8)
    assert list(marker.y) == pytest.approx([f_z, df_z])
    assert marker.text[0].endswith(format_number(f_z))
    z = np.asarray(f_curve.x)
    expected = [evaluate(name, value) for value in z[::40]]
    assert np.asarray(f_curve.y)[::40] == pytest.approx([e[0] for e in expected])
    assert np.asarray(df_curve.y)[::40] == pytest.approx([e[1] for e in expected])


def test_vanishing_figure_leaves_out_zero_products_and_says_so():
    chains = compare_activations(n_layers=4, x=-1.0, w=1.0)  # ReLU is dead from layer 1
    fig = vanishing_gradient_figure(chains)
    by_name = {trace.name.split(" ")[0]: trace for trace in fig.data}
    assert np.asarray(by_name["Sigmoid"].y) == pytest.approx(chains["sigmoid"].product)
    relu = by_name["ReLU"]
    assert len(relu.x) == 0 and "0 from layer 1" in relu.name


def test_learning_rate_figure_marks_divergence_and_skips_non_finite_losses():
    finite = LearningRateRun(0.1, np.array([1.0, 0.5, 0.25]), None)
    diverged = LearningRateRun(5.0, np.array([1.0, 30.0, np.inf]), 2)
    fig = learning_rate_figure([finite, diverged], ["good", "divergent"])
    curves = [t for t in fig.data if t.mode == "lines"]
    assert curves[0].name == "η = 0.1 (good)"
    assert "diverged at update 2" in curves[1].name
    assert list(curves[1].y) == [1.0, 30.0]
    crosses = [t for t in fig.data if t.mode == "markers"]
    assert len(crosses) == 1 and list(crosses[0].y) == [30.0]


def test_learning_rate_figure_of_real_runs_has_one_curve_each():
    runs = compare_learning_rates([0.1, 0.2], epochs=10)
    fig = learning_rate_figure(runs)
    curves = [t for t in fig.data if t.mode == "lines"]
    assert [list(c.y) for c in curves] == [pytest.approx(list(r.loss)) for r in runs]


def test_contour_figure_draws_the_path_and_the_surface():
    surface = loss_surface("linear", resolution=20)
    path = descent_path("linear", 0.0, 0.0, 0.2, 10)
    fig = descent_contour_figure(surface, path, NEURON_OPTIMUM)
    contour, line, start, optimum = fig.data
    assert np.asarray(contour.z) == pytest.approx(np.log10(surface.loss))
    assert np.asarray(line.x) == pytest.approx(path.w)
    assert np.asarray(line.y) == pytest.approx(path.b)
    assert (start.x[0], start.y[0]) == (0.0, 0.0)
    assert (optimum.x[0], optimum.y[0]) == NEURON_OPTIMUM


# --- the computational graph ---------------------------------------------------------------


def test_graph_figure_shows_gradients_only_once_reached():
    graph = build_graph(GraphSettings())
    before = graph_figure(graph, 0)
    grad_texts = before.data[-1].text
    assert grad_texts.count("grad ?") == len(graph.nodes) - 2  # all but L and the target y
    after = graph_figure(graph, graph.n_steps)
    texts = after.data[-1].text
    ids = [node.id for node in graph.nodes]
    assert texts[ids.index("w1")] == f"grad {format_number(graph.gradients['w1'])}"
    assert texts[ids.index("y")] == "constant"


def test_graph_figure_highlights_the_step_with_its_local_derivatives():
    graph = build_graph(GraphSettings())
    fig = graph_figure(graph, 3)  # the third step: z2 = w2 h + b2 sends to w2h and b2
    step = graph.steps[2]
    labels = [a.text for a in fig.layout.annotations]
    assert labels == [f"×{format_number(c.local_grad)}" for c in step.contributions]
    active = fig.data[1]
    assert sum(1 for v in active.x if v is not None and not np.isnan(v)) == 2 * len(labels)


def test_step_explanation_and_rows_use_the_graphs_numbers():
    graph = build_graph(GraphSettings(tied=True))
    last = step_explanation(graph, graph.n_steps)
    contribution = graph.steps[-1].contributions[0]
    assert contribution.accumulates
    assert f"{format_number(contribution.before)} + {format_number(contribution.amount)}" in last
    assert "Start" in step_explanation(graph, 0)
    rows = node_rows(graph, graph.n_steps)
    assert {row["node"]: row["∂L/∂node"] for row in rows}["w"] == format_number(
        graph.gradients["w"]
    )


# --- worked example and practice text ------------------------------------------------------


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


@pytest.mark.parametrize("kind", EXERCISE_KINDS)
def test_practice_solution_ends_with_the_answer(kind):
    exercise = generate_exercise(9, kind)
    steps = solution_steps(exercise)
    assert steps[-1][1].endswith(f"= {format_number(exercise.answer)}")
    question = question_markdown(exercise)
    asked = weight_symbol(exercise) if kind == "updated_weight" else target_symbol(exercise)
    assert asked in question
    assert format_number(exercise.trace.learning_rate) in question


def test_reference_table_lists_each_parameter_three_ways():
    settings = GraphSettings(tied=True)
    graph = build_graph(settings)
    rows = reference_table(graph, reference_gradients(settings))
    assert [row["parameter"] for row in rows] == ["w", "b₁", "b₂"]
    assert rows[0]["this graph"] == format_number(graph.gradients["w"])
    assert all(row["engine backprop"] == row["this graph"] for row in rows)


# --- colour is never the only difference between series ----------------------------------


def _pairwise_distinct(values) -> bool:
    values = list(values)
    return len(set(values)) == len(values)


def test_learning_rate_curves_differ_by_dash_not_only_colour():
    runs = compare_learning_rates(DEFAULT_LEARNING_RATES, epochs=20)
    fig = learning_rate_figure(runs, LEARNING_RATE_LABELS)
    curves = [t for t in fig.data if t.mode == "lines"]
    assert len(curves) == len(DEFAULT_LEARNING_RATES) == 4
    assert _pairwise_distinct((c.line.dash or "solid") for c in curves)
    assert _pairwise_distinct(c.line.color for c in curves)
    for curve, run in zip(curves, runs, strict=True):  # the legend names each rate
        assert curve.name.startswith(f"η = {format_number(run.learning_rate)}")


def test_vanishing_lines_differ_by_dash_and_symbol_not_only_colour():
    chains = compare_activations(n_layers=6, x=1.0, w=1.0)
    fig = vanishing_gradient_figure(chains)
    assert len(fig.data) == len(chains) >= 3
    assert _pairwise_distinct((t.line.dash or "solid") for t in fig.data)
    assert _pairwise_distinct((t.marker.symbol or "circle") for t in fig.data)


@pytest.mark.parametrize("name", ["sigmoid", "relu"])
def test_activation_f_and_fprime_differ_by_dash_and_their_markers_by_symbol(name):
    f_curve, df_curve, marker = activation_figure(name, 0.5).data
    assert (f_curve.line.dash or "solid") != (df_curve.line.dash or "solid")
    symbols = list(marker.marker.symbol)
    assert len(symbols) == 2 and symbols[0] != symbols[1]


def test_graph_marks_the_processed_and_receiving_nodes_by_text_not_only_colour():
    graph = build_graph(GraphSettings())
    step = graph.steps[2]
    fig = graph_figure(graph, 3)
    ids = [node.id for node in graph.nodes]
    values = fig.data[3].text
    assert values[ids.index(step.node)].startswith("▶ ")
    for contribution in step.contributions:
        assert values[ids.index(contribution.parent)].startswith("◀ ")
    marked = {step.node} | {c.parent for c in step.contributions}
    assert all(not values[i].startswith(("▶", "◀")) for i, n in enumerate(ids) if n not in marked)


def test_graph_alt_text_describes_the_step_with_the_engines_numbers():
    graph = build_graph(GraphSettings())
    step = graph.steps[2]
    alt = graph_alt(graph, 3)
    assert f"after 3 of {graph.n_steps} backward steps" in alt
    assert f"gradient {format_number(step.upstream)}" in alt
    for contribution in step.contributions:
        assert f"×{format_number(contribution.local_grad)}" in alt
    assert format_number(graph.loss) in alt
    assert "Only ∂L/∂L = 1 is known" in graph_alt(graph, 0)
