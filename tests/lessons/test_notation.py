"""One notation: every symbol any page's formulas use is in the glossary, and the notation's
helpers read and write symbols the way the pages do."""

import re

import numpy as np
import pytest

from engine import Network
from engine.activations import ACTIVATIONS
from engine.losses import LOSSES
from lessons.glossary import PAGE_LINKS, TERMS
from lessons.notation import SYMBOLS, SYMBOLS_BY_TOKEN, new_value, symbols_in
from lessons.practice import EXERCISE_KINDS, generate_exercise
from lessons.step_by_step.inspector import weight_chain
from lessons.step_by_step.phases import phase_sequence
from lessons.worked_example import NAME_MAPPING, TEXTBOOK_VALUES, one_step
from viz import chain_rule as chain_rule_viz
from viz.practice import question_markdown, solution_steps
from viz.step_by_step.equations import chain_rule_equations, phase_equations
from viz.worked_example import worked_example

NETWORKS = [  # (layer sizes, activations, loss, batch size): every activation and loss
    ([2, 2, 2], ["sigmoid", "sigmoid"], "squared_error", 1),
    ([2, 3, 3], ["tanh", "softmax"], "cross_entropy", 3),
    ([3, 2, 1], ["relu", "sigmoid"], "binary_cross_entropy", 2),
    ([2, 12, 1], ["leaky_relu", "linear"], "mse", 4),
]


def traced(sizes, activations, loss, n_samples):
    net = Network(sizes, activations, loss=loss, seed=1)
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (n_samples, sizes[0]))
    if loss == "cross_entropy":
        Y = np.eye(sizes[-1])[rng.integers(sizes[-1], size=n_samples)]
    else:
        Y = rng.uniform(0, 1, (n_samples, sizes[-1]))
    return net, net.compute_trace(X, Y, 0.5)


def step_page_latex() -> list[str]:
    blocks = []
    for sizes, activations, loss, n_samples in NETWORKS:
        net, trace = traced(sizes, activations, loss, n_samples)
        for phase in phase_sequence(len(trace.layers)):
            for update_layer in range(1, len(trace.layers) + 1):
                for equation in phase_equations(trace, phase, update_layer=update_layer):
                    blocks.append(equation.latex)
        for layer in range(len(trace.layers)):
            chain = weight_chain(net, trace, layer, 0, 0)
            blocks += [equation.latex for equation in chain_rule_equations(chain)]
    return blocks


def practice_latex() -> list[str]:
    blocks = []
    for kind in EXERCISE_KINDS:
        for seed in range(6):
            exercise = generate_exercise(seed, kind)
            blocks += re.findall(r"\$\$?(.+?)\$?\$", question_markdown(exercise), re.S)
            blocks += [equation for _, equation in solution_steps(exercise)]
    return blocks


def worked_example_latex() -> list[str]:
    blocks = [f"{book} {app}" for book, app, _ in NAME_MAPPING]
    for train_biases in (False, True):
        step = one_step(TEXTBOOK_VALUES, train_biases)
        sections = worked_example(step, sequential=True)
        blocks += [equation for section in sections for equation in section.equations]
    return blocks


def engine_latex() -> list[str]:
    blocks = [activation.latex for activation in ACTIVATIONS.values()]
    blocks += [activation.dlatex for activation in ACTIVATIONS.values()]
    return blocks + [loss.latex for loss in LOSSES.values()]


def chain_rule_graph_symbols() -> set[str]:
    """The chain-rule graph writes plain Unicode (w₁, ŷ); read it as LaTeX would be."""
    text = " ".join([*chain_rule_viz.SHORT_NAMES.values(), *chain_rule_viz.FORMULAS.values()])
    text = text.replace("ŷ", r"\hat y").replace("σ", r"\sigma").replace("loss(", "f(")
    text = re.sub(r"[₀-₉]", "", text)
    return symbols_in(text)


@pytest.mark.parametrize(
    "builder", [step_page_latex, practice_latex, worked_example_latex, engine_latex]
)
def test_every_symbol_the_formula_builders_use_is_in_the_glossary(builder):
    used = set()
    for block in builder():
        used |= symbols_in(block)
    missing = used - set(SYMBOLS_BY_TOKEN)
    assert not missing, f"{builder.__name__} uses symbols the glossary lacks: {sorted(missing)}"
    assert len(used) >= 5  # the collection did find the formulas


def test_the_chain_rule_graphs_symbols_are_in_the_glossary():
    missing = chain_rule_graph_symbols() - set(SYMBOLS_BY_TOKEN)
    assert not missing, sorted(missing)


def test_symbols_in_reads_letters_commands_and_names_but_not_prose():
    latex = (
        r"\delta^{(2)}_{1} = \frac{\partial L}{\partial a_j}\,f'(z_j) \quad \text{finite}"
        r" + \mathrm{net}_{h_1} \cdot e^{-z}"
    )
    assert symbols_in(latex) == {
        r"\delta", r"\partial", "L", "a", "j", "f", "z", "net", "h", "e"
    }  # fmt: skip
    assert "new" in symbols_in(new_value("w^{(2)}_{12}"))


def test_new_value_never_shares_the_old_symbol():
    assert new_value("w^{(2)}_{12}") == r"w^{(2)}_{12,\,\text{new}}"
    assert new_value("w") == r"w_{\text{new}}"


def test_every_glossary_entry_has_a_meaning_and_resolvable_pages():
    names = [term.name for term in TERMS]
    assert len(names) == len(set(names))
    for entry in (*SYMBOLS, *TERMS):
        assert entry.meaning.strip()
        assert set(entry.pages) <= set(PAGE_LINKS), entry


@pytest.mark.parametrize(
    "word",
    [
        "Forward pass", "Loss", "Gradient", "Delta", "Chain rule", "Epoch", "Batch",
        "Learning rate", "Momentum", "Adam", "L2", "Initialisation", "Activation", "Derivative",
        "Vanishing", "Exploding", "Decision boundary", "Test fraction", "Gradient norm",
        "Xavier",
    ],
)  # fmt: skip
def test_the_glossary_has_every_term_the_course_names(word):
    assert any(term.name.lower().startswith(word.lower()) for term in TERMS), word
