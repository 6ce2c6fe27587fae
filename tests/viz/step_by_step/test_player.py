"""The player's data: every number comes from the trace; phases reveal values in order."""

import json
import math

import numpy as np
import pytest

from lessons.step_by_step import stepper
from lessons.step_by_step.narration import step_narration
from lessons.step_by_step.phases import BACKWARD, FORWARD, LOSS, UPDATE, phase_sequence
from lessons.step_by_step.quiz import step_questions
from viz.format import format_number
from viz.step_by_step.player import (
    ANIMATED_EDGE_LIMIT,
    NORMAL_FONT_PX,
    PRESENTER_FONT_PX,
    phase_spec,
    player_data,
)


def _data(name="textbook", **options):
    scenario = stepper.build_scenario(name)
    trace = scenario.network.compute_trace(scenario.X, scenario.Y, scenario.learning_rate)
    phases = phase_sequence(len(trace.layers))
    data = player_data(
        trace,
        phases,
        narration=step_narration(trace, phases),
        questions=step_questions(trace, phases),
        input_names=scenario.input_names,
        output_names=scenario.output_names,
        **options,
    )
    return trace, phases, data


def test_data_is_plain_json_with_one_spec_per_phase():
    _, phases, data = _data()
    again = json.loads(json.dumps(data, allow_nan=False))
    assert len(again["phases"]) == len(phases)
    assert [p["short"] for p in again["phases"]] == [p.short for p in phases]


def test_values_and_labels_are_the_traces():
    trace, _, data = _data()
    layer = trace.layers[1]
    assert data["values"]["W"][1] == layer.W.tolist()
    assert data["values"]["dW"][1][0][1] == layer.dW[0, 1]
    assert data["values"]["a"][2] == layer.a[0].tolist()
    assert data["values"]["delta"][0] is None
    assert data["labels"]["a"][2][0] == format_number(layer.a[0, 0], 4) == "0.7514"
    assert data["labels"]["W_new"][1][0][1] == format_number(layer.W_new[0, 1], 4)
    assert data["loss_label"] == format_number(trace.loss, 4)
    gradients = [r.dW for r in trace.layers] + [r.db for r in trace.layers]
    assert data["peaks"]["dW"] == max(float(np.max(np.abs(g))) for g in gradients)


def test_nodes_show_the_example_chosen():
    trace, _, data = _data("xor", sample=2)
    assert data["values"]["a"][0] == trace.X[2].tolist()
    assert data["values"]["a"][2] == trace.layers[1].a[2].tolist()
    assert data["targets"] == trace.Y[2].tolist()


def test_forward_phases_reveal_layers_one_by_one_and_backward_from_the_output():
    _, phases, data = _data()
    specs = data["phases"]
    assert specs[0]["node_layers"] == [0, 1] and specs[0]["motion"]["kind"] == "forward"
    assert specs[1]["node_layers"] == [0, 1, 2]
    b2, b1 = specs[3], specs[4]
    assert (b2["node_quantity"], b2["node_layers"], b2["edge_layers"]) == ("delta", [2], [1])
    assert (b1["node_layers"], b1["edge_layers"]) == ([1, 2], [0, 1])
    assert specs[-1]["edge_quantity"] == "W_new" and specs[-1]["motion"]["kind"] == "update"


@pytest.mark.parametrize("name", ["textbook", "xor", "housing"])
def test_quiz_never_asks_about_a_value_already_revealed(name):
    _, phases, data = _data(name)
    specs = data["phases"]
    for index, spec in enumerate(specs):
        question = spec["question"]
        if question is None:
            continue
        before = specs[index - 1]
        phase = phases[index]
        if phase.kind == FORWARD:
            assert phase.layer not in before["node_layers"]
        elif phase.kind == BACKWARD:
            assert before["edge_quantity"] != "dW" or phase.layer - 1 not in before["edge_layers"]
        elif phase.kind == UPDATE:
            assert before["edge_quantity"] != "W_new"
        elif phase.kind == LOSS:
            assert before["kind"] == FORWARD  # the loss is printed from the loss phase on
        assert question["phase"] == index


