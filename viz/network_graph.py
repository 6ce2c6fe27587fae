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
from dataclasses import dataclass

import networkx as nx
import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from engine.trace import StepTrace
from lessons.step_by_step.phases import BACKWARD, FORWARD, LOSS, UPDATE, Phase
from viz import style
from viz.format import format_number
from viz.labels import short_activation_label

COLOR_SCALE = style.DIVERGING_SCALE_NAME  # colour-blind safe; red = negative, blue = positive
N_MAGNITUDE_BINS = 4  # width/colour buckets per sign
MARKER_POSITION = 0.62  # where along an edge (0 = source, 1 = target) its marker sits
UIREVISION = "network-graph"  # constant, so zoom and pan survive reruns
DIMMED_OPACITY = 0.22
NODE_FILL = style.NODE_FILL  # light fill with dark text: readable on light and dark backgrounds
NODE_TEXT = style.TEXT_COLOR
NODE_LINE = style.OUTLINE_COLOR
HIGHLIGHT_LINE = style.HIGHLIGHT_COLOR  # the layer being computed and the selected weight
PENDING_COLOUR = style.DIMMED_COLOR  # a gradient the backward pass has not reached yet
PENDING_NOTE = "not computed yet at this phase"
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


def _finite_max_abs(arrays: Sequence[np.ndarray | None]) -> float:
    """The largest finite |value| of the arrays (None entries skipped), 1.0 when there is none."""
    shown = [np.ravel(np.asarray(a, dtype=float)) for a in arrays if a is not None]
    values = np.concatenate(shown) if shown else np.zeros(0)
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
            name += f"<br>({short_activation_label(activations[layer - 1])})"
        names.append(name)
    return names


@dataclass(frozen=True, eq=False)
class Shown:
    """What one kind of mark (nodes, edges or biases) shows.

    values: one array per layer (nodes: (n_l,) per node layer; edges: shaped like the weights;
    biases: like the biases). A None entry is a layer whose values are not known yet: nodes
    show no value, edges and biases are drawn grey without a value ("not computed yet").
    values None shows the parameters themselves (edges, biases) or nothing (nodes).
    hover: extra named arrays for the hover text, e.g. {"z": [...], "delta": [...]} or
    {"dL/dw": dW list}; a None entry (a layer not reached yet) is left out.
    """

    values: Sequence[np.ndarray | None] | None = None
    title: str = ""
    hover: Mapping[str, Sequence[np.ndarray | None]] | None = None


@dataclass(frozen=True, eq=False)
class GraphOptions:
    """Everything the network graph draws besides the parameters themselves."""

    nodes: Shown = Shown(title="a")
    edges: Shown = Shown(title="weight")
    biases: Shown = Shown(title="b")
    highlight_layer: int | None = None  # node layer being computed: its weights stay bright
    selected: WeightId | None = None  # a weight drawn with a ring
    input_names: Sequence[str] | None = None
    output_names: Sequence[str] | None = None
    activations: Sequence[str] | None = None  # one per layer after the input
    height: int = 420
    font_size: int = style.NORMAL_FONT_SIZE


def graph_options(
    *,
    node_values: Sequence[np.ndarray | None] | None = None,
    node_title: str = "a",
    node_hover: Mapping[str, Sequence[np.ndarray | None]] | None = None,
    edge_values: Sequence[np.ndarray] | None = None,
    edge_title: str = "weight",
    edge_hover: Mapping[str, Sequence[np.ndarray]] | None = None,
    bias_values: Sequence[np.ndarray] | None = None,
    bias_title: str = "b",
    bias_hover: Mapping[str, Sequence[np.ndarray]] | None = None,
    **rest,
) -> GraphOptions:
    """GraphOptions from flat keywords (node_values, edge_title, ..., height, selected)."""
    return GraphOptions(
        nodes=Shown(node_values, node_title, node_hover),
        edges=Shown(edge_values, edge_title, edge_hover),
        biases=Shown(bias_values, bias_title, bias_hover),
        **rest,
    )


