"""What a virtual student does on each page, and a class of them run together.

Students find their widgets by key (or label) in what the server sent, never by position, so
they keep working while the pages change: the step page's Next training step (key
`step_train`: what reaches the server when the step player's Next is at the update), its phase
Next (key `step_next` or `next`, label "Next": the back-to-back comparison with browsers), a
weight in the step page's editable tables (a data editor whose key ends in `_W1`), the lab's
Play / Step / Reset (`lab_play`, `lab_step`, `lab_reset`) and the practice page's Next card
(`practice_card_next`). Each action is timed from sending the rerun request until a run
finished after it *and* the text it should change has changed (the phase line, the "new w"
metric, the update counter, the card number): that is "click-to-update".

Every loop ends at a deadline; every wait has a timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bench.vstudents.client import ProtocolError, StreamlitSession

STEP_PHASE = r"Training step \d+\W{0,6}\s*·?\s*phase \d+ of \d+"
NEW_WEIGHT = r"new w: \S+"
LAB_UPDATES = r"Updates: [\d,]+"
PRACTICE_CARD = r"Card \d+ of \d+"
NEXT_KEYS, NEXT_LABELS = ("step_next", "next"), ("Next",)
TRAIN_KEYS, TRAIN_LABELS = ("step_train",), ("Next training step",)
PLAY_KEYS, PLAY_LABELS = ("lab_play",), ("Play", "Pause")


@dataclass
class StudentResult:
    """One student's run: the role, latencies of the actions (s) and what went wrong."""

    role: str
    open_seconds: float | None = None
    attempts: int = 0  # actions sent; each one either updated (a latency) or is an error
    latencies: list[float] = field(default_factory=list)
    action_times: list[float] = field(default_factory=list)  # when each timed action was sent
    browser_steps: int = 0  # Next presses the step player answered in the browser (not sent)
    errors: list[str] = field(default_factory=list)
    live_redraws: int = 0  # runs of the fastest fragment timer (the lab's counter and loss)
    fragment_runs: int = 0  # runs of every fragment timer
    component_frames: int = 0  # animation frames sent to in-page players (lab's Play)
    play_seconds: float = 0.0  # time with a fragment timer running
    closed_early: bool = False


@dataclass
class Timing:
    """Think times (s) between actions, drawn uniformly."""

    step_think: tuple[float, float] = (2.0, 3.0)
    lab_think: tuple[float, float] = (2.0, 4.0)
    practice_think: tuple[float, float] = (3.0, 5.0)
    edit_probability: float = 0.1  # a stepping student edits a weight instead of Next
    # The step player moves through a training step's phases in the browser: of these Next
    # presses only the one at the update reaches the server (the next training step).
    phases_per_step: int = 6  # the textbook 2-2-2 network: F1, F2, L, B2, B1, U
    action_timeout: float = 30.0


async def timed_action(
    session: StreamlitSession,
    result: StudentResult,
    send: Callable[[], Awaitable[float]],
    changed: Callable[[StreamlitSession], bool],
    timeout: float,
) -> None:
    """Send one action and wait until a full run after it shows the change.

    An action that gets no update within `timeout` is an error, and the student goes on
    (as a person would click again); a closed connection ends the student.
    """
    result.attempts += 1
    sent = await send()
    try:
        await session.wait_for_run(sent, full=True, until=changed, timeout=timeout)
    except ProtocolError as error:
        if session.closed:
            raise
        result.errors.append(f"no update: {error}")
        return
    result.latencies.append(time.perf_counter() - sent)
    result.action_times.append(sent)


def _text_changes(pattern: str, before: str | None) -> Callable[[StreamlitSession], bool]:
    return lambda session: (now := session.text(pattern)) is not None and now != before


def _label_changes(
    keys: tuple[str, ...], labels: tuple[str, ...], before: str
) -> Callable[[StreamlitSession], bool]:
    return lambda session: session.find(keys=keys, labels=labels).label != before


async def _think(rng: random.Random, bounds: tuple[float, float], deadline: float) -> bool:
    """Sleep a think time; False when the deadline comes first."""
    pause = rng.uniform(*bounds)
    if time.perf_counter() + pause >= deadline:
        await asyncio.sleep(max(0.0, deadline - time.perf_counter()))
        return False
    await asyncio.sleep(pause)
    return True


async def stepping_student(session, result, rng, deadline, timing: Timing) -> None:
    """Step page as the step player is used: Next every 2-3 s, which the player answers in the
    browser, except at the update, where it asks the server for the next training step; now
    and then a new value in the output layer's weights."""
    edits: dict[str, dict[str, float]] = {}
    presses = 0
    while await _think(rng, timing.step_think, deadline):
        presses += 1
        if presses % timing.phases_per_step:
            result.browser_steps += 1  # the player's own phase step: nothing reaches the server
            continue
        if rng.random() < timing.edit_probability:
            editor = session.find(keys=("_W1",))
            before = session.text(NEW_WEIGHT)
            # The front end sends every edit of the table so far, not only the latest.
            edits.setdefault("0", {})["w from 1"] = round(rng.uniform(-1.0, 1.0), 3)
            value = json.dumps({"edited_rows": edits, "added_rows": [], "deleted_rows": []})
            await timed_action(
                session, result,
                lambda editor=editor, value=value: session.set_value(editor, string_value=value),
                _text_changes(NEW_WEIGHT, before), timing.action_timeout,
            )  # fmt: skip
        else:
            button = session.find(keys=TRAIN_KEYS, labels=TRAIN_LABELS)
            before = session.text(STEP_PHASE)
            await timed_action(
                session, result, lambda button=button: session.click(button),
                _text_changes(STEP_PHASE, before), timing.action_timeout,
            )  # fmt: skip


