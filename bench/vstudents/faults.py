"""Fault mode: hostile or malformed protocol messages while a few ordinary students work.

Bystanders (stepping, lab and practice students) run for the whole time; one attacker
session at a time tries one fault, and we record what the attacker saw (a finished run, an
error shown to it, a closed connection and its code) and, at the end, whether the server
still answers /_stcore/health and whether any bystander saw an error. Every fault is bounded
in count, size and time.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import urllib.request
from dataclasses import dataclass

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.vstudents.client import ProtocolError, StreamlitSession
from bench.vstudents.scenario import percentile
from bench.vstudents.servers import Cluster, server_log_errors
from bench.vstudents.students import Mix, Timing, run_student

HUGE_BYTES = 60 * 2**20  # above the 50 MB server.maxMessageSize of deploy/production.env
FLOOD_REQUESTS = 500
FLOOD_SECONDS = 10.0
BYSTANDER_SECONDS = 110.0
RECOVERY_BOUND_SECONDS = 60.0
FAULT_BOUND_SECONDS = 100.0  # each fault, the flood's recovery wait included


@dataclass
class FaultOutcome:
    """What one fault did to the attacker's session."""

    fault: str
    attempted: str
    outcome: str


def _shown_advice(session: StreamlitSession) -> list[str]:
    """st.error / st.warning texts now on the attacker's page (advice, not bugs)."""
    return [text for text in session.texts.values() if "must" in text or "allowed" in text]


async def _after_run(session: StreamlitSession, sent: float, timeout: float = 30.0) -> str:
    """'run finished' with what the page shows, or how the session ended."""
    try:
        await session.wait_for_run(sent, full=True, timeout=timeout)
    except ProtocolError as error:
        if session.closed:
            return f"connection closed by the server (code {session.close_code})"
        return f"no finished run: {error}"
    errors = "; ".join(session.stats.errors) or "no error"
    advice = _shown_advice(session)
    shown = f"; the page says: {advice[0][:160]!r}" if advice else ""
    return f"run finished ({errors}){shown}"


async def unknown_widget(url: str) -> FaultOutcome:
    session = StreamlitSession(url, page="step")
    await session.open_page()
    sent = await session.rerun(WidgetState(id="$$ID-00000000000000000000000000000000-nope",
                                           trigger_value=True))  # fmt: skip
    outcome = await _after_run(session, sent)
    await session.close()
    return FaultOutcome("wrong widget id", "a button press for a widget id no page has", outcome)


async def out_of_range(url: str) -> FaultOutcome:
    session = StreamlitSession(url, page="lab")
    await session.open_page()
    samples = session.find(keys=("lab_samples",), labels=("Samples",))
    state = WidgetState(id=samples.id)
    state.double_array_value.data.append(1e9)
    session.widget_values[samples.id] = state
    sent = await session.rerun()
    outcome = await _after_run(session, sent)
    await session.close()
    return FaultOutcome(
        "slider value out of range", "the lab's Samples slider set to 1e9 (its maximum is "
        "far below)", outcome,
    )  # fmt: skip


async def wrong_value_type(url: str) -> FaultOutcome:
    session = StreamlitSession(url, page="step")
    await session.open_page()
    editor = session.find(keys=("_W1",))
    sent = await session.set_value(editor, json_value='{"edited_rows": {}}')
    outcome = await _after_run(session, sent)
    await session.close()
    return FaultOutcome(
        "wrong value type",
        "a weight table (data editor, a string value) sent a JSON value",
        outcome,
    )


async def malformed_bytes(url: str) -> FaultOutcome:
    session = StreamlitSession(url, page="step")
    await session.open_page()
    await session.send_raw(b"\xff\x00 this is not a protobuf BackMsg \xff" * 4)
    sent = await session.rerun()
    outcome = await _after_run(session, sent, timeout=10)
    await session.close()
    return FaultOutcome("malformed message", "136 bytes that are not a BackMsg", outcome)


