"""One virtual student: a Streamlit session spoken over its own WebSocket, without a browser.

The browser's side of Streamlit's protocol, as far as a student needs it: open
`/_stcore/stream`, ask for a page with a `BackMsg.rerun_script` (a `ClientState`), read the
`ForwardMsg`s (new_session, delta, auto_rerun, script_finished, ...) into a small model of
the page (which widgets exist, with their ids, keys and labels; which text is shown), and
press a button or change a widget the way the front end's WidgetStateManager does: a new
rerun request whose `widget_states` carry the new value (`trigger_value` for a button).
A fragment with `run_every` makes the server send `auto_rerun`; like the front end, the
student then sends a fragment rerun (`fragment_id`, `is_auto_rerun`) every interval until the
next full run or a `stop_auto_rerun`. A room-watch component (the class room's students) is
followed as the browser does: its JSON route is asked over HTTP every interval; a new phase
only moves the page's player (`room_phase`), a new step or question reruns (the trigger).

Only loopback servers are allowed (`check_loopback`), every wait has a timeout, and the
session never outlives `close()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.vstudents.http_get import JsonGetter

FINISHED_OK = ForwardMsg.FINISHED_SUCCESSFULLY
FINISHED_FRAGMENT_OK = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
FINISHED_COMPILE_ERROR = ForwardMsg.FINISHED_WITH_COMPILE_ERROR
# What our pages' error boundary shows instead of a traceback: it marks a bug, so a load run
# counts it as an error (a UserInputError's advice is not one).
BUG_APOLOGY = "Something went wrong"
# Element kinds whose text a student reads, and the field that holds it.
TEXT_FIELDS = {
    "markdown": "body",
    "heading": "body",
    "text": "body",
    "alert": "body",
    "code": "code_text",
}


class ProtocolError(RuntimeError):
    """The server closed the session, sent something unexpected, or a wait timed out."""


def check_loopback(url: str) -> None:
    """Refuse any target that is not this machine: the load generator is for our own servers."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise ValueError(f"virtual students only target loopback servers, not {host!r}")


@dataclass
class Widget:
    """A widget as the last run drew it: Streamlit's id, its kind, key (if any) and label."""

    id: str
    kind: str  # the Element oneof: button, slider, number_input, dataframe (data editor), ...
    key: str | None
    label: str
    disabled: bool
    fragment_id: str = ""  # the fragment that drew it: its clicks rerun only that fragment


def shown_value(kind: str, body) -> WidgetState | None:
    """The value the front end holds for a widget as the server drew it, as a WidgetState.

    Each widget component of the front end stores its initial value (the server's `value`
    when `set_value`, else its `default`) in the WidgetStateManager when it mounts, and every
    later rerun request carries all of them. Buttons (one-run triggers), charts and data
    editors send nothing until used. None for those and for kinds no page of ours uses.
    """
    state = WidgetState(id=body.id)
    if kind == "checkbox":
        state.bool_value = body.value if body.set_value else body.default
    elif kind in ("selectbox", "radio"):
        if body.set_value and body.HasField("raw_value"):
            state.string_value = body.raw_value
        elif body.HasField("default") and 0 <= body.default < len(body.options):
            state.string_value = body.options[body.default]
        else:
            return None
    elif kind == "number_input":
        if body.set_value and body.HasField("value"):
            state.double_value = body.value
        elif body.HasField("default"):
            state.double_value = body.default
        else:
            return None
    elif kind == "slider" and body.options:  # st.select_slider
        if body.set_value and body.raw_value:
            state.string_array_value.data.extend(body.raw_value)
        else:
            state.string_array_value.data.extend(body.options[int(i)] for i in body.default)
    elif kind == "slider":
        state.double_array_value.data.extend(body.value if body.set_value else body.default)
    elif kind in ("text_input", "text_area"):
        state.string_value = body.value if body.set_value else body.default
    else:
        return None
    return state


def widget_key(widget_id: str) -> str | None:
    """The user key inside a Streamlit widget id (`$$ID-<hash>-<key>`), None when unkeyed."""
    parts = widget_id.split("-", 2)
    if len(parts) == 3 and parts[0] == "$$ID" and parts[2] != "None":
        return parts[2]
    return None


@dataclass
class RunRecord:
    """One finished script run: full or fragment, which fragments, and how it ended."""

    started: float
    finished: float
    fragment_ids: tuple[str, ...]
    status: int


