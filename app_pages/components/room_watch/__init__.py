"""Room watch: a student's page follows the class room from the browser (components v2).

The browser asks server.py's small JSON route for the room's state every few seconds
(lessons.class_room.watch_state). A new phase of the same training step it passes to the
page's step player in the browser (a window event, PHASE_EVENT): no server work at all. A new
training step, scenario or question it reports with a trigger, which reruns the fragment
the watch sits in (the page decides from there what to redraw). So an idle student costs the
server one tiny HTTP answer per poll, and the teacher's Next costs it nothing per student.
When the route is not served (the app started as `streamlit run app.py`, or under AppTest),
`serving()` is False and the page polls with a fragment instead.
"""

from pathlib import Path

import streamlit as st

ROUTE = "/api/rooms/{code}/state"
PHASE_EVENT = "backprop-room-phase"  # window event {detail: {phase}} for the step player
# Set to ROUTE by server.py, which serves it in this process (an attribute, set once at start).
served_route: str | None = None

_watch = st.components.v2.component(
    "backprop_room_watch",
    js=(Path(__file__).parent / "room_watch.js").read_text(encoding="utf-8"),
)


def serving() -> bool:
    """Whether this process answers ROUTE (the app runs under server.py)."""
    return served_route == ROUTE


def watch_room(code: str, state: dict, every_seconds: float, key: str = "class_watch") -> None:
    """Follow room `code` from its watch `state` as drawn: phases in the browser, anything
    else (or a room gone or unreachable) by rerunning the caller's fragment."""
    _watch(
        key=key,
        data={
            "url": ROUTE.format(code=code),
            "drawn": {name: state[name] for name in ("version", "step", "phase", "question")},
            "phase_event": PHASE_EVENT,
            "every_ms": int(every_seconds * 1000),
        },
        on_changed_change=lambda: None,
    )
