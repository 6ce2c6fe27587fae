"""AppTest: your own points in the training lab. Clicks on the data plot are simulated by sending
the chart's selection as the browser does (AppTest has no Plotly chart API)."""

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from engine import limits
from engine.datasets import make_dataset
from lessons.training_lab.points import (
    NO_EDITS,
    PointEdits,
    add_point,
    apply_edits,
    dataset_csv,
    encode_edits,
    remove_generated,
)
from tests.apptest_helpers import open_at
from viz.labels import DATASET_LABELS
from viz.training_lab.points import KIND_ADDED, KIND_GENERATED, KIND_TARGET

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "app_pages/training_lab.py"
CHART = "lab_points_chart"
PANEL_KEY = "lab_points_open"


def _open(params: dict[str, str] | None = None, panel_open: bool = True) -> AppTest:
    # panel_open: as a visitor's click on the "Your own data" panel does
    at = open_at(PAGE, params, {PANEL_KEY: True} if panel_open else None)
    assert not at.exception
    return at


@pytest.fixture
def lab() -> AppTest:
    return _open()


def _run(at: AppTest):
    return at.session_state["lab_run"]


def _editor_spec(at: AppTest) -> dict:
    chart = next(c for c in at.get("plotly_chart") if CHART in c.proto.id)
    return json.loads(chart.proto.spec)


def _click(at: AppTest, kind: int, index: int, x: float, y: float) -> AppTest:
    """Click a marker of the points editor: what the browser sends for a points selection."""
    chart = next(c for c in at.get("plotly_chart") if CHART in c.proto.id)
    point = {"x": x, "y": y, "customdata": [kind, index], "curve_number": 0, "point_index": 0}
    selection = {"selection": {"points": [point], "point_indices": [0], "box": [], "lasso": []}}
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=chart.proto.id, string_value=json.dumps(selection)))
    at._run(states)
    assert not at.exception
    return at


def _add(at: AppTest, x: float, y: float) -> AppTest:
    return _click(at, KIND_TARGET, -1, x, y)


def _texts(at: AppTest, kind: str) -> list[str]:
    return [element.value for element in at.get(kind)]


def test_a_click_on_the_plane_adds_a_point_of_the_chosen_class(lab):
    before = _run(lab).dataset
    lab.radio(key="lab_points_class").set_value("class 1")
    _add(lab, 0.25, -0.5)
    data = _run(lab).dataset
    assert data.n_samples == before.n_samples + 1
    np.testing.assert_array_equal(data.X[-1], [0.25, -0.5])
    assert data.Y[-1, 0] == 1.0
    assert _run(lab).trainer.updates == 0  # a fresh run on the new data
    names = [trace["name"] for trace in _editor_spec(lab)["data"]]
    assert "class 1 (your points)" in names
    text = encode_edits(lab.session_state["lab_points_edits"])
    assert lab.query_params["lab_points"] == text
    assert any(f"lab_points={text}" in code.value for code in lab.code)  # Share this view


def test_added_and_removed_points_survive_a_rerun_and_training(lab):
    _add(lab, 0.25, -0.5)
    _click(lab, KIND_GENERATED, 5, 0.0, 0.0)
    data = _run(lab).dataset
    generated = make_dataset("moons", 200, 0.1, 0)
    expected = np.vstack([np.delete(generated.X, 5, axis=0), [[0.25, -0.5]]])
    np.testing.assert_array_equal(data.X, expected)
    lab.button(key="lab_epoch").click().run()
    lab.run()
    assert _run(lab).dataset.n_samples == 200 and _run(lab).trainer.updates > 0
    np.testing.assert_array_equal(_run(lab).dataset.X, expected)


def test_clicking_an_added_point_removes_it(lab):
    _add(lab, 0.25, -0.5)
    _add(lab, 1.0, 1.0)
    _click(lab, KIND_ADDED, 0, 0.25, -0.5)
    assert lab.session_state["lab_points_edits"].added == ((1.0, 1.0, 0.0),)
    assert _run(lab).dataset.n_samples == 201


