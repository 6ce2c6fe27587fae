"""The one visual style of every figure: palette, font sizes and the Plotly template.

Every figure in viz/ takes its colours, line dashes, marker symbols and font sizes from here
and is built with `base_layout(...)` (or at least `template=TEMPLATE`), so a change of look is
a change in this file only.

Palette (all on a white background):
- Categorical series and classes: Okabe-Ito (Okabe & Ito 2008), distinguishable with every
  common colour-vision deficiency. Colour is never the only cue: series also differ by
  SERIES_DASHES and SERIES_SYMBOLS, classes by their marker symbol.
- Signed values (weights, gradients, deltas): DIVERGING_SCALE, ColorBrewer's RdBu (red =
  negative, near-white = 0, blue = positive), colour-blind safe; NEGATIVE_COLOR and
  POSITIVE_COLOR are its two strong ends for a sign drawn as one colour. The sign is also
  written as text (a minus sign), never told by colour alone.
- Emphasis: ACTIVE_COLOR (Okabe-Ito vermillion) for the thing being computed now and the
  gradient flowing back from it, RECEIVE_COLOR (bluish green) for what receives it,
  HIGHLIGHT_COLOR (orange) for a selected unit or edge, DIMMED_COLOR for what is not in play.

Fonts: NORMAL_FONT_SIZE on a laptop, PRESENTER_FONT_SIZE on a projector (the page picks one
through app_pages.common.chart_size and passes it as `font_size`); titles are
TITLE_SIZE_STEP larger. Numbers drawn on a figure use `font_size` or a size derived from it.

Why the template does not hold the font sizes: `st.plotly_chart` (theme="streamlit") merges
Streamlit's theme into `layout.template.layout`, overriding fonts, title, legend and axis
styling there; only what a figure sets on its own layout survives. So font sizes go on each
figure's layout (`base_layout` does it), while the template carries what Streamlit keeps:
the colourway, the diverging and sequential colour scales and trace defaults. The template
still sets the font size, for figures shown outside Streamlit (exported, notebooks).

Usage:
    from viz.style import base_layout, POSITIVE_COLOR, SERIES_COLORS, ...
    go.Figure(data=traces, layout=base_layout("Title", height, font_size, xaxis={...}))
"""

from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from plotly.colors import get_colorscale, sample_colorscale

# --- Okabe-Ito colours --------------------------------------------------------------------
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"  # bluish green
PINK = "#CC79A7"  # reddish purple
SKY_BLUE = "#56B4E9"
VERMILLION = "#D55E00"
YELLOW = "#F0E442"

# --- Categorical series: curves, classes, layers ------------------------------------------
SERIES_COLORS = (BLUE, ORANGE, GREEN, PINK, SKY_BLUE, VERMILLION)
# Colour is never the only difference between series: each also gets its own dash and marker.
SERIES_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
SERIES_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star")
CLASS_COLORS = SERIES_COLORS  # class k of a dataset: marker colour
CLASS_FILLS = ("#9ecae1", "#fdd49e", "#a1d99b", "#e7c3da", "#c6e4f5", "#f5b99b")  # light tints
TRAIN_COLOR = BLUE  # training rows / training loss
TEST_COLOR = ORANGE  # test rows / test loss
FUNCTION_COLOR = BLUE  # f(z)
DERIVATIVE_COLOR = VERMILLION  # f'(z)

# --- Signed values: weights, gradients, deltas --------------------------------------------
DIVERGING_SCALE_NAME = "RdBu"  # ColorBrewer; index 0 = most negative, 1 = most positive
DIVERGING_SCALE: list[list[Any]] = [list(stop) for stop in get_colorscale(DIVERGING_SCALE_NAME)]
NEGATIVE_COLOR = "rgb(178,24,43)"  # the scale at 0.1
POSITIVE_COLOR = "rgb(33,102,172)"  # the scale at 0.9
ZERO_COLOR = "rgb(247,247,247)"  # the scale's midpoint
SEQUENTIAL_SCALE_NAME = "Blues"  # one-signed magnitudes: loss surfaces, counts
SEQUENTIAL_SCALE: list[list[Any]] = [list(stop) for stop in get_colorscale(SEQUENTIAL_SCALE_NAME)]
LAYER_SCALE_NAME = "Viridis"  # one colour per layer, sampled (layers also differ by dash)
LAYER_SCALE: list[list[Any]] = [list(stop) for stop in get_colorscale(LAYER_SCALE_NAME)]

