"""The computational graph figure and its text show the graph's own numbers, step by step."""

import numpy as np

from lessons.chain_rule import GraphSettings, build_graph, reference_gradients
from viz.chain_rule import (
    graph_alt,
    graph_figure,
    node_rows,
    reference_table,
    step_explanation,
)
from viz.format import format_number


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


def test_reference_table_lists_each_parameter_three_ways():
    settings = GraphSettings(tied=True)
    graph = build_graph(settings)
    rows = reference_table(graph, reference_gradients(settings))
    assert [row["parameter"] for row in rows] == ["w", "b₁", "b₂"]
    assert rows[0]["this graph"] == format_number(graph.gradients["w"])
    assert all(row["engine backprop"] == row["this graph"] for row in rows)


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
