"""The step page's model without Streamlit: every transition of act(state, action)."""

from dataclasses import replace

import numpy as np
import pytest

from engine import limits
from lessons.step_by_step import StepPage, act, model, start_page, stepper, training_order
from lessons.step_by_step.phases import phase_sequence
from lessons.step_by_step.presets import housing_scenario, textbook_222, xor_scenario


def _base(scenario) -> stepper.Tables:
    net = scenario.network
    return scenario.X, scenario.Y, list(net.weights), list(net.biases)


def _page(scenario=None, **kwargs) -> StepPage:
    scenario = scenario or textbook_222()
    net = scenario.network
    return start_page(
        scenario.name, net.activations, net.loss_name, _base(scenario),
        learning_rate=kwargs.pop("learning_rate", scenario.learning_rate), **kwargs,
    )  # fmt: skip


def _assert_parameters(state: StepPage, weights, biases) -> None:
    for W, W_expected in zip(state.stepper.weights, weights, strict=True):
        np.testing.assert_array_equal(W, W_expected)
    for b, b_expected in zip(state.stepper.biases, biases, strict=True):
        np.testing.assert_array_equal(b, b_expected)


def test_a_fresh_page_starts_at_phase_zero_with_the_scenarios_loss():
    scenario = textbook_222()
    state = _page(scenario)
    assert (state.stepper.phase, state.stepper.step) == (0, 0)
    assert state.stepper.history == ((0, scenario.network.loss_value(scenario.X, scenario.Y)),)
    assert state.stepper.history[0][1] == pytest.approx(0.298371109, abs=1e-9)
    assert not state.edited and state.error is None


def test_next_visits_every_phase_in_order():
    state = _page()
    expected = phase_sequence(2)
    seen = []
    for _ in expected:
        seen.append(state.phase)
        state = act(state, model.Next())
    assert seen == list(expected)
    assert [phase.short for phase in seen] == ["F1", "F2", "L", "B2", "B1", "U"]
    assert (state.stepper.phase, state.stepper.step) == (0, 1)


def test_next_at_the_update_applies_W_new_from_the_engine_trace():
    scenario = textbook_222()
    trace = scenario.network.compute_trace(scenario.X, scenario.Y, scenario.learning_rate)
    state = act(_page(scenario), model.Finish())
    assert state.phase.kind == "update"
    state = act(state, model.Next())
    _assert_parameters(
        state, [layer.W_new for layer in trace.layers], [layer.b_new for layer in trace.layers]
    )
    # Mazur's published w5 after one update.
    assert state.stepper.weights[1][0, 0] == pytest.approx(0.35891648, abs=1e-8)


def test_next_training_step_applies_W_new_from_any_phase_and_records_the_loss():
    scenario = xor_scenario()
    state = _page(scenario, batch=True)
    state = act(act(state, model.Next()), model.Next())
    trace = scenario.network.compute_trace(scenario.X, scenario.Y, scenario.learning_rate)
    state = act(state, model.NextTrainingStep())
    _assert_parameters(
        state, [layer.W_new for layer in trace.layers], [layer.b_new for layer in trace.layers]
    )
    net = scenario.network.copy()
    net.apply(trace)
    assert state.stepper.history[-1] == (1, net.loss_value(scenario.X, scenario.Y))
    assert state.stepper.phase == 0


def test_previous_goes_back_one_phase_and_stops_at_the_first():
    state = act(act(_page(), model.Next()), model.Next())
    state = act(state, model.Previous())
    assert state.stepper.phase == 1
    state = act(act(state, model.Previous()), model.Previous())
    assert state.stepper.phase == 0


def test_finish_jumps_to_the_update():
    state = act(_page(), model.Finish())
    assert state.stepper.phase == len(phase_sequence(2)) - 1
    assert state.stepper.step == 0


