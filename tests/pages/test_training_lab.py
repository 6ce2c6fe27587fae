"""AppTest: the training lab page, driven like a visitor would, checked against the engine."""

import base64
import json
import math
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from engine.datasets import GENERATORS
from engine.optimizers import OPTIMIZERS
from engine.train import network_at
from lessons.training_lab.diagnosis import count_zero_weights, full_batch_gradients, zero_threshold
from lessons.training_lab.experiments import BY_KEY, EXPERIMENTS, is_loaded
from lessons.training_lab.history import norms_at, snapshot_at
from lessons.training_lab.plane import neuron_grid, output_grid, plane_grid
from lessons.training_lab.runs import build_run
from tests.apptest_helpers import elements_in_order, open_at
from viz import training_lab as charts
from viz.format import format_number
from viz.labels import DATASET_LABELS, OPTIMIZER_LABELS

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "app_pages/training_lab.py"


@pytest.fixture
def lab() -> AppTest:
    at = open_at(PAGE)
    assert not at.exception
    return at


def _run(at: AppTest):
    return at.session_state["lab_run"]


def _metric(at: AppTest, label_start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label_start))


def _chart(at: AppTest, key: str) -> dict:
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        if chart.proto.id and key in chart.proto.id:
            return spec
    raise AssertionError(f"no chart with key {key}")


def _errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def _array(value) -> np.ndarray:
    """A figure array from its JSON: a list, or Plotly's typed array {dtype, bdata, shape}."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        return flat.reshape([int(n) for n in shape.split(",")]) if shape else flat
    return np.array(value, dtype=float)


def _assert_finite_json(value) -> None:
    """No NaN or infinity anywhere in a figure's data (JSON null is allowed for gaps)."""
    if isinstance(value, float):
        assert math.isfinite(value)
    elif isinstance(value, dict) and "bdata" in value:
        assert np.all(np.isfinite(_array(value)))
    elif isinstance(value, dict):
        for item in value.values():
            _assert_finite_json(item)
    elif isinstance(value, list):
        for item in value:
            _assert_finite_json(item)


def test_page_starts_untrained_with_every_view(lab):
    run = _run(lab)
    assert run.trainer.updates == 0
    assert _metric(lab, "Updates") == "0"
    assert _metric(lab, "Train loss") == format_number(run.history.train_loss[0])
    keys = [chart.proto.id for chart in lab.get("plotly_chart")]
    for name in ("loss", "prediction", "network", "neuron", "gradients", "distributions"):
        assert any(f"lab_chart_{name}" in key for key in keys), name


@pytest.mark.parametrize("dataset", list(GENERATORS))
def test_every_dataset_trains_like_the_engine(lab, dataset):
    lab.selectbox(key="lab_dataset").set_value(DATASET_LABELS[dataset]).run()
    lab.button(key="lab_step").click().run()
    lab.button(key="lab_epoch").click().run()
    assert not lab.exception
    assert not _errors(lab)
    run = _run(lab)
    assert run.dataset.name == dataset
    assert run.trainer.updates == run.trainer.updates_per_epoch  # one step, then to epoch end
    reference = build_run(run.settings)
    reference.trainer.run_epoch()
    np.testing.assert_array_equal(run.history.train_loss, reference.history.train_loss)
    assert _metric(lab, "Updates") == f"{run.trainer.updates:,}"


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_every_optimizer_trains_and_lowers_the_loss(lab, optimizer):
    lab.selectbox(key="lab_optimizer").set_value(OPTIMIZER_LABELS[optimizer]).run()
    lab.select_slider(key="lab_lr").set_value(0.03).run()
    for _ in range(3):
        lab.button(key="lab_epoch").click().run()
    assert not lab.exception
    run = _run(lab)
    assert run.trainer.config.optimizer == optimizer
    assert run.trainer.updates == 3 * run.trainer.updates_per_epoch
    assert run.history.train_loss[-1] < run.history.train_loss[0]


def test_play_trains_on_each_rerun_and_pause_stops(lab):
    lab.button(key="lab_play").click().run()
    assert lab.session_state["lab_playing"] is True
    first = _run(lab).trainer.updates
    assert first > 0
    lab.run()  # a timed redraw of the playing fragment
    second = _run(lab).trainer.updates
    assert second > first
    lab.button(key="lab_play").click().run()  # now labelled Pause
    assert lab.session_state["lab_playing"] is False
    paused = _run(lab).trainer.updates
    lab.run()
    assert _run(lab).trainer.updates == paused
    assert _metric(lab, "Updates") == f"{paused:,}"


