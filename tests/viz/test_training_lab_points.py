"""The points editor figure: every point drawn with what a click on it does, and reading clicks."""

import numpy as np

from engine.datasets import make_dataset
from lessons.training_lab.points import (
    EDITOR_GRID,
    NO_EDITS,
    add_point,
    editor_plane,
    editor_points,
    remove_generated,
)
from viz.training_lab.points import (
    KIND_ADDED,
    KIND_GENERATED,
    KIND_TARGET,
    clicked_point,
    points_editor_alt,
    points_editor_figure,
)

MOONS = make_dataset("moons", 40, 0.1, 0)
NAMES = ("class 0", "class 1")


def _figure(base, edits, task="binary", names=NAMES):
    shown = editor_points(base, edits)
    return shown, points_editor_figure(shown, *editor_plane(base, edits), task=task,
                                       class_names=names)  # fmt: skip


def test_every_point_is_drawn_once_with_its_kind_and_index():
    edits = add_point(remove_generated(NO_EDITS, 0), (0.5, 0.5, 1), 40)
    shown, figure = _figure(MOONS, edits)
    targets, *data = figure.data
    assert len(targets.x) == EDITOR_GRID**2
    assert {tuple(c) for c in targets.customdata} == {(KIND_TARGET, -1)}
    drawn = [(int(k), int(i)) for trace in data for k, i in trace.customdata]
    expected = [(KIND_GENERATED, i) for i in range(1, 40)] + [(KIND_ADDED, 0)]
    assert sorted(drawn) == sorted(expected)
    added = next(trace for trace in data if trace.name == "class 1 (your points)")
    assert (added.x[0], added.y[0]) == (0.5, 0.5)


def test_the_plane_covers_the_data_and_the_added_points():
    edits = add_point(NO_EDITS, (5.0, -4.0, 0), 40)
    horizontal, vertical = editor_plane(MOONS, edits)
    assert horizontal[0] < MOONS.X[:, 0].min() and horizontal[-1] == 5.0
    assert vertical[0] == -4.0 and vertical[-1] > MOONS.X[:, 1].max()


def test_regression_points_are_drawn_at_x_and_their_value():
    sine = make_dataset("sine", 20, 0.1, 0)
    _, figure = _figure(sine, add_point(NO_EDITS, (1.0, 2.0), 20), task="regression", names=())
    names = [trace.name for trace in figure.data[1:]]
    assert names == ["generated", "your points"]
    np.testing.assert_array_equal(figure.data[1].y, sine.Y[:, 0])


def test_the_text_alternative_counts_the_classes_and_your_points():
    shown = editor_points(MOONS, add_point(NO_EDITS, (0.5, 0.5, 1), 40))
    text = points_editor_alt(shown, "binary", NAMES)
    assert "41 points (20 of class 0, 21 of class 1), 1 of them added by you" in text


def _selection(*points):
    return {"selection": {"points": list(points)}}


def test_clicked_point_reads_the_click_and_prefers_a_data_point():
    target = {"x": 0.5, "y": 1.0, "customdata": [KIND_TARGET, -1]}
    row = {"x": 0.1, "y": 0.2, "customdata": {"0": KIND_GENERATED, "1": 7}}
    assert clicked_point(_selection(target)) == (KIND_TARGET, -1, 0.5, 1.0)
    assert clicked_point(_selection(row, target)) == (KIND_GENERATED, 7, 0.1, 0.2)


def test_clicked_point_ignores_malformed_selections():
    assert clicked_point(None) is None
    assert clicked_point({"selection": {"points": "junk"}}) is None
    assert clicked_point(_selection({"x": 0, "y": 0, "customdata": [9, 0]})) is None
    assert clicked_point(_selection({"x": "a", "y": 0, "customdata": [0, 0]})) is None
    assert clicked_point(_selection({"x": 0, "y": 0, "customdata": [0]})) is None
    assert clicked_point(_selection({"x": float("inf"), "y": 0, "customdata": [2, -1]})) is None


def test_the_plane_stays_put_when_a_point_is_added_on_its_edge():
    horizontal, vertical = editor_plane(MOONS, NO_EDITS)
    edge = add_point(NO_EDITS, (horizontal[0], vertical[-1], 0), 40)
    again = editor_plane(MOONS, edge)
    np.testing.assert_array_equal(again[0], horizontal)
    np.testing.assert_array_equal(again[1], vertical)