@dataclass(frozen=True, eq=False)
class _Geometry:
    """Where everything sits and how big it is, from the layer sizes and the figure size."""

    layer_sizes: list[int]
    pos: dict[tuple[int, int], tuple[float, float]]  # (layer, unit) -> (x, y)
    edges: list[tuple[tuple[int, int], tuple[int, int], WeightId]]  # source, target, id
    node_size: float  # px
    text_size: int  # px
    bias_lift: float  # data units between a unit's centre and its bias square
    peak: float  # largest finite |value| on edges and biases: the colour scale's end


def _geometry(
    weights: list[np.ndarray], edge_values, bias_values, options: GraphOptions
) -> _Geometry:
    layer_sizes = [weights[0].shape[1]] + [W.shape[0] for W in weights]
    graph = build_graph(layer_sizes)
    max_units = max(layer_sizes)
    plot_height = max(options.height - 90, 120)
    unit_px = plot_height / max(max_units, 2)  # vertical pixels per unit
    node_size = float(np.clip(unit_px * 0.62, 12, 46))
    # The bias square sits just above its unit: node radius plus a few pixels, in data units.
    px_per_unit = (options.height - 20) / (max_units + 0.8)
    return _Geometry(
        layer_sizes=layer_sizes,
        pos=nx.get_node_attributes(graph, "pos"),
        edges=[
            (source, target, data["weight_id"]) for source, target, data in graph.edges(data=True)
        ],
        node_size=node_size,
        text_size=int(np.clip(node_size * 0.3, 8, options.font_size)),
        bias_lift=(node_size / 2 + 7) / px_per_unit,
        peak=_finite_max_abs(list(edge_values) + list(bias_values)),
    )


def _marker_point(geometry: _Geometry, weight_id: WeightId) -> tuple[float, float]:
    """Where an edge's clickable marker sits, MARKER_POSITION of the way to its target."""
    layer, row, col = weight_id
    (x0, y0), (x1, y1) = geometry.pos[(layer, col)], geometry.pos[(layer + 1, row)]
    return x0 + MARKER_POSITION * (x1 - x0), y0 + MARKER_POSITION * (y1 - y0)


def edge_traces(geometry: _Geometry, edge_values, options: GraphOptions) -> list[dict]:
    """The edges bucketed by (sign, magnitude bin, bright) into NaN-separated line traces, then
    one marker trace for all edges (hover, click target and colour bar)."""
    title, highlight = options.edges.title, options.highlight_layer
    labelled = len(geometry.edges) <= LABEL_EDGE_LIMIT
    buckets: dict[tuple[int, int, bool], tuple[list[float], list[float]]] = {}
    marker_x, marker_y, marker_c, marker_data, marker_text, marker_hover = [], [], [], [], [], []
    marker_opacity = []
    pending = _Pending()
    for source, target, (layer, row, col) in geometry.edges:
        if edge_values[layer] is None:
            pending.add(geometry, source, target, (layer, row, col), KIND_WEIGHT, [
                _weight_heading(layer, row, col), f"{title}: {PENDING_NOTE}",
                *_hover_lines(options.edges.hover, layer, (row, col), skip=title),
            ])  # fmt: skip
            continue
        value = float(edge_values[layer][row, col])
        finite = np.isfinite(value)
        scaled = min(abs(value) / geometry.peak, 1.0) if finite else 1.0
        sign = 1 if (not finite or value >= 0) else -1
        magnitude_bin = min(int(scaled * N_MAGNITUDE_BINS), N_MAGNITUDE_BINS - 1)
        bright = highlight is None or highlight == layer + 1
        xs, ys = buckets.setdefault((sign, magnitude_bin, bright), ([], []))
        (x0, y0), (x1, y1) = geometry.pos[source], geometry.pos[target]
        xs.extend((x0, x1, np.nan))
        ys.extend((y0, y1, np.nan))
        x, y = _marker_point(geometry, (layer, row, col))
        marker_x.append(x)
        marker_y.append(y)
        marker_c.append(value if finite else 0.0)
        marker_data.append((layer, row, col, KIND_WEIGHT))
        marker_opacity.append(1.0 if bright else DIMMED_OPACITY + 0.15)
        marker_text.append(format_number(value, 3) if labelled else "")
        lines = [_weight_heading(layer, row, col), f"{title} = {format_number(value)}"]
        lines += _hover_lines(options.edges.hover, layer, (row, col), skip=title)
        marker_hover.append("<br>".join(lines))
    traces = pending.line_traces()
    for (sign, magnitude_bin, bright), (xs, ys) in sorted(buckets.items()):
        centre = (magnitude_bin + 0.5) / N_MAGNITUDE_BINS
        traces.append(
            dict(
                type="scatter",
                x=np.asarray(xs),
                y=np.asarray(ys),
                mode="lines",
                line={
                    "color": _bucket_colour(sign, magnitude_bin),
                    "width": 1.0 + 5.0 * centre,
                    "dash": "solid" if sign > 0 else "dash",
                },
                opacity=1.0 if bright else DIMMED_OPACITY,
                hoverinfo="skip",
                showlegend=False,
                name=f"{'positive' if sign > 0 else 'negative'} {title}",
            )
        )
    traces.append(
        dict(
            type="scatter",
            x=np.asarray(marker_x),
            y=np.asarray(marker_y),
            mode="markers+text" if labelled else "markers",
            text=np.asarray(marker_text, dtype=object),
            textposition="top center",
            textfont={"size": geometry.text_size + 1},
            customdata=_plain_rows(marker_data),
            hovertext=np.asarray(marker_hover, dtype=object),
            hoverinfo="text",
            marker={
                "size": 9 if len(geometry.edges) <= 64 else 6,
                "color": marker_c,
                "colorscale": COLOR_SCALE,
                "cmin": -geometry.peak,
                "cmax": geometry.peak,
                "opacity": marker_opacity,
                "line": {"width": 0.5, "color": NODE_LINE},
                "colorbar": {"title": {"text": title}, "thickness": 12, "len": 0.8},
                "showscale": True,
            },
            showlegend=False,
            name="edges",
        )
    )
    size = 9 if len(geometry.edges) <= 64 else 6
    return traces[:-1] + pending.marker_traces(size, name="pending weights") + traces[-1:]