def test_step_makes_exactly_one_update_and_reset_restores_the_initial_network(lab):
    initial = [W.copy() for W in _run(lab).net.weights]
    lab.button(key="lab_step").click().run()
    assert _run(lab).trainer.updates == 1
    assert not np.allclose(_run(lab).net.weights[0], initial[0])
    lab.button(key="lab_reset").click().run()
    run = _run(lab)
    assert run.trainer.updates == 0
    for W, W0 in zip(run.net.weights, initial, strict=True):
        np.testing.assert_array_equal(W, W0)


def test_unrelated_widgets_do_not_train_or_reset(lab):
    lab.button(key="lab_epoch").click().run()
    trained = _run(lab)
    updates = trained.trainer.updates
    lab.select_slider(key="lab_speed").set_value(50).run()
    lab.selectbox(key="lab_neuron").set_value((1, 3)).run()
    lab.run()
    assert _run(lab) is trained
    assert trained.trainer.updates == updates


def test_changing_a_set_up_value_gives_a_fresh_untrained_network(lab):
    lab.button(key="lab_epoch").click().run()
    assert _run(lab).trainer.updates > 0
    lab.slider(key="lab_noise").set_value(0.3).run()
    run = _run(lab)
    assert run.trainer.updates == 0
    assert run.settings.noise == 0.3


def test_identical_settings_reproduce_identical_curves():
    curves = []
    for _ in range(2):
        at = AppTest.from_file(APP, default_timeout=60).run()
        at.switch_page(PAGE).run()
        at.selectbox(key="lab_dataset").set_value("Spiral").run()
        at.selectbox(key="lab_optimizer").set_value("Adam").run()
        at.button(key="lab_epoch").click().run()
        at.button(key="lab_epoch").click().run()
        curves.append(_chart(at, "lab_chart_loss"))
    assert curves[0]["data"] == curves[1]["data"]


def test_history_slider_shows_the_recorded_state(lab):
    for _ in range(4):
        lab.button(key="lab_epoch").click().run()
    run = _run(lab)
    assert run.trainer.updates == 20
    lab.select_slider(key="lab_time").set_value(5).run()
    assert _metric(lab, "Train loss (update 5)") == format_number(run.history.train_loss[5])
    # The boundary is drawn from the parameters recorded after update 5, not the live ones.
    past = network_at(run.net, snapshot_at(run.history, 5))
    assert snapshot_at(run.history, 5).update == 5
    grid = plane_grid(run.split)
    heatmap = _chart(lab, "lab_chart_prediction")["data"][0]
    np.testing.assert_allclose(_array(heatmap["z"]), output_grid(past, grid)[0], atol=1e-6)
    live = output_grid(run.net, grid)[0]
    assert not np.allclose(_array(heatmap["z"]), live)
    # The loss chart marks the shown update.
    shapes = _chart(lab, "lab_chart_loss")["layout"]["shapes"]
    assert shapes[0]["x0"] == 5


def test_divergent_learning_rate_stops_with_a_message_and_draws_no_nan(lab):
    lab.selectbox(key="lab_dataset").set_value("Sine (1-D regression)").run()
    lab.select_slider(key="lab_lr").set_value(100.0).run()
    for _ in range(5):
        if lab.button(key="lab_epoch").disabled:
            break
        lab.button(key="lab_epoch").click().run()
    assert not lab.exception
    run = _run(lab)
    assert run.history.diverged
    message = " ".join(_errors(lab))
    assert f"diverged at update {run.history.diverged_at}" in message
    assert "smaller" in message and "learning rate" in message
    for key in ("lab_play", "lab_step", "lab_epoch"):
        assert lab.button(key=key).disabled  # only Reset (or a new set-up) goes on
    # (The network graph is left out: NaN there separates line segments, by design.)
    for name in ("loss", "prediction", "gradients", "distributions"):
        _assert_finite_json(_chart(lab, f"lab_chart_{name}")["data"])
    lab.button(key="lab_reset").click().run()
    assert _run(lab).trainer.updates == 0
    assert not _run(lab).history.diverged


