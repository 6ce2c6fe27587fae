"""Compact tables of a step for the matrix view, the progress strip of the phases, and the
small loss-history chart of the step-by-step explorer.

Tables are pandas DataFrames of formatted text (viz.format), so every value is shown with the
same precision as elsewhere and a diverged value reads 'undefined' or 'infinite', never 'nan'.
"""

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from engine.trace import StepTrace
from lessons.step_by_step.phases import Phase
from viz import style
from viz.format import format_number


def _frame(array: np.ndarray, rows: list[str], columns: list[str]) -> pd.DataFrame:
    text = [[format_number(value) for value in row] for row in np.atleast_2d(array)]
    return pd.DataFrame(text, index=rows, columns=columns)


def layer_tables(trace: StepTrace, layer: int) -> dict[str, pd.DataFrame]:
    """W, b, z, a, delta, dW, db, W_new of weight layer `layer` (W[layer] maps node layer
    `layer` to `layer` + 1), each as a table; z, a and delta have one row per sample."""
    record = trace.layers[layer]
    n_out, n_in = record.W.shape
    units = [f"unit {j + 1}" for j in range(n_out)]
    inputs = [f"in {k + 1}" for k in range(n_in)]
    samples = [f"sample {n + 1}" for n in range(trace.n_samples)]
    return {
        "W": _frame(record.W, units, inputs),
        "b": _frame(record.b[:, None], units, ["b"]),
        "z": _frame(record.z, samples, units),
        "a": _frame(record.a, samples, units),
        "delta": _frame(record.delta, samples, units),
        "dW": _frame(record.dW, units, inputs),
        "db": _frame(record.db[:, None], units, ["dL/db"]),
        "W_new": _frame(record.W_new, units, inputs),
    }


def progress_strip(phases: tuple[Phase, ...], current: int) -> str:
    """Markdown of the phases in order: done ones plain, the current one highlighted, later
    ones greyed. The current one is also marked by an arrow and bold (not by colour alone)."""
    parts = []
    for index, phase in enumerate(phases):
        if index == current:
            parts.append(f":orange-background[**▶ {phase.short}: {phase.title}**]")
        elif index < current:
            parts.append(f"✓ {phase.short}")
        else:
            parts.append(f":gray[{phase.short}]")
    return " → ".join(parts)


def loss_history_figure(
    history: Sequence[tuple[int, float]], height: int = 220, font_size: int = style.NORMAL_FONT_SIZE
) -> go.Figure:
    """The loss after each completed training step (step 0 = before any update) as a line.

    Non-finite losses are left out (a diverged step is never taken, so there should be none).
    """
    steps = np.array([step for step, _ in history], dtype=float)
    losses = np.array([loss for _, loss in history], dtype=float)
    keep = np.isfinite(losses)
    hover = [f"step {int(s)}: loss {format_number(v)}" for s, v in zip(steps, losses, strict=True)]
    figure = go.Figure(
        data=[
            {
                "type": "scatter",
                "x": steps[keep],
                "y": losses[keep],
                "mode": "lines+markers",
                "hovertext": np.asarray(hover, dtype=object)[keep],
                "hoverinfo": "text",
                "line": {"width": 2, "color": style.SERIES_COLORS[0]},
                "marker": {"symbol": style.SERIES_SYMBOLS[0]},
                "name": "loss",
            }
        ],
        layout=style.base_layout(
            None,
            height,
            font_size,
            margin={"l": 50, "r": 10, "t": 10, "b": 40},
            xaxis={"title": {"text": "training step"}, "rangemode": "tozero"},
            yaxis={"title": {"text": "loss"}},
            uirevision="loss-history",
            showlegend=False,
        ),
    )
    return figure