def _weight_heading(layer: int, row: int, col: int) -> str:
    return (
        f"<b>w[{layer + 1}]<sub>{row + 1},{col + 1}</sub></b>"
        f" (unit {col + 1} of layer {layer} → unit {row + 1} of layer {layer + 1})"
    )


class _Pending:
    """Edges or biases whose gradient is not computed yet: grey, dotted, no value printed.

    Their markers still carry their ids in customdata, so a click on one still picks it.
    """

    def __init__(self) -> None:
        self.line_x: list[float] = []
        self.line_y: list[float] = []
        self.x: list[float] = []
        self.y: list[float] = []
        self.data: list[tuple[int, int, int, int]] = []
        self.hover: list[str] = []

    def add(self, geometry, source, target, weight_id, kind, lines) -> None:
        """An edge (source and target nodes) or, with source None, a bias at `target` (x, y)."""
        if source is None:
            x, y = target
        else:
            (x0, y0), (x1, y1) = geometry.pos[source], geometry.pos[target]
            self.line_x.extend((x0, x1, np.nan))
            self.line_y.extend((y0, y1, np.nan))
            x, y = _marker_point(geometry, weight_id)
        self.x.append(x)
        self.y.append(y)
        self.data.append((*weight_id, kind))
        self.hover.append("<br>".join(lines))

    def line_traces(self) -> list[dict]:
        if not self.line_x:
            return []
        return [
            dict(
                type="scatter", x=np.asarray(self.line_x), y=np.asarray(self.line_y),
                mode="lines", line={"color": PENDING_COLOUR, "width": 1.0, "dash": "dot"},
                opacity=DIMMED_OPACITY + 0.15, hoverinfo="skip", showlegend=False,
                name="pending edges",
            )
        ]  # fmt: skip

    def marker_traces(self, size: int, symbol: str = "circle", name: str = "pending") -> list:
        if not self.x:
            return []
        return [
            dict(
                type="scatter", x=np.asarray(self.x), y=np.asarray(self.y), mode="markers",
                customdata=_plain_rows(self.data),
                hovertext=np.asarray(self.hover, dtype=object), hoverinfo="text",
                marker={"size": size, "color": PENDING_COLOUR, "symbol": symbol,
                        "opacity": DIMMED_OPACITY + 0.15, "line": {"width": 0.5,
                        "color": NODE_LINE}},
                showlegend=False, name=name,
            )
        ]  # fmt: skip


