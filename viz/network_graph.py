"""The network graph: every neuron, every weight and every bias of a small network, as Plotly.

Layout: layer l sits at x = l, neuron 0 of every layer on top. Weights are drawn as straight
edges whose width follows |value| and whose colour follows the sign on a colour-blind-safe
diverging scale (blue positive, red negative, with a colour bar); the sign is also carried by
the line style (solid positive, dashed negative) and by the value printed on small networks.
Each edge has a clickable, hoverable marker carrying ``[layer, row, col, KIND_WEIGHT]`` in
``customdata``, so ``st.plotly_chart(..., on_select="rerun", selection_mode="points")`` reports
which weight was clicked; `selected_weight` turns that report into a weight id.

Edges are bucketed into a few traces by sign, magnitude and highlight (NaN-separated segments),
never one trace per edge, so the figure stays fast at the caps of engine/limits.py.
"""

import functools
from collections.abc import Mapping, Sequence

import networkx as nx
import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from engine.trace import StepTrace
from lessons.step_by_step.phases import BACKWARD, FORWARD, LOSS, Phase
from viz.format import format_number

COLOR_SCALE = "RdBu"  # diverging and colour-blind safe; red = negative, blue = positive
N_MAGNITUDE_BINS = 4  # width/colour buckets per sign
MARKER_POSITION = 0.62  # where along an edge (0 = source, 1 = target) its marker sits
UIREVISION = "network-graph"  # constant, so zoom and pan survive reruns
DIMMED_OPACITY = 0.22
NODE_FILL = "#f4f4f4"  # light fill with dark text: readable on light and dark backgrounds
NODE_TEXT = "#111111"
NODE_LINE = "#555555"
HIGHLIGHT_LINE = "#e69f00"  # Okabe-Ito orange
COMPACT_NODE_SIZE = 26  # px; smaller nodes get their values printed beside them
LABEL_EDGE_LIMIT = 24  # edges get a value label only when the network has at most this many

KIND_WEIGHT, KIND_BIAS, KIND_NODE = 0, 1, 2  # last column of every point's customdata
WeightId = tuple[int, int, int]  # (layer, row, col): W[layer][row, col], row = target unit


@functools.cache
def _bucket_colour(sign: int, magnitude_bin: int) -> str:
    """Colour of an edge bucket on COLOR_SCALE (cached: sampling a named scale is slow)."""
    centre = (magnitude_bin + 0.5) / N_MAGNITUDE_BINS
    return sample_colorscale(COLOR_SCALE, [0.5 + 0.5 * sign * (0.25 + 0.75 * centre)])[0]


def _layer_y(n_units: int) -> np.ndarray:
    """Vertical positions of a layer's units, centred on 0, unit 0 on top."""
    return (n_units - 1) / 2.0 - np.arange(n_units, dtype=float)


def build_graph(layer_sizes: Sequence[int]) -> nx.DiGraph:
    """A layered DiGraph: node (l, i) per unit with `pos`; edge (l, c) -> (l+1, r) per weight.

    Each edge has `weight_id` = (l, r, c), so W[l][r, c] is the weight on it.
    """
    graph = nx.DiGraph()
    for layer, size in enumerate(layer_sizes):
        ys = _layer_y(size)
        for unit in range(size):
            graph.add_node((layer, unit), layer=layer, unit=unit, pos=(float(layer), ys[unit]))
    for layer in range(len(layer_sizes) - 1):
        for row in range(layer_sizes[layer + 1]):
            for col in range(layer_sizes[layer]):
                graph.add_edge((layer, col), (layer + 1, row), weight_id=(layer, row, col))
    return graph


def _plain_rows(rows: list[tuple[int, ...]]) -> np.ndarray:
    """customdata as an object array: Plotly then sends plain JSON lists, which the browser
    hands back on a click as lists (a numeric array would travel as a typed array and come
    back as {"0": ..., "1": ...})."""
    array = np.empty((len(rows), 4), dtype=object)
    array[:] = rows
    return array


