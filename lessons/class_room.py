"""A live class room: the teacher asks about the step on the projector, students predict.

The room lives in a `ClassStore` (lessons/class_store.py), never in one process's memory, so
students behind different replicas share it and a restarted replica loses nothing. Every
function takes the store and the time `now` (seconds since the epoch), so tests control time.

- `create_room(store, now) -> (code, token)`: a 6-character join code drawn with `secrets`
  from JOIN_ALPHABET (32^6, about 10^9 codes) and a separate teacher token (only its SHA-256
  is stored); `room(store, code, now)` reads a room for anyone with the code.
- Teacher only (the token is checked first, `NotTeacher` otherwise): `set_scenario`,
  `ask`, `close`, `reveal`, `summary_rows`.
- Students: `answer(store, code, seat, text, now)`, one answer per seat (one browser
  session) per question, replaced until the question closes, rate-limited;
  `set_nickname` (length-limited plain text, shown only to that student).
- `distribution(question, answers)`: counts per answer with the right one marked.
- Expiry: every write moves the room's expiry to EXPIRY_SECONDS after now; expired rooms,
  answers and nicknames are deleted (Redis by itself, SQLite by `purge`).

Errors a visitor can act on are `UserInputError`s (wrong code, closed question, too many
answers, ...); a store that cannot be reached raises `StoreUnavailable`.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import math
import re
import secrets
from collections import Counter
from dataclasses import dataclass
from typing import Any

from engine import limits
from engine.errors import UserInputError
from engine.trace import StepTrace
from engine.validation import check_int, check_learning_rate
from lessons.class_store import ClassStore
from lessons.step_by_step import quiz, stepper
from lessons.step_by_step.model import SCENARIO_LEARNING_RATES, SCENARIO_TITLES
from lessons.step_by_step.phases import Phase, phase_sequence
from lessons.step_by_step.presets import PRESETS

JOIN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a projector
CODE_LENGTH = 6
TOKEN_BYTES = 24  # the teacher token: 192 random bits, URL-safe text
SEAT_BYTES = 12  # a student's seat id (one browser session)
EXPIRY_SECONDS = 12 * 3600  # rooms, answers and nicknames live this long after the last write
MAX_NICKNAME = 24
MAX_QUESTIONS = 60  # per room
MAX_PROMPT = 300
MAX_CHOICES, MAX_CHOICE = 6, 60
MAX_ANSWER = 40
MAX_STEPS = 50  # training steps a class room can walk through
RATE_WINDOW_SECONDS = 10
MAX_ANSWERS_PER_WINDOW = 8  # per seat: enough to change one's mind, not to flood
TYPED = "typed_choice"
OPEN, CLOSED, REVEALED = "open", "closed", "revealed"
# The step page's URL shows a scenario by its title; rooms start at its learning rate.
STEP_PAGE_TITLES = {name: SCENARIO_TITLES[name] for name in PRESETS}
PRESET_LEARNING_RATES = {name: SCENARIO_LEARNING_RATES[name] for name in PRESETS}


class RoomNotFound(UserInputError):
    """No live room has this code (mistyped, or expired)."""


class NotTeacher(UserInputError):
    """A teacher-only action without the room's teacher token."""


class AnswerRefused(UserInputError):
    """An answer that cannot be taken (no open question, closed, malformed, too many)."""


@dataclass(frozen=True)
class ClassScenario:
    """What every screen in the room shows: a preset network after `steps` training steps,
    at phase `phase` of the next step."""

    preset: str = "textbook"
    seed: int = 0
    learning_rate: float = 0.5
    steps: int = 0
    phase: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "preset": self.preset,
            "seed": self.seed,
            "learning_rate": self.learning_rate,
            "steps": self.steps,
            "phase": self.phase,
        }

    def step_page_params(self) -> dict[str, str]:
        """The step page's URL parameters that open the same scenario, step and phase."""
        return {
            "step_preset": STEP_PAGE_TITLES[self.preset],
            "step_seed": str(self.seed),
            "step_lr": f"{self.learning_rate:g}",
            "step_n": str(self.steps),
            "step_phase": str(self.phase),
        }


