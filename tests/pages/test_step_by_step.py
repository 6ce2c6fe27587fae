"""The step-by-step page under AppTest: what it shows is what the engine computes."""

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from engine import numerical_weight_gradient
from lessons.step_by_step import StepPage, stepper
from lessons.step_by_step.phases import phase_sequence
from lessons.step_by_step.presets import housing_scenario, textbook_222, xor_scenario
from tests.apptest_helpers import app_test, chart_captions, open_at
from viz.format import format_number
from viz.step_by_step.equations import latex_number

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "app_pages/step_by_step.py"
PRESET_TITLES = {
    "textbook": "Textbook 2-2-2",
    "xor": "XOR",
    "housing": "House price",
    "custom": "Custom",
}  # the scenario selectbox's labels, which are also its URL values


def _open(query: dict | None = None) -> AppTest:
    at = open_at(PAGE, query)
    assert not at.exception, at.exception
    return at


def _page(at) -> StepPage:
    return at.session_state["_step_page"]


def _state(at) -> stepper.StepperState:
    return _page(at).stepper


def _figure(at) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def _trace_of(name: str):
    scenario = {"textbook": textbook_222, "xor": xor_scenario, "housing": housing_scenario}[name]()
    X, Y = scenario.X[:1], scenario.Y[:1]  # single-example mode shows the first row
    return scenario, scenario.network.compute_trace(X, Y, scenario.learning_rate)


def _latex(at) -> str:
    return " ".join(element.value for element in at.latex)


@pytest.mark.parametrize("preset", ["textbook", "xor", "housing", "custom"])
def test_page_loads_for_every_preset(preset):
    at = _open()
    at.selectbox(key="step_preset").set_value(PRESET_TITLES[preset]).run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert _state(at).phase == 0
    assert len(at.get("plotly_chart")) >= 1


def test_next_visits_every_phase_in_order_and_ends_with_the_engines_update():
    at = _open()
    scenario, trace = _trace_of("textbook")
    phases = phase_sequence(2)
    seen = []
    for _ in phases:
        seen.append(_state(at).phase)
        assert f"▶ {phases[_state(at).phase].short}" in " ".join(m.value for m in at.markdown)
        at.button(key="step_next").click().run()
        assert not at.exception
    assert seen == list(range(len(phases)))
    state = _state(at)
    assert state.step == 1 and state.phase == 0
    for W, b, layer in zip(state.weights, state.biases, trace.layers, strict=True):
        np.testing.assert_array_equal(W, layer.W_new)
        np.testing.assert_array_equal(b, layer.b_new)


def test_each_phase_shows_the_traces_numbers():
    at = _open()
    _, trace = _trace_of("textbook")
    hidden, output = trace.layers
    # Forward, hidden layer 1, unit 1
    assert f"= {latex_number(hidden.z[0, 0])}" in _latex(at)
    nodes = next(t for t in _figure(at)["data"] if t.get("name") == "neurons")
    assert format_number(hidden.a[0, 0], 3) in nodes["text"]
    at.button(key="step_next").click().run()  # forward, output
    at.button(key="step_next").click().run()  # loss
    assert f"L = {latex_number(trace.loss)}" in _latex(at)
    at.button(key="step_next").click().run()  # backward, output
    assert f"= {latex_number(output.delta[0, 0])}" in _latex(at)
    edges = next(t for t in _figure(at)["data"] if t.get("name") == "edges")
    assert edges["marker"]["colorbar"]["title"]["text"] == "dL/dw"
    # At the output's backward phase only the output layer's gradients exist yet.
    assert pytest.approx(sorted(edges["marker"]["color"])) == sorted(output.dW.ravel())
    at.button(key="step_next").click().run()  # backward, hidden layer: now every gradient
    edges = next(t for t in _figure(at)["data"] if t.get("name") == "edges")
    assert pytest.approx(sorted(edges["marker"]["color"])) == sorted(
        np.concatenate([hidden.dW.ravel(), output.dW.ravel()])
    )
    at.button(key="step_finish").click().run()  # update
    assert f"= {latex_number(output.W_new[0, 0])}" in _latex(
        at
    ) or f"= {latex_number(hidden.W_new[0, 0])}" in _latex(at)


def test_previous_and_undo_go_back():
    at = _open()
    at.button(key="step_next").click().run()
    at.button(key="step_next").click().run()
    at.button(key="step_prev").click().run()
    assert _state(at).phase == 1
    before = [W.copy() for W in _state(at).weights]
    at.button(key="step_train").click().run()
    assert _state(at).step == 1
    assert not np.array_equal(_state(at).weights[0], before[0])
    at.button(key="step_undo").click().run()
    assert _state(at).step == 0
    for W, W_before in zip(_state(at).weights, before, strict=True):
        np.testing.assert_array_equal(W, W_before)
    assert not at.exception