def test_noise_and_test_fraction_keep_working_on_edited_data(lab):
    _add(lab, 0.25, -0.5)
    lab.slider(key="lab_noise").set_value(0.5).run()
    data = _run(lab).dataset
    np.testing.assert_array_equal(data.X[:200], make_dataset("moons", 200, 0.5, 0).X)
    np.testing.assert_array_equal(data.X[-1], [0.25, -0.5])
    lab.slider(key="lab_test").set_value(0.5).run()
    assert len(_run(lab).split.X_test) == 100


def test_clear_asks_for_points_and_one_class_explains_accuracy(lab):
    lab.button(key="lab_points_clear").click().run()
    assert any("at least 4" in text for text in _texts(lab, "error"))
    for k in range(4):
        _add(lab, k / 4, -k / 4)
    assert not _texts(lab, "error")
    assert _run(lab).dataset.n_samples == 4
    assert any("same class" in text for text in _texts(lab, "info"))
    lab.button(key="lab_epoch").click().run()
    assert not lab.exception and _run(lab).trainer.updates > 0


def test_regenerate_draws_new_data_and_keeps_the_added_points(lab):
    _add(lab, 0.25, -0.5)
    _click(lab, KIND_GENERATED, 5, 0.0, 0.0)
    lab.button(key="lab_points_regenerate").click().run()
    assert lab.number_input(key="lab_seed").value == 1
    data = _run(lab).dataset
    np.testing.assert_array_equal(data.X[:200], make_dataset("moons", 200, 0.1, 1).X)
    np.testing.assert_array_equal(data.X[200:], [[0.25, -0.5]])
    lab.button(key="lab_points_undo").click().run()
    assert _run(lab).dataset.n_samples == 200
    assert "lab_points" not in lab.query_params


def test_a_shared_link_reproduces_the_edited_data(lab):
    lab.radio(key="lab_points_class").set_value("class 1")
    _add(lab, 0.25, -0.5)
    _click(lab, KIND_GENERATED, 7, 0.0, 0.0)
    params = dict(lab.query_params)
    opened = _open(params)
    np.testing.assert_array_equal(_run(opened).dataset.X, _run(lab).dataset.X)
    np.testing.assert_array_equal(_run(opened).dataset.Y, _run(lab).dataset.Y)
    assert not _texts(opened, "warning")
    shared = next(code.value for code in opened.code if code.value.startswith("?"))
    assert f"lab_points={params['lab_points']}" in shared  # the Share this view link


def test_three_classes_take_the_chosen_class(lab):
    lab.selectbox(key="lab_dataset").set_value(DATASET_LABELS["three_blobs"]).run()
    lab.radio(key="lab_points_class").set_value("class 2")
    _add(lab, 0.5, 0.5)
    np.testing.assert_array_equal(_run(lab).dataset.Y[-1], [0.0, 0.0, 1.0])
    lab.selectbox(key="lab_dataset").set_value(DATASET_LABELS["moons"]).run()
    assert lab.radio(key="lab_points_class").value == "class 0"  # moons have no class 2
    _add(lab, 0.5, 0.5)
    assert _run(lab).dataset.Y[-1, 0] == 0.0


def test_a_link_to_sine_points_reproduces_them():
    edits = add_point(remove_generated(NO_EDITS, 3), (1.5, 2.0), 100)
    at = _open({"lab_dataset": DATASET_LABELS["sine"], "lab_points": encode_edits(edits)})
    expected = apply_edits(make_dataset("sine", 200, 0.1, 0), edits)
    np.testing.assert_array_equal(_run(at).dataset.X, expected.X)
    np.testing.assert_array_equal(_run(at).dataset.Y, expected.Y)
    _add(at, -1.0, 0.5)
    np.testing.assert_array_equal(_run(at).dataset.Y[-1], [0.5])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"lab_points": "not-points"}, "could not be read"),
        ({"lab_points": encode_edits(PointEdits(added=((0.0, 0.0, 5.0),)))}, "class"),
        (
            {"lab_dataset": DATASET_LABELS["sine"],
             "lab_points": encode_edits(PointEdits(added=((0.0, 0.0, 1.0),)))},
            "other data",
        ),
    ],
    ids=["unreadable", "no-such-class", "other-data"],
)  # fmt: skip
def test_a_tampered_link_says_so_and_uses_the_generated_data(params, message):
    at = _open(params)
    assert any(message in text for text in _texts(at, "warning"))
    assert not _texts(at, "error")
    assert _run(at).dataset.n_samples == 200
    assert "lab_points" not in at.query_params
    warning = next(w for w in at.warning if message in w.value)
    assert "expander" not in [e.type for e in _ancestors(at, warning)]  # visible