def check_scenario(
    preset: str, seed: int = 0, learning_rate: float | None = None, steps: int = 0, phase: int = 0
) -> ClassScenario:
    """A valid ClassScenario, or UserInputError saying what is allowed. The phase is clamped
    to the phases of the network."""
    if preset not in PRESETS:
        raise UserInputError(f"The scenario must be one of {', '.join(PRESETS)}.")
    seed = check_int(seed, "Seed", 0, limits.MAX_SEED)
    rate = PRESET_LEARNING_RATES[preset] if learning_rate is None else learning_rate
    rate = check_learning_rate(rate)
    steps = check_int(steps, "Training steps", 0, MAX_STEPS)
    n_phases = len(phases_of(preset))
    phase = min(max(check_int(phase, "Phase", -(10**9), 10**9), 0), n_phases - 1)
    return ClassScenario(preset, seed, rate, steps, phase)


def phases_of(preset: str) -> tuple[Phase, ...]:
    """The phase sequence of a preset's network."""
    return phase_sequence(len(stepper.build_scenario(preset).network.layer_sizes) - 1)


def scenario_trace(scenario: ClassScenario):
    """(preset Scenario, trace of the current training step, phases) for `scenario`.

    The network is the preset after `scenario.steps` training steps at its learning rate; a
    step that diverges leaves the weights unchanged, as on the step page.
    """
    preset = stepper.build_scenario(scenario.preset, scenario.seed)
    network = preset.network.copy()
    for _ in range(scenario.steps):
        network.train_step(preset.X, preset.Y, scenario.learning_rate)
    trace = network.compute_trace(preset.X, preset.Y, scenario.learning_rate)
    phases = phase_sequence(len(trace.layers))
    return preset, trace, phases


def trace_questions(
    trace: StepTrace, phases: tuple[Phase, ...], step: int
) -> tuple[quiz.Question, ...]:
    """The step player's predict-then-reveal questions for this step (quiz.step_questions)."""
    return quiz.step_questions(trace, phases, sample=0, step=step)


def typed_question(prompt: str, choices_text: str, right_choice: str) -> quiz.Question:
    """A teacher's own multiple-choice question: `choices_text` has one choice per line.

    Raises UserInputError for an empty prompt, fewer than 2 or more than MAX_CHOICES
    distinct choices, over-long text, or a right choice that is not one of them.
    """
    prompt = " ".join(str(prompt).split())
    if not prompt:
        raise UserInputError("Type the question first.")
    if len(prompt) > MAX_PROMPT:
        raise UserInputError(f"The question can be at most {MAX_PROMPT} characters long.")
    choices: list[str] = []
    for line in str(choices_text).splitlines():
        choice = " ".join(line.split())
        if choice and _normal(choice) not in {_normal(c) for c in choices}:
            choices.append(choice)
    if not 2 <= len(choices) <= MAX_CHOICES:
        raise UserInputError(f"Give between 2 and {MAX_CHOICES} different choices, one a line.")
    if any(len(choice) > MAX_CHOICE for choice in choices):
        raise UserInputError(f"Each choice can be at most {MAX_CHOICE} characters long.")
    right = _normal(right_choice)
    if right not in {_normal(choice) for choice in choices}:
        raise UserInputError("Pick the right answer among the choices.")
    return quiz.Question(TYPED, prompt, tuple(choices), right, 0.0, -1, ())


def _normal(text: str) -> str:
    """Case and spacing ignored, as quiz.check compares choices."""
    return " ".join(str(text).lower().split())


# --- codes, tokens, seats --------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(CODE_LENGTH))


def new_seat() -> str:
    return secrets.token_urlsafe(SEAT_BYTES)


def normal_code(text: Any) -> str:
    """A join code as typed (any case, spaces or dashes) in canonical form, or RoomNotFound."""
    code = re.sub(r"[\s-]", "", str(text or "")).upper()[: CODE_LENGTH + 10]
    if len(code) != CODE_LENGTH or any(ch not in JOIN_ALPHABET for ch in code):
        raise RoomNotFound(
            f"A class code has {CODE_LENGTH} letters and digits (no 0, 1, I or O), for example"
            " KX7P2M. Check the code on the projector."
        )
    return code


