"""The room watch's JSON route: GET ROUTE -> lessons.class_room.watch_state (server.py serves
it): {"version": 7, "step": "xor/0/0.5/2", "phase": 3, "question": "1/open"}.

404 for a wrong or expired code, 503 when the store is down (the page then says class rooms
are unavailable). Only what every screen in the room shows leaves through it: no question
text, answer or nickname. Answers are kept for STATE_TTL_SECONDS per process, so a room's students
share one read of the store (the SQLite file or Redis server the pages use) however many they
are; the read runs in a worker thread, since a busy store must not stall the server's loop.
"""

import threading
import time
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from lessons import class_room as cr
from lessons.class_store import ClassStore, StoreUnavailable, configured_url, open_store

STATE_TTL_SECONDS = 0.5  # how stale a poll may be, on top of the browser's own period
MAX_KNOWN_CODES = 10_000  # codes probed at random must not grow memory
_NO_STORE = {"Cache-Control": "no-store"}


class RoomStates:
    """Room code -> watch state, read from the store at most once per `ttl` seconds per code."""

    def __init__(
        self,
        open_store_at: Callable[[str], ClassStore] = open_store,
        ttl: float = STATE_TTL_SECONDS,
    ):
        self._open_store_at, self._ttl = open_store_at, ttl
        self._store: ClassStore | None = None
        self._lock = threading.Lock()
        self._known: dict[str, tuple[float, dict | None]] = {}  # code -> (read at, state)

    def _opened(self) -> ClassStore:
        with self._lock:  # a store that could not be opened is tried again at the next poll
            if self._store is None:
                self._store = self._open_store_at(configured_url())
            return self._store

    def cached(self, code: str, now: float) -> tuple[bool, dict | None]:
        """(True, state) if `code` was read less than `ttl` seconds ago, else (False, None)."""
        seen = self._known.get(code)
        if seen is not None and now - seen[0] < self._ttl:
            return True, seen[1]
        return False, None

    def read(self, code: str, now: float) -> dict | None:
        """The watch state of room `code` (canonical form) from the store; None if there is
        no such room (wrong or expired code). Raises StoreUnavailable if the store is down."""
        try:
            state = cr.watch_state(cr.room(self._opened(), code, now))
        except cr.RoomNotFound:
            state = None
        if len(self._known) >= MAX_KNOWN_CODES:
            self._known.clear()
        self._known[code] = (now, state)
        return state


STATES = RoomStates()


def _answer(state: dict | None, status: int = 200, error: str = "") -> JSONResponse:
    body = state if state is not None else {"version": None, "error": error}
    return JSONResponse(body, status, headers=_NO_STORE)


async def room_state(request: Request) -> JSONResponse:
    """The watch state of the room in the path; 404 for a wrong or expired code, 503 if the
    store is down."""
    now = time.time()
    try:
        code = cr.normal_code(request.path_params["code"])
    except cr.RoomNotFound:
        return _answer(None, 404, "no such room")
    hit, state = STATES.cached(code, now)
    if not hit:
        try:
            state = await run_in_threadpool(STATES.read, code, now)
        except StoreUnavailable:
            return _answer(None, 503, "class rooms are unavailable")
    if state is None:
        return _answer(None, 404, "no such room")
    return _answer(state)