def _upload(lab: AppTest, content: bytes, name: str = "data.csv") -> None:
    lab.selectbox(key="lab_dataset").set_value("Upload a CSV file").run()
    lab.file_uploader(key="lab_csv").set_value((name, content, "text/csv"))
    lab.run()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"x,y\n1,2\nabc,3\n2,4\n5,6\n", "not a number"),
        (b"x\n1\n2\n3\n4\n", "at least two columns"),
        (b"x,y\n1,2\n2,\n3,4\n5,6\n", "is empty"),
        (b"x,y\n" + b"1.000000,2.000000\n" * 60_000, "bytes"),
        (b",,,\n,,,\n", "header row"),
        (b"\xff\xfe\x00", "UTF-8"),
    ],
    ids=[
        "empty",
        "non-numeric",
        "no-target-column",
        "missing-target-value",
        "too-large",
        "separators-only",
        "not-text",
    ],  # fmt: skip
)
def test_bad_csv_files_get_a_clear_message(lab, content, expected):
    before = _run(lab)
    _upload(lab, content)
    assert not lab.exception
    errors = _errors(lab)
    assert errors and expected in errors[0]
    assert _run(lab) is before  # the last valid run is kept


def test_a_good_csv_trains_with_the_chosen_target(lab):
    rows = "\n".join(f"{i % 7},{i % 3},{2 * (i % 7) - (i % 3)}" for i in range(60))
    _upload(lab, f"a,b,price\n{rows}\n".encode())
    assert not _errors(lab)
    assert lab.selectbox(key="lab_target").value == "price"
    lab.button(key="lab_epoch").click().run()
    run = _run(lab)
    assert run.dataset.feature_names == ("a", "b")
    assert run.task == "regression"
    assert run.trainer.updates == run.trainer.updates_per_epoch
    # Predicted-versus-true is drawn in the file's own units (the scaler undone).
    spec = _chart(lab, "lab_chart_prediction")
    true_values = np.concatenate([_array(t["x"]) for t in spec["data"][1:]])
    prices = [2 * (i % 7) - (i % 3) for i in range(60)]
    np.testing.assert_allclose(np.sort(true_values), np.sort(prices), atol=1e-9)
    lab.selectbox(key="lab_target").set_value("a").run()
    assert _run(lab).dataset.target_names == ("a",)
    assert _run(lab).trainer.updates == 0