def valid_seat(seat: Any) -> bool:
    return isinstance(seat, str) and re.fullmatch(r"[A-Za-z0-9_-]{8,40}", seat) is not None


def _token_hash(token: str) -> str:
    return hashlib.sha256(str(token).encode()).hexdigest()


# --- the room ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Room:
    """A room as read from the store (read-only view for pages)."""

    code: str
    scenario: ClassScenario
    questions: tuple[dict[str, Any], ...]  # every question asked, oldest first
    version: int  # grows with every teacher write: pages redraw when it changes
    record: dict[str, Any]

    @property
    def current(self) -> dict[str, Any] | None:
        """The latest question, or None before the first."""
        return self.questions[-1] if self.questions else None


def watch_state(current: Room) -> dict[str, Any]:
    """What a student's browser polls (nothing secret: what every screen in the room shows):
    the room's version, its training step (`step`: scenario without the phase), the phase,
    and the current question's id and status (`question`). The browser moves to a new phase by
    itself; a new step or question needs the server."""
    scenario = current.scenario
    question = current.current
    return {
        "version": current.version,
        "step": f"{scenario.preset}/{scenario.seed}/{scenario.learning_rate}/{scenario.steps}",
        "phase": scenario.phase,
        "question": None if question is None else f"{question['id']}/{question['status']}",
    }


def question_of(entry: dict[str, Any]) -> quiz.Question:
    """The quiz.Question stored in a room's question entry."""
    return quiz.Question(
        entry["kind"],
        entry["prompt"],
        tuple(entry["choices"]),
        entry["answer"],
        float(entry["tolerance"]),
        int(entry["phase"]),
        (),
    )


def _room_of(record: dict[str, Any]) -> Room:
    return Room(
        record["code"],
        ClassScenario(**record["scenario"]),
        tuple(record["questions"]),
        int(record["version"]),
        record,
    )


