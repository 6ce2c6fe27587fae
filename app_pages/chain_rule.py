"""Chain rule as a computational graph: y_hat = f(w2 f(w1 x + b1) + b2) and its loss, one
elementary operation per node, with the backward pass stepped node by node."""

import streamlit as st

from app_pages.common import activation_selectbox, chart, chart_size, error_boundary, last_valid
from engine.activations import HIDDEN_ACTIVATIONS
from engine.losses import LOSSES
from lessons.chain_rule import GRAPH_LOSSES, GraphSettings, build_graph, reference_gradients
from viz.chain_rule import (
    graph_alt,
    graph_figure,
    node_rows,
    reference_table,
    step_explanation,
)

STEP = "chain_rule_step"
SCALARS = {  # field: (label, default, help)
    "x": ("input x", GraphSettings.x, "The input."),
    "y": ("target y", GraphSettings.y, "What the output should be."),
    "w1": ("weight w₁", GraphSettings.w1, "First layer's weight."),
    "b1": ("bias b₁", GraphSettings.b1, "First layer's bias."),
    "w2": ("weight w₂", GraphSettings.w2, "Second layer's weight (ignored when tied)."),
    "b2": ("bias b₂", GraphSettings.b2, "Second layer's bias."),
}
SCALAR_LIMIT = 10.0
N_STEPS = 7  # operation nodes: two multiplies, two adds, two activations, the loss


def _set_step(value: int) -> None:
    st.session_state[STEP] = max(0, min(N_STEPS, value))


def _shift_step(delta: int) -> None:
    _set_step(int(st.session_state.get(STEP, 0)) + delta)


st.title("The chain rule as a computational graph")
st.write(
    "The network ŷ = f(w₂ · f(w₁ x + b₁) + b₂) broken into elementary operations. The forward"
    " pass computes each node's value from left to right. The backward pass visits the nodes"
    " from right to left (reverse topological order): each node multiplies its own gradient by"
    " its local derivative and passes the product to its inputs. That is the whole chain rule."
)

with error_boundary("the computational graph"):
    with st.expander("Numbers and choices", expanded=True):
        columns = st.columns(6)
        values = {}
        for column, (field, (label, default, help_text)) in zip(
            columns, SCALARS.items(), strict=True
        ):
            values[field] = column.number_input(
                label,
                -SCALAR_LIMIT,
                SCALAR_LIMIT,
                float(default),
                0.1,
                format="%.3f",
                key=f"chain_rule_{field}",
                bind="query-params",
                help=help_text,
            )
        left, middle, right = st.columns(3)
        activation = activation_selectbox(
            "Activation f (both layers)", HIDDEN_ACTIVATIONS, "chain_rule_activation", where=left
        )
        loss = middle.selectbox(
            "Loss",
            GRAPH_LOSSES,
            format_func=lambda key: LOSSES[key].label,
            key="chain_rule_loss",
            bind="query-params",
        )
        tied = right.toggle(
            "Tie the weights (w₂ = w₁ = w)",
            key="chain_rule_tied",
            bind="query-params",
            help="One weight used in two places: watch its two gradients add up.",
        )
    settings = GraphSettings(**values, activation=activation, loss=loss, tied=tied)
    graph, reference = last_valid(
        "chain_rule_graph",
        lambda: (build_graph(settings), reference_gradients(settings)),
        lambda: (build_graph(GraphSettings()), reference_gradients(GraphSettings())),
    )

    button_area, slider_area = st.columns([3, 2], vertical_alignment="bottom")
    row = button_area.container(horizontal=True)
    row.button(
        "Restart",
        on_click=_set_step,
        args=(0,),
        key="chain_rule_restart",
        icon=":material/first_page:",
    )
    row.button(
        "Back",
        on_click=_shift_step,
        args=(-1,),
        key="chain_rule_back",
        icon=":material/chevron_left:",
        shortcut="Left",
    )
    row.button(
        "Next",
        on_click=_shift_step,
        args=(1,),
        key="chain_rule_next",
        icon=":material/chevron_right:",
        shortcut="Right",
        type="primary",
    )
    row.button(
        "Show all",
        on_click=_set_step,
        args=(N_STEPS,),
        key="chain_rule_all",
        icon=":material/last_page:",
    )
    n_steps = slider_area.slider(
        "Backward step",
        0,
        graph.n_steps,
        key=STEP,
        bind="query-params",
        help="0: only the forward pass. Each step processes one node, right to left.",
    )

    chart(
        graph_figure(
            graph, n_steps, **chart_size(440)
        ),  # chart() enlarges the height in presenter mode
        graph_alt(graph, n_steps),
        key="chain_rule_graph_chart",
        config={"displayModeBar": False},
    )
    explanation, table = st.columns([3, 2], gap="large")
    explanation.markdown(step_explanation(graph, n_steps))
    table.dataframe(node_rows(graph, n_steps), hide_index=True, width="stretch")
    st.caption(
        f"Loss: {LOSSES[graph.loss_name].label}. The text above each node is its value, the"
        " text below it ('grad …') its gradient ∂L/∂node ('?' until the backward pass reaches"
        " it). The node being processed is marked ▶ and has the thickest border; the nodes it"
        " sends its gradient to are marked ◀; the thick edges carry that gradient back, each"
        " labelled with the local derivative it is multiplied by. Keyboard: ← and → step."
    )
    if n_steps == graph.n_steps:
        st.markdown("**Check.** The same gradients computed two other ways:")
        st.dataframe(reference_table(graph, reference), hide_index=True)