def test_reset_returns_to_the_start():
    at = _open()
    scenario, _ = _trace_of("textbook")
    at.button(key="step_train").click().run()
    at.button(key="step_next").click().run()
    at.button(key="step_reset").click().run()
    state = _state(at)
    assert state.step == 0 and state.phase == 0
    np.testing.assert_array_equal(state.weights[0], scenario.network.weights[0])


def test_history_records_the_loss_after_each_step():
    at = _open()
    at.button(key="step_train").click().run()
    at.button(key="step_train").click().run()
    scenario, _ = _trace_of("textbook")
    net = scenario.network.copy()
    net.train_step(scenario.X, scenario.Y, 0.5)
    net.train_step(scenario.X, scenario.Y, 0.5)
    history = _state(at).history
    assert [step for step, _ in history] == [0, 1, 2]
    assert history[-1][1] == pytest.approx(net.loss_value(scenario.X, scenario.Y))


def test_invalid_custom_network_shows_a_message_and_keeps_the_last_valid_one():
    at = _open()
    at.selectbox(key="step_preset").set_value("Custom").run()
    layers_before = _state(at).weights[0].shape
    at.selectbox(key="step_act_out").set_value("tanh").run()
    at.selectbox(key="step_loss").set_value("binary_cross_entropy").run()
    assert not at.exception
    assert any("sigmoid" in e.value for e in at.error)
    assert _state(at).weights[0].shape == layers_before
    assert len(at.get("plotly_chart")) >= 1


def test_custom_network_changes_shape():
    at = _open()
    at.selectbox(key="step_preset").set_value("Custom").run()
    at.number_input(key="step_hidden").set_value(2).run()
    at.number_input(key="step_units2").set_value(4).run()
    assert not at.exception
    assert [W.shape for W in _state(at).weights] == [(3, 2), (4, 3), (1, 4)]
    assert len(phase_sequence(3)) == 8
    for _ in range(8):
        at.button(key="step_next").click().run()
    assert not at.exception and _state(at).step == 1


def test_batch_mode_uses_every_row_and_says_so():
    at = _open()
    at.selectbox(key="step_preset").set_value("XOR").run()
    at.toggle(key="step_batch").set_value(True).run()
    scenario = xor_scenario()
    trace = scenario.network.compute_trace(scenario.X, scenario.Y, 0.5)
    assert any("mean over the batch" in i.value for i in at.info)
    at.button(key="step_finish").click().run()
    at.button(key="step_next").click().run()
    for W, layer in zip(_state(at).weights, trace.layers, strict=True):
        np.testing.assert_array_equal(W, layer.W_new)


def test_large_learning_rate_diverges_with_advice_and_no_exception():
    at = _open()
    at.selectbox(key="step_preset").set_value("House price").run()
    at.number_input(key="step_lr").set_value(100.0).run()
    for _ in range(12):
        at.button(key="step_train").click().run()
        assert not at.exception
    messages = " ".join(m.value for m in list(at.error) + list(at.warning))
    assert "learning rate" in messages and "Undo step" in messages
    assert "nan" not in " ".join(element.value for element in at.latex).lower()


def test_phase_and_steps_come_from_the_link():
    at = _open({"step_phase": "3", "step_n": "2"})
    state = _state(at)
    assert state.phase == 3 and state.step == 2
    assert at.query_params["step_phase"] == "3"


@pytest.mark.parametrize("bad", [{"step_phase": "99"}, {"step_phase": "abc"}, {"step_n": "-4"}])
def test_bad_link_values_are_clamped_with_a_note(bad):
    at = _open(bad)
    assert not at.exception
    assert any("link" in w.value for w in at.warning)
    assert 0 <= _state(at).phase < 6


def test_edited_tables_travel_in_the_link():
    scenario = textbook_222()
    net = scenario.network
    base = (scenario.X, scenario.Y, list(net.weights), list(net.biases))
    weights = [W.copy() for W in net.weights]
    weights[0][0, 0] = 0.9
    text = stepper.encode_tables((scenario.X, scenario.Y, weights, list(net.biases)), base)
    at = _open({"step_data": text})
    assert _state(at).weights[0][0, 0] == 0.9
    assert at.query_params["step_data"] == text