def _ancestors(at: AppTest, element) -> list:
    """The containers `element` is drawn in, outermost first."""
    path = []

    def walk(node, trail) -> bool:
        if node is element:
            path.extend(trail)
            return True
        children = getattr(node, "children", None) or {}
        return any(walk(child, [*trail, node]) for child in children.values())

    walk(at.main, [])
    return path


def test_too_many_points_for_a_link_offer_a_csv_that_loads_back(lab):
    edits = NO_EDITS
    for k in range(60):
        edits = add_point(edits, (k / 30 - 1, (k * 7 % 13) / 6 - 1, k % 2), 200)
    lab.session_state["lab_points_edits"] = edits
    lab.run()
    assert any("no longer fit in a shared link" in text for text in _texts(lab, "warning"))
    assert "lab_points" not in lab.query_params
    labels = [button.proto.label for button in lab.get("download_button")]
    assert "Download the data (CSV)" in labels
    data = _run(lab).dataset
    lab.selectbox(key="lab_dataset").set_value("Upload a CSV file").run()
    lab.file_uploader(key="lab_csv").set_value(
        ("moons_points.csv", dataset_csv(data).encode(), "text/csv")
    )
    lab.run()
    assert not _texts(lab, "error")
    np.testing.assert_allclose(_run(lab).dataset.X, data.X)
    np.testing.assert_allclose(_run(lab).dataset.Y, data.Y)


def test_at_the_cap_a_click_shows_the_limit_not_an_error(lab):
    full = PointEdits(added=tuple((0.0, 0.0, 0.0) for _ in range(limits.MAX_ADDED_POINTS)))
    lab.session_state["lab_points_edits"] = full
    lab.run()
    _add(lab, 0.5, 0.5)
    assert lab.session_state["lab_points_edits"] == full
    assert any("remove one" in text for text in _texts(lab, "info"))
    assert not _texts(lab, "error")


def test_data_without_a_plane_explains_why_points_cannot_be_clicked(lab):
    lab.selectbox(key="lab_dataset").set_value(DATASET_LABELS["housing"]).run()
    assert not any(CHART in c.proto.id for c in lab.get("plotly_chart"))
    assert any("need data you can click on" in text for text in _texts(lab, "caption"))


def test_changing_the_dataset_drops_points_made_for_the_old_one(lab):
    _add(lab, 0.25, -0.5)
    lab.selectbox(key="lab_dataset").set_value(DATASET_LABELS["circles"]).run()
    assert _run(lab).dataset.n_samples == 200
    assert "lab_points" not in lab.query_params


def test_play_trains_on_the_edited_data(lab):
    _add(lab, 0.25, -0.5)
    lab.button(key="lab_play").click().run()
    lab.run()
    assert not lab.exception
    assert _run(lab).trainer.updates > 0 and _run(lab).dataset.n_samples == 201


def test_the_editor_is_built_only_while_its_panel_is_open():
    closed = _open(panel_open=False)
    assert not [c for c in closed.get("plotly_chart") if c.proto.id and CHART in c.proto.id]
    assert len(closed.get("plotly_chart")) == 6  # the lab's own views only
    closed.session_state[PANEL_KEY] = True
    opened = closed.run()
    assert len(opened.get("plotly_chart")) == 7 and not opened.exception
