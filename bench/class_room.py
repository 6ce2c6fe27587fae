"""Class room cost: server CPU of a room of idle students, of the teacher's Next, and of answering.

    .venv/bin/python -m bench class_room           # 100 virtual students (make bench)
    .venv/bin/python -m bench.class_room --students 30

One production-configured replica serves the app as committed (`git archive HEAD`, as
bench/protocol_load.py does), its class rooms in a fresh SQLite file. The students are
bench/vstudents/ virtual students: each speaks Streamlit's WebSocket protocol like a browser
tab on `/class?room=CODE&seat=...`, including the student page's 2 s poll of the room's state
(server.py's JSON route, asked over HTTP as the page's room-watch component does), so the server
does exactly the work real tabs cause; no browser runs.

1. Idle: the server's CPU (psutil, user + system of the replica process) over a window with
   no session open, then with N students sitting in the room (polling, nothing changes).
2. The teacher's Next (a new phase): server CPU and time until every student's player shows
   it (the virtual student takes the phase from its poll, as the page's room watch does).
3. Answering: the teacher (the room model, straight on the store) asks a choice question;
   every student's poll sees it and redraws, and each student answers once at a random
   moment within ANSWER_WINDOW seconds (choose + Send). CPU from the question to the last
   confirmed answer; every answer is checked in the store.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench.vstudents.client import StreamlitSession
from bench.vstudents.servers import committed_snapshot, serving
from lessons import class_room as cr
from lessons.class_store import open_store

JOIN_ERRORS: list[str] = []  # why students could not join, for the notes
ANSWER_WINDOW = 10.0  # seconds in which every student answers
CHOICES = "yes\nno\nmaybe"


def _cpu(cluster) -> float:
    return cluster.sample().replica_cpu


async def _measure_window(cluster, seconds: float) -> tuple[float, float]:
    """(CPU seconds used, wall seconds) over `seconds` of doing nothing here."""
    start_cpu, start = _cpu(cluster), time.perf_counter()
    await asyncio.sleep(seconds)
    return _cpu(cluster) - start_cpu, time.perf_counter() - start


async def _join(url: str, code: str, n: int, spread: float) -> list[StreamlitSession]:
    sessions = [
        StreamlitSession(url, page="class", query=f"room={code}&seat={cr.new_seat()}")
        for _ in range(n)
    ]

    async def open_one(index: int, session: StreamlitSession) -> None:
        await asyncio.sleep(spread * index / max(1, n))
        await session.open_page()

    opened = await asyncio.gather(
        *(open_one(i, s) for i, s in enumerate(sessions)), return_exceptions=True
    )
    joined = [s for s, result in zip(sessions, opened, strict=True) if result is None]
    for session, result in zip(sessions, opened, strict=True):
        if result is not None:
            JOIN_ERRORS.append(f"{type(result).__name__}: {result}; {session.stats.errors[:2]}")
            with contextlib.suppress(Exception):
                await session.close()
    return joined


def _has_question(session: StreamlitSession) -> bool:
    return any(w.key == "class_answer_1" for w in session.widgets.values())


async def _answer(session: StreamlitSession, delay: float, choice: str, timeout: float) -> float:
    """Wait for the question to appear, then answer at `delay` s after it was asked."""
    asked = time.perf_counter()
    # The question arrives in a rerun of the page's question fragment (or a full run).
    await session.wait_for_run(0.0, full=False, until=_has_question, timeout=timeout)
    await asyncio.sleep(max(0.0, asked + delay - time.perf_counter()))
    # The choice sits in a form (nothing sent); Send reruns the answer's fragment only.
    session.hold_value(session.find(keys=("class_answer_1",)), string_value=choice)
    sent = await session.click(session.find(keys=("class_send",)))
    await session.wait_for_run(
        sent, full=False, until=lambda s: s.text(r"Your answer: \w+") is not None,
        timeout=timeout,
    )  # fmt: skip
    return time.perf_counter()


def _polls(sessions: list[StreamlitSession]) -> int:
    """Room polls so far: HTTP polls of the room's state (server.py), plus fragment reruns
    (the fallback when the route is not served)."""
    return sum(s.stats.watch_polls + sum(s.stats.fragment_runs.values()) for s in sessions)


def _runs(sessions: list[StreamlitSession]) -> int:
    return sum(len(s.stats.runs) for s in sessions)


async def _teacher_steps(cluster, store, code: str, token: str, sessions) -> tuple:
    """The teacher presses Next once: (server CPU seconds and wall seconds until every
    student's page shows the new phase, students who did not within 60 s). The page's player
    takes the phase from the room watch's poll in the browser, with no script rerun."""
    scenario = cr.room(store, code, time.time()).scenario
    target = scenario.phase + 1
    start_cpu, start = _cpu(cluster), time.perf_counter()
    cr.set_scenario(store, code, token, replace(scenario, phase=target), time.time())
    deadline = start + 60.0
    while time.perf_counter() < deadline and any(s.room_phase != target for s in sessions):
        await asyncio.sleep(0.05)
    wall = time.perf_counter() - start
    failed = sum(s.room_phase != target for s in sessions)
    return _cpu(cluster) - start_cpu, wall, failed


async def measure(url: str, cluster, store_url: str, students: int, idle_seconds: float) -> dict:
    store = open_store(store_url)
    code, token = cr.create_room(store, time.time())
    empty_cpu, empty_wall = await _measure_window(cluster, idle_seconds)
    sessions = await _join(url, code, students, spread=min(30.0, students * 0.3))
    try:
        await asyncio.sleep(3.0)  # every timer ticking once before the window opens
        polls_before, runs_before = _polls(sessions), _runs(sessions)
        idle_cpu, idle_wall = await _measure_window(cluster, idle_seconds)
        polls = _polls(sessions) - polls_before
        reruns_while_idle = _runs(sessions) - runs_before
        step_cpu, step_wall, step_failures = await _teacher_steps(
            cluster, store, code, token, sessions
        )
        rng = random.Random(16)
        choices = CHOICES.split("\n")
        sent = [rng.choice(choices) for _ in sessions]
        start_cpu, start = _cpu(cluster), time.perf_counter()
        cr.ask(store, code, token, cr.typed_question("Will it grow?", CHOICES, "yes"), time.time())
        results = await asyncio.gather(
            *(
                _answer(s, rng.uniform(0, ANSWER_WINDOW), choice, timeout=120.0)
                for s, choice in zip(sessions, sent, strict=True)
            ),
            return_exceptions=True,
        )
        answer_cpu, answer_wall = _cpu(cluster) - start_cpu, time.perf_counter() - start
        failures = [r for r in results if isinstance(r, BaseException)]
        stored = store.answers(code, 1, time.time())
    finally:
        for session in sessions:
            with contextlib.suppress(Exception):
                await session.close()
        store.close()
    expected = {}
    for choice in sent:
        expected[choice] = expected.get(choice, 0) + 1
    counted = {}
    for value in stored.values():
        counted[value] = counted.get(value, 0) + 1
    return {
        "students": students,
        "joined": len(sessions),
        "idle_cpu_per_poll_ms": 1000
        * (idle_cpu - empty_cpu / empty_wall * idle_wall)
        / max(1, polls),
        "empty_cpu_share": empty_cpu / empty_wall,
        "idle_cpu_share": idle_cpu / idle_wall,
        "idle_wall": idle_wall,
        "polls_per_s": polls / idle_wall,
        "step_cpu_seconds": step_cpu,
        "step_wall": step_wall,
        "step_failures": step_failures,
        "answer_cpu_seconds": answer_cpu,
        "answer_wall": answer_wall,
        "answer_cpu_share": answer_cpu / answer_wall,
        "answers_stored": len(stored),
        "answers_match": counted == expected and not failures,
        "failures": [f"{type(f).__name__}: {f}"[:200] for f in failures[:5]],
        "session_errors": sorted({e for s in sessions for e in s.stats.errors})[:5],
        "watch_failures": [f for s in sessions for f in s.stats.watch_failures],
        "reruns_while_idle": reruns_while_idle,
    }


def run(quick: bool = False, students: int | None = None, boost: bool = False) -> dict:
    """For `python -m bench class_room`. `boost` (root only) runs the server and the virtual
    students at nice -10, as bench/protocol_load.py --boost does: on a shared machine the
    students' own process otherwise starves and misses its timers."""
    if boost:
        os.nice(-10)
    students = students or (10 if quick else 100)
    idle_seconds = 6.0 if quick else 30.0
    with tempfile.TemporaryDirectory(prefix="class-room-bench-") as folder:
        app_root, commit = committed_snapshot(Path(folder) / "app")
        store_url = f"sqlite:///{Path(folder) / 'rooms.db'}"
        previous = os.environ.get("BPL_CLASS_STORE")
        os.environ["BPL_CLASS_STORE"] = store_url  # the replica inherits it
        try:
            niceness = -10 if boost else None
            with serving(1, run_dir=Path(folder), app_root=app_root, niceness=niceness) as cluster:
                result = asyncio.run(
                    measure(cluster.url, cluster, store_url, students, idle_seconds)
                )
        finally:
            if previous is None:
                os.environ.pop("BPL_CLASS_STORE", None)
            else:
                os.environ["BPL_CLASS_STORE"] = previous
    n = result["joined"]
    per_student = (result["idle_cpu_share"] - result["empty_cpu_share"]) / max(1, n)
    rows = [
        [f"no students ({result['idle_wall']:.0f} s)", "-",
         f"{result['empty_cpu_share']:.1%}", "-"],
        [f"{n} idle students ({result['idle_wall']:.0f} s)",
         f"{result['polls_per_s']:.1f}/s, {result['idle_cpu_per_poll_ms']:.1f} ms CPU each",
         f"{result['idle_cpu_share']:.1%}", f"{per_student:.2%}"],
        [f"teacher's Next: {n} students follow ({result['step_wall']:.1f} s until the last)",
         "-", f"{result['step_cpu_seconds'] / max(result['step_wall'], 1e-9):.1%}",
         f"{result['step_cpu_seconds'] / n * 1000:.0f} ms CPU/student"],
        [f"{n} answering within {ANSWER_WINDOW:.0f} s ({result['answer_wall']:.1f} s)", "-",
         f"{result['answer_cpu_share']:.1%}",
         f"{result['answer_cpu_seconds'] / n * 1000:.0f} ms CPU/answer"],
    ]  # fmt: skip
    return {
        "name": "class_room",
        "title": "Class room: server CPU of idle and answering virtual students (1 replica)",
        "columns": ["room", "polls", "server CPU (% of one core)", "per student"],
        "rows": rows,
        "result": result,
        "notes": [
            f"app as committed at {commit}; SQLite store; students' browsers poll the room's"
            f" state every {n / max(result['polls_per_s'], 1e-9):.1f} s (measured; server.py's"
            " JSON route): a new phase moves their player in the browser, a new question or"
            " step reruns",
            f"students joined {n} of {result['students']}; boost (nice -10): {boost};"
            " load average (1 min) at the end:"
            f" {os.getloadavg()[0]:.1f} (2 cores shared with other jobs)",
            f"answers stored {result['answers_stored']} of {n}; distribution matches what"
            f" was sent: {result['answers_match']}",
            "server CPU = user + system time of the replica process (psutil) / wall time;"
            " the virtual students run in the benchmark process, not counted",
            *(f"failure: {f}" for f in result["failures"]),
            f"students who did not show the teacher's new phase within 60 s:"
            f" {result['step_failures']}",
            f"script reruns while the room was idle: {result['reruns_while_idle']}; room polls"
            f" that got no answer (the page retries at the next tick):"
            f" {len(result['watch_failures'])}"
            + (f", e.g. {result['watch_failures'][0]}" if result["watch_failures"] else ""),
            *(f"session error: {e}" for e in result["session_errors"]),
            *(f"join error: {e}"[:300] for e in sorted(set(JOIN_ERRORS))[:3]),
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.class_room",
                                     description=__doc__.splitlines()[0])  # fmt: skip
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--boost", action="store_true", help="nice -10 (root only)")
    args = parser.parse_args(argv)
    result = run(quick=args.quick, students=args.students, boost=args.boost)
    for row in result["rows"]:
        print(" | ".join(row))
    for note in result["notes"]:
        print("-", note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
