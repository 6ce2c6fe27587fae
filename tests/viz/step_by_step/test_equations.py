"""Equations with numbers: every number comes from the trace; Mazur's example by hand."""

import numpy as np
import pytest

from engine import Network
from lessons.step_by_step.inspector import weight_chain
from lessons.step_by_step.phases import BACKWARD, FORWARD, LOSS, UPDATE, phase_sequence
from lessons.step_by_step.presets import housing_scenario, textbook_222, xor_scenario
from viz.format import format_number
from viz.step_by_step.equations import (
    MAX_TERMS,
    chain_rule_equations,
    latex_number,
    latex_signed,
    phase_equations,
)
from viz.step_by_step.tables import layer_tables, loss_history_figure, progress_strip


def _trace(scenario):
    return scenario.network.compute_trace(scenario.X, scenario.Y, scenario.learning_rate)


def _text(equations) -> str:
    """The equations' LaTeX without layout markup (line breaks, alignment), in one line."""
    text = " ".join(e.latex for e in equations)
    for markup in (r"\small", r"\begin{aligned}", r"\end{aligned}", r"\begin{gathered}",
                   r"\end{gathered}", r"\quad", "\\\\", "&"):  # fmt: skip
        text = text.replace(markup, " ")
    return " ".join(text.split())


def test_latex_number_formats_like_format_number():
    assert latex_number(0.3775) == "0.3775"
    assert latex_number(1.5e-7) == r"1.500 \times 10^{-7}"
    assert latex_number(float("nan")) == r"\text{undefined}"
    assert latex_signed(-0.25) == "(-0.25)"


def test_forward_of_mazurs_first_hidden_unit():
    """Mazur: net_h1 = 0.15*0.05 + 0.2*0.1 + 0.35 = 0.3775, out_h1 = 0.593269992."""
    trace = _trace(textbook_222())
    forward = phase_equations(trace, phase_sequence(2)[0], unit=0)
    text = _text(forward)
    assert r"0.15 \times 0.05 + 0.2 \times 0.1 + 0.35 = 0.3775" in text
    assert r"\sigma(0.3775) = 0.5933" in text


def test_loss_and_output_delta_of_mazurs_example():
    """Mazur: E_total = 0.298371109; delta_o1 = 0.74136507 * 0.186815602 = 0.138498562."""
    trace = _trace(textbook_222())
    phases = phase_sequence(2)
    assert "L = 0.2984" in _text(phase_equations(trace, phases[2]))
    backward = _text(phase_equations(trace, phases[3], unit=0, source=0))
    assert r"0.7414 \times 0.1868 = 0.1385" in backward
    assert r"0.1385 \times 0.5933 = 0.08217" in backward  # dE/dw5 = 0.082167041


def test_update_of_mazurs_w5():
    """Mazur: w5+ = 0.4 - 0.5 * 0.082167041 = 0.35891648."""
    trace = _trace(textbook_222())
    update = _text(phase_equations(trace, phase_sequence(2)[-1], unit=0, source=0))
    assert r"0.4 - 0.5 \times 0.08217 = 0.3589" in update


@pytest.mark.parametrize("make", [textbook_222, xor_scenario, housing_scenario])
def test_every_phase_ends_with_the_traces_values(make):
    scenario = make()
    trace = _trace(scenario)
    for phase in phase_sequence(len(trace.layers)):
        for unit in range(2):
            for sample in range(trace.n_samples):
                equations = phase_equations(trace, phase, unit, sample, source=1)
                text = _text(equations)
                assert "nan" not in text.lower()
                if phase.kind == FORWARD:
                    record = trace.layers[phase.layer - 1]
                    j = min(unit, record.W.shape[0] - 1)
                    assert f"= {latex_number(record.z[sample, j])}" in text
                    assert text.endswith(f"= {latex_number(record.a[sample, j])}")
                elif phase.kind == LOSS:
                    assert text.endswith(f"L = {latex_number(trace.loss)}") or text.endswith(
                        f"= {latex_number(trace.loss)}"
                    )
                elif phase.kind == BACKWARD:
                    record = trace.layers[phase.layer - 1]
                    j = min(unit, record.W.shape[0] - 1)
                    k = min(1, record.W.shape[1] - 1)
                    assert f"= {latex_number(record.delta[sample, j])}" in text
                    assert f"= {latex_number(record.dW[j, k])}" in text
                else:
                    assert phase.kind == UPDATE
                    record = trace.layers[-1]
                    j = min(unit, record.W.shape[0] - 1)
                    assert f"= {latex_number(record.W_new[j, 1])}" in text
                    assert text.endswith(f"= {latex_number(record.b_new[j])}")


def test_batch_mode_says_the_gradient_is_summed_over_samples():
    trace = _trace(xor_scenario())
    backward = phase_equations(trace, phase_sequence(2)[3], unit=0, source=0)
    captions = " ".join(e.caption for e in backward)
    assert "summed over the 4 samples" in captions
    loss = phase_equations(trace, phase_sequence(2)[2])
    assert "mean over the 4 samples" in " ".join(e.caption for e in loss)