def _finite_max_abs(arrays: Sequence[np.ndarray]) -> float:
    values = np.concatenate([np.ravel(np.asarray(a, dtype=float)) for a in arrays])
    values = values[np.isfinite(values)]
    peak = float(np.max(np.abs(values))) if values.size else 0.0
    return peak if peak > 0 else 1.0


def _hover_lines(
    extras: Mapping[str, Sequence[np.ndarray | None]] | None, layer: int, index, skip: str = ""
):
    """'name = value' lines for entry `index` of layer `layer` in every extra array (but the
    one called `skip`, already shown)."""
    lines = []
    for name, arrays in (extras or {}).items():
        if name == skip or layer >= len(arrays) or arrays[layer] is None:
            continue
        lines.append(f"{name} = {format_number(np.asarray(arrays[layer])[index])}")
    return lines


def _layer_names(n_layers: int, activations: Sequence[str] | None) -> list[str]:
    names = []
    for layer in range(n_layers):
        if layer == 0:
            name = "input"
        elif layer == n_layers - 1:
            name = "output"
        else:
            name = f"hidden {layer}"
        if activations is not None and layer > 0 and layer - 1 < len(activations):
            name += f"<br>({activations[layer - 1]})"
        names.append(name)
    return names


def network_figure(
    weights: list[np.ndarray],
    biases: list[np.ndarray],
    *,
    node_values: list[np.ndarray] | None = None,
    edge_values: list[np.ndarray] | None = None,
    edge_title: str = "weight",
    highlight_layer: int | None = None,
    input_names: Sequence[str] | None = None,
    output_names: Sequence[str] | None = None,
    height: int = 420,
    bias_values: list[np.ndarray] | None = None,
    bias_title: str = "b",
    node_title: str = "a",
    node_hover: Mapping[str, Sequence[np.ndarray | None]] | None = None,
    edge_hover: Mapping[str, Sequence[np.ndarray]] | None = None,
    bias_hover: Mapping[str, Sequence[np.ndarray]] | None = None,
    activations: Sequence[str] | None = None,
    selected: WeightId | None = None,
    font_size: int = 12,
) -> go.Figure:
    """The whole network as a Plotly figure.

    weights[l]: (n_{l+1}, n_l); biases[l]: (n_{l+1},). node_values: one (n_l,) array per layer,
    input layer included (None entries allowed), printed on the nodes. edge_values: shaped like
    weights, drive colour and width (default: the weights). bias_values: shaped like biases
    (default: the biases), shown on the small square next to each unit. highlight_layer: the
    node layer being computed; the weights into it stay bright, everything else is dimmed.
    node_hover / edge_hover / bias_hover: extra named arrays shown on hover, e.g.
    {"z": [...], "delta": [...]} (one entry per node layer) or {"dL/dw": dW list}.
    selected: a weight id drawn with a ring.
    """
    weights = [np.asarray(W, dtype=float) for W in weights]
    biases = [np.asarray(b, dtype=float) for b in biases]
    edge_values = weights if edge_values is None else [np.asarray(v, float) for v in edge_values]
    bias_values = biases if bias_values is None else [np.asarray(v, float) for v in bias_values]
    layer_sizes = [weights[0].shape[1]] + [W.shape[0] for W in weights]
    n_layers = len(layer_sizes)
    graph = build_graph(layer_sizes)
    pos = nx.get_node_attributes(graph, "pos")
    peak = _finite_max_abs(list(edge_values) + list(bias_values))
    max_units = max(layer_sizes)
    n_edges = graph.number_of_edges()
    plot_height = max(height - 90, 120)
    unit_px = plot_height / max(max_units, 2)  # vertical pixels per unit
    node_size = float(np.clip(unit_px * 0.62, 12, 46))
    text_size = int(np.clip(node_size * 0.3, 8, font_size))
    traces: list[dict] = []

    # Edges: bucket by (sign, magnitude bin, bright), one NaN-separated trace per bucket.
    buckets: dict[tuple[int, int, bool], tuple[list[float], list[float]]] = {}
    marker_x, marker_y, marker_c, marker_data, marker_text, marker_hover = [], [], [], [], [], []
    marker_opacity = []
    for source, target, data in graph.edges(data=True):
        layer, row, col = data["weight_id"]
        value = float(edge_values[layer][row, col])
        finite = np.isfinite(value)
        scaled = min(abs(value) / peak, 1.0) if finite else 1.0
        sign = 1 if (not finite or value >= 0) else -1
        magnitude_bin = min(int(scaled * N_MAGNITUDE_BINS), N_MAGNITUDE_BINS - 1)
        bright = highlight_layer is None or highlight_layer == layer + 1
        xs, ys = buckets.setdefault((sign, magnitude_bin, bright), ([], []))
        (x0, y0), (x1, y1) = pos[source], pos[target]
        xs.extend((x0, x1, np.nan))
        ys.extend((y0, y1, np.nan))
        marker_x.append(x0 + MARKER_POSITION * (x1 - x0))
        marker_y.append(y0 + MARKER_POSITION * (y1 - y0))
        marker_c.append(value if finite else 0.0)
        marker_data.append((layer, row, col, KIND_WEIGHT))
        marker_opacity.append(1.0 if bright else DIMMED_OPACITY + 0.15)
        marker_text.append(format_number(value, 3) if n_edges <= LABEL_EDGE_LIMIT else "")
        lines = [
            f"<b>w[{layer + 1}]<sub>{row + 1},{col + 1}</sub></b>"
            f" (unit {col + 1} of layer {layer} → unit {row + 1} of layer {layer + 1})",
            f"{edge_title} = {format_number(value)}",
        ]
        lines += _hover_lines(edge_hover, layer, (row, col), skip=edge_title)
        marker_hover.append("<br>".join(lines))
    for (sign, magnitude_bin, bright), (xs, ys) in sorted(buckets.items()):
        centre = (magnitude_bin + 0.5) / N_MAGNITUDE_BINS
        colour = _bucket_colour(sign, magnitude_bin)
        traces.append(
            dict(
                type="scatter",
                x=np.asarray(xs),
                y=np.asarray(ys),
                mode="lines",
                line={
                    "color": colour,
                    "width": 1.0 + 5.0 * centre,
                    "dash": "solid" if sign > 0 else "dash",
                },
                opacity=1.0 if bright else DIMMED_OPACITY,
                hoverinfo="skip",
                showlegend=False,
                name=f"{'positive' if sign > 0 else 'negative'} {edge_title}",
            )
        )

    # Edge markers: hover, click target and colour bar, one trace for all edges.
    traces.append(
        dict(
            type="scatter",
            x=np.asarray(marker_x),
            y=np.asarray(marker_y),
            mode="markers+text" if n_edges <= LABEL_EDGE_LIMIT else "markers",
            text=np.asarray(marker_text, dtype=object),
            textposition="top center",
            textfont={"size": text_size + 1},
            customdata=_plain_rows(marker_data),
            hovertext=np.asarray(marker_hover, dtype=object),
            hoverinfo="text",
            marker={
                "size": 9 if n_edges <= 64 else 6,
                "color": marker_c,
                "colorscale": COLOR_SCALE,
                "cmin": -peak,
                "cmax": peak,
                "opacity": marker_opacity,
                "line": {"width": 0.5, "color": NODE_LINE},
                "colorbar": {"title": {"text": edge_title}, "thickness": 12, "len": 0.8},
                "showscale": True,
            },
            showlegend=False,
            name="edges",
        )
    )

    # Biases: a small square next to each unit after the input, coloured like the edges.
    bias_x, bias_y, bias_c, bias_data, bias_text, bias_hover_text, bias_symbol = (
        [],
        [],
        [],
        [],
        [],
        [],
        [],
    )
    bias_opacity = []
    show_bias_text = max_units <= 6
    # The bias square sits just above its unit: node radius plus a few pixels, in data units.
    px_per_unit = (height - 20) / (max_units + 0.8)
    bias_lift = (node_size / 2 + 7) / px_per_unit
    for layer in range(n_layers - 1):
        for row in range(layer_sizes[layer + 1]):
            x, y = pos[(layer + 1, row)]
            value = float(bias_values[layer][row])
            finite = np.isfinite(value)
            bias_x.append(x)
            bias_y.append(y + bias_lift)
            bias_c.append(value if finite else 0.0)
            bias_data.append((layer, row, -1, KIND_BIAS))
            bias_symbol.append("square" if (not finite or value >= 0) else "square-x")
            bias_opacity.append(
                1.0 if highlight_layer in (None, layer + 1) else DIMMED_OPACITY + 0.15
            )
            bias_text.append(f"{bias_title}={format_number(value, 3)}" if show_bias_text else "")
            lines = [
                f"<b>b[{layer + 1}]<sub>{row + 1}</sub></b> (bias of unit {row + 1},"
                f" layer {layer + 1})",
                f"{bias_title} = {format_number(value)}",
            ]
            lines += _hover_lines(bias_hover, layer, row, skip=bias_title)
            bias_hover_text.append("<br>".join(lines))
    traces.append(
        dict(
            type="scatter",
            x=np.asarray(bias_x),
            y=np.asarray(bias_y),
            mode="markers+text" if show_bias_text else "markers",
            text=np.asarray(bias_text, dtype=object),
            textposition="top center",
            textfont={"size": text_size},
            customdata=_plain_rows(bias_data),
            hovertext=np.asarray(bias_hover_text, dtype=object),
            hoverinfo="text",
            marker={
                "size": 8 if max_units <= 8 else 6,
                "color": bias_c,
                "colorscale": COLOR_SCALE,
                "cmin": -peak,
                "cmax": peak,
                "symbol": bias_symbol,
                "opacity": bias_opacity,
                "line": {"width": 1, "color": NODE_LINE},
            },
            showlegend=False,
            name="biases",
        )
    )

    # Nodes: neutral fill, value printed inside; the highlighted layer gets an orange ring.
    # Too small to print inside: only the highlighted layer's values, beside the nodes.
    compact = node_size < COMPACT_NODE_SIZE
    node_x, node_y, node_text, node_hover_text, node_data, node_opacity = [], [], [], [], [], []
    node_line_colour, node_line_width = [], []
    for layer, size in enumerate(layer_sizes):
        values = None if node_values is None or layer >= len(node_values) else node_values[layer]
        for unit in range(size):
            x, y = pos[(layer, unit)]
            node_x.append(x)
            node_y.append(y)
            node_data.append((layer, unit, -1, KIND_NODE))
            text = ""
            lines = [f"<b>{_unit_name(layer, unit, n_layers, input_names, output_names)}</b>"]
            if values is not None:
                value = float(np.asarray(values)[unit])
                if not compact or highlight_layer == layer:
                    text = format_number(value, 3)
                lines.append(f"{node_title} = {format_number(value)}")
            if layer > 0:
                lines.append(f"b = {format_number(biases[layer - 1][unit])}")
            lines += _hover_lines(node_hover, layer, unit)
            node_text.append(text)
            node_hover_text.append("<br>".join(lines))
            bright = highlight_layer is None or highlight_layer == layer
            node_opacity.append(1.0 if bright else 0.6)
            is_highlight = highlight_layer == layer
            node_line_colour.append(HIGHLIGHT_LINE if is_highlight else NODE_LINE)
            node_line_width.append(4 if is_highlight else 1.5)
    traces.append(
        dict(
            type="scatter",
            x=np.asarray(node_x),
            y=np.asarray(node_y),
            mode="markers+text",
            text=np.asarray(node_text, dtype=object),
            textposition="middle right" if compact else "middle center",
            textfont={"size": max(text_size, 10)}
            if compact
            else {"size": text_size, "color": NODE_TEXT},
            customdata=_plain_rows(node_data),
            hovertext=np.asarray(node_hover_text, dtype=object),
            hoverinfo="text",
            marker={
                "size": node_size,
                "color": NODE_FILL,
                "opacity": node_opacity,
                "line": {"color": node_line_colour, "width": node_line_width},
            },
            showlegend=False,
            name="neurons",
        )
    )

    if selected is not None and _valid_weight_id(selected, layer_sizes):
        layer, row, col = selected
        (x0, y0), (x1, y1) = pos[(layer, col)], pos[(layer + 1, row)]
        traces.append(
            dict(
                type="scatter",
                x=[x0 + MARKER_POSITION * (x1 - x0)],
                y=[y0 + MARKER_POSITION * (y1 - y0)],
                mode="markers",
                marker={
                    "size": 20,
                    "symbol": "circle-open",
                    "color": HIGHLIGHT_LINE,
                    "line": {"width": 3},
                },
                hoverinfo="skip",
                showlegend=False,
                name="selected weight",
            )
        )

    annotations = _annotations(
        layer_sizes, pos, activations, input_names, output_names, font_size, highlight_layer,
        node_size,
    )  # fmt: skip
    half = (max_units - 1) / 2.0
    layout = dict(
        height=height,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={
            "visible": False,
            "range": [-0.6, n_layers - 1 + 0.6],
            "fixedrange": False,
        },
        yaxis={"visible": False, "range": [-half - 1.1, half + 0.7]},
        hovermode="closest",
        clickmode="event+select",
        dragmode="pan",
        uirevision=UIREVISION,
        annotations=annotations,
        font={"size": font_size},
        plot_bgcolor="rgba(0,0,0,0)",
        paper_bgcolor="rgba(0,0,0,0)",
    )
    return go.Figure(data=traces, layout=layout)