async def rapid_stepping_student(session, result, rng, deadline, timing: Timing, clicks: int):
    """Step page: `clicks` Next presses back to back (as bench/load.py's browsers do)."""
    for _ in range(clicks):
        if time.perf_counter() >= deadline:
            return
        button = session.find(keys=NEXT_KEYS, labels=NEXT_LABELS)
        before = session.text(STEP_PHASE)
        await timed_action(
            session, result, lambda button=button: session.click(button),
            _text_changes(STEP_PHASE, before), timing.action_timeout,
        )  # fmt: skip


async def lab_student(session, result, rng, deadline, timing: Timing) -> None:
    """Training lab without Play: Step every 2-4 s, watching the update counter."""
    while await _think(rng, timing.lab_think, deadline):
        button = session.find(keys=("lab_step",), labels=("Step",))
        if button.disabled:  # the run is finished: start a fresh one
            button = session.find(keys=("lab_reset",), labels=("Reset",))
        before = session.text(LAB_UPDATES)
        await timed_action(
            session, result, lambda button=button: session.click(button),
            _text_changes(LAB_UPDATES, before), timing.action_timeout,
        )  # fmt: skip


async def playing_student(session, result, rng, deadline, timing: Timing) -> None:
    """Training lab with Play: press Play and watch; when training ends, Reset and Play again."""
    while time.perf_counter() < deadline:
        play = session.find(keys=PLAY_KEYS, labels=PLAY_LABELS)
        if play.disabled:  # finished: a fresh run first
            reset = session.find(keys=("lab_reset",), labels=("Reset",))
            before = session.text(LAB_UPDATES)
            await timed_action(
                session, result, lambda reset=reset: session.click(reset),
                _text_changes(LAB_UPDATES, before), timing.action_timeout,
            )  # fmt: skip
            continue
        label_before = play.label
        await timed_action(
            session, result, lambda play=play: session.click(play),
            _label_changes(PLAY_KEYS, PLAY_LABELS, label_before), timing.action_timeout,
        )  # fmt: skip
        started = time.perf_counter()
        # Watch while the fragment timers run (they stop with the full run at the end).
        while session.playing and time.perf_counter() < deadline:
            await asyncio.sleep(0.2)
        result.play_seconds += time.perf_counter() - started
        if not await _think(rng, timing.lab_think, deadline):
            return


async def practice_student(session, result, rng, deadline, timing: Timing) -> None:
    """Practice page: the next flash card every 3-5 s."""
    while await _think(rng, timing.practice_think, deadline):
        button = session.find(keys=("practice_card_next",), labels=("Next card",))
        before = session.text(PRACTICE_CARD)
        await timed_action(
            session, result, lambda button=button: session.click(button),
            _text_changes(PRACTICE_CARD, before), timing.action_timeout,
        )  # fmt: skip


ROLES = {
    "stepping": ("step", stepping_student),
    "lab": ("lab", lab_student),
    "playing": ("lab", playing_student),
    "practice": ("practice", practice_student),
}


async def run_student(
    url: str,
    role: str,
    start_at: float,
    deadline: float,
    seed: int,
    timing: Timing,
    close_at: float | None = None,
    behaviour=None,
) -> StudentResult:
    """One student from joining (at `start_at`) to `deadline` (or `close_at`, a closed tab)."""
    page, default_behaviour = ROLES.get(role, ("step", None))
    behaviour = behaviour or default_behaviour
    result = StudentResult(role=role)
    rng = random.Random(seed)
    await asyncio.sleep(max(0.0, start_at - time.perf_counter()))
    session = StreamlitSession(url, page=page, timeout=timing.action_timeout * 2)
    end = min(deadline, close_at) if close_at is not None else deadline
    try:
        result.open_seconds = await session.open_page()
        await asyncio.wait_for(
            behaviour(session, result, rng, end, timing),
            timeout=max(1.0, end - time.perf_counter() + timing.action_timeout),
        )
    except (ProtocolError, TimeoutError, OSError) as error:
        result.errors.append(f"{type(error).__name__}: {error}")
    except Exception as error:  # a load run reports every failure instead of stopping
        result.errors.append(f"unexpected {type(error).__name__}: {error}")
    finally:
        result.closed_early = close_at is not None and close_at < deadline
        with contextlib.suppress(Exception):
            await session.close()
        result.errors.extend(session.stats.errors)
        intervals = session.auto_rerun_intervals
        if intervals:
            fastest = min(intervals, key=intervals.get)
            result.live_redraws = session.stats.fragment_runs[fastest]
        result.fragment_runs = sum(session.stats.fragment_runs.values())
        result.component_frames = session.stats.component_frames
    return result


@dataclass(frozen=True)
class Mix:
    """How many students of each role."""

    stepping: int = 0
    lab: int = 0
    playing: int = 0
    practice: int = 0

    @property
    def total(self) -> int:
        return self.stepping + self.lab + self.playing + self.practice

    def roles(self) -> list[str]:
        return (
            ["stepping"] * self.stepping
            + ["playing"] * self.playing
            + ["lab"] * self.lab
            + ["practice"] * self.practice
        )

    def describe(self) -> str:
        parts = [f"{n} {name}" for name, n in vars(self).items() if n]
        return ", ".join(parts) or "nobody"


def class_mix(k: int) -> Mix:
    """The table's mix for K students: a third in the lab (half of them playing), one in ten
    on practice, the rest stepping (K=30 gives 17 stepping, 5 lab, 5 playing, 3 practice)."""
    in_lab = round(k / 3)
    playing = in_lab // 2 + in_lab % 2 if in_lab > 1 else 0
    practice = k // 10
    return Mix(stepping=k - in_lab - practice, lab=in_lab - playing, playing=playing,
               practice=practice)  # fmt: skip
