"""The step player, a Streamlit custom component (components v2) with its own small JavaScript.

The browser gets one training step at a time (viz.step_by_step.player.player_data) and steps,
animates, narrates and quizzes through its phases by itself, so a Next click costs the server
nothing. The component talks back only through two triggers: `action` ("train" for the next
training step, "undo") and `weight` ([layer, row, col] of a clicked edge).

The files next to this module (player.html, player.css, player.js) are plain HTML, CSS and an
ES module: committed as they are, nothing is built at run time.
"""

from collections.abc import Callable
from pathlib import Path

import streamlit as st

_HERE = Path(__file__).parent
ACTIONS = ("train", "undo")

_player = st.components.v2.component(
    "backprop_step_player",
    html=(_HERE / "player.html").read_text(encoding="utf-8"),
    css=(_HERE / "player.css").read_text(encoding="utf-8"),
    js=(_HERE / "player.js").read_text(encoding="utf-8"),
)


def step_player(
    data: dict,
    *,
    key: str = "step_player",
    on_action: Callable[[], None] | None = None,
    on_weight: Callable[[], None] | None = None,
):
    """Mount the player with `data` (player_data). The callbacks run before the page is drawn
    when the visitor asks for a new training step or undo (`on_action`; read the action from
    `st.session_state[key].action`) or clicks an edge (`on_weight`)."""
    return _player(
        key=key,
        data=data,
        on_action_change=on_action or (lambda: None),
        on_weight_change=on_weight or (lambda: None),
    )


def triggered(key: str, name: str):
    """The value of trigger `name` ('action' or 'weight') of the player `key` in this run."""
    result = st.session_state.get(key)
    return None if result is None else getattr(result, name, None)