def test_a_tampered_table_link_is_ignored_with_a_note():
    at = _open({"step_data": "garbage!!"})
    assert not at.exception
    assert any("could not be read" in w.value for w in at.warning)
    np.testing.assert_array_equal(_state(at).weights[0], textbook_222().network.weights[0])


def test_presenter_mode_enlarges_the_graph():
    at = _open()
    normal = _figure(at)["layout"]["height"]
    at.session_state["presenter"] = True
    at.run()
    assert not at.exception
    assert _figure(at)["layout"]["height"] > normal


def test_weight_inspector_shows_the_chain_rule_of_the_chosen_weight():
    at = _open()
    scenario, trace = _trace_of("textbook")
    at.selectbox(key="step_w_layer").set_value(0).run()
    at.selectbox(key="step_w_to").set_value(1).run()
    at.selectbox(key="step_w_from").set_value(0).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["dL/dw (backprop)"] == format_number(trace.layers[0].dW[1, 0], 6)
    numerical = numerical_weight_gradient(scenario.network, scenario.X, scenario.Y, 0, 1, 0)
    assert metrics["dL/dw (finite difference)"] == format_number(numerical, 6)
    assert metrics["new w"] == format_number(trace.layers[0].W_new[1, 0])
    at.button(key="step_finish").click().run()  # the update phase shows the same weight
    assert f"= {latex_number(trace.layers[0].W_new[1, 0])}" in _latex(at)


def test_the_default_inspected_weight_is_in_the_output_layer():
    at = _open()
    _, trace = _trace_of("textbook")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["new w"] == format_number(trace.layers[1].W_new[0, 0])  # Mazur's w5


def _editor_key(at, suffix: str) -> str:
    return next(e.key for e in at.data_editor if e.key and e.key.endswith(suffix))


def _edit(at, suffix: str, edited_rows: dict) -> None:
    key = _editor_key(at, suffix)
    at.session_state[key] = {"edited_rows": edited_rows, "added_rows": [], "deleted_rows": []}
    at.run()


def test_an_edited_weight_restarts_the_step_from_it():
    at = _open()
    at.button(key="step_next").click().run()
    _edit(at, "_W0", {0: {"w from 1": 0.9}})
    assert not at.exception and not at.error
    state = _state(at)
    assert state.weights[0][0, 0] == 0.9 and state.phase == 0
    scenario = textbook_222()
    weights = [W.copy() for W in scenario.network.weights]
    weights[0][0, 0] = 0.9
    base = (scenario.X, scenario.Y, list(scenario.network.weights), list(scenario.network.biases))
    X, Y, W, b = stepper.decode_tables(at.query_params["step_data"], base)
    np.testing.assert_array_equal(W[0], weights[0])


@pytest.mark.parametrize("bad", [None, "abc", float("nan")])
def test_an_invalid_cell_shows_a_message_and_keeps_the_last_valid_values(bad):
    at = _open()
    _edit(at, "_X", {0: {"i2": bad}})
    assert not at.exception
    assert any("Inputs, row 1, column i2" in e.value for e in at.error)
    np.testing.assert_array_equal(_page(at).tables[0], textbook_222().X)
    assert len(at.get("plotly_chart")) >= 1


def _open_tab(at, name: str) -> None:
    at.session_state["step_tab"] = name
    at.run()
    assert not at.exception


def test_export_tab_offers_every_download_and_the_snippet():
    at = _open()
    _open_tab(at, "Export")
    labels = [button.proto.label for button in at.get("download_button")]
    assert labels == [
        "Step trace (JSON)",
        "Step trace (CSV)",
        "Weights (JSON)",
        "Equations (LaTeX)",
        "Python snippet",
    ]
    snippet = next(code.value for code in at.code if "Network.from_parameters" in code.value)
    assert "learning_rate=0.5" in snippet


def test_history_tab_plots_the_loss_after_each_step():
    at = _open()
    at.button(key="step_train").click().run()
    _open_tab(at, "History")
    history = next(
        json.loads(chart.proto.spec)
        for chart in at.get("plotly_chart")
        if '"loss"' in chart.proto.spec and "training step" in chart.proto.spec
    )
    losses = [loss for _, loss in _state(at).history]
    y = history["data"][0]["y"]
    if isinstance(y, dict):  # Plotly sends numeric arrays as base64 typed arrays
        y = np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).tolist()
    assert y == pytest.approx(losses)


