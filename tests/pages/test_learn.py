"""AppTest for Home and the Learn and Practise pages: they load, react to their widgets, show
the engine's numbers, and answer bad input with a message."""

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from engine import Network
from lessons.activations import compare_activations, evaluate
from lessons.flashcards import load_flashcards
from lessons.initialisation import saturation
from lessons.learning_rate import (
    DEFAULT_LEARNING_RATES,
    compare_learning_rates,
    step_size_limits,
)
from lessons.practice import generate_exercise
from lessons.step_by_step.presets import textbook_222
from tests.apptest_helpers import chart_captions
from viz.format import format_number

APP = str(Path(__file__).resolve().parents[2] / "app.py")
LEARN_PAGES = [
    "app_pages/home.py",
    "app_pages/activations.py",
    "app_pages/chain_rule.py",
    "app_pages/learning_rate.py",
    "app_pages/worked_example.py",
    "app_pages/practice.py",
    "app_pages/glossary.py",
]


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page(page).run()
    return at


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def array(values) -> np.ndarray:
    """A Plotly JSON array: a plain list, or a typed array {"dtype", "bdata"} (base64)."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values, dtype=float)


@pytest.mark.parametrize("page", LEARN_PAGES)
def test_page_loads_without_exception_or_error(page):
    at = open_page(page)
    assert not at.exception
    assert not at.error, [e.value for e in at.error]


def test_home_links_every_page_of_the_guided_path():
    at = open_page("app_pages/home.py")
    links = at.get("page_link")
    targets = {link.proto.page for link in links}
    # Page links resolve to the url paths app.py gives the pages.
    assert targets == {
        "step", "lab", "activations", "chain-rule", "learning-rate", "worked-example", "practice",
        "glossary",
    }  # fmt: skip


def test_home_says_where_backpropagation_is_used_with_links():
    at = open_page("app_pages/home.py")
    assert any(h.value == "Where backpropagation is used" for h in at.header)
    text = " ".join(m.value for m in at.markdown)
    for application in ("Image recognition", "Speech", "Language", "Recommendations", "Forecast"):
        assert application in text
    assert len(at.get("page_link")) == 8 + 5  # the guided path and one link per use


# --- Activation functions ------------------------------------------------------------------


def test_activation_slider_marks_f_and_fprime_from_the_engine():
    at = open_page("app_pages/activations.py")
    at.selectbox(key="activations_name").set_value("tanh").run()
    at.slider(key="activations_z").set_value(-0.7).run()
    assert not at.exception
    f_z, df_z = evaluate("tanh", -0.7)
    metrics = [m.value for m in at.metric]
    assert metrics[:2] == [format_number(f_z), format_number(df_z)]
    marker = next(t for t in figures(at)[0]["data"] if t.get("mode") == "markers+text")
    assert marker["x"] == [-0.7, -0.7]
    assert marker["y"] == pytest.approx([f_z, df_z])
    assert any("tanh" in latex.value for latex in at.latex)


def test_vanishing_gradient_chart_has_one_line_per_activation():
    at = open_page("app_pages/activations.py")
    at.slider(key="activations_layers").set_value(5).run()
    chart = figures(at)[1]
    names = [trace["name"] for trace in chart["data"]]
    assert names == ["Sigmoid", "Tanh", "ReLU"]
    assert all(array(trace["x"]).tolist() == [1, 2, 3, 4, 5] for trace in chart["data"])
    assert chart["layout"]["yaxis"]["type"] == "log"


def test_vanishing_gradient_metrics_show_the_bound_with_the_current_weight():
    # The old page taught "(1/4)^n" whatever the weights.
    at = open_page("app_pages/activations.py")
    at.slider(key="activations_chain_w").set_value(3.0).run()
    at.slider(key="activations_layers").set_value(4).run()
    chains = compare_activations(4, 1.0, 3.0)
    sigmoid = next(m for m in at.metric if m.label.startswith("Sigmoid"))
    assert sigmoid.value == format_number(abs(chains["sigmoid"].gradient[-1]))
    assert sigmoid.delta == f"bound (0.25 · 3)^4 = {format_number(0.75**4)}"
    text = " ".join(m.value for m in at.markdown)
    assert "(max f′ · |w|)ⁿ" in text


def test_initialisation_demo_shows_symmetry_and_its_breaking():
    at = open_page("app_pages/activations.py")
    assert any("identical weights" in w.value for w in at.warning)
    weights = [array(trace["y"]) for trace in figures(at)[2]["data"]]
    assert len(weights) == 6 and all(np.array_equal(w, weights[0]) for w in weights)
    at.radio(key="activations_init_start").set_value("random").run()
    assert not any("identical weights" in w.value for w in at.warning)
    weights = [array(trace["y"]) for trace in figures(at)[2]["data"]]
    assert not np.array_equal(weights[0][-1:], weights[2][-1:])
    at.select_slider(key="activations_init_scale").set_value(10.0).run()
    saturated = next(m for m in at.metric if m.label.startswith("Saturated"))
    assert saturated.value == f"{saturation(10.0).saturated_fraction:.0%}"


# --- Chain rule ----------------------------------------------------------------------------


def chain_table(at: AppTest) -> dict[str, str]:
    frame = at.dataframe[0].value
    return dict(zip(frame["node"], frame["∂L/∂node"], strict=True))


def test_chain_rule_steps_backward_one_node_at_a_time():
    at = open_page("app_pages/chain_rule.py")
    assert at.slider(key="chain_rule_step").value == 0
    assert chain_table(at)["w₁"] == "?"
    at.button(key="chain_rule_next").click().run()
    assert at.slider(key="chain_rule_step").value == 1
    table = chain_table(at)
    assert table["ŷ = f(z₂)"] != "?" and table["z₂ = w₂h + b₂"] == "?"
    at.button(key="chain_rule_back").click().run()
    at.button(key="chain_rule_back").click().run()  # stays at 0
    assert at.slider(key="chain_rule_step").value == 0


def test_chain_rule_final_gradients_match_the_engine():
    at = open_page("app_pages/chain_rule.py")
    values = {"x": 0.8, "y": 0.3, "w1": 1.2, "b1": -0.4, "w2": 0.7, "b2": 0.1}
    for field, value in values.items():
        at.number_input(key=f"chain_rule_{field}").set_value(value).run()
    at.selectbox(key="chain_rule_activation").set_value("tanh").run()
    at.button(key="chain_rule_all").click().run()
    assert not at.exception and not at.error
    net = Network.from_parameters(
        [[[values["w1"]]], [[values["w2"]]]], [[values["b1"]], [values["b2"]]], ["tanh", "tanh"]
    )
    trace = net.compute_trace([[values["x"]]], [[values["y"]]])
    table = chain_table(at)
    assert table["w₁"] == format_number(trace.layers[0].dW[0, 0])
    assert table["b₁"] == format_number(trace.layers[0].db[0])
    assert table["w₂"] == format_number(trace.layers[1].dW[0, 0])
    assert table["b₂"] == format_number(trace.layers[1].db[0])
    check = at.dataframe[1].value  # the same gradients by backprop and finite differences
    assert list(check["engine backprop"]) == list(check["this graph"])
    assert list(check["finite differences"]) == list(check["this graph"])


def test_tied_weight_shows_gradients_adding_up():
    at = open_page("app_pages/chain_rule.py")
    at.toggle(key="chain_rule_tied").set_value(True).run()
    at.button(key="chain_rule_all").click().run()
    text = " ".join(m.value for m in at.markdown)
    assert "gradients add up" in text


def test_chain_rule_invalid_choice_keeps_last_valid_graph():
    at = open_page("app_pages/chain_rule.py")
    at.button(key="chain_rule_all").click().run()
    before = chain_table(at)
    at.selectbox(key="chain_rule_loss").set_value("binary_cross_entropy").run()  # sigmoid: ok
    valid = chain_table(at)
    assert not at.error
    at.selectbox(key="chain_rule_activation").set_value("tanh").run()  # BCE needs sigmoid
    assert not at.exception
    assert any("sigmoid" in e.value for e in at.error)
    assert chain_table(at) == valid
    assert valid != before


# --- Learning rate -------------------------------------------------------------------------


def test_learning_rate_page_draws_one_curve_per_rate():
    at = open_page("app_pages/learning_rate.py")
    curves = figures(at)[0]
    named = [t["name"] for t in curves["data"] if t.get("showlegend", True) is not False]
    assert len(named) == 4 and "diverged" in named[3]
    at.number_input(key="learning_rate_lr1").set_value(0.05).run()
    curves = figures(at)[0]
    assert any(t.get("name", "").startswith("η = 0.05") for t in curves["data"])


def test_divergence_warning_and_help_use_the_threshold_of_the_shown_function():
    # The old help promised divergence "at 0.6" and no warning appeared there with 50 steps.
    threshold = step_size_limits("linear").divergence_rate
    assert threshold == pytest.approx(0.5538, abs=1e-4)
    at = open_page("app_pages/learning_rate.py")
    assert format_number(threshold, 3) in at.number_input(key="learning_rate_eta").help
    at.number_input(key="learning_rate_eta").set_value(0.6).run()  # default 50 steps
    assert any(format_number(threshold, 3) in w.value for w in at.warning)
    at.number_input(key="learning_rate_eta").set_value(0.55).run()
    assert not at.warning
    at.selectbox(key="learning_rate_activation").set_value("tanh").run()
    tanh_threshold = step_size_limits("tanh").divergence_rate
    assert format_number(tanh_threshold, 3) in at.number_input(key="learning_rate_eta").help


def test_descent_path_diverges_with_a_warning():
    at = open_page("app_pages/learning_rate.py")
    at.slider(key="learning_rate_steps").set_value(200).run()
    at.number_input(key="learning_rate_eta").set_value(0.6).run()
    assert not at.exception
    assert any("diverged" in w.value for w in at.warning)
    at.number_input(key="learning_rate_eta").set_value(0.5).run()
    assert not any("diverged" in w.value for w in at.warning)


# --- Worked example ------------------------------------------------------------------------


def test_worked_example_shows_the_engines_numbers_and_recomputes():
    at = open_page("app_pages/worked_example.py")
    scenario = textbook_222()
    trace = scenario.network.compute_trace(scenario.X, scenario.Y, scenario.learning_rate)
    latex = " ".join(block.value for block in at.latex)
    assert format_number(trace.loss, 10) in latex
    assert format_number(trace.layers[1].W_new[0, 0], 9) in latex  # w5 after the update
    assert format_number(trace.layers[0].delta[0, 0]) in latex  # delta of h1
    at.number_input(key="worked_example_w5").set_value(0.9).run()
    at.number_input(key="worked_example_eta").set_value(0.25).run()
    weights = [w.copy() for w in scenario.network.weights]
    weights[1][0, 0] = 0.9
    changed = Network.from_parameters(weights, scenario.network.biases, ["sigmoid"] * 2)
    new_trace = changed.compute_trace(scenario.X, scenario.Y, 0.25)
    latex = " ".join(block.value for block in at.latex)
    assert format_number(new_trace.loss, 10) in latex
    assert format_number(new_trace.layers[1].W_new[0, 0], 9) in latex
    assert at.metric[0].value == format_number(new_trace.loss, 10)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_worked_example_is_exact_with_frozen_biases_and_names_both_orders():
    at = open_page("app_pages/worked_example.py")
    shown = metrics(at)
    assert shown["E_total after: all at once"] == "0.2910277737"
    assert shown["E_total after: published order"] == "0.2910279239"
    assert any("stay fixed" in i.value for i in at.info)
    text = " ".join(m.value for m in at.markdown)
    assert "0.2910277737" in text and "0.2910279239" in text
    latex = " ".join(block.value for block in at.latex)
    assert "b_{1,h_{1},\\,\\text{new}}" not in latex  # no bias update while frozen
    at.radio(key="worked_example_order").set_value("sequential").run()
    assert any(h.value.startswith("The published code's order") for h in at.subheader)
    at.toggle(key="worked_example_train_biases").set_value(True).run()
    assert metrics(at)["E_total after: all at once"] != "0.2910277737"
    assert not at.exception


def test_train_ten_thousand_more_steps_reproduces_the_published_outputs():
    at = open_page("app_pages/worked_example.py")
    at.button(key="worked_example_train").click().run()
    shown = metrics(at)
    assert shown["E_total after 10,000 steps"] == "3.51019e-05"
    assert "0.015913620" in shown["out o₁"] or shown["out o₁"].startswith("0.01591362")
    assert list(shown.values()).count("0.984064274") == 1
    at.button(key="worked_example_train").click().run()
    assert "E_total after 20,000 steps" in metrics(at)
    at.number_input(key="worked_example_w5").set_value(0.9).run()  # new numbers: start again
    assert not any("steps" in label for label in metrics(at))


# --- Practice ------------------------------------------------------------------------------


def answer(at: AppTest, text: str) -> AppTest:
    at.text_input[0].input(text)
    submit = next(b for b in at.button if b.key.startswith("FormSubmitter:practice_form"))
    return submit.click().run()


def score_text(at: AppTest) -> str:
    return next(m.value for m in at.metric if "/" in m.value)


def test_correct_answer_is_accepted_and_scored():
    at = open_page("app_pages/practice.py")
    at.number_input(key="practice_seed").set_value(17).run()
    exercise = generate_exercise(17)
    answer(at, repr(exercise.answer))
    assert not at.exception
    assert any("Correct" in s.value for s in at.success)
    assert score_text(at) == "1 / 1"


def test_wrong_answer_is_rejected_and_counted():
    at = open_page("app_pages/practice.py")
    at.selectbox(key="practice_kind").set_value("output_delta").run()
    exercise = generate_exercise(0, "output_delta")
    answer(at, str(exercise.answer + 1.0))
    assert not at.success
    assert any("Not quite" in e.value for e in at.error)
    assert score_text(at) == "0 / 1"


@pytest.mark.parametrize("text, message", [("abc", "not a number"), ("", "Type your answer")])
def test_non_numeric_and_empty_answers_get_a_message_and_do_not_count(text, message):
    at = open_page("app_pages/practice.py")
    answer(at, text)
    assert not at.exception
    assert any(message in w.value for w in at.warning)
    assert score_text(at) == "0 / 0"


def test_worked_solution_reveals_the_numbers_and_new_exercise_changes_the_seed():
    at = open_page("app_pages/practice.py")
    exercise = generate_exercise(0)
    reveal = next(t for t in at.toggle if t.key.startswith("practice_reveal_"))
    reveal.set_value(True).run()
    latex = " ".join(block.value for block in at.latex)
    assert format_number(exercise.answer) in latex
    assert score_text(at) == "0 / 1"  # revealed before solving: tried, not solved
    at.button(key="practice_new").click().run()
    assert at.number_input(key="practice_seed").value != 0
    assert not at.exception


def test_flashcards_flip_and_move():
    at = open_page("app_pages/practice.py")
    captions = " ".join(c.value for c in at.caption)
    assert "Card 1 of" in captions
    at.toggle(key="practice_show_back").set_value(True).run()
    at.button(key="practice_card_next").click().run()
    captions = " ".join(c.value for c in at.caption)
    assert "Card 2 of" in captions
    assert at.toggle(key="practice_show_back").value is False


def test_every_flashcard_links_to_its_page():
    at = open_page("app_pages/practice.py")
    at.toggle(key="practice_show_back").set_value(True).run()
    for card in load_flashcards():
        link = at.get("page_link")[-1]
        assert link.proto.page == card.page if card.page != "home" else link.proto.page == ""
        at.button(key="practice_card_next").click().run()
        at.toggle(key="practice_show_back").set_value(True).run()
    assert not at.exception


# --- shared links ----------------------------------------------------------------------------


def open_with_params(page: str, params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    return at.switch_page(page).run()


def test_a_shared_link_restores_the_chain_rule_view():
    at = open_with_params(
        "app_pages/chain_rule.py", {"chain_rule_step": "4", "chain_rule_tied": "true"}
    )
    assert at.slider(key="chain_rule_step").value == 4
    assert at.toggle(key="chain_rule_tied").value is True
    assert "w" in chain_table(at)


def test_a_shared_link_names_the_activation_by_its_label():
    # Streamlit writes a selectbox with format_func into the URL as the label it shows.
    at = open_with_params("app_pages/activations.py", {"activations_name": "Tanh"})
    assert at.selectbox(key="activations_name").value == "tanh"


@pytest.mark.parametrize(
    "page, params",
    [
        ("app_pages/chain_rule.py", {"chain_rule_step": "99", "chain_rule_w1": "nan"}),
        ("app_pages/chain_rule.py", {"chain_rule_activation": "softmax"}),
        ("app_pages/practice.py", {"practice_seed": "-5", "practice_kind": "evil"}),
        ("app_pages/learning_rate.py", {"learning_rate_lr1": "1e9", "learning_rate_eta": "abc"}),
        ("app_pages/activations.py", {"activations_z": "1e300", "activations_name": "softmax"}),
        ("app_pages/worked_example.py", {"worked_example_w1": "inf", "worked_example_eta": "0"}),
    ],
)
def test_tampered_links_fall_back_to_defaults_without_a_traceback(page, params):
    at = open_with_params(page, params)
    assert not at.exception
    assert not at.error


# --- accessibility: every chart has a text alternative ------------------------------------


CHARTS_PER_PAGE = {
    "app_pages/home.py": 0,
    "app_pages/activations.py": 3,
    "app_pages/chain_rule.py": 1,
    "app_pages/learning_rate.py": 2,
    "app_pages/worked_example.py": 0,
    "app_pages/practice.py": 0,
    "app_pages/glossary.py": 0,
}


@pytest.mark.parametrize("page", LEARN_PAGES)
def test_every_chart_is_followed_by_a_text_alternative(page):
    at = open_page(page)
    captions = chart_captions(at)
    assert len(captions) == len(at.get("plotly_chart")) == CHARTS_PER_PAGE[page]
    for caption in captions:
        assert len(caption) > 40, caption  # a sentence, not an empty or one-word caption


def test_learning_rate_alt_text_names_every_rate_and_the_divergence():
    at = open_page("app_pages/learning_rate.py")
    runs = compare_learning_rates(DEFAULT_LEARNING_RATES, 150)
    curves_alt = chart_captions(at)[0]
    for run in runs:
        assert f"η = {format_number(run.learning_rate)}" in curves_alt
        if run.diverged_at is not None:
            assert f"diverges at update {run.diverged_at}" in curves_alt
        else:
            assert format_number(run.final_loss) in curves_alt
    assert any(run.diverged_at is not None for run in runs)  # the default shows a divergence


def test_activation_alt_text_follows_the_slider():
    at = open_page("app_pages/activations.py")
    at.slider(key="activations_z").set_value(2.0).run()
    f_z, df_z = evaluate("sigmoid", 2.0)
    alt = chart_captions(at)[0]
    assert f"f = {format_number(f_z)}" in alt and f"f′ = {format_number(df_z)}" in alt


def test_chain_rule_alt_text_follows_the_step():
    at = open_page("app_pages/chain_rule.py")
    at.slider(key="chain_rule_step").set_value(2).run()
    assert "after 2 of 7 backward steps" in chart_captions(at)[0]
