"""The computational graph of y_hat = f(w2 f(w1 x + b1) + b2) and its loss, as a Plotly figure.

Every node shows its value (above) and its gradient dL/d(node) (below) as far as the backward
pass has got; the node being processed and the edges its gradient flows back along are
highlighted, each labelled with the local derivative it is multiplied by.
"""

import numpy as np
import plotly.graph_objects as go

from engine.activations import get_activation
from lessons.chain_rule import ChainGraph, Node, ReferenceGradients
from viz.format import format_number
from viz.style import (
    ACTIVE_COLOR,
    BACKGROUND_COLOR,
    DIMMED_COLOR,
    LABEL_BACKGROUND,
    NODE_FILLS,
    OUTLINE_COLOR,
    RECEIVE_COLOR,
    TEXT_COLOR,
    VALUE_TEXT_COLOR,
    base_layout,
)

# (x, y) of each node; x grows from inputs to loss. The tied weight w sits below the spine.
POSITIONS = {
    "x": (0.0, 0.9),
    "w1": (0.0, -0.9),
    "w": (2.5, -1.5),
    "mul1": (1.0, 0.0),
    "b1": (1.6, 0.9),
    "z1": (2.2, 0.0),
    "h": (3.3, 0.0),
    "w2": (3.6, -0.9),
    "mul2": (4.4, 0.0),
    "b2": (5.0, 0.9),
    "z2": (5.6, 0.0),
    "y_hat": (6.7, 0.0),
    "y": (7.2, 0.9),
    "loss": (7.9, 0.0),
}
OP_COLORS = NODE_FILLS  # fill of a node by its operation
PENDING = "?"  # shown for a gradient that has not arrived yet


def node_symbol(node: Node, activation: str) -> str:
    """The short label drawn inside a node: its operation, or its name for a leaf."""
    if node.op == "mul":
        return "×"
    if node.op == "add":
        return "+"
    if node.op == "activation":
        return {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "LReLU"}.get(
            activation, "f"
        )
    if node.op == "loss":
        return "L"
    return SHORT_NAMES.get(node.id, node.name)


SHORT_NAMES = {
    "x": "x",
    "w": "w",
    "w1": "w₁",
    "w2": "w₂",
    "mul1": "w₁x",
    "b1": "b₁",
    "z1": "z₁",
    "h": "h",
    "mul2": "w₂h",
    "b2": "b₂",
    "z2": "z₂",
    "y_hat": "ŷ",
    "y": "y",
    "loss": "L",
}
FORMULAS = {
    "mul1": "w₁·x",
    "z1": "z₁ = w₁x + b₁",
    "h": "h = f(z₁)",
    "mul2": "w₂·h",
    "z2": "z₂ = w₂h + b₂",
    "y_hat": "ŷ = f(z₂)",
    "loss": "L = loss(ŷ, y)",
}


def _tie(text: str, tied: bool) -> str:
    return text.replace("w₁", "w").replace("w₂", "w") if tied else text


def node_caption(node: Node, tied: bool = False) -> str:
    """The short name of the quantity a node holds, e.g. 'z₁'."""
    return _tie(SHORT_NAMES.get(node.id, node.name), tied)


def node_formula(node: Node, tied: bool = False) -> str:
    """How a node is computed, e.g. 'z₁ = w₁x + b₁' (its name for a leaf)."""
    return _tie(FORMULAS.get(node.id, SHORT_NAMES.get(node.id, node.name)), tied)


