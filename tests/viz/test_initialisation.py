"""The symmetry figure draws one line per hidden weight, from the run it is given."""

import numpy as np

from lessons.initialisation import symmetry_run
from viz.initialisation import symmetry_figure


def test_one_line_per_hidden_weight_with_the_runs_values():
    run = symmetry_run("random", 20)
    fig = symmetry_figure(run)
    assert len(fig.data) == 6
    first = fig.data[0]
    assert np.array_equal(np.asarray(first.y), run.hidden_weights[:, 0, 0])
    assert np.array_equal(np.asarray(first.x), np.arange(21))
    # Units differ by colour and marker, inputs by dash: colour is never the only difference.
    styles = {(t.line.color, t.line.dash, t.marker.symbol) for t in fig.data}
    assert len(styles) == 6


def test_an_equal_start_draws_coinciding_lines():
    fig = symmetry_figure(symmetry_run("equal", 20))
    ys = [np.asarray(trace.y) for trace in fig.data]
    assert all(np.array_equal(y, ys[0]) for y in ys)
    assert "all weights equal" in fig.layout.title.text