@dataclass
class SessionStats:
    """What the session saw, for the load report."""

    errors: list[str] = field(default_factory=list)
    runs: list[RunRecord] = field(default_factory=list)
    fragment_runs: Counter = field(default_factory=Counter)  # fragment id -> finished runs
    component_frames: int = 0  # frames sent to in-page players (drawn by the browser)
    watch_polls: int = 0  # HTTP polls of a room-watch component's JSON route
    watch_failures: list[str] = field(default_factory=list)  # polls that got no answer
    bytes_received: int = 0
    messages_received: int = 0


class StreamlitSession:
    """A browser tab's worth of Streamlit protocol over one WebSocket."""

    def __init__(self, url: str, page: str = "", query: str = "", timeout: float = 60.0):
        check_loopback(url)
        self.url = url.rstrip("/")
        self.page = page
        self.query = query
        self.timeout = timeout
        self.stats = SessionStats()
        self.widgets: dict[str, Widget] = {}
        self.texts: dict[tuple[int, ...], str] = {}
        self.widget_values: dict[str, WidgetState] = {}  # what this tab has set, by widget id
        self.shown_values: dict[str, WidgetState] = {}  # as the server drew them, by widget id
        self.auto_rerun_intervals: dict[str, float] = {}  # fragment id -> seconds
        self.page_script_hash = ""
        self._ws = None
        self._reader: asyncio.Task | None = None
        self._tickers: dict[str, asyncio.Task] = {}
        self._watch: asyncio.Task | None = None
        self.room_phase: int | None = None  # the phase a room watch moved the page's player to
        self._getter = JsonGetter(self.url, timeout=timeout)
        self._run_fragments: tuple[str, ...] = ()
        self._run_started = 0.0
        self._finished = asyncio.Event()
        self._closed = False

    # --- connection -------------------------------------------------------------------

    async def connect(self) -> None:
        stream = self.url.replace("http", "ws", 1) + "/_stcore/stream"
        self._ws = await asyncio.wait_for(
            websockets.connect(
                stream, subprotocols=["streamlit"], max_size=None, open_timeout=self.timeout
            ),
            self.timeout,
        )
        self._reader = asyncio.create_task(self._read_forever())

    async def close(self) -> None:
        """Stop the timers and close the socket (a closed tab)."""
        self._closed = True
        self._stop_tickers()
        await self._getter.close()
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._ws.close(), 5)
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    async def open_page(self) -> float:
        """Connect, request the page and wait for its first run; returns the seconds it took."""
        started = time.perf_counter()
        await self.connect()
        await self.rerun()
        await self.wait_for_run(started, full=True)
        return time.perf_counter() - started

    # --- sending ------------------------------------------------------------------------

    def _client_state(self, message: BackMsg, fragment_id: str = "", auto: bool = False):
        state = message.rerun_script
        state.query_string = self.query
        state.page_name = self.page
        state.page_script_hash = self.page_script_hash
        state.fragment_id = fragment_id
        state.is_auto_rerun = auto
        values = {**self.shown_values, **self.widget_values}
        state.widget_states.widgets.extend(values.values())
        return state

    async def send_raw(self, payload: bytes) -> None:
        if self._ws is None:
            raise ProtocolError("not connected")
        await self._ws.send(payload)

    async def send_message(self, message: BackMsg) -> float:
        """Send any BackMsg as it is; returns the send time."""
        sent = time.perf_counter()
        await self.send_raw(message.SerializeToString())
        return sent

    async def rerun(
        self, trigger: WidgetState | None = None, fragment_id: str = "", auto: bool = False
    ) -> float:
        """Send a rerun request (with `trigger` for one run only); returns the send time."""
        message = BackMsg()
        state = self._client_state(message, fragment_id, auto)
        if trigger is not None:
            state.widget_states.widgets.append(trigger)
        sent = time.perf_counter()
        await self.send_raw(message.SerializeToString())
        return sent

    def find(self, keys: tuple[str, ...] = (), labels: tuple[str, ...] = ()) -> Widget:
        """The widget whose key is one of `keys` (or ends with one, for generated keys) or,
        failing that, whose label is one of `labels`."""
        for widget in self.widgets.values():
            if widget.key is not None and any(
                widget.key == key or widget.key.endswith(key) for key in keys
            ):
                return widget
        for widget in self.widgets.values():
            if widget.label in labels:
                return widget
        raise ProtocolError(f"no widget with key {keys} or label {labels} on {self.page!r}")

    async def click(self, widget: Widget) -> float:
        """Press a button: one rerun whose widget states carry its trigger (of its fragment
        only, when a fragment drew it, as the front end does)."""
        trigger = WidgetState(id=widget.id, trigger_value=True)
        return await self.rerun(trigger, fragment_id=widget.fragment_id)

    def hold_value(self, widget: Widget, **value) -> None:
        """Change a widget inside a form: nothing is sent until the form's submit button."""
        self.widget_values[widget.id] = WidgetState(id=widget.id, **value)

    async def set_value(self, widget: Widget, **value) -> float:
        """Change a widget (`double_value=0.3`, `string_value=...`): kept for later reruns too."""
        state = WidgetState(id=widget.id, **value)
        self.widget_values[widget.id] = state
        return await self.rerun()

    # --- waiting ------------------------------------------------------------------------

    async def wait_for_run(
        self,
        sent: float,
        full: bool = True,
        until: Callable[[StreamlitSession], bool] | None = None,
        timeout: float | None = None,
    ) -> RunRecord:
        """The first run started after `sent` that finished successfully (a full run when
        `full`) and after which `until(self)` holds; ProtocolError on timeout or close."""
        deadline = time.perf_counter() + (timeout or self.timeout)
        checked = 0
        while True:
            for record in self.stats.runs[checked:]:
                checked += 1
                if record.started < sent:
                    continue
                if full and record.fragment_ids:
                    continue
                if record.status not in (FINISHED_OK, FINISHED_FRAGMENT_OK):
                    continue
                if until is None or until(self):
                    return record
            if self._closed:
                raise ProtocolError("connection closed while waiting for a run")
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise ProtocolError("timed out waiting for the run")
            self._finished.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._finished.wait(), remaining)

    def text(self, pattern: str) -> str | None:
        """The first text on the page (in page order) matching `pattern`, or None."""
        regex = re.compile(pattern)
        for path in sorted(self.texts):
            match = regex.search(self.texts[path])
            if match:
                return match.group(0)
        return None

    # --- receiving ----------------------------------------------------------------------

    async def _read_forever(self) -> None:
        try:
            async for raw in self._ws:
                self.stats.bytes_received += len(raw)
                self.stats.messages_received += 1
                message = ForwardMsg()
                message.ParseFromString(raw)
                self._handle(message)
        except websockets.ConnectionClosed as closed:
            if not self._closed:
                self.stats.errors.append(f"disconnected: {closed.rcvd or closed}")
        except Exception as error:  # a message we cannot parse is the server's fault
            self.stats.errors.append(f"bad message: {type(error).__name__}: {error}")
        finally:
            self._closed = True
            self._stop_tickers()
            self._finished.set()

    def _handle(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self._new_run(message)
        elif kind == "navigation":
            self.page_script_hash = message.navigation.page_script_hash
        elif kind == "delta":
            self._delta(message)
        elif kind == "auto_rerun":
            self._start_ticker(message.auto_rerun.fragment_id, message.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fragment_id in message.stop_auto_rerun.fragment_ids:
                self._stop_ticker(fragment_id)
        elif kind == "script_finished":
            self._run_finished(message.script_finished)
        elif kind == "session_event" and message.session_event.HasField(
            "script_compilation_exception"
        ):
            self.stats.errors.append("script compilation exception")

    def _new_run(self, message: ForwardMsg) -> None:
        self._run_started = time.perf_counter()
        self._run_fragments = tuple(message.metadata.run.fragment_ids)
        if not self._run_fragments:
            # A full run redraws the page and, as in the front end, ends the fragment timers.
            self._stop_tickers()
            self.widgets.clear()
            self.texts.clear()
            self.shown_values.clear()

    def _delta(self, message: ForwardMsg) -> None:
        delta = message.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind is None:
            return
        body = getattr(element, kind)
        path = tuple(message.metadata.delta_path)
        if kind == "exception":
            self.stats.errors.append(f"exception on page: {body.type}: {body.message[:200]}")
            return
        if kind == "bidi_component":
            self._component_frames(body)
            self._room_watch(body, delta.fragment_id)
        if kind == "metric":
            self.texts[path] = f"{body.label}: {body.body}"
        elif kind in TEXT_FIELDS:
            text = getattr(body, TEXT_FIELDS[kind])
            self.texts[path] = text
            if kind == "alert" and BUG_APOLOGY in text:
                self.stats.errors.append(f"bug shown on page: {text[:200]}")
        widget_id = getattr(body, "id", "") if hasattr(body, "id") else ""
        if widget_id.startswith("$$ID"):
            value = shown_value(kind, body)
            if value is not None:
                self.shown_values[widget_id] = value
            if getattr(body, "set_value", False):  # the server set it: that value wins
                self.widget_values.pop(widget_id, None)
            self.widgets[widget_id] = Widget(
                id=widget_id,
                kind=kind,
                key=widget_key(widget_id),
                label=getattr(body, "label", ""),
                disabled=bool(getattr(body, "disabled", False)),
                fragment_id=delta.fragment_id,
            )

    @staticmethod
    def _component_data(body) -> dict | None:
        """The JSON data a custom component was sent, if it is an object."""
        if body.WhichOneof("data") != "json":
            return None
        try:
            data = json.loads(body.json)
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def _component_frames(self, body) -> None:
        """Count the animation frames a custom component was sent (the lab's Play player gets
        a chunk of frames per fragment run and draws them in the browser)."""
        data = self._component_data(body)
        if data is not None and isinstance(data.get("frames"), list):
            self.stats.component_frames += len(data["frames"])

    def _room_watch(self, body, fragment_id: str) -> None:
        """Start polling like app_pages/components/room_watch/room_watch.js, if `body` is it;
        its trigger reruns the fragment that drew it, if any, as in the browser."""
        data = self._component_data(body)
        if data is None or not {"url", "drawn", "every_ms"} <= data.keys():
            return
        trigger_id = f"$$STREAMLIT_INTERNAL_KEY_{body.id}__events"
        if self._watch is not None:
            self._watch.cancel()
        self._watch = asyncio.create_task(self._poll_room(data, trigger_id, fragment_id))

    async def _poll_room(self, data: dict, trigger_id: str, fragment_id: str) -> None:
        """room_watch.js's loop: a new phase of the drawn step only moves the page's player
        (`room_phase`, no message to the server); a new step or question, or 404/503, is
        reported once with the watch's trigger."""
        interval, drawn, reported = data["every_ms"] / 1000, data["drawn"], None
        self.room_phase = drawn["phase"]
        while not self._closed:
            await asyncio.sleep(interval)
            try:
                status, answer = await self._getter.get(data["url"])
            except (TimeoutError, OSError, EOFError, ValueError) as error:
                # The page's script retries at the next tick and shows nothing: not a page
                # error, but counted for the report.
                self.stats.watch_failures.append(f"{type(error).__name__}: {error}"[:120])
                continue
            self.stats.watch_polls += 1
            change = None
            if status == 200 and isinstance(answer, dict):
                if (answer.get("step"), answer.get("question")) != (
                    drawn["step"],
                    drawn["question"],
                ):
                    change = f"{answer.get('step')} {answer.get('question')}"
                elif isinstance(answer.get("phase"), int):
                    self.room_phase = answer["phase"]
            elif status in (404, 503):
                change = f"status {status}"
            if change is not None and change != reported:
                reported = change
                payload = json.dumps([{"event": "changed", "value": change}])
                with contextlib.suppress(Exception):
                    trigger = WidgetState(id=trigger_id, json_trigger_value=payload)
                    await self.rerun(trigger, fragment_id=fragment_id)

    def _run_finished(self, status: int) -> None:
        record = RunRecord(self._run_started, time.perf_counter(), self._run_fragments, status)
        self.stats.runs.append(record)
        if status == FINISHED_COMPILE_ERROR:
            self.stats.errors.append("script finished with a compile error")
        if status == FINISHED_FRAGMENT_OK:
            for fragment_id in self._run_fragments:
                self.stats.fragment_runs[fragment_id] += 1
        self._finished.set()

    # --- fragment timers (st.fragment(run_every=...)) -----------------------------------

    def _start_ticker(self, fragment_id: str, interval: float) -> None:
        self._stop_ticker(fragment_id)
        self.auto_rerun_intervals[fragment_id] = interval
        self._tickers[fragment_id] = asyncio.create_task(self._tick(fragment_id, interval))

    async def _tick(self, fragment_id: str, interval: float) -> None:
        # Like the browser's setInterval: a request every interval, whether or not the
        # previous one has finished (the server folds pending fragment reruns together).
        next_at = time.perf_counter() + interval
        while not self._closed:
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
            next_at += interval
            try:
                await self.rerun(fragment_id=fragment_id, auto=True)
            except Exception:
                return

    def _stop_ticker(self, fragment_id: str) -> None:
        task = self._tickers.pop(fragment_id, None)
        if task is not None:
            task.cancel()

    def _stop_tickers(self) -> None:
        """End the fragment timers and the room watch (a full run redraws the page)."""
        for fragment_id in list(self._tickers):
            self._stop_ticker(fragment_id)
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def close_code(self) -> int | None:
        """The WebSocket close code the server sent (1009: too big, 1002: protocol error)."""
        return None if self._ws is None else self._ws.close_code

    @property
    def playing(self) -> bool:
        """True while at least one fragment timer runs (the lab's Play)."""
        return bool(self._tickers)