def test_cross_entropy_output_shows_the_shortcut_through_the_jacobian():
    net = Network([2, 3], ["softmax"], loss="cross_entropy", seed=1)
    X, Y = np.array([[0.5, -1.0]]), np.array([[0.0, 1.0, 0.0]])
    trace = net.compute_trace(X, Y, 0.1)
    backward = phase_equations(trace, phase_sequence(1)[2], unit=1)
    assert "not diagonal" in backward[0].caption and "(y_hat_j - y_j)/N" in backward[0].caption
    expected = latex_number(trace.layers[0].a[0, 1] - 1.0)
    assert expected == latex_number(trace.layers[0].delta[0, 1])
    assert f"= {expected}" in backward[2].latex


def test_long_sums_are_elided():
    net = Network([12, 1], ["linear"], seed=0)
    X, Y = np.ones((1, 12)), np.zeros((1, 1))
    trace = net.compute_trace(X, Y)
    forward = phase_equations(trace, phase_sequence(1)[0])
    substituted = next(e for e in forward if e.caption.startswith("With the numbers"))
    assert r"\cdots" in substituted.latex
    assert "not written out" in substituted.caption
    assert substituted.latex.count(r"\times") <= MAX_TERMS
    assert f"= {latex_number(trace.layers[0].z[0, 0])}" in substituted.latex


def test_chain_rule_matches_backprop_and_finite_differences():
    scenario = textbook_222()
    trace = _trace(scenario)
    chain = weight_chain(scenario.network, trace, 0, 1, 0)
    assert chain.gradient == trace.layers[0].dW[1, 0]
    assert chain.numerical == pytest.approx(chain.gradient, rel=1e-6)
    text = _text(chain_rule_equations(chain))
    assert latex_number(chain.dL_da[0]) in text
    assert latex_number(chain.da_dz[0]) in text
    assert latex_number(chain.dz_dw[0]) in text
    assert latex_number(chain.new_weight) in text


def test_chain_rule_in_batch_mode_has_one_line_per_sample():
    scenario = xor_scenario()
    trace = _trace(scenario)
    chain = weight_chain(scenario.network, trace, 1, 0, 1)
    assert chain.products.sum() == pytest.approx(chain.gradient)
    equations = chain_rule_equations(chain)
    assert "summed over the 4 samples" in equations[1].caption
    assert equations[1].latex.count(r"\\") == 3


def test_weight_chain_rejects_unknown_weights():
    scenario = textbook_222()
    with pytest.raises(ValueError):
        weight_chain(scenario.network, _trace(scenario), 2, 0, 0)
    with pytest.raises(ValueError):
        weight_chain(scenario.network, _trace(scenario), 0, 5, 0)


def test_layer_tables_show_the_trace():
    trace = _trace(xor_scenario())
    tables = layer_tables(trace, 1)
    assert tables["W"].shape == (1, 2)
    assert tables["z"].shape == (4, 1)
    assert tables["dW"].iloc[0, 1] == format_number(trace.layers[1].dW[0, 1])


def test_progress_strip_marks_the_current_phase_in_text():
    phases = phase_sequence(2)
    strip = progress_strip(phases, 3)
    assert "▶ B2: Backward: output layer" in strip
    assert strip.count("✓") == 3
    assert ":gray[U]" in strip


def test_loss_history_figure_plots_each_completed_step():
    history = ((0, 0.3), (1, 0.25), (2, float("nan")), (3, 0.2))
    figure = loss_history_figure(history)
    (line,) = figure.data
    assert list(line.x) == [0, 1, 3]
    assert list(line.y) == [0.3, 0.25, 0.2]
    assert "undefined" not in " ".join(line.hovertext)


def test_chain_rule_at_a_cross_entropy_output_combines_the_first_two_factors():
    net = Network([2, 3], ["softmax"], loss="cross_entropy", seed=1)
    X, Y = np.array([[0.5, -1.0]]), np.array([[0.0, 1.0, 0.0]])
    trace = net.compute_trace(X, Y, 0.1)
    chain = weight_chain(net, trace, 0, 1, 0)
    assert chain.simplified and chain.shortcut == "softmax + cross-entropy"
    equations = chain_rule_equations(chain)
    assert "sum over k" in equations[1].caption and "(y_hat_j - y_j)/N" in equations[1].caption
    assert latex_number(trace.layers[0].a[0, 1] - 1.0) in equations[1].latex
    assert chain.numerical == pytest.approx(chain.gradient, rel=1e-5)


# --- Issue 12: each defect, with a test that failed on the old text ---------------------------


def _softmax_trace():
    """A 2-3 softmax network whose output delta differs from dL/da * f'(z) in every unit."""
    net = Network.from_parameters(
        weights=[[[0.2, -0.4], [0.7, 0.1], [-0.3, 0.5]]],
        biases=[[0.1, -0.2, 0.05]],
        activations=["softmax"],
        loss="cross_entropy",
    )
    return net, net.compute_trace(np.array([[1.0, 0.5]]), np.array([[1.0, 0.0, 0.0]]), 0.1)


