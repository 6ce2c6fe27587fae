"""The room watch: the JSON route a student's browser polls, and the page's choice of how to
follow the room (the route under server.py, a fragment otherwise)."""

import json
import time

import pytest
from starlette.requests import Request

from app_pages.components import room_watch
from app_pages.components.room_watch import route
from lessons import class_room as cr
from lessons.class_store import StoreUnavailable, open_store
from tests.apptest_helpers import open_at
from tests.asyncio_helpers import run_async


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'rooms.db'}"
    monkeypatch.setenv("BPL_CLASS_STORE", url)
    monkeypatch.setattr(route, "STATES", route.RoomStates())  # opens the store above
    opened = open_store(url)
    yield opened
    opened.close()


def ask_route(code: str) -> tuple[int, dict]:
    scope = {"type": "http", "method": "GET", "path": f"/api/rooms/{code}/state",
             "path_params": {"code": code}, "headers": [], "query_string": b""}  # fmt: skip
    response = run_async(route.room_state(Request(scope)))
    assert response.headers["cache-control"] == "no-store"
    return response.status_code, json.loads(response.body)


def test_the_route_answers_the_room_state_and_nothing_else(store, monkeypatch):
    code, token = cr.create_room(store, time.time())
    status, body = ask_route(code.lower())  # as typed: any case
    room = cr.room(store, code, time.time())
    assert (status, body) == (200, cr.watch_state(room))
    assert body == {"version": room.version, "step": "textbook/0/0.5/0", "phase": 0,
                    "question": None}  # fmt: skip
    cr.ask(store, code, token, cr.typed_question("Up?", "yes\nno", "yes"), time.time())
    monkeypatch.setattr(route, "STATES", route.RoomStates(ttl=0.0))  # see it at once
    status, asked = ask_route(code)
    assert status == 200 and asked["version"] > body["version"]
    assert asked["question"] == "1/open"  # id and status: never the text or the answers
    assert "Up?" not in json.dumps(asked) and "yes" not in json.dumps(asked)


def test_wrong_malformed_and_expired_codes_are_404(store):
    assert ask_route("ZZZZZZ")[0] == 404
    assert ask_route("not a code; DROP TABLE rooms")[0] == 404
    code, _ = cr.create_room(store, time.time() - 13 * 3600)  # past the 12 h expiry
    status, body = ask_route(code)
    assert (status, body["version"]) == (404, None)


def test_an_unreachable_store_is_503_and_is_tried_again(monkeypatch, tmp_path):
    calls = []

    def failing(url):
        calls.append(url)
        raise StoreUnavailable("down")

    monkeypatch.setattr(route, "STATES", route.RoomStates(open_store_at=failing))
    assert ask_route("KX7P2M") == (503, {"version": None, "error": "class rooms are unavailable"})
    assert ask_route("KX7P2M")[0] == 503
    assert len(calls) == 2  # not cached: the next poll tries the store again


def test_versions_are_read_once_per_ttl_per_room(store):
    reads = []
    versions = route.RoomStates(open_store_at=lambda url: store, ttl=0.5)
    original = versions.read

    def counted(code, now):
        reads.append(code)
        return original(code, now)

    code, _ = cr.create_room(store, time.time())
    now = time.time()
    for offset in (0.0, 0.1, 0.4, 0.6):
        hit, _ = versions.cached(code, now + offset)
        if not hit:
            counted(code, now + offset)
    assert reads == [code, code]  # at 0.0 and at 0.6 s


def test_random_codes_cannot_grow_the_cache(store, monkeypatch):
    monkeypatch.setattr(route, "MAX_KNOWN_CODES", 5)
    versions = route.RoomStates(open_store_at=lambda url: store)
    for _ in range(12):
        versions.read(cr.new_code(), 0.0)
    assert len(versions._known) <= 5


def test_the_student_page_polls_with_a_fragment_unless_the_route_is_served(store, monkeypatch):
    code, _ = cr.create_room(store, time.time())
    seat = cr.new_seat()
    assert not room_watch.serving()  # AppTest runs app.py, not server.py
    at = open_at("app_pages/class_room.py", {"room": code, "seat": seat})
    assert not at.exception
    assert not at.get("bidi_component")  # the Plotly network and a polling fragment
    assert len(at.get("plotly_chart")) == 1

    monkeypatch.setattr(room_watch, "served_route", room_watch.ROUTE)
    at = open_at("app_pages/class_room.py", {"room": code, "seat": seat})
    assert not at.exception
    assert not at.get("plotly_chart")  # the network is the step player, following
    watch, player = (json.loads(c.proto.json) for c in at.get("bidi_component"))
    state = cr.watch_state(cr.room(store, code, time.time()))
    assert watch == {"url": f"/api/rooms/{code}/state", "drawn": state,
                     "phase_event": room_watch.PHASE_EVENT, "every_ms": 2000}  # fmt: skip
    assert player["follow"] == {"event": room_watch.PHASE_EVENT}
    assert player["start_phase"] == state["phase"] and player["step"] == 0