def test_presenter_mode_prints_numbers_at_least_18_px():
    _, _, data = _data(presenter=True)
    assert data["font_px"] == PRESENTER_FONT_PX >= 18
    assert _data()[2]["font_px"] == NORMAL_FONT_PX


def test_start_phase_is_clamped():
    _, phases, data = _data(start_phase=99)
    assert data["start_phase"] == len(phases) - 1


def test_token_changes_with_the_weights_and_the_step():
    scenario = stepper.build_scenario("textbook")
    net = scenario.network
    trace = net.compute_trace(scenario.X, scenario.Y, 0.5)
    phases = phase_sequence(2)
    narration = step_narration(trace, phases)
    first = player_data(trace, phases, narration=narration)["token"]
    assert player_data(trace, phases, narration=narration)["token"] == first
    assert player_data(trace, phases, narration=narration, step=1)["token"] != first
    net.apply(trace)
    after = net.compute_trace(scenario.X, scenario.Y, 0.5)
    assert player_data(after, phases, narration=step_narration(after, phases))["token"] != first


def test_diverged_step_is_still_and_says_why():
    scenario = stepper.build_scenario("textbook")
    trace = scenario.network.compute_trace(scenario.X, scenario.Y, 0.5)
    phases = phase_sequence(2)
    data = player_data(
        trace, phases, narration=step_narration(trace, phases), diverged="This step diverged."
    )
    assert data["animated"] is False
    assert data["diverged"] == "This step diverged."
    assert "diverged" in data["still_reason"]


def test_non_finite_values_travel_as_none_with_words():
    scenario = stepper.build_scenario("textbook")
    trace = scenario.network.compute_trace(scenario.X, scenario.Y, 0.5)
    layer = trace.layers[1]
    broken_w = layer.W_new.copy()
    broken_w[0, 0] = np.inf
    layers = (trace.layers[0], type(layer)(**{**layer.__dict__, "W_new": broken_w}))
    broken = type(trace)(**{**trace.__dict__, "layers": layers, "loss": math.nan})
    phases = phase_sequence(2)
    data = player_data(broken, phases, narration=step_narration(broken, phases))
    assert data["values"]["W_new"][1][0][0] is None
    assert data["labels"]["W_new"][1][0][0] == "infinite"
    assert data["loss"] is None and data["loss_label"] == "undefined"
    json.dumps(data, allow_nan=False)


def test_network_at_the_caps_is_shown_still_and_says_so():
    config = stepper.CustomConfig(16, (16,) * 6, 16, ("tanh",) * 6 + ("sigmoid",))
    scenario = stepper.custom_scenario(config)
    trace = scenario.network.compute_trace(scenario.X, scenario.Y, 0.5)
    phases = phase_sequence(len(trace.layers))
    data = player_data(trace, phases, narration=step_narration(trace, phases))
    assert sum(r.W.size for r in trace.layers) > ANIMATED_EDGE_LIMIT
    assert data["animated"] is False
    assert "still pictures" in data["still_reason"]
    assert data["show_edge_labels"] is False and data["labels_inside"] is False


def test_narration_must_match_the_phases():
    scenario = stepper.build_scenario("textbook")
    trace = scenario.network.compute_trace(scenario.X, scenario.Y, 0.5)
    with pytest.raises(ValueError):
        player_data(trace, phase_sequence(2), narration=("only one",))


def test_phase_spec_of_a_deeper_network():
    phases = phase_sequence(3)
    spec = phase_spec(phases[4], 3)  # B3 (output): deltas from the loss
    assert spec["kind"] == BACKWARD and spec["motion"]["weight_layer"] == 3
    assert spec["edge_layers"] == [2]