def bias_traces(geometry: _Geometry, bias_values, options: GraphOptions) -> list[dict]:
    """A small square just above each unit after the input, coloured like the edges (grey,
    in a trace of their own, where the value is not computed yet)."""
    title, highlight = options.biases.title, options.highlight_layer
    max_units = max(geometry.layer_sizes)
    show_text = max_units <= 6
    xs, ys, colours, data, texts, hovers, symbols, opacity = [], [], [], [], [], [], [], []
    pending = _Pending()
    for layer in range(len(geometry.layer_sizes) - 1):
        for row in range(geometry.layer_sizes[layer + 1]):
            x, y = geometry.pos[(layer + 1, row)]
            if bias_values[layer] is None:
                pending.add(geometry, None, (x, y + geometry.bias_lift), (layer, row, -1),
                            KIND_BIAS, [_bias_heading(layer, row), f"{title}: {PENDING_NOTE}",
                                        *_hover_lines(options.biases.hover, layer, row,
                                                      skip=title)])  # fmt: skip
                continue
            value = float(bias_values[layer][row])
            finite = np.isfinite(value)
            xs.append(x)
            ys.append(y + geometry.bias_lift)
            colours.append(value if finite else 0.0)
            data.append((layer, row, -1, KIND_BIAS))
            symbols.append("square" if (not finite or value >= 0) else "square-x")
            opacity.append(1.0 if highlight in (None, layer + 1) else DIMMED_OPACITY + 0.15)
            texts.append(f"{title}={format_number(value, 3)}" if show_text else "")
            lines = [_bias_heading(layer, row), f"{title} = {format_number(value)}"]
            lines += _hover_lines(options.biases.hover, layer, row, skip=title)
            hovers.append("<br>".join(lines))
    size = 8 if max_units <= 8 else 6
    return pending.marker_traces(size, "square", "pending biases") + [
        dict(
            type="scatter",
            x=np.asarray(xs),
            y=np.asarray(ys),
            mode="markers+text" if show_text else "markers",
            text=np.asarray(texts, dtype=object),
            textposition="top center",
            textfont={"size": geometry.text_size},
            customdata=_plain_rows(data),
            hovertext=np.asarray(hovers, dtype=object),
            hoverinfo="text",
            marker={
                "size": size,
                "color": colours,
                "colorscale": COLOR_SCALE,
                "cmin": -geometry.peak,
                "cmax": geometry.peak,
                "symbol": symbols,
                "opacity": opacity,
                "line": {"width": 1, "color": NODE_LINE},
            },
            showlegend=False,
            name="biases",
        )
    ]


def _bias_heading(layer: int, row: int) -> str:
    return f"<b>b[{layer + 1}]<sub>{row + 1}</sub></b> (bias of unit {row + 1}, layer {layer + 1})"


def node_trace(geometry: _Geometry, biases: list[np.ndarray], options: GraphOptions) -> dict:
    """Neutral circles with their value printed inside; the highlighted layer gets an orange
    ring. Too small to print inside: only the highlighted layer's values, beside the nodes."""
    highlight, node_values = options.highlight_layer, options.nodes.values
    n_layers = len(geometry.layer_sizes)
    compact = geometry.node_size < COMPACT_NODE_SIZE
    xs, ys, texts, hovers, data, opacity, line_colours, line_widths = ([] for _ in range(8))
    for layer, size in enumerate(geometry.layer_sizes):
        values = None if node_values is None or layer >= len(node_values) else node_values[layer]
        for unit in range(size):
            x, y = geometry.pos[(layer, unit)]
            xs.append(x)
            ys.append(y)
            data.append((layer, unit, -1, KIND_NODE))
            text = ""
            name = _unit_name(layer, unit, n_layers, options.input_names, options.output_names)
            lines = [f"<b>{name}</b>"]
            if values is not None:
                value = float(np.asarray(values)[unit])
                if not compact or highlight == layer:
                    text = format_number(value, 3)
                lines.append(f"{options.nodes.title} = {format_number(value)}")
            if layer > 0:
                lines.append(f"b = {format_number(biases[layer - 1][unit])}")
            lines += _hover_lines(options.nodes.hover, layer, unit)
            texts.append(text)
            hovers.append("<br>".join(lines))
            opacity.append(1.0 if highlight is None or highlight == layer else 0.6)
            line_colours.append(HIGHLIGHT_LINE if highlight == layer else NODE_LINE)
            line_widths.append(4 if highlight == layer else 1.5)
    return dict(
        type="scatter",
        x=np.asarray(xs),
        y=np.asarray(ys),
        mode="markers+text",
        text=np.asarray(texts, dtype=object),
        textposition="middle right" if compact else "middle center",
        textfont={"size": max(geometry.text_size, 10)}
        if compact
        else {"size": geometry.text_size, "color": NODE_TEXT},
        customdata=_plain_rows(data),
        hovertext=np.asarray(hovers, dtype=object),
        hoverinfo="text",
        marker={
            "size": geometry.node_size,
            "color": NODE_FILL,
            "opacity": opacity,
            "line": {"color": line_colours, "width": line_widths},
        },
        showlegend=False,
        name="neurons",
    )