# --- Emphasis and neutral ink -------------------------------------------------------------
ACTIVE_COLOR = VERMILLION  # being computed now; the gradient flowing back from it
RECEIVE_COLOR = GREEN  # receiving the gradient in this step
HIGHLIGHT_COLOR = ORANGE  # the selected unit, edge or point
DIMMED_COLOR = "#9A9A9A"  # not in play (edges no gradient flows along yet)
GUIDE_COLOR = "#888888"  # reference lines: the chosen z, y = x, thresholds
OUTLINE_COLOR = "#555555"  # outlines of nodes and markers
MONOCHROME_COLOR = "#444444"  # data markers drawn in one colour over a coloured plane
INK_COLOR = "#222222"  # strong lines drawn over data: decision boundary, fitted curve
TEXT_COLOR = "#111111"  # text on light fills
VALUE_TEXT_COLOR = "#1f3b73"  # values written next to nodes (dark blue; 10:1 on white)
NODE_FILL = "#f4f4f4"  # a unit of the network
NODE_FILLS = {  # a node of a computational graph, by what it is
    "input": "#E8E8E8",
    "target": "#E8E8E8",
    "param": "#FFE9A8",
    "mul": "#CFE3F7",
    "add": "#CFE3F7",
    "activation": "#D4EFD9",
    "loss": "#F9D3D3",
}
OPTIMUM_COLOR = "#FFD700"  # the minimum of a loss surface (a star, outlined)
MARKER_OUTLINE_COLOR = "#333333"
BACKGROUND_COLOR = "white"
LABEL_BACKGROUND = "rgba(255,255,255,0.9)"  # behind text drawn over lines
LEGEND_BACKGROUND = "rgba(255,255,255,0.7)"  # behind a legend drawn over data
TRANSPARENT = "rgba(0,0,0,0)"  # a figure background that shows the page behind it

# --- Fonts ----------------------------------------------------------------------------------
NORMAL_FONT_SIZE = 14  # px, figures on a laptop screen
PRESENTER_FONT_SIZE = 20  # px, figures on a projector (presenter mode)
MIN_FONT_SIZE = 8  # px, the smallest text any figure draws (tick labels of small multiples)
TITLE_SIZE_STEP = 3  # a figure title is this much larger than its body text

# --- The template ---------------------------------------------------------------------------
TEMPLATE = "backprop_lab"

if TEMPLATE not in pio.templates:  # registered once per process
    pio.templates[TEMPLATE] = go.layout.Template(
        layout={
            "colorway": list(SERIES_COLORS),
            "colorscale": {
                "diverging": DIVERGING_SCALE,
                "sequential": SEQUENTIAL_SCALE,
                "sequentialminus": SEQUENTIAL_SCALE,
            },
            "font": {"size": NORMAL_FONT_SIZE},
            "plot_bgcolor": BACKGROUND_COLOR,
            "paper_bgcolor": BACKGROUND_COLOR,
            "hovermode": "closest",
        },
        data={
            "contour": [{"colorscale": SEQUENTIAL_SCALE}],
            "heatmap": [{"colorscale": SEQUENTIAL_SCALE}],
        },
    )


def title_font(font_size: int) -> dict[str, int]:
    """The font of a figure title over body text of `font_size` px."""
    return {"size": font_size + TITLE_SIZE_STEP}


def base_layout(
    title: str | None, height: int, font_size: int = NORMAL_FONT_SIZE, **extra: Any
) -> dict[str, Any]:
    """A figure layout in the house style: template, body and title fonts, height.

    `extra` is merged on top (e.g. xaxis, yaxis, legend, margin, uirevision), so a figure
    states only what is its own. `title=None` draws no title.
    """
    layout: dict[str, Any] = {
        "template": TEMPLATE,
        "height": height,
        "font": {"size": font_size},
    }
    if title is not None:
        layout["title"] = {"text": title, "font": title_font(font_size)}
    layout.update(extra)
    return layout


def unchecked_figure(data: list[dict], layout: dict[str, Any]) -> go.Figure:
    """go.Figure(data, layout) without Plotly checking every property as it is set.

    Plotly's per-property validation was most of a training-lab rerun (about 45 of 130 ms at
    the defaults), and st.plotly_chart does not validate a Figure again. Plotly's private
    `_validate=False` (plotly 7.1, pinned) switches it off; tests/viz validates what each
    builder using this returns against Plotly's schema instead, once per test run.
    """
    return go.Figure(data=data, layout=layout, _validate=False)


def line_chart_layout(title: str, height: int, font_size: int, **extra: Any) -> dict[str, Any]:
    """base_layout for a chart of curves: room for axis titles, the legend in one row above
    the plot at the right; `extra` on top."""
    return base_layout(
        title,
        height,
        font_size,
        **{
            "margin": {"l": 60, "r": 20, "t": 60, "b": 50},
            "legend": {
                "orientation": "h",
                "yanchor": "bottom",
                "y": 1.0,
                "xanchor": "right",
                "x": 1,
            },
            "uirevision": "learn",
            **extra,
        },
    )


def signed_colour(value: float) -> str:
    """The diverging scale's colour for `value` in [-1, 1] (-1 most negative, 0 the midpoint,
    1 most positive), as 'rgb(r, g, b)'; values outside are clipped."""
    fraction = 0.5 + 0.5 * min(max(float(value), -1.0), 1.0)
    return sample_colorscale(DIVERGING_SCALE, [fraction])[0]


def series_style(index: int) -> tuple[str, str, str]:
    """(colour, dash, marker symbol) of the `index`-th series; they cycle together."""
    return (
        SERIES_COLORS[index % len(SERIES_COLORS)],
        SERIES_DASHES[index % len(SERIES_DASHES)],
        SERIES_SYMBOLS[index % len(SERIES_SYMBOLS)],
    )