def test_undo_returns_the_previous_weights_exactly():
    state = act(_page(), model.NextTrainingStep())
    before = state.stepper
    state = act(state, model.NextTrainingStep())
    state = act(state, model.Undo())
    assert state.stepper.step == 1
    _assert_parameters(state, before.weights, before.biases)
    assert state.stepper.history == before.history
    state = act(act(state, model.Undo()), model.Undo())  # nothing more to undo: unchanged
    _assert_parameters(state, textbook_222().network.weights, textbook_222().network.biases)
    assert state.stepper.step == 0


def test_reset_returns_the_scenarios_weights():
    scenario = housing_scenario(seed=3)
    state = _page(scenario)
    for _ in range(3):
        state = act(state, model.NextTrainingStep())
    state = act(act(state, model.Next()), model.Reset())
    assert (state.stepper.phase, state.stepper.step, state.stepper.undo) == (0, 0, ())
    _assert_parameters(state, scenario.network.weights, scenario.network.biases)
    assert state.stepper.history == ((0, scenario.network.loss_value(scenario.X, scenario.Y)),)


def test_edited_tables_restart_the_step_from_them_and_reset_returns_to_them():
    scenario = textbook_222()
    X, Y, weights, biases = _base(scenario)
    edited = [W.copy() for W in weights]
    edited[0][0, 0] = 0.9
    state = act(act(_page(scenario), model.Next()), model.EditTables((X, Y, edited, biases)))
    assert (state.stepper.phase, state.stepper.step) == (0, 0)
    assert state.stepper.weights[0][0, 0] == 0.9 and state.edited
    state = act(act(state, model.NextTrainingStep()), model.Reset())
    assert state.stepper.weights[0][0, 0] == 0.9 and state.stepper.step == 0


def test_the_same_tables_keep_the_state():
    state = act(_page(), model.Next())
    assert act(state, model.EditTables(_base(textbook_222()))) is state


def test_change_batch_switches_the_examples_of_the_next_step():
    scenario = xor_scenario()
    state = _page(scenario)
    assert state.X.shape == (1, 2)
    state = act(state, model.ChangeBatch(False, 2))
    np.testing.assert_array_equal(state.X, scenario.X[2:3])
    state = act(state, model.ChangeBatch(True, 2))
    np.testing.assert_array_equal(state.X, scenario.X)
    state = act(state, model.NextTrainingStep())
    trace = scenario.network.compute_trace(scenario.X, scenario.Y, scenario.learning_rate)
    np.testing.assert_array_equal(state.stepper.weights[0], trace.layers[0].W_new)


def test_batch_mode_needs_more_than_one_row():
    state = act(_page(), model.ChangeBatch(True, 5))
    assert not state.batch and state.row == 0


def test_change_learning_rate_applies_to_the_next_update():
    scenario = textbook_222()
    state = act(act(_page(scenario), model.ChangeLearningRate(0.1)), model.NextTrainingStep())
    trace = scenario.network.compute_trace(scenario.X, scenario.Y, 0.1)
    np.testing.assert_array_equal(state.stepper.weights[1], trace.layers[1].W_new)


def test_a_diverging_step_keeps_the_last_valid_state_and_returns_a_message():
    state = act(_page(housing_scenario()), model.ChangeLearningRate(limits.MAX_LEARNING_RATE))
    for _ in range(40):
        after = act(state, model.NextTrainingStep())
        if after.error:
            break
        state = after
    else:
        pytest.fail("the step never diverged")
    assert "learning rate" in after.error and "Undo step" in after.error
    assert after.stepper is state.stepper  # the last valid parameters, step and history
    assert all(np.all(np.isfinite(W)) for W in after.stepper.weights)
    cleared = act(after, model.Dismiss())
    assert cleared.error is None and cleared.stepper is state.stepper


def test_an_unchanged_setting_keeps_the_message_for_the_page():
    refused = replace(_page(), error="refused")
    assert act(refused, model.ChangeLearningRate(refused.learning_rate)).error == "refused"
    assert act(refused, model.ChangeBatch(False, 0)).error == "refused"
    assert act(refused, model.Next()).error is None


def test_act_never_changes_the_state_it_is_given():
    state = act(_page(), model.NextTrainingStep())
    weights = [W.copy() for W in state.stepper.weights]
    for action in (model.NextTrainingStep(), model.Undo(), model.Reset(), model.Finish()):
        act(state, action)
    _assert_parameters(state, weights, state.stepper.biases)
    assert state.stepper.step == 1