def highlight_traces(geometry: _Geometry, options: GraphOptions) -> list[dict]:
    """A ring around the selected weight's marker (none when nothing valid is selected)."""
    selected = options.selected
    if selected is None or not _valid_weight_id(selected, geometry.layer_sizes):
        return []
    x, y = _marker_point(geometry, tuple(selected))
    return [
        dict(
            type="scatter",
            x=[x],
            y=[y],
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
    ]


def label_annotations(geometry: _Geometry, options: GraphOptions) -> list[dict]:
    """Layer names under the layers (the highlighted one bold), input names left of the input
    units and output names right of the output units."""
    layer_sizes, font = geometry.layer_sizes, {"size": options.font_size}
    n_layers = len(layer_sizes)
    bottom = -(max(layer_sizes) - 1) / 2.0 - 0.75
    notes = []
    for layer, name in enumerate(_layer_names(n_layers, options.activations)):
        label = f"<b>{name}</b>" if options.highlight_layer == layer else name
        notes.append({"x": layer, "y": bottom, "text": label, "showarrow": False, "font": font})
    gap = geometry.node_size / 2 + 4  # pixels between a unit's edge and its name
    for names, layer, shift, anchor in (
        (options.input_names, 0, -gap, "right"),
        (options.output_names, n_layers - 1, gap, "left"),
    ):
        if names is None:
            continue
        for unit in range(min(len(names), layer_sizes[layer])):
            x, y = geometry.pos[(layer, unit)]
            notes.append(
                {
                    "x": x,
                    "xshift": shift,
                    "y": y,
                    "text": str(names[unit]),
                    "showarrow": False,
                    "xanchor": anchor,
                    "font": font,
                }
            )
    return notes


def figure_layout(geometry: _Geometry, options: GraphOptions) -> dict:
    """Axes hidden, a fixed range around the layers, pan by default, zoom kept over reruns."""
    half = (max(geometry.layer_sizes) - 1) / 2.0
    return style.base_layout(
        None,
        options.height,
        options.font_size,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={
            "visible": False,
            "range": [-0.6, len(geometry.layer_sizes) - 1 + 0.6],
            "fixedrange": False,
        },
        yaxis={"visible": False, "range": [-half - 1.1, half + 0.7]},
        hovermode="closest",
        clickmode="event+select",
        dragmode="pan",
        uirevision=UIREVISION,
        annotations=label_annotations(geometry, options),
        plot_bgcolor="rgba(0,0,0,0)",
        paper_bgcolor="rgba(0,0,0,0)",
    )


def network_figure(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    options: GraphOptions | None = None,
    **keywords,
) -> go.Figure:
    """The whole network as a Plotly figure.

    weights[l]: (n_{l+1}, n_l); biases[l]: (n_{l+1},). What else it shows comes from `options`,
    or from the same settings as flat keywords (see `graph_options`: node_values, edge_title,
    highlight_layer, input_names, height, selected, ...).
    """
    if options is None:
        options = graph_options(**keywords)
    elif keywords:
        raise TypeError("Pass either options or keywords to network_figure, not both.")
    weights = [np.asarray(W, dtype=float) for W in weights]
    biases = [np.asarray(b, dtype=float) for b in biases]
    shown_edges, shown_biases = options.edges.values, options.biases.values
    edge_values = weights if shown_edges is None else [_floats(v) for v in shown_edges]
    bias_values = biases if shown_biases is None else [_floats(v) for v in shown_biases]
    geometry = _geometry(weights, edge_values, bias_values, options)
    traces = [
        *edge_traces(geometry, edge_values, options),
        *bias_traces(geometry, bias_values, options),
        node_trace(geometry, biases, options),
        *highlight_traces(geometry, options),
    ]
    return style.unchecked_figure(traces, figure_layout(geometry, options))


def _floats(values) -> np.ndarray | None:
    return None if values is None else np.asarray(values, dtype=float)


def _unit_name(layer, unit, n_layers, input_names, output_names) -> str:
    if layer == 0 and input_names is not None and unit < len(input_names):
        return f"input {input_names[unit]}"
    if layer == n_layers - 1 and output_names is not None and unit < len(output_names):
        return f"output {output_names[unit]}"
    return f"unit {unit + 1} of layer {layer}"


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


def phase_view(
    trace: StepTrace, phase: Phase, sample: int = 0
) -> tuple[list[np.ndarray], list[np.ndarray], GraphOptions]:
    """(weights, biases, options) of `network_figure` for `phase` of the step in `trace`.

    The graph shows only what the step has computed by this phase, so it tells the order of
    backpropagation. Forward phase l: weights on the edges, z and a (sample `sample`) of the
    layers up to l. Loss: every z and a. Backward phase l: dL/dw and dL/db of the layers from
    the output down to l (the layers below are grey, "not computed yet"), delta of the same
    layers. Update: new weights and biases, and every quantity in the hover.
    """
    layers = trace.layers
    n_weight_layers = len(layers)
    sample = min(max(sample, 0), trace.n_samples - 1)
    if phase.kind == FORWARD:
        reached = phase.layer  # node layers 1..reached have z and a
    else:
        reached = n_weight_layers
    # Node layers from `lowest_delta` up have their delta (and weight layers feeding them dL/dw).
    lowest_delta = {BACKWARD: phase.layer, UPDATE: 1}.get(phase.kind, n_weight_layers + 1)

    def upto(values: list, first: int, last: int) -> list:
        """values[i] for node layers first..last (values[0] is node layer 0), None elsewhere."""
        return [value if first <= index <= last else None for index, value in enumerate(values)]

    activations = [trace.X[sample]] + [record.a[sample] for record in layers]
    shown_a = upto(activations, 0, reached)
    deltas = upto([None] + [record.delta[sample] for record in layers], lowest_delta, len(layers))
    node_hover = {"z": upto([None] + [r.z[sample] for r in layers], 1, reached), "a": shown_a}
    node_hover["delta"] = deltas
    # Weight layer i feeds node layer i + 1: its gradient exists once that layer has its delta.
    dW = [record.dW if index + 1 >= lowest_delta else None for index, record in enumerate(layers)]
    db = [record.db if index + 1 >= lowest_delta else None for index, record in enumerate(layers)]
    updated = phase.kind == UPDATE
    edge_hover = {
        "w": [record.W for record in layers],
        "dL/dw": dW,
        "w_new": [record.W_new if updated else None for record in layers],
    }
    bias_hover = {
        "b": [record.b for record in layers],
        "dL/db": db,
        "b_new": [record.b_new if updated else None for record in layers],
    }
    weights, biases = [record.W for record in layers], [record.b for record in layers]
    nodes = Shown(shown_a, "a", node_hover)
    edges = Shown(None, "w", edge_hover)
    bias_marks = Shown(None, "b", bias_hover)
    highlight = {FORWARD: phase.layer, LOSS: n_weight_layers, BACKWARD: phase.layer}
    if phase.kind == BACKWARD:
        nodes = Shown(deltas, "delta", node_hover)
        edges = Shown(dW, "dL/dw", edge_hover)
        bias_marks = Shown(db, "dL/db", bias_hover)
    elif updated:
        edges = Shown([record.W_new for record in layers], "w_new", edge_hover)
        bias_marks = Shown([record.b_new for record in layers], "b_new", bias_hover)
    options = GraphOptions(
        nodes=nodes,
        edges=edges,
        biases=bias_marks,
        highlight_layer=highlight.get(phase.kind),
        activations=[record.activation for record in layers],
    )
    return weights, biases, options
