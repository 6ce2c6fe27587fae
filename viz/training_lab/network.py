"""The lab's network graph: which neuron was clicked, and the graph's text alternative."""

from collections.abc import Sequence

import numpy as np

from viz.format import format_number
from viz.network_graph import KIND_NODE


def clicked_neuron(selection, layer_sizes: Sequence[int]) -> tuple[int, int] | None:
    """The (layer, unit) of a neuron clicked on the network graph, else None.

    `selection` is what st.plotly_chart(on_select="rerun") returns for a figure from
    viz.network_graph.network_figure, whose node points carry customdata
    [layer, unit, -1, KIND_NODE]. Input neurons (layer 0), other points and malformed data
    give None; the last neuron point wins.
    """
    try:
        inner = selection.get("selection", selection) if selection is not None else None
        points = inner.get("points", []) if inner is not None else []
        points = list(points) if isinstance(points, list | tuple) else []
    except (AttributeError, TypeError):
        return None
    for point in reversed(points):
        data = point.get("customdata") if isinstance(point, dict) else None
        if isinstance(data, dict):  # a typed array serialised by the browser: {"0": x, ...}
            data = [data.get(str(index)) for index in range(len(data))]
        if not isinstance(data, list | tuple) or len(data) != 4:
            continue
        try:
            layer, unit, _, kind = (int(value) for value in data)
        except (TypeError, ValueError, OverflowError):
            continue
        if kind == KIND_NODE and 1 <= layer < len(layer_sizes) and 0 <= unit < layer_sizes[layer]:
            return layer, unit
    return None


def network_alt(layer_sizes: Sequence[int], weights: Sequence[np.ndarray], update: int) -> str:
    """Text for the network graph: the layer sizes and the largest weight."""
    finite = [np.abs(w[np.isfinite(w)]) for w in weights]
    largest = max((float(a.max()) for a in finite if a.size), default=float("nan"))
    sizes = "-".join(str(n) for n in layer_sizes)
    return (
        f"A {sizes} network after {update:,} updates; each line is a weight, thicker for a"
        f" larger magnitude (the largest is {format_number(largest)})."
    )
