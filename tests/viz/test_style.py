"""viz.style is the one source of colours, fonts and the Plotly template of the figures."""

import ast
import re
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import pytest
from plotly.colors import sample_colorscale

from lessons.activations import compare_activations
from lessons.chain_rule import GraphSettings, build_graph
from lessons.learning_rate import NEURON_OPTIMUM, compare_learning_rates, descent_path, loss_surface
from viz import style
from viz.activations import activation_figure, vanishing_gradient_figure
from viz.chain_rule import graph_figure
from viz.learning_rate import descent_contour_figure, learning_rate_figure

ROOT = Path(__file__).resolve().parents[2]
# Modules that take every colour from viz.style; add a module here once it has adopted it.
STYLED_MODULES = ("viz/activations.py", "viz/learning_rate.py", "viz/chain_rule.py")
COLOUR_LITERAL = re.compile(r"#[0-9a-fA-F]{3,8}\b|rgba?\(|\b(RdBu|Blues|Viridis|Greys)\b")


def _figures(font_size: int) -> dict[str, go.Figure]:
    size = {"height": 400, "font_size": font_size}
    surface = loss_surface("linear", resolution=10)
    return {
        "activation": activation_figure("tanh", 0.5, **size),
        "vanishing": vanishing_gradient_figure(compare_activations(4, 1.0, 1.0), **size),
        "learning rate": learning_rate_figure(compare_learning_rates([0.1, 0.5], 5), **size),
        "descent": descent_contour_figure(
            surface, descent_path("linear", 0.0, 0.0, 0.2, 5), NEURON_OPTIMUM, **size
        ),
        "chain rule": graph_figure(build_graph(GraphSettings()), 2, **size),
    }


@pytest.mark.parametrize("font_size", [style.NORMAL_FONT_SIZE, style.PRESENTER_FONT_SIZE])
def test_every_figure_uses_the_house_template_and_the_callers_font_size(font_size):
    template = pio.templates[style.TEMPLATE]
    for name, fig in _figures(font_size).items():
        assert fig.layout.template == template, name
        assert fig.layout.font.size == font_size, name
        if fig.layout.title.text:
            assert fig.layout.title.font.size == font_size + style.TITLE_SIZE_STEP, name


@pytest.mark.parametrize("path", STYLED_MODULES)
def test_styled_modules_name_no_colour_of_their_own(path):
    """Colours live in viz/style.py only; a literal in a figure module is a second source."""
    tree = ast.parse((ROOT / path).read_text())
    literals = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        if COLOUR_LITERAL.search(node.value)
    ]
    assert literals == []


def test_sign_colours_are_the_ends_of_the_diverging_scale():
    negative, zero, positive = sample_colorscale(style.DIVERGING_SCALE, [0.1, 0.5, 0.9])
    assert negative.replace(" ", "") == style.NEGATIVE_COLOR
    assert zero.replace(" ", "") == style.ZERO_COLOR
    assert positive.replace(" ", "") == style.POSITIVE_COLOR
    red, _, blue = (int(v) for v in style.NEGATIVE_COLOR[4:-1].split(","))
    assert red > blue  # red = negative, blue = positive, as the captions say


def test_signed_colour_runs_from_red_through_the_midpoint_to_blue():
    assert style.signed_colour(0.0).replace(" ", "") == style.ZERO_COLOR
    assert style.signed_colour(-0.8).replace(" ", "") == style.NEGATIVE_COLOR
    assert style.signed_colour(0.8).replace(" ", "") == style.POSITIVE_COLOR
    assert style.signed_colour(5.0) == style.signed_colour(1.0)  # clipped


def test_series_differ_by_dash_and_symbol_as_well_as_colour():
    styles = [style.series_style(index) for index in range(len(style.SERIES_COLORS))]
    for position in range(3):
        assert len({entry[position] for entry in styles}) == len(styles)


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("colour", [style.TEXT_COLOR, style.VALUE_TEXT_COLOR, style.INK_COLOR])
def test_text_colours_reach_wcag_aa_contrast_on_white(colour):
    assert (1.0 + 0.05) / (_luminance(colour) + 0.05) >= 4.5