def test_matrix_tab_shows_the_traces_matrices():
    at = _open()
    _, trace = _trace_of("textbook")
    _open_tab(at, "Matrix view")
    assert any("Batch form Z = A Wᵀ + b" in caption.value for caption in at.caption)
    tables = [frame.value for frame in at.dataframe if frame.editing_mode == "read_only"]
    assert tables[0].iloc[1, 0] == format_number(trace.layers[0].W[1, 0])  # W
    assert tables[2].iloc[0, 1] == format_number(trace.layers[0].dW[0, 1])  # dW
    assert tables[-1].iloc[0, 1] == format_number(trace.layers[0].delta[0, 1])  # delta


def test_the_network_graph_has_a_text_alternative_naming_the_phase():
    at = _open()
    captions = chart_captions(at)
    assert len(captions) == len(at.get("plotly_chart")) == 1
    first = phase_sequence(2)[0]  # the textbook network has two weight layers
    assert "2-2-2 network" in captions[0] and f"phase '{first.title}'" in captions[0]
    at.button(key="step_next").click().run()
    second = phase_sequence(2)[1]
    assert f"phase '{second.title}'" in chart_captions(at)[0]


def test_the_history_chart_has_a_text_alternative_with_the_losses():
    at = _open()
    at.button(key="step_train").click().run()
    _open_tab(at, "History")
    captions = chart_captions(at)
    assert len(captions) == len(at.get("plotly_chart")) == 2
    (first_step, first), (_, now) = _state(at).history[0], _state(at).history[-1]
    assert f"{format_number(first)} at step {first_step}" in captions[1]
    assert f"{format_number(now)} now after 1 step(s)" in captions[1]


def _shown_text(at) -> str:
    """Everything a visitor reads on the page: text elements, widget options, graph labels."""
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "error", "latex")
             for e in getattr(at, kind)]  # fmt: skip
    parts += [str(option) for box in at.selectbox for option in box.options]
    for chart in at.get("plotly_chart"):
        figure = json.loads(chart.proto.spec)
        parts += [note.get("text", "") for note in figure["layout"].get("annotations", [])]
    return " ".join(parts)


def test_a_custom_network_shows_labels_and_its_link_keeps_the_engine_names():
    at = _open()
    at.selectbox(key="step_preset").set_value("Custom").run()
    at.selectbox(key="step_act1").set_value("leaky_relu").run()
    at.selectbox(key="step_loss").set_value("binary_cross_entropy").run()
    assert not at.exception and not at.error
    assert "Leaky ReLU" in at.selectbox(key="step_act1").options
    assert "Binary cross-entropy" in at.selectbox(key="step_loss").options
    assert "Xavier/Glorot uniform" in at.selectbox(key="step_init").options
    text = _shown_text(at)
    assert "(Leaky ReLU)" in text  # the graph's layer name
    for name in ("leaky_relu", "binary_cross_entropy", "squared_error", "xavier", "(tanh)"):
        assert name not in text, name
    assert at.query_params["step_act1"] == "leaky_relu"
    assert at.query_params["step_loss"] == "binary_cross_entropy"
    assert "step_act_out" not in at.query_params  # the default stays out of the link


def test_links_shared_before_with_engine_names_still_open_the_same_network():
    at = _open({"step_preset": "Custom", "step_act1": "relu", "step_act_out": "linear",
                "step_loss": "mse", "step_init": "he"})  # fmt: skip
    assert not at.exception and not at.warning
    assert _page(at).activations == ("relu", "linear") and _page(at).loss == "mse"
    assert at.selectbox(key="step_init").value == "he"
    assert at.query_params["step_act1"] == "relu"


def test_a_link_with_an_unknown_activation_is_ignored_with_a_note():
    at = _open({"step_preset": "Custom", "step_act1": "bogus"})
    assert not at.exception
    assert any("step_act1" in w.value for w in at.warning)
    assert _page(at).activations == ("tanh", "sigmoid")


@pytest.mark.parametrize(
    "trigger, expected",
    [("train", "NextTrainingStep"), ("epoch", "NextEpoch"), ("undo", "Undo"), ("x", None),
     (None, None), (["epoch"], None)],
)  # fmt: skip
def test_the_players_action_trigger_becomes_the_models_action(monkeypatch, trigger, expected):
    from app_pages.components import step_player

    monkeypatch.setattr(step_player, "triggered", lambda key, name: trigger)
    action = step_player.page_action("step_player")
    assert (type(action).__name__ if action is not None else None) == expected


def test_the_traffic_scenario_opens_with_its_named_inputs():
    at = app_test({"step_preset": "Traffic congestion"}).run()
    at.switch_page("app_pages/step_by_step.py").run()
    assert not at.exception and at.selectbox(key="step_preset").value == "Traffic congestion"
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "rain/10" in json.dumps(spec) and "congestion" in json.dumps(spec)