def test_follow_link_takes_the_steps_then_the_phase():
    scenario = textbook_222()
    expected = _page(scenario)
    for _ in range(2):
        expected = act(expected, model.NextTrainingStep())
    state = act(_page(scenario), model.FollowLink("2", "3"))
    assert (state.stepper.step, state.stepper.phase) == (2, 3)
    _assert_parameters(state, expected.stepper.weights, expected.stepper.biases)
    assert state.notes == ()


@pytest.mark.parametrize(
    ("steps", "phase", "expected", "note"),
    [
        (None, "99", (0, 5), "phase in the link"),
        (None, "abc", (0, 0), "phase in the link"),
        ("-4", None, (0, 0), "Training steps in the link"),
    ],
)
def test_follow_link_clamps_bad_values_with_a_note(steps, phase, expected, note):
    state = act(_page(), model.FollowLink(steps, phase))
    assert (state.stepper.step, state.stepper.phase) == expected
    assert any(note in text for text in state.notes)


def test_url_params_leave_defaults_out_and_carry_the_edited_cells():
    scenario = textbook_222()
    state = _page(scenario)
    assert model.url_params(state) == {
        "step_data": None, "step_phase": None, "step_n": None, "step_order": None,
    }  # fmt: skip
    X, Y, weights, biases = _base(scenario)
    edited = [W.copy() for W in weights]
    edited[1][1, 0] = -0.25
    state = act(state, model.EditTables((X, Y, edited, biases)))
    state = act(act(state, model.NextTrainingStep()), model.Next())
    params = model.url_params(state)
    assert (params["step_n"], params["step_phase"]) == ("1", "1")
    _, _, decoded, _ = stepper.decode_tables(params["step_data"], _base(scenario))
    np.testing.assert_array_equal(decoded[1], edited[1])


def test_sync_page_starts_afresh_for_a_new_scenario_and_follows_the_link_only_once():
    textbook, xor = textbook_222(), xor_scenario()
    link = model.FollowLink("1", "2")

    def sync(state, scenario):
        net = scenario.network
        return model.sync_page(
            state, scenario.name, net.activations, net.loss_name, _base(scenario), None,
            scenario.learning_rate, False, 0, link,
        )  # fmt: skip

    state = sync(None, textbook)
    assert (state.stepper.step, state.stepper.phase) == (1, 2)
    assert sync(state, textbook) is state
    other = sync(state, xor)
    assert other.signature == "xor" and (other.stepper.step, other.stepper.phase) == (0, 0)


def test_editable_tables_round_trip():
    scenario = housing_scenario()
    base = _base(scenario)
    editors = model.editable_tables(base, scenario.input_names, scenario.output_names)
    assert [editor.suffix for editor in editors] == ["X", "Y", "W0", "W1"]
    assert editors[2].columns == ("w from 1", "w from 2", "w from 3", "b")
    X, Y, weights, biases = model.tables_from_editors([editor.values for editor in editors])
    np.testing.assert_array_equal(X, base[0])
    for got, expected in zip([*weights, *biases], [*base[2], *base[3]], strict=True):
        np.testing.assert_array_equal(got, expected)


def test_tables_from_link_reports_a_tampered_link():
    base = _base(textbook_222())
    tables, note = model.tables_from_link("garbage!!", base)
    assert tables is base and "could not be read" in note
    assert model.tables_from_link(None, base) == (base, None)


@pytest.mark.parametrize(
    ("picked", "expected"),
    [((None, None, None), (1, 0, 0)), ((0, 1, 1), (0, 1, 1)), ((7, 9, -3), (1, 1, 0))],
)
def test_clamp_weight_keeps_the_inspected_weight_inside_the_network(picked, expected):
    assert model.clamp_weight(*picked, [2, 2, 2]) == expected


def _xor_page(**kwargs) -> StepPage:
    return _page(xor_scenario(), **kwargs)


