"""Backprop Lab's server: the Streamlit app (app.py) plus one small JSON route.

`make run` serves this file (`streamlit run server.py`); Streamlit sees the `st.App` below and
serves app.py's pages as usual, with one route of our own beside them:

    GET /api/rooms/{code}/state  ->  {"version": 7}

A class-room student's page asks it every couple of seconds from the browser and reruns only
when the number changed (app_pages/components/room_watch). A Streamlit rerun costs the server
tens of milliseconds of CPU; this answer costs about one, so a room of idle students is cheap.
Every tab's WebSocket also passes a flood guard (app_pages/flood_guard.py): a tab sending
hundreds of messages at once is closed instead of freezing the replica. Started as
`streamlit run app.py` instead, everything works the same except that students' pages poll
with a fragment rerun (the costly way) and there is no flood guard.
"""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from starlette.routing import Route

from app_pages.components import room_watch
from app_pages.components.room_watch.route import room_state
from app_pages.flood_guard import FloodGuard

room_watch.served_route = room_watch.ROUTE
app = st.App(
    Path(__file__).with_name("app.py"),
    routes=[Route(room_watch.ROUTE, room_state, methods=["GET"])],
    middleware=[Middleware(FloodGuard)],
)