def create_room(store: ClassStore, now: float, scenario: ClassScenario | None = None):
    """A new room; returns (code, teacher token). The token is shown only to the teacher."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    scenario = scenario or ClassScenario()
    for _ in range(20):
        code = new_code()
        record = {
            "code": code,
            "token_sha256": _token_hash(token),
            "created": now,
            "scenario": scenario.to_dict(),
            "questions": [],
            "version": 1,
        }
        if store.add_room(code, record, now + EXPIRY_SECONDS, now):
            store.purge(now)
            return code, token
    raise RuntimeError("20 random join codes in a row were taken: the code space is exhausted")


def room(store: ClassStore, code: str, now: float) -> Room:
    """The live room with this code, or RoomNotFound saying the code is wrong or expired."""
    code = normal_code(code)
    record = store.get_room(code, now)
    if record is None:
        raise RoomNotFound(
            f"There is no open class room with code {code}: check the code, or ask your teacher"
            " for a new one (rooms close 12 hours after their last activity)."
        )
    return _room_of(record)


def is_teacher(current: Room, token: Any) -> bool:
    return isinstance(token, str) and hmac.compare_digest(
        _token_hash(token), current.record["token_sha256"]
    )


def _teacher_room(store: ClassStore, code: str, token: Any, now: float) -> Room:
    current = room(store, code, now)
    if not is_teacher(current, token):
        raise NotTeacher("Only the teacher's control link can ask, close or reveal questions.")
    return current


def _save(store: ClassStore, record: dict[str, Any], now: float) -> Room:
    record = {**record, "version": int(record["version"]) + 1}
    store.put_room(record["code"], record, now + EXPIRY_SECONDS)
    return _room_of(record)


def set_scenario(
    store: ClassStore, code: str, token: Any, scenario: ClassScenario, now: float
) -> Room:
    """Teacher: show `scenario` (network, step and phase) on every screen in the room."""
    current = _teacher_room(store, code, token, now)
    return _save(store, {**current.record, "scenario": scenario.to_dict()}, now)


def ask(store: ClassStore, code: str, token: Any, question: quiz.Question, now: float) -> Room:
    """Teacher: open `question`; the previous question, if still open, is closed."""
    current = _teacher_room(store, code, token, now)
    if len(current.questions) >= MAX_QUESTIONS:
        raise UserInputError(f"A room holds at most {MAX_QUESTIONS} questions: start a new room.")
    questions = [
        {**q, "status": CLOSED} if q["status"] == OPEN else dict(q) for q in current.questions
    ]
    entry = {**question.to_dict(), "id": len(questions) + 1, "status": OPEN, "asked_at": now}
    if question.numeric:
        entry["answer"] = float(question.answer)
    return _save(store, {**current.record, "questions": [*questions, entry]}, now)


def _set_status(store, code, token, now, status: str) -> Room:
    current = _teacher_room(store, code, token, now)
    if current.current is None:
        raise UserInputError("Ask a question first.")
    questions = [dict(q) for q in current.questions]
    last = questions[-1]
    if status == CLOSED and last["status"] == REVEALED:
        return current
    last["status"] = status
    record = {**current.record, "questions": questions}
    if status == REVEALED and last["phase"] >= 0:  # step to the phase that answers it
        record["scenario"] = {**record["scenario"], "phase": int(last["phase"])}
    return _save(store, record, now)


def close(store: ClassStore, code: str, token: Any, now: float) -> Room:
    """Teacher: stop taking answers to the current question (not yet showing them)."""
    return _set_status(store, code, token, now, CLOSED)


def reveal(store: ClassStore, code: str, token: Any, now: float) -> Room:
    """Teacher: close the current question, show its answers and step to the phase that
    answers it (a typed question keeps the phase)."""
    return _set_status(store, code, token, now, REVEALED)


def answer(store: ClassStore, code: str, seat: str, text: Any, now: float) -> str:
    """Student: set this seat's answer to the open question; returns the answer as stored.

    AnswerRefused when no question is open, the question closed, the answer is not one of the
    choices (or not a number for a numeric question), or the seat sent more than
    MAX_ANSWERS_PER_WINDOW answers in RATE_WINDOW_SECONDS.
    """
    current = room(store, code, now)
    if not valid_seat(seat):
        raise AnswerRefused("This browser session has no seat in the room: join again.")
    question = current.current
    if question is None:
        raise AnswerRefused("There is no question yet: wait for the teacher to ask one.")
    if question["status"] != OPEN:
        raise AnswerRefused("This question is closed: answers are no longer taken.")
    value = _checked_answer(question, text)
    window = math.floor(now / RATE_WINDOW_SECONDS) * RATE_WINDOW_SECONDS
    count = store.hit(f"{current.code}:{seat}", window, window + 2 * RATE_WINDOW_SECONDS)
    if count > MAX_ANSWERS_PER_WINDOW:
        raise AnswerRefused(
            f"Too many answers at once: wait {RATE_WINDOW_SECONDS} seconds, then answer again."
        )
    store.put_answer(current.code, int(question["id"]), seat, value, now + EXPIRY_SECONDS)
    return value


def _checked_answer(question: dict[str, Any], text: Any) -> str:
    raw = " ".join(str(text if text is not None else "").split())
    if not raw:
        raise AnswerRefused("Choose or type an answer first.")
    if len(raw) > MAX_ANSWER:
        raise AnswerRefused(f"An answer can be at most {MAX_ANSWER} characters long.")
    if question["choices"]:
        by_normal = {_normal(choice): choice for choice in question["choices"]}
        if _normal(raw) not in by_normal:
            raise AnswerRefused(f"Answer with one of: {', '.join(question['choices'])}.")
        return by_normal[_normal(raw)]
    try:
        number = float(raw.replace(",", "."))
    except ValueError:
        raise AnswerRefused("Type a number, for example 0.59.") from None
    if not math.isfinite(number):
        raise AnswerRefused("Type a finite number, for example 0.59.")
    return f"{number:.{quiz.DECIMALS}f}"


def my_answer(store: ClassStore, code: str, seat: str, question_id: int, now: float) -> str | None:
    """This seat's answer to a question, or None."""
    return store.answers(normal_code(code), question_id, now).get(seat)


