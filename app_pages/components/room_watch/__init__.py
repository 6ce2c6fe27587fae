"""Room watch: a student's page follows the class room from the browser (components v2).

The browser asks server.py's small JSON route for the room's version every few seconds and
asks Streamlit for a rerun only when the number changed (the teacher stepped, asked, closed
or revealed), so an idle student costs the server one tiny HTTP answer per poll instead of a
script rerun. When the route is not served (the app started as `streamlit run app.py`, or
under AppTest), `serving()` is False and the page polls with a fragment instead.
"""

from pathlib import Path

import streamlit as st

ROUTE = "/api/rooms/{code}/version"
# Set to ROUTE by server.py, which serves it in this process (an attribute, set once at start).
served_route: str | None = None

_watch = st.components.v2.component(
    "backprop_room_watch",
    js=(Path(__file__).parent / "room_watch.js").read_text(encoding="utf-8"),
)


def serving() -> bool:
    """Whether this process answers ROUTE (the app runs under server.py)."""
    return served_route == ROUTE


def watch_room(code: str, version: int, every_seconds: float, key: str = "class_watch") -> None:
    """Rerun the page when room `code` moves past `version` (or is gone or unreachable)."""
    _watch(
        key=key,
        data={
            "url": ROUTE.format(code=code),
            "version": int(version),
            "every_ms": int(every_seconds * 1000),
        },
        on_changed_change=lambda: None,
    )