def _lab_from_link(params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    return at


def test_a_shared_link_reproduces_the_set_up():
    at = _lab_from_link(
        {"lab_dataset": "Spiral", "lab_layers": "2", "lab_units_2": "5", "lab_lr": "0.03",
         "lab_optimizer": "Adam", "lab_act_1": "relu"}
    )  # fmt: skip
    assert not at.exception
    settings = _run(at).settings
    assert settings.dataset == "spiral"
    assert settings.hidden_units == (8, 5)
    assert settings.hidden_activations == ("relu", "tanh")
    assert settings.learning_rate == 0.03 and settings.optimizer == "adam"
    assert _run(at).trainer.updates == 0  # opening a link never trains
    assert not any("This link asked" in w.value for w in at.warning)  # every value accepted


def test_tampered_link_values_are_ignored():
    at = _lab_from_link(
        {"lab_units_1": "999", "lab_lr": "abc", "lab_dataset": "<script>", "lab_seed": "-5"}
    )
    assert not at.exception
    settings = _run(at).settings
    assert settings.hidden_units == (8,)
    assert settings.learning_rate == 0.1 and settings.dataset == "moons" and settings.seed == 0


@pytest.mark.parametrize(
    ("widget", "key", "value"),
    [
        ("slider", "lab_layers", 0),  # no hidden layer: logistic regression
        ("slider", "lab_layers", 6),
        ("selectbox", "lab_init", "zeros"),
        ("select_slider", "lab_batch", 2000),  # full batch
        ("slider", "lab_test", 0.0),  # no test rows
        ("select_slider", "lab_l2", 1.0),
    ],
)
def test_unusual_set_ups_train_without_errors(lab, widget, key, value):
    getattr(lab, widget)(key=key).set_value(value).run()
    lab.button(key="lab_epoch").click().run()
    assert not lab.exception
    assert not _errors(lab)
    run = _run(lab)
    assert run.trainer.updates == run.trainer.updates_per_epoch
    assert "undefined" not in [m.value for m in lab.metric]


def test_zero_initialisation_is_explained_in_the_gradient_view(lab):
    lab.selectbox(key="lab_init").set_value("zeros").run()
    lab.button(key="lab_step").click().run()
    warnings = " ".join(w.value for w in lab.warning)
    assert "Vanishing" in warnings or "exactly 0" in warnings
    assert "zero" in warnings.lower() and "Xavier" in warnings


def test_play_stops_by_itself_when_the_last_epoch_ends(lab):
    lab.number_input(key="lab_epochs").set_value(2).run()
    lab.select_slider(key="lab_speed").set_value(500).run()
    lab.button(key="lab_play").click().run()
    assert not lab.exception
    run = _run(lab)
    assert run.trainer.updates == run.trainer.total_updates == 2 * run.trainer.updates_per_epoch
    assert lab.session_state["lab_playing"] is False
    assert lab.button(key="lab_play").label == "Play" and lab.button(key="lab_play").disabled
    assert any("Finished" in s.value for s in lab.success)


def test_coming_back_to_the_page_does_not_resume_training(lab):
    lab.button(key="lab_play").click().run()
    assert lab.session_state["lab_playing"] is True
    lab.switch_page("app_pages/home.py").run()
    updates = _run(lab).trainer.updates
    lab.switch_page(PAGE).run()
    assert lab.session_state["lab_playing"] is False
    assert _run(lab).trainer.updates == updates  # the trained run is kept, not retrained
    assert updates > 0


def test_every_chart_has_a_text_alternative_from_the_shown_state(lab):
    lab.button(key="lab_epoch").click().run()
    run, history, net = _run(lab), _run(lab).history, _run(lab).net
    n = run.trainer.updates
    types = [element.type for element in elements_in_order(lab)]
    charts_at = [i for i, kind in enumerate(types) if kind == "plotly_chart"]
    assert len(charts_at) == 6  # the six views (the points editor waits for its panel to open)
    for i in charts_at:  # the text alternative is the caption right under its chart
        assert types[i + 1] == "caption"
    captions = [c.value for c in lab.caption]
    loss_text = next(c for c in captions if c.startswith("Train loss"))
    assert format_number(history.train_loss[n]) in loss_text
    assert format_number(history.test_loss[n]) in loss_text
    assert f"after {n:,} updates" in loss_text
    assert f"{format_number(100 * history.test_accuracy[n])}%" in loss_text
    expected = {
        "prediction": charts.boundary_alt(
            ("class 0", "class 1"), float(history.train_accuracy[n]), n
        ),
        "network": charts.network_alt(net.layer_sizes, net.weights, n),
        "neuron": charts.neuron_alt(
            "hidden layer 1, unit 1", neuron_grid(net, plane_grid(run.split), 1, 0), n
        ),
        "gradients": charts.gradient_flow_alt(norms_at(history, n), n),
        "distributions": charts.distributions_alt(
            net.weights, full_batch_gradients(net, run.split, run.trainer.config.l2), n
        ),
    }
    for name, text in expected.items():
        assert text in captions, name


def test_loss_chart_has_a_fixed_update_axis_and_presenter_sizing_applies_once(lab):
    run = _run(lab)
    loss = _chart(lab, "lab_chart_loss")["layout"]
    assert loss["xaxis"]["range"] == [0, run.trainer.total_updates]
    assert loss["xaxis"]["automargin"] is False
    assert _chart(lab, "lab_chart_prediction")["layout"]["height"] == 420
    lab.toggle(key="presenter").set_value(True).run()
    assert not lab.exception
    for name in ("prediction", "network", "gradients", "distributions"):
        layout = _chart(lab, f"lab_chart_{name}")["layout"]
        assert layout["height"] == int(420 * 1.25), name  # enlarged once, not twice
        assert layout["font"]["size"] == 20, name


def _player(at: AppTest) -> dict | None:
    components = at.get("bidi_component")
    return json.loads(components[0].proto.json) if components else None


def test_play_sends_chunks_of_frames_to_the_player_and_pause_brings_the_charts_back(lab):
    assert _player(lab) is None
    lab.button(key="lab_play").click().run()
    first = _player(lab)
    run = _run(lab)
    assert first["frames"][-1]["update"] == run.trainer.updates > 0
    assert len(first["frames"]) == 12  # 6 frames a second over a 2-s chunk
    keys = [chart.proto.id for chart in lab.get("plotly_chart")]
    assert not any("lab_chart_network" in key for key in keys)  # the player draws it meanwhile
    lab.run()  # the next timed chunk
    second = _player(lab)
    assert second["chunk"] == first["chunk"] + 1
    assert second["frames"][0]["update"] > first["frames"][-1]["update"]
    assert second["frames"][-1]["update"] == _run(lab).trainer.updates
    lab.button(key="lab_play").click().run()  # Pause
    assert _player(lab) is None
    keys = [chart.proto.id for chart in lab.get("plotly_chart")]
    assert any("lab_chart_network" in key for key in keys)


def test_feature_toggles_change_the_input_layer_and_label_the_graph_by_formula(lab):
    lab.selectbox(key="lab_dataset").set_value(DATASET_LABELS["spiral"]).run()
    lab.multiselect(key="lab_features").set_value(["x1", "x2", "sin(x1)", "sin(x2)"]).run()
    assert not lab.exception
    run = _run(lab)
    assert run.settings.features == ("x1", "x2", "sin(x1)", "sin(x2)")
    assert run.net.layer_sizes[0] == 4 and run.trainer.updates == 0
    graph = json.dumps(_chart(lab, "lab_chart_network"))
    assert "sin(x1)" in graph and "sin(x2)" in graph
    lab.multiselect(key="lab_features").set_value(["x1²"]).run()
    assert _run(lab).net.layer_sizes[0] == 1
    lab.button(key="lab_epoch").click().run()
    assert not lab.exception and _run(lab).trainer.updates > 0


def test_features_are_disabled_with_a_reason_for_one_input_data(lab):
    lab.multiselect(key="lab_features").set_value(["x1", "x2", "x1·x2"]).run()
    assert _run(lab).net.layer_sizes[0] == 3
    lab.selectbox(key="lab_dataset").set_value(DATASET_LABELS["sine"]).run()
    assert not lab.exception
    assert lab.multiselect(key="lab_features").disabled
    assert any("exactly 2 inputs" in c.value for c in lab.caption)
    assert _run(lab).settings.features == ("x1", "x2") and _run(lab).net.layer_sizes[0] == 1


def test_a_shared_link_with_features_reproduces_them():
    at = _lab_from_link({"lab_dataset": "Circles", "lab_features": ["x1²", "x2²"]})
    assert not at.exception
    assert _run(at).settings.features == ("x1^2", "x2^2")


@pytest.mark.parametrize("key", [e.key for e in EXPERIMENTS])
def test_loading_an_experiment_sets_every_widget_to_its_settings(lab, key):
    experiment = BY_KEY[key]
    lab.selectbox(key="lab_experiment").set_value(experiment.title).run()
    lab.button(key="lab_experiment_load").click().run()
    assert not lab.exception and not _errors(lab)
    assert is_loaded(experiment, _run(lab).settings)
    assert any(experiment.question in i.value for i in lab.info)
    assert not any(experiment.explanation in s.value for s in lab.success)  # not before the run


def test_an_experiment_reveals_its_explanation_after_the_run(lab):
    experiment = BY_KEY["circle_squares"]
    lab.selectbox(key="lab_experiment").set_value(experiment.title).run()
    lab.button(key="lab_experiment_load").click().run()
    lab.button(key="lab_play").click().run()
    for _ in range(30):
        if not lab.session_state["lab_playing"]:
            break
        lab.run()
    run = _run(lab)
    assert run.trainer.finished and run.trainer.updates == run.trainer.total_updates
    assert any(experiment.explanation in s.value for s in lab.success)
    assert float(run.history.train_accuracy[-1]) == 1.0  # the claim, on the page's own run


def test_discretise_and_show_test_change_the_boundary_chart(lab):
    lab.button(key="lab_epoch").click().run()
    names = [trace.get("name", "") for trace in _chart(lab, "lab_chart_prediction")["data"]]
    assert any("(test)" in name for name in names)
    lab.toggle(key="lab_discretise").set_value(True).run()
    lab.toggle(key="lab_show_test").set_value(False).run()
    assert not lab.exception
    figure = _chart(lab, "lab_chart_prediction")
    shading = _array(figure["data"][0]["z"])
    assert set(np.unique(shading).tolist()) <= {0.0, 1.0}  # hard classes, no probabilities
    run = _run(lab)
    grid = plane_grid(run.split, features=run.features)
    expected = (output_grid(run.net, grid)[0] > 0.5).astype(float)
    np.testing.assert_array_equal(shading.reshape(expected.shape), expected)
    assert not any("(test)" in trace.get("name", "") for trace in figure["data"])
    assert _run(lab).trainer.updates == run.trainer.updates  # view options never retrain


def test_l1_counts_the_weights_at_zero_under_the_graph(lab):
    lab.select_slider(key="lab_l1").set_value(0.1).run()
    for _ in range(4):
        lab.button(key="lab_epoch").click().run()
    assert not lab.exception
    run = _run(lab)
    threshold = zero_threshold(run.settings)
    n_zero, n_total = count_zero_weights(run.net.weights, threshold)
    assert n_total == 2 * 8 + 8 and 0 < n_zero
    captions = " ".join(c.value for c in lab.caption)
    assert f"{n_zero} of {n_total} weights are zero" in captions or f"All {n_total}" in captions
    names = [trace.get("name") for trace in _chart(lab, "lab_chart_network")["data"]]
    assert "weight at zero" in names


def test_the_network_graph_has_a_thumbnail_for_every_neuron(lab):
    figure = _chart(lab, "lab_chart_network")
    images = figure["layout"]["images"]
    assert len(images) == 8 + 1  # 8 hidden units and the output
    assert all(image["source"].startswith("data:image/png;base64,") for image in images)


def test_play_stops_cleanly_when_the_scenario_changes(lab):
    lab.button(key="lab_play").click().run()
    assert lab.session_state["lab_playing"] is True and _player(lab) is not None
    lab.selectbox(key="lab_dataset").set_value(DATASET_LABELS["circles"]).run()
    assert not lab.exception
    assert lab.session_state["lab_playing"] is False and _player(lab) is None
    assert _run(lab).settings.dataset == "circles" and _run(lab).trainer.updates == 0
    lab.run()  # no timer left: nothing trains
    assert _run(lab).trainer.updates == 0


def test_a_two_unit_hidden_layer_gets_the_hidden_space_plot(lab):
    assert not any("lab_chart_hidden_space" in c.proto.id for c in lab.get("plotly_chart"))
    lab.slider(key="lab_units_1").set_value(2).run()
    lab.button(key="lab_epoch").click().run()
    assert not lab.exception
    run = _run(lab)
    figure = _chart(lab, "lab_chart_hidden_space")
    trace = run.net.compute_trace(run.split.X_train, run.split.Y_train)
    train = [t for t in figure["data"] if t.get("name", "").endswith("(train)")]
    shown = np.vstack([np.column_stack([_array(t["x"]), _array(t["y"])]) for t in train])
    expected = trace.layers[0].a
    assert shown.shape == expected.shape
    np.testing.assert_allclose(np.sort(shown, axis=0), np.sort(expected, axis=0))
    assert any(t.get("name") == "output's boundary (z = 0)" for t in figure["data"])


def test_a_pinned_loss_curve_stays_in_the_chart_for_the_next_run(lab):
    lab.button(key="lab_epoch").click().run()
    first = _run(lab).history.train_loss.copy()
    lab.button(key="lab_pin").click().run()
    lab.select_slider(key="lab_lr").set_value(0.01).run()  # a new, untrained run
    lab.button(key="lab_epoch").click().run()
    assert not lab.exception
    traces = {t.get("name", ""): t for t in _chart(lab, "lab_chart_loss")["data"]}
    pinned = next(t for name, t in traces.items() if name.startswith("pinned train loss"))
    assert "lr 0.1" in pinned["name"]
    np.testing.assert_allclose(_array(pinned["y"]), first)
    assert not np.allclose(_array(traces["train loss"]["y"]), first)  # the new run's own curve
    lab.button(key="lab_unpin").click().run()
    names = [t.get("name", "") for t in _chart(lab, "lab_chart_loss")["data"]]
    assert not any(name.startswith("pinned") for name in names)


def test_train_n_epochs_trains_exactly_that_many_and_shows_its_progress(lab):
    lab.number_input(key="lab_train_n").set_value(3).run()
    lab.button(key="lab_train").click().run()
    assert not lab.exception
    run = _run(lab)
    assert run.trainer.updates == 3 * run.trainer.updates_per_epoch
    reference = build_run(run.settings)
    reference.trainer.step(3 * run.trainer.updates_per_epoch)
    np.testing.assert_array_equal(run.history.train_loss, reference.history.train_loss)
    assert _metric(lab, "Updates") == f"{run.trainer.updates:,}"
    lab.number_input(key="lab_train_n").set_value(5000).run()
    lab.button(key="lab_train").click().run()  # stops at the last epoch, not beyond
    assert _run(lab).trainer.updates == _run(lab).trainer.total_updates
    assert lab.button(key="lab_train").disabled
