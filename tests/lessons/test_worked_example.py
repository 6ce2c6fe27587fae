"""The textbook example, exactly as published: frozen biases, both update orders, and the
long run; checked against plain engine training steps and the published numbers."""

import numpy as np
import pytest

from engine import Network, UserInputError
from lessons.worked_example import (
    MAX_TRAIN_BLOCKS,
    SEQUENTIAL,
    SIMULTANEOUS,
    TEXTBOOK_VALUES,
    TRAIN_BLOCK,
    one_step,
    textbook_data,
    textbook_network,
    train_more,
)
from viz.format import format_number
from viz.worked_example import order_explanation, update_section, worked_example


def test_frozen_biases_give_the_published_error_after_one_update():
    step = one_step(TEXTBOOK_VALUES)
    assert format_number(step.trace.loss, 10) == "0.2983711088"
    assert format_number(step.error_after_simultaneous, 10) == "0.2910277737"
    for layer in step.trace.layers:
        assert np.array_equal(layer.b_new, layer.b)  # the biases stay fixed


def test_sequential_order_gives_the_figure_the_text_states():
    step = one_step(TEXTBOOK_VALUES)
    assert format_number(step.error_after_sequential, 10) == "0.2910279239"


def test_the_texts_eight_new_weights_are_those_of_the_simultaneous_update():
    step = one_step(TEXTBOOK_VALUES)
    hidden = [[0.149780716, 0.19956143], [0.24975114, 0.29950229]]  # as published
    output = [[0.35891648, 0.408666186], [0.511301270, 0.561370121]]
    assert step.trace.layers[0].W_new == pytest.approx(np.array(hidden), abs=1e-8)
    assert step.trace.layers[1].W_new == pytest.approx(np.array(output), abs=1e-8)
    assert not np.allclose(step.sequential.hidden_W_new, hidden, atol=1e-6)


def test_sequential_order_is_output_weights_first_then_hidden_deltas():
    # Independent reference: run the two halves with the engine on two networks.
    X, Y = textbook_data(TEXTBOOK_VALUES)
    net = textbook_network(TEXTBOOK_VALUES)
    first = net.compute_trace(X, Y, 0.5)
    W_out_new = first.layers[1].W_new
    # The hidden delta through the new output weights, written per unit by hand.
    hidden = first.layers[0]
    for j in range(2):
        through_new = sum(first.layers[1].delta[0, k] * W_out_new[k, j] for k in range(2))
        expected = through_new * hidden.a[0, j] * (1 - hidden.a[0, j])
        assert one_step(TEXTBOOK_VALUES).sequential.hidden_delta[j] == pytest.approx(expected)


def test_train_biases_switch_moves_the_biases_and_changes_the_error():
    frozen, trained = one_step(TEXTBOOK_VALUES), one_step(TEXTBOOK_VALUES, train_biases=True)
    assert not np.array_equal(trained.trace.layers[1].b_new, trained.trace.layers[1].b)
    assert trained.error_after_simultaneous < frozen.error_after_simultaneous


def test_ten_thousand_steps_reproduce_the_published_result():
    result = train_more(TEXTBOOK_VALUES, False, SIMULTANEOUS)
    assert result.steps == TRAIN_BLOCK
    assert format_number(result.error, 6) == "3.51019e-05"
    assert format_number(result.outputs[0], 8) == "0.01591362"
    assert format_number(result.outputs[1], 9) == "0.984064274"


@pytest.mark.parametrize("train_biases", [False, True])
def test_the_lean_training_loop_matches_engine_training_steps(train_biases):
    X, Y = textbook_data(TEXTBOOK_VALUES)
    net = Network.from_parameters(
        textbook_network(TEXTBOOK_VALUES).weights,
        textbook_network(TEXTBOOK_VALUES).biases,
        ["sigmoid", "sigmoid"],
        train_biases=train_biases,
    )
    for _ in range(TRAIN_BLOCK):
        net.train_step(X, Y, 0.5)
    result = train_more(TEXTBOOK_VALUES, train_biases, SIMULTANEOUS)
    assert result.error == pytest.approx(net.loss_value(X, Y), rel=1e-9)


def test_sequential_training_follows_one_step_sequential_update():
    start = one_step(TEXTBOOK_VALUES).sequential.network_after
    X, Y = textbook_data(TEXTBOOK_VALUES)
    assert start.loss_value(X, Y) == pytest.approx(one_step(TEXTBOOK_VALUES).error_after_sequential)
    result = train_more(TEXTBOOK_VALUES, False, SEQUENTIAL)
    assert result.error < 1e-4 and result.error != pytest.approx(3.510187782978859e-05, rel=1e-9)


def test_training_continues_from_the_previous_block_and_is_capped():
    first = train_more(TEXTBOOK_VALUES, False, SIMULTANEOUS)
    second = train_more(TEXTBOOK_VALUES, False, SIMULTANEOUS, first)
    assert second.steps == 2 * TRAIN_BLOCK and second.error < first.error
    capped = first
    object.__setattr__(capped, "steps", MAX_TRAIN_BLOCKS * TRAIN_BLOCK)
    with pytest.raises(UserInputError):
        train_more(TEXTBOOK_VALUES, False, SIMULTANEOUS, capped)


def test_page_text_uses_the_published_names_and_one_update_form():
    step = one_step(TEXTBOOK_VALUES)
    latex = " ".join(eq for section in worked_example(step) for eq in section.equations)
    for name in ("i_{1}", "h_{1}", "o_{2}", "w_{8}", "b_{1}", "b_{2}", "E_{\\mathrm{total}}"):
        assert name in latex, name
    assert "\\mathrm{out}_{h_{1}}" in latex and "\\mathrm{net}_{o_{1}}" in latex
    assert "^{+}" not in latex  # the old w+ form is gone
    assert "w_{5,\\,\\text{new}}" in latex
    # Frozen biases: no bias update line; the text says they stay fixed.
    section = update_section(step.trace, train_biases=False)
    assert not any(eq.startswith("b_") for eq in section.equations)
    assert "stay fixed" in section.intro


def test_order_explanation_names_both_numbers():
    text = order_explanation(one_step(TEXTBOOK_VALUES))
    assert "0.2910277737" in text and "0.2910279239" in text
    assert text.count(". ") == 1  # two sentences
