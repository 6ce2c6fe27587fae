"""The lab's network graph: the clicked neuron, thumbnails of what each neuron computes,
weights at zero (L1), and the graph's text alternative."""

import base64
import struct
import zlib
from collections.abc import Sequence

import numpy as np

from viz import style
from viz.format import format_number
from viz.network_graph import KIND_NODE, build_graph
from viz.training_lab.common import clicked_customdata


def clicked_neuron(selection, layer_sizes: Sequence[int]) -> tuple[int, int] | None:
    """The (layer, unit) of a neuron clicked on the network graph, else None.

    `selection` is what st.plotly_chart(on_select="rerun") returns for a figure from
    viz.network_graph.network_figure, whose node points carry customdata
    [layer, unit, -1, KIND_NODE]. Input neurons (layer 0), other points and malformed data
    give None; the last neuron point wins.
    """
    for _, data in reversed(clicked_customdata(selection)):
        if len(data) != 4:
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


# --- drawn over the shared network figure -----------------------------------------------------

PLOT_WIDTH_PX = 250  # about the width of the graph's plot area (half a page, colour bar beside it)
THUMBNAIL_MAX_PX = 36
ZERO_WEIGHT_COLOR = style.DIMMED_COLOR


def _png(rgb: np.ndarray) -> bytes:
    """A PNG file of rgb (height, width, 3) uint8 (no filtering; small pictures only)."""
    height, width, _ = rgb.shape
    raw = b"".join(b"\x00" + row.tobytes() for row in np.ascontiguousarray(rgb, np.uint8))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )


def _hex_rgb(color: str) -> np.ndarray:
    return np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)


def code_colors(low: str, middle: str, high: str) -> np.ndarray:
    """(256, 3) uint8: code 0 = low, 128 = middle, 255 = high (the boundary's scale)."""
    t = np.arange(256) / 255
    first = _hex_rgb(low) + (_hex_rgb(middle) - _hex_rgb(low)) * (2 * t[:, None])
    second = _hex_rgb(middle) + (_hex_rgb(high) - _hex_rgb(middle)) * (2 * t[:, None] - 1)
    return np.rint(np.where(t[:, None] < 0.5, first, second)).astype(np.uint8)


def thumbnail_png(codes: np.ndarray, colors: np.ndarray) -> str:
    """A data URI of one neuron's picture: codes (m, m) uint8, row i = i-th x2 value (lowest
    first), drawn with the lowest x2 at the bottom."""
    rgb = colors[np.asarray(codes, dtype=np.uint8)[::-1]]
    return "data:image/png;base64," + base64.b64encode(_png(rgb)).decode()


def add_thumbnails(figure, layer_sizes: Sequence[int], pictures, colors: np.ndarray) -> None:
    """Put each hidden and output neuron's picture on its node of a network_figure.

    pictures: per layer after the input, (units, m, m) uint8 codes (lessons.training_lab.play).
    One layout image per neuron (no traces), centred on the node.
    """
    positions = build_graph(layer_sizes).nodes(data="pos")
    images = list(figure.layout.images or ())
    # Square on screen: the graph's x and y data units have different sizes in pixels.
    height = (figure.layout.height or 420) - 110
    px_per_x = PLOT_WIDTH_PX / (len(layer_sizes) - 1 + 0.8)
    px_per_y = height / max(max(layer_sizes), 2)
    side = min(0.75 * px_per_y, 0.3 * px_per_x, THUMBNAIL_MAX_PX)
    for layer, layer_pictures in enumerate(pictures, start=1):
        for unit, codes in enumerate(layer_pictures):
            x, y = positions[(layer, unit)]
            images.append(
                {
                    "source": thumbnail_png(codes, colors),
                    "xref": "x",
                    "yref": "y",
                    "x": x,
                    "y": y,
                    "sizex": side / px_per_x,
                    "sizey": side / px_per_y,
                    "xanchor": "center",
                    "yanchor": "middle",
                    "sizing": "stretch",
                    "layer": "above",
                    "name": f"neuron {layer}.{unit + 1}",
                }
            )
    figure.update_layout(images=images)


def add_zero_weights(figure, layer_sizes: Sequence[int], masks: Sequence[np.ndarray]) -> None:
    """Draw the weights that count as zero (masks: per layer (n_{l+1}, n_l)) dashed and grey,
    over their edges, as one trace."""
    positions = build_graph(layer_sizes).nodes(data="pos")
    xs: list[float | None] = []
    ys: list[float | None] = []
    for layer, mask in enumerate(masks):
        for row, col in np.argwhere(mask):
            (x0, y0), (x1, y1) = positions[(layer, int(col))], positions[(layer + 1, int(row))]
            xs += [x0, x1, None]
            ys += [y0, y1, None]
    if xs:
        figure.add_trace(
            {
                "type": "scatter",
                "x": xs,
                "y": ys,
                "mode": "lines",
                "line": {"color": ZERO_WEIGHT_COLOR, "width": 1.5, "dash": "dash"},
                "name": "weight at zero",
                "hoverinfo": "skip",
            }
        )


def zero_weights_text(n_zero: int, n_total: int, l1: float, threshold: float) -> str:
    """How many weights L1 has brought to zero, in words."""
    if n_zero == n_total:
        return (
            f"All {n_total} weights are zero (within {format_number(threshold)} of 0): an L1"
            f" penalty of {format_number(l1)} pulls harder than the data, so the network"
            " outputs the same value everywhere. Lower the L1 penalty and press Reset."
        )
    return (
        f"{n_zero} of {n_total} weights are zero (within {format_number(threshold)} of 0,"
        " drawn dashed and grey): L1 pulls every weight toward 0 by the same amount, and the"
        " ones the data does not need stay there."
    )