def _unit_name(layer, unit, n_layers, input_names, output_names) -> str:
    if layer == 0 and input_names is not None and unit < len(input_names):
        return f"input {input_names[unit]}"
    if layer == n_layers - 1 and output_names is not None and unit < len(output_names):
        return f"output {output_names[unit]}"
    return f"unit {unit + 1} of layer {layer}"


def _annotations(
    layer_sizes, pos, activations, input_names, output_names, font_size, highlight, node_size
):
    n_layers = len(layer_sizes)
    bottom = -(max(layer_sizes) - 1) / 2.0 - 0.75
    notes = []
    for layer, name in enumerate(_layer_names(n_layers, activations)):
        label = f"<b>{name}</b>" if highlight == layer else name
        notes.append(
            {
                "x": layer,
                "y": bottom,
                "text": label,
                "showarrow": False,
                "font": {"size": font_size},
            }
        )
    gap = node_size / 2 + 4  # pixels between a unit's edge and its name
    for names, layer, shift, anchor in (
        (input_names, 0, -gap, "right"),
        (output_names, n_layers - 1, gap, "left"),
    ):
        if names is None:
            continue
        for unit in range(min(len(names), layer_sizes[layer])):
            x, y = pos[(layer, unit)]
            notes.append(
                {
                    "x": x,
                    "xshift": shift,
                    "y": y,
                    "text": str(names[unit]),
                    "showarrow": False,
                    "xanchor": anchor,
                    "font": {"size": font_size},
                }
            )
    return notes