def graph_figure(
    graph: ChainGraph, n_steps: int, height: int = 460, font_size: int = 14
) -> go.Figure:
    """The graph after `n_steps` backward steps (0: only dL/dL = 1 is known)."""
    n_steps = max(0, min(int(n_steps), graph.n_steps))
    grads = graph.gradients_after(n_steps)
    current = graph.steps[n_steps - 1] if n_steps else None
    receiving = {c.parent for c in current.contributions} if current else set()

    edge_x: list[float] = []
    edge_y: list[float] = []
    active_x: list[float] = []
    active_y: list[float] = []
    mid_x, mid_y, mid_text = [], [], []
    for node in graph.nodes:
        for parent, local in zip(node.parents, node.local_grads, strict=True):
            (x0, y0), (x1, y1) = POSITIONS[parent], POSITIONS[node.id]
            is_active = current is not None and node.id == current.node
            xs, ys = (active_x, active_y) if is_active else (edge_x, edge_y)
            xs += [x0, x1, np.nan]
            ys += [y0, y1, np.nan]
            if is_active:
                mid_x.append((x0 + x1) / 2)
                mid_y.append((y0 + y1) / 2)
                mid_text.append(f"×{format_number(local)}")
    if "y" in POSITIONS:  # the target feeds the loss but gets no gradient
        (x0, y0), (x1, y1) = POSITIONS["y"], POSITIONS["loss"]
        edge_x += [x0, x1, np.nan]
        edge_y += [y0, y1, np.nan]

    xs, ys, symbols, fills, borders, sizes, values, grad_text, hovers = ([] for _ in range(9))
    for node in graph.nodes:
        x, y = POSITIONS[node.id]
        xs.append(x)
        ys.append(y)
        symbols.append(node_symbol(node, graph.activation))
        grad = grads[node.id]
        is_current = current is not None and node.id == current.node
        if is_current:
            borders.append(ACTIVE_COLOR)
        elif node.id in receiving:
            borders.append(RECEIVE_COLOR)
        else:
            borders.append(OUTLINE_COLOR)
        fills.append(OP_COLORS[node.op])
        sizes.append(48 if node.is_leaf else 54)
        # Not only colour: the node being processed is marked ▶, its receiving inputs ◀.
        cue = "▶ " if is_current else ("◀ " if node.id in receiving else "")
        values.append(f"{cue}{node_caption(node, graph.tied)} = {format_number(node.value)}")
        if node.op == "target":
            grad_text.append("constant")
        elif grad is None:
            grad_text.append(f"grad {PENDING}")
        else:
            grad_text.append(f"grad {format_number(grad)}")
        hovers.append(_hover(node, grad, graph.tied))
    widths = [
        6 if color == ACTIVE_COLOR else 4 if color == RECEIVE_COLOR else 1.5 for color in borders
    ]

    traces = [
        {
            "type": "scatter",
            "x": edge_x,
            "y": edge_y,
            "mode": "lines",
            "hoverinfo": "skip",
            "line": {"color": DIMMED_COLOR, "width": 2},
            "showlegend": False,
        },
        {
            "type": "scatter",
            "x": active_x,
            "y": active_y,
            "mode": "lines",
            "hoverinfo": "skip",
            "line": {"color": ACTIVE_COLOR, "width": 5},
            "showlegend": False,
        },
        {
            "type": "scatter",
            "x": xs,
            "y": ys,
            "mode": "markers+text",
            "text": symbols,
            "textfont": {"size": font_size + 2, "color": TEXT_COLOR},
            "marker": {"size": sizes, "color": fills, "line": {"color": borders, "width": widths}},
            "hovertext": hovers,
            "hoverinfo": "text",
            "showlegend": False,
        },
        {
            "type": "scatter",
            "x": xs,
            "y": [y + 0.3 for y in ys],
            "mode": "text",
            "text": values,
            "textfont": {"size": font_size - 1, "color": VALUE_TEXT_COLOR},
            "hoverinfo": "skip",
            "showlegend": False,
        },
        {
            "type": "scatter",
            "x": xs,
            "y": [y - 0.3 for y in ys],
            "mode": "text",
            "text": grad_text,
            "textfont": {"size": font_size - 1, "color": ACTIVE_COLOR},
            "hoverinfo": "skip",
            "showlegend": False,
        },
    ]
    xs_all = [p[0] for p in POSITIONS.values()]
    return go.Figure(
        data=traces,
        layout=base_layout(
            None,
            height,
            font_size,
            margin={"l": 10, "r": 10, "t": 10, "b": 10},
            xaxis={"visible": False, "range": [min(xs_all) - 0.6, max(xs_all) + 0.6]},
            yaxis={"visible": False, "range": [min(ys) - 0.5, max(ys) + 0.5]},
            plot_bgcolor=BACKGROUND_COLOR,
            uirevision="chain-rule",
            dragmode=False,
            annotations=[  # the local derivative on each edge the gradient flows back along
                {
                    "x": x,
                    "y": y,
                    "text": text,
                    "showarrow": False,
                    "font": {"color": ACTIVE_COLOR, "size": font_size},
                    "bgcolor": LABEL_BACKGROUND,
                    "bordercolor": ACTIVE_COLOR,
                    "borderpad": 2,
                }
                for x, y, text in zip(mid_x, mid_y, mid_text, strict=True)
            ],
        ),
    )