def is_right(question: dict[str, Any], text: str) -> bool:
    return quiz.check(question_of(question), text)


def set_nickname(store: ClassStore, code: str, seat: str, nickname: Any, now: float) -> str:
    """Remember a nickname (plain text, at most MAX_NICKNAME characters, control characters
    dropped); returns it as stored. It is shown only to this student."""
    text = "".join(ch for ch in str(nickname or "") if ch.isprintable())
    text = " ".join(text.split())
    if len(text) > MAX_NICKNAME:
        raise UserInputError(f"A nickname can be at most {MAX_NICKNAME} characters long.")
    if not valid_seat(seat):
        raise AnswerRefused("This browser session has no seat in the room: join again.")
    current = room(store, code, now)
    store.put_nickname(current.code, seat, text, now + EXPIRY_SECONDS)
    return text


@dataclass(frozen=True)
class Distribution:
    """The answers to one question: `labels[i]` was given `counts[i]` times; `right[i]` says
    whether that answer is right."""

    labels: tuple[str, ...]
    counts: tuple[int, ...]
    right: tuple[bool, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def share_correct(self) -> float | None:
        """Right answers / all answers, or None without answers."""
        if not self.total:
            return None
        return sum(c for c, ok in zip(self.counts, self.right, strict=True) if ok) / self.total


MAX_NUMERIC_BARS = 8  # distinct numbers shown; the rest are counted under "other"


def distribution(question: dict[str, Any], answers: dict[str, str]) -> Distribution:
    """Counts per answer. Choice questions: every choice in its order (zeros included).
    Numeric questions: the most common values (to 2 decimals), the rest as "other"."""
    counts = Counter(answers.values())
    if question["choices"]:
        labels = tuple(question["choices"])
        return Distribution(
            labels,
            tuple(counts.get(label, 0) for label in labels),
            tuple(is_right(question, label) for label in labels),
        )
    common = sorted(counts.items(), key=lambda item: (-item[1], float(item[0])))
    shown, rest = common[:MAX_NUMERIC_BARS], common[MAX_NUMERIC_BARS:]
    shown.sort(key=lambda item: float(item[0]))
    labels = [label for label, _ in shown]
    values = [count for _, count in shown]
    right = [is_right(question, label) for label in labels]
    if rest:
        labels.append("other")
        values.append(sum(count for _, count in rest))
        right.append(False)
    return Distribution(tuple(labels), tuple(values), tuple(right))


def results(store: ClassStore, code: str, question: dict[str, Any], now: float) -> Distribution:
    return distribution(question, store.answers(normal_code(code), int(question["id"]), now))


SUMMARY_COLUMNS = ("question", "prompt", "right answer", "answers", "right", "share right")


def summary_rows(store: ClassStore, code: str, token: Any, now: float) -> list[tuple]:
    """Teacher: one row per question (SUMMARY_COLUMNS); no seats or nicknames."""
    current = _teacher_room(store, code, token, now)
    rows = []
    for entry in current.questions:
        result = results(store, current.code, entry, now)
        right = sum(c for c, ok in zip(result.counts, result.right, strict=True) if ok)
        share = result.share_correct
        if entry["choices"]:
            shown_answer = next(c for c in entry["choices"] if is_right(entry, c))
        else:
            shown_answer = f"{float(entry['answer']):.{quiz.DECIMALS}f}"
        rows.append(
            (
                entry["id"],
                entry["prompt"],
                shown_answer,
                result.total,
                right,
                "" if share is None else f"{share:.2f}",
            )
        )
    return rows


def summary_csv(store: ClassStore, code: str, token: Any, now: float) -> str:
    """The summary rows as CSV text (a header line first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(SUMMARY_COLUMNS)
    for row in summary_rows(store, code, token, now):
        # A prompt starting with = + - @ would be a formula in a spreadsheet: quote it as text.
        writer.writerow(["'" + c if isinstance(c, str) and c[:1] in "=+-@" else c for c in row])
    return buffer.getvalue()