def _valid_weight_id(weight_id, layer_sizes: Sequence[int]) -> bool:
    try:
        layer, row, col = (int(v) for v in weight_id)
    except (TypeError, ValueError):
        return False
    return (
        0 <= layer < len(layer_sizes) - 1
        and 0 <= row < layer_sizes[layer + 1]
        and 0 <= col < layer_sizes[layer]
    )


def selected_weight(selection, layer_sizes: Sequence[int] | None = None) -> WeightId | None:
    """The weight id (layer, row, col) clicked in a st.plotly_chart selection, else None.

    `selection` is what st.plotly_chart(on_select="rerun") returns (or its "selection" part):
    {"selection": {"points": [{"customdata": [layer, row, col, KIND_WEIGHT], ...}, ...]}}.
    Clicks on nodes or biases, empty selections and malformed data give None; with
    `layer_sizes`, ids that do not fit the network also give None. The last weight point wins.
    """
    try:
        inner = selection.get("selection", selection) if selection is not None else None
        points = inner.get("points", []) if inner is not None else []
        points = list(points) if isinstance(points, (list, tuple)) else []
    except (AttributeError, TypeError):
        return None
    for point in reversed(points):
        try:
            data = point.get("customdata")
        except AttributeError:
            continue
        if isinstance(data, dict):  # a typed array serialised by the browser: {"0": x, ...}
            data = [data.get(str(index)) for index in range(len(data))]
        if not isinstance(data, (list, tuple)) or len(data) != 4:
            continue
        try:
            values = [float(v) for v in data]
        except (TypeError, ValueError):
            continue
        if not all(np.isfinite(v) and v == int(v) for v in values):
            continue
        layer, row, col, kind = (int(v) for v in values)
        if kind != KIND_WEIGHT or min(layer, row, col) < 0:
            continue
        if layer_sizes is not None and not _valid_weight_id((layer, row, col), layer_sizes):
            continue
        return (layer, row, col)
    return None