def graph_alt(graph: ChainGraph, n_steps: int) -> str:
    """A text alternative of `graph_figure(graph, n_steps)`: what the chart shows, in words."""
    n_steps = max(0, min(int(n_steps), graph.n_steps))
    grads = graph.gradients_after(n_steps)
    known = [node_caption(node, graph.tied) for node in graph.nodes if grads[node.id] is not None]
    head = (
        f"Computational graph of {len(graph.nodes)} nodes from the inputs (left) to the loss L ="
        f" {format_number(graph.loss)} (right), after {n_steps} of {graph.n_steps} backward"
        " steps. Above each node its value, below it its gradient ('grad ?' until it arrives)."
    )
    if not n_steps:
        return head + " Only ∂L/∂L = 1 is known so far."
    step = graph.steps[n_steps - 1]
    sends = ", ".join(
        f"{node_caption(graph.node(c.parent), graph.tied)} (×{format_number(c.local_grad)})"
        for c in step.contributions
    )
    return (
        f"{head} Now processing {node_caption(graph.node(step.node), graph.tied)} (marked ▶),"
        f" which sends its gradient {format_number(step.upstream)} to {sends} (marked ◀)."
        f" Gradients known: {', '.join(known)}."
    )


def _hover(node: Node, grad: float | None, tied: bool) -> str:
    grad_text = "not yet computed" if grad is None else format_number(grad)
    if node.op == "target":
        grad_text = "none (a constant)"
    name = node_caption(node, tied)
    return (
        f"{node_formula(node, tied)}<br>value {format_number(node.value)}"
        f"<br>∂L/∂{name} = {grad_text}"
    )


def activation_label(activation: str) -> str:
    """The name of the activation for captions."""
    return get_activation(activation).label


def step_explanation(graph: ChainGraph, n_steps: int) -> str:
    """Markdown saying what backward step `n_steps` did (0: the seed dL/dL = 1)."""
    n_steps = max(0, min(int(n_steps), graph.n_steps))
    if n_steps == 0:
        return (
            "**Start.** The forward pass has filled in every value. The backward pass starts at"
            " the loss with ∂L/∂L = 1; press **Next** to send it back one node at a time."
        )
    step = graph.steps[n_steps - 1]
    node = graph.node(step.node)
    name = node_caption(node, graph.tied)
    lines = [
        f"**Step {n_steps} of {graph.n_steps}: node {node_formula(node, graph.tied)}.** Its"
        f" gradient is complete: ∂L/∂{name} = {format_number(step.upstream)}. It multiplies"
        " it by its local derivative towards each input:"
    ]
    for c in step.contributions:
        parent = node_caption(graph.node(c.parent), graph.tied)
        line = (
            f"- to **{parent}**: {format_number(step.upstream)} × ∂{name}/∂{parent}"
            f" ({format_number(c.local_grad)}) = {format_number(c.amount)}"
        )
        if c.accumulates:
            line += (
                f". **{parent} feeds two places, so the gradients add up:**"
                f" {format_number(c.before)} + {format_number(c.amount)}"
                f" = {format_number(c.after)}"
            )
        lines.append(line)
    if n_steps == graph.n_steps:
        lines.append("")
        lines.append("The backward pass is complete: every parameter now has its gradient.")
    return "\n".join(lines)


def node_rows(graph: ChainGraph, n_steps: int) -> list[dict[str, str]]:
    """One row per node: its formula, value and gradient so far (as text), forward order."""
    grads = graph.gradients_after(n_steps)
    rows = []
    for node in graph.nodes:
        grad = grads[node.id]
        if node.op == "target":
            grad_text = "constant"
        else:
            grad_text = PENDING if grad is None else format_number(grad)
        rows.append(
            {
                "node": node_formula(node, graph.tied),
                "value": format_number(node.value),
                "∂L/∂node": grad_text,
            }
        )
    return rows


def reference_table(graph: ChainGraph, reference: ReferenceGradients) -> list[dict[str, str]]:
    """Each parameter's gradient from the graph, the engine's backprop and finite differences."""
    graph_grads = graph.parameter_gradients()
    names = ("w1", "b1", "b2") if graph.tied else ("w1", "b1", "w2", "b2")
    return [
        {
            "parameter": "w" if graph.tied and name == "w1" else SHORT_NAMES[name],
            "this graph": format_number(graph_grads[name]),
            "engine backprop": format_number(reference.backprop[name]),
            "finite differences": format_number(reference.finite_difference[name]),
        }
        for name in names
    ]