async def huge_message(url: str) -> FaultOutcome:
    session = StreamlitSession(url, page="step")
    await session.open_page()
    message = BackMsg()
    message.rerun_script.query_string = "x" * HUGE_BYTES
    try:
        sent = await session.send_message(message)
        outcome = await _after_run(session, sent, timeout=20)
    except Exception as error:  # the server may close while we are still sending
        outcome = f"connection closed while sending: {type(error).__name__} (code "
        outcome += f"{session.close_code})"
    await session.close()
    return FaultOutcome("huge message", f"one {HUGE_BYTES // 2**20} MB rerun request", outcome)


async def rerun_flood(url: str) -> FaultOutcome:
    session = StreamlitSession(url, page="step")
    await session.open_page()
    runs_before = len(session.stats.runs)
    started = time.perf_counter()
    sent_count = 0
    with contextlib.suppress(Exception):
        while sent_count < FLOOD_REQUESTS and time.perf_counter() - started < FLOOD_SECONDS:
            await session.rerun()
            sent_count += 1
    # How long the replica stays unable to answer its health check.
    recovered = None
    while time.perf_counter() - started < RECOVERY_BOUND_SECONDS:
        if await asyncio.to_thread(_healthy, url):
            recovered = time.perf_counter() - started
            break
        await asyncio.sleep(0.5)
    # server.py's flood guard closes the session (1008): wait for that, boundedly.
    while not session.closed and time.perf_counter() - started < RECOVERY_BOUND_SECONDS:
        await asyncio.sleep(0.1)
    closed = (
        f"connection closed by the server (code {session.close_code}) after"
        f" {time.perf_counter() - started:.1f} s"
        if session.closed
        else "connection still open"
    )
    runs = len(session.stats.runs) - runs_before
    errors = "; ".join(session.stats.errors) or "no error"
    await session.close()
    recovery = (
        f"the health check answered again after {recovered:.1f} s"
        if recovered is not None
        else f"no health answer within {RECOVERY_BOUND_SECONDS:.0f} s"
    )
    return FaultOutcome(
        "rerun flood",
        f"{sent_count} rerun requests from one session, sent at once",
        f"{recovery}; {closed}; the session received {runs} finished runs meanwhile; {errors}",
    )


FAULTS = (unknown_widget, out_of_range, wrong_value_type, malformed_bytes, huge_message,
          rerun_flood)  # fmt: skip


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as response:
            return response.read().decode().strip() == "ok"
    except OSError:
        return False


async def run_faults(cluster: Cluster, settle_seconds: float = 5.0) -> dict:
    """Every fault in turn while bystanders work; returns outcomes and the bystanders' view."""
    timing = Timing()
    bystander_mix = Mix(stepping=2, lab=1, practice=1)
    began = time.perf_counter()
    # The faults take about 25 s; the bystanders work through them and a little after.
    deadline = began + settle_seconds + BYSTANDER_SECONDS
    bystanders = asyncio.gather(
        *(
            run_student(cluster.url, role, began, deadline, seed=index, timing=timing)
            for index, role in enumerate(bystander_mix.roles())
        )
    )
    await asyncio.sleep(settle_seconds)
    outcomes = []
    for fault in FAULTS:
        try:
            outcome = await asyncio.wait_for(fault(cluster.url), FAULT_BOUND_SECONDS)
        except Exception as error:
            outcome = FaultOutcome(fault.__name__, "?", f"{type(error).__name__}: {error}")
        outcomes.append(outcome)
        await asyncio.sleep(1)
    healthy = _healthy(cluster.url)
    results = await bystanders
    return {
        "outcomes": [vars(outcome) for outcome in outcomes],
        "server_healthy_after": healthy,
        "server_alive": cluster.alive(),
        "bystander_actions": sum(len(r.latencies) for r in results),
        "bystander_errors": [e for r in results for e in r.errors],
        "bystander_p95_ms": percentile([x for r in results for x in r.latencies], 0.95) * 1000,
        "bystander_max_ms": max((x for r in results for x in r.latencies), default=0) * 1000,
        "server_log_errors": server_log_errors(cluster)[:20],
    }