def test_softmax_output_delta_has_no_elementwise_middle_term():
    _, trace = _softmax_trace()
    record = trace.layers[0]
    product = record.grad_a[0] * record.fprime[0]
    assert not np.allclose(product, record.delta[0])  # the element-wise product is not delta
    for unit in range(3):
        equations = phase_equations(trace, phase_sequence(1)[2], unit=unit)
        general = equations[0].latex
        assert r"\frac{\partial L}{\partial a_j}\,f'(z_j)" not in general
        assert r"\sum_k \frac{\partial L}{\partial a_k}" in general
        assert r"\frac{\partial a_k}{\partial z_j} = a_k" in general
        shown_sum = next(e for e in equations if e.caption.startswith("The sum over the 3"))
        terms = record.grad_a[0] * record.a[0] * ((np.arange(3) == unit) - record.a[0, unit])
        assert terms.sum() == pytest.approx(record.delta[0, unit], abs=1e-12)
        assert shown_sum.latex.endswith(rf"&= {latex_number(terms.sum())} \end{{aligned}}")
        assert f"= {latex_number(record.delta[0, unit])}" in equations[2].latex


def test_sigmoid_with_binary_cross_entropy_keeps_its_product_shortcut():
    net = Network([2, 1], ["sigmoid"], loss="binary_cross_entropy", seed=2)
    trace = net.compute_trace(np.array([[0.3, -0.6]]), np.array([[1.0]]), 0.1)
    equations = phase_equations(trace, phase_sequence(1)[2])
    assert "simplifies to (y_hat - y)/N" in equations[0].caption
    assert r"\frac{\partial L}{\partial a_j}\,f'(z_j)" in equations[0].latex
    record = trace.layers[0]
    assert record.grad_a[0, 0] * record.fprime[0, 0] == pytest.approx(record.delta[0, 0])
    chain = weight_chain(net, trace, 0, 0, 1)
    assert chain.shortcut == "sigmoid + binary cross-entropy"
    assert "first two factors are combined" in chain_rule_equations(chain)[1].caption


def test_the_inspector_sums_over_the_softmax_outputs():
    net, trace = _softmax_trace()
    chain = weight_chain(net, trace, 0, 2, 1)
    general = chain_rule_equations(chain)[0].latex
    assert r"\sum_k \frac{\partial L}{\partial a_k}" in general
    assert r"\frac{\partial a_{3}}{\partial z_{3}}" not in general


def test_updated_values_are_labelled_new_on_every_line_with_numbers():
    scenario = textbook_222()
    trace = _trace(scenario)
    update = phase_equations(trace, phase_sequence(2)[-1], unit=0, source=1, update_layer=2)
    assert update[0].latex.startswith(r"\begin{gathered} w_{\text{new}} = w - \eta")
    w_new, b_new = trace.layers[1].W_new[0, 1], trace.layers[1].b_new[0]
    assert update[1].latex.startswith(r"w^{(2)}_{12,\,\text{new}} = 0.45 - 0.5 \times")
    assert update[1].latex.endswith(f"= {latex_number(w_new)}")
    assert update[2].latex.startswith(r"b^{(2)}_{1,\,\text{new}} = 0.6 - 0.5 \times")
    assert update[2].latex.endswith(f"= {latex_number(b_new)}")
    chain = weight_chain(scenario.network, trace, 1, 0, 1)
    last = chain_rule_equations(chain)[-1].latex
    assert last.startswith(r"w^{(2)}_{12,\,\text{new}} = 0.45 - 0.5 \times")


def test_forward_equations_give_the_one_example_and_the_batch_matrix_forms():
    scenario = xor_scenario()
    trace = scenario.network.compute_trace(scenario.X, scenario.Y, 0.5)
    first = phase_equations(trace, phase_sequence(2)[0])
    second = phase_equations(trace, phase_sequence(2)[1])
    assert r"z^{(1)} = W^{(1)} x + b^{(1)}" in first[1].latex
    assert r"Z^{(1)} = A^{(0)}\,\bigl(W^{(1)}\bigr)^{\!\top} + b^{(1)}" in first[2].latex
    assert r"Z^{(2)} = A^{(1)}\,\bigl(W^{(2)}\bigr)^{\!\top} + b^{(2)}" in second[2].latex
    assert "one row per example" in first[2].caption and "tables" in first[2].caption
    # The orientation the text names is the engine's: rows of Z are the examples.
    layer = trace.layers[0]
    np.testing.assert_allclose(layer.z, trace.X @ layer.W.T + layer.b)


def test_the_inspector_names_a_first_layer_weights_input_x():
    scenario = textbook_222()
    trace = _trace(scenario)
    first = chain_rule_equations(weight_chain(scenario.network, trace, 0, 1, 0))[1].latex
    second = chain_rule_equations(weight_chain(scenario.network, trace, 1, 0, 1))[1].latex
    assert r"}_{x_{1}} = " in first and "a_{1}" not in first
    assert r"}_{a^{(1)}_{2}} = " in second
