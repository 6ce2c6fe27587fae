"""Figure of the initialisation lesson: the hidden units' incoming weights while training.

Pure function: a lesson result in, a Plotly figure out; sizes come from the caller.
"""

import numpy as np
import plotly.graph_objects as go

from lessons.initialisation import START_LABELS, SymmetryRun
from viz.style import NORMAL_FONT_SIZE, SERIES_COLORS, SERIES_SYMBOLS, base_layout

INPUT_DASHES = ("solid", "dot")  # one per input: colour is never the only difference


def symmetry_figure(
    run: SymmetryRun, height: int = 380, font_size: int = NORMAL_FONT_SIZE
) -> go.Figure:
    """Each hidden weight w^(1)_jk against the update number: one line per (unit j, input k).

    From an equal start the lines lie on top of each other for ever; from a random start they
    move apart.
    """
    steps = np.arange(run.hidden_weights.shape[0])
    traces = []
    n_units, n_inputs = run.hidden_weights.shape[1:]
    for j in range(n_units):
        for k in range(n_inputs):
            name = f"w⁽¹⁾ unit {j + 1} ← input {k + 1}"
            traces.append(
                {
                    "type": "scatter",
                    "x": steps,
                    "y": run.hidden_weights[:, j, k],
                    "mode": "lines+markers",
                    "name": name,
                    "line": {
                        "color": SERIES_COLORS[j % len(SERIES_COLORS)],
                        "dash": INPUT_DASHES[k % len(INPUT_DASHES)],
                        "width": 2 + (n_units - j),  # equal lines stay visible under each other
                    },
                    "marker": {
                        "symbol": SERIES_SYMBOLS[j % len(SERIES_SYMBOLS)],
                        "size": 7,
                        "maxdisplayed": 12,
                    },
                    "hovertemplate": "update %{x}: %{y:.4f}<extra>" + name + "</extra>",
                }
            )
    return go.Figure(
        data=traces,
        layout=base_layout(
            f"Hidden weights while training XOR: {START_LABELS[run.start].lower()}",
            height,
            font_size,
            margin={"l": 60, "r": 20, "t": 60, "b": 50},
            legend={"font": {"size": max(font_size - 3, 9)}},
            xaxis={"title": {"text": "update"}},
            yaxis={"title": {"text": "weight value"}},
            uirevision="initialisation",
        ),
    )