def _steps_by_hand(state: StepPage, rows) -> tuple:
    """The parameters after one engine step on each row (None: the batch) from `state`'s."""
    net = state.network()
    X, Y = state.tables[0], state.tables[1]
    for row in rows:
        x, y = (X, Y) if row is None else (X[row : row + 1], Y[row : row + 1])
        net.apply(net.compute_trace(x, y, state.learning_rate))
    return net.weights, net.biases


def test_an_epoch_one_example_at_a_time_trains_every_row_once_in_turn():
    state = _xor_page(row=2)
    assert state.epoch_updates == 4
    weights, biases = _steps_by_hand(state, [2, 3, 0, 1])
    after = act(state, model.NextEpoch())
    _assert_parameters(after, weights, biases)
    assert (after.stepper.step, after.stepper.phase, after.row) == (4, 0, 2)
    assert len(after.stepper.history) == 5 and after.error is None
    assert model.url_params(after)["step_order"] == "2-3.0-1"


def test_an_epoch_in_batch_mode_is_one_update_on_the_mean_gradient():
    state = _xor_page(batch=True)
    assert state.epoch_updates == 1
    weights, biases = _steps_by_hand(state, [None])
    after = act(state, model.NextEpoch())
    _assert_parameters(after, weights, biases)
    assert after.stepper.step == 1
    assert model.url_params(after)["step_order"] is None  # every step on what is shown


def test_undo_after_an_epoch_takes_back_one_update_at_a_time():
    state = act(_xor_page(), model.NextEpoch())
    before_last = _steps_by_hand(_xor_page(), [0, 1, 2])
    state = act(state, model.Undo())
    _assert_parameters(state, *before_last)
    assert state.stepper.step == 3 and model.url_params(state)["step_order"] == "0-2"


def test_a_shared_link_replays_an_epoch_and_a_batch_step_on_the_same_examples():
    state = act(_xor_page(row=1), model.NextEpoch())
    state = act(act(state, model.ChangeBatch(True, 1)), model.NextTrainingStep())
    state = act(state, model.Next())
    params = model.url_params(state)
    assert (params["step_n"], params["step_order"], params["step_phase"]) == ("5", "1-3.0.b", "1")
    opened = act(_xor_page(batch=True, row=1), model.link_in(params))
    _assert_parameters(opened, state.stepper.weights, state.stepper.biases)
    assert (opened.stepper.step, opened.stepper.phase) == (5, 1) and opened.notes == ()


@pytest.mark.parametrize(
    "text, message",
    [
        ("0-9", "this table has 4"),
        ("3-1", "must go upwards"),
        ("2x0", "at least 1 step"),
        ("b;1", "runs like"),
        ("1x999", "at most 200 training steps"),
        ("x" * 300, "longer than 200"),
    ],
)
def test_a_tampered_order_in_a_link_falls_back_with_a_note(text, message):
    opened = act(_xor_page(), model.FollowLink("2", None, text))
    assert any(message in note for note in opened.notes), opened.notes
    # The link's step count is taken on the example shown instead.
    _assert_parameters(opened, *_steps_by_hand(_xor_page(), [0, 0]))


def test_the_order_round_trips_through_its_url_form():
    runs = ((training_order.BATCH, 3), (0, 1), (1, 1), (2, 1), (2, 4), (0, 1))
    text = training_order.encode(runs)
    assert text == "bx3.0-2.2x4.0"
    assert training_order.decode(text, n_rows=3, max_steps=200) == (
        (-1, 3),
        (0, 1),
        (1, 1),
        (2, 5),
        (0, 1),
    )
    assert list(training_order.rows(training_order.decode(text, 3, 200))) == list(
        training_order.rows(runs)
    )


def test_an_order_too_long_to_keep_leaves_the_steps_out_of_the_link():
    state = _xor_page()
    for row in range(training_order.MAX_RUNS + 1):
        state = act(state, model.ChangeBatch(False, row % 2))
        state = act(state, model.NextTrainingStep())
    assert state.order is None
    params = model.url_params(state)
    assert params["step_n"] is None and params["step_order"] is None
