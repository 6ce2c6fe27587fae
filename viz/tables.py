"""Compact tables of a step for the matrix view, and the progress strip of the phases.

Tables are pandas DataFrames of formatted text (viz.format), so every value is shown with the
same precision as elsewhere and a diverged value reads 'undefined' or 'infinite', never 'nan'.
"""

import numpy as np
import pandas as pd

from engine.phases import Phase
from engine.trace import StepTrace
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