def phase_view(trace: StepTrace, phase: Phase, sample: int = 0) -> dict:
    """Keyword arguments of `network_figure` for `phase` of the step recorded in `trace`.

    Forward phases: weights on the edges, activations a (sample `sample`) on the layers
    computed so far. Loss: every activation. Backward phases: dL/dw on the edges, dL/db on the
    biases, delta on the layers from the output down to the current one. Update: new weights
    and biases. Hover always shows z, a, delta on nodes and w, dL/dw, new w on edges.
    """
    layers = trace.layers
    n_weight_layers = len(layers)
    sample = min(max(sample, 0), trace.n_samples - 1)
    activations = [trace.X[sample]] + [record.a[sample] for record in layers]
    node_hover = {
        "z": [None] + [record.z[sample] for record in layers],
        "a": activations,
        "delta": [None] + [record.delta[sample] for record in layers],
    }
    edge_hover = {
        "w": [record.W for record in layers],
        "dL/dw": [record.dW for record in layers],
        "new w": [record.W_new for record in layers],
    }
    bias_hover = {
        "b": [record.b for record in layers],
        "dL/db": [record.db for record in layers],
        "new b": [record.b_new for record in layers],
    }
    view = {
        "weights": [record.W for record in layers],
        "biases": [record.b for record in layers],
        "node_hover": node_hover,
        "edge_hover": edge_hover,
        "bias_hover": bias_hover,
        "activations": [record.activation for record in layers],
        "edge_title": "w",
    }
    if phase.kind == FORWARD:
        shown = [a if index <= phase.layer else None for index, a in enumerate(activations)]
        view |= {"node_values": shown, "highlight_layer": phase.layer}
    elif phase.kind == LOSS:
        view |= {"node_values": activations, "highlight_layer": n_weight_layers}
    elif phase.kind == BACKWARD:
        deltas = [None] + [record.delta[sample] for record in layers]
        shown = [d if index >= phase.layer else None for index, d in enumerate(deltas)]
        view |= {
            "node_values": shown,
            "node_title": "delta",
            "edge_values": [record.dW for record in layers],
            "edge_title": "dL/dw",
            "bias_values": [record.db for record in layers],
            "bias_title": "dL/db",
            "highlight_layer": phase.layer,
        }
    else:
        view |= {
            "node_values": activations,
            "edge_values": [record.W_new for record in layers],
            "edge_title": "new w",
            "bias_values": [record.b_new for record in layers],
            "bias_title": "new b",
            "highlight_layer": None,
        }
    return view
