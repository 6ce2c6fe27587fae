"""Practice exercises from small random networks, and the checker for a typed answer.

An exercise is fully determined by its seed (and, optionally, its kind): the same seed always
gives the same network, numbers and answer, so a teacher can share one exercise by its seed.
Every answer is read off the engine's trace of one training step.
"""

import math
from dataclasses import dataclass

import numpy as np

from engine import limits
from engine.errors import UserInputError
from engine.network import Network
from engine.trace import StepTrace
from engine.validation import check_choice, check_int

EXERCISE_KINDS = ("output_delta", "hidden_delta", "weight_gradient", "updated_weight")
KIND_LABELS = {
    "output_delta": "Delta of an output neuron",
    "hidden_delta": "Delta of a hidden neuron",
    "weight_gradient": "Gradient dL/dw of one weight",
    "updated_weight": "Weight after one update",
}
PRACTICE_ACTIVATIONS = ("sigmoid", "tanh")
PRACTICE_LEARNING_RATES = (0.1, 0.25, 0.5, 1.0)
RELATIVE_TOLERANCE = 0.01  # an answer within 1 % of the exact value is accepted ...
ABSOLUTE_TOLERANCE = 1e-5  # ... or within this distance, for answers very close to 0
MAX_ANSWER_CHARS = 40


@dataclass(frozen=True, eq=False)
class Exercise:
    """One question about one training step of a 2-2-K network on one example."""

    seed: int
    kind: str  # one of EXERCISE_KINDS
    trace: StepTrace  # the whole step: every number of the worked solution is in here
    layer: int  # weight layer asked about: 0 (input -> hidden) or 1 (hidden -> output)
    unit: int  # the neuron (row of W[layer]) asked about, 0-based
    source: int  # for weight questions, the neuron feeding the weight (column of W[layer])
    answer: float

    @property
    def activation(self) -> str:
        return self.trace.layers[0].activation

    @property
    def n_outputs(self) -> int:
        return self.trace.Y.shape[1]

    @property
    def tolerance(self) -> tuple[float, float]:
        """(relative, absolute) tolerance for this answer.

        A new weight differs from the old one only by the update, so it is judged against the
        size of the update, not of the weight: typing the old weight is never accepted.
        """
        if self.kind == "updated_weight":
            change = abs(self.answer - self.trace.layers[self.layer].W[self.unit, self.source])
            return 0.0, max(RELATIVE_TOLERANCE * change, ABSOLUTE_TOLERANCE)
        return RELATIVE_TOLERANCE, ABSOLUTE_TOLERANCE

    def check(self, text: str | None) -> "AnswerCheck":
        """check_answer of `text` against this exercise's answer and tolerance."""
        rel_tol, abs_tol = self.tolerance
        return check_answer(text, self.answer, rel_tol, abs_tol)


def generate_exercise(seed: int, kind: str | None = None) -> Exercise:
    """The exercise numbered `seed`; its kind is drawn from the seed unless `kind` is given."""
    seed = check_int(seed, "Exercise number", 0, limits.MAX_SEED)
    rng = np.random.default_rng(seed)
    drawn_kind = EXERCISE_KINDS[int(rng.integers(len(EXERCISE_KINDS)))]
    kind = drawn_kind if kind is None else check_choice(kind, "exercise kind", EXERCISE_KINDS)
    n_outputs = int(rng.integers(1, 3))
    activation = PRACTICE_ACTIVATIONS[int(rng.integers(len(PRACTICE_ACTIVATIONS)))]
    # Short decimals, so that the arithmetic can be redone by hand.
    W1 = np.round(rng.uniform(-1, 1, (2, 2)), 2)
    b1 = np.round(rng.uniform(-0.5, 0.5, 2), 2)
    W2 = np.round(rng.uniform(-1, 1, (n_outputs, 2)), 2)
    b2 = np.round(rng.uniform(-0.5, 0.5, n_outputs), 2)
    X = np.round(rng.uniform(0.1, 1, (1, 2)), 1)  # never 0: every weight gets a gradient
    low = 0.0 if activation == "sigmoid" else -0.9
    Y = np.round(rng.uniform(low, 0.99, (1, n_outputs)), 2)
    learning_rate = PRACTICE_LEARNING_RATES[int(rng.integers(len(PRACTICE_LEARNING_RATES)))]
    net = Network.from_parameters([W1, W2], [b1, b2], [activation, activation], "squared_error")
    trace = net.compute_trace(X, Y, learning_rate)

    if kind == "output_delta":
        layer, unit, source = 1, int(rng.integers(n_outputs)), 0
        answer = trace.layers[1].delta[0, unit]
    elif kind == "hidden_delta":
        layer, unit, source = 0, int(rng.integers(2)), 0
        answer = trace.layers[0].delta[0, unit]
    else:
        layer = int(rng.integers(2))
        unit = int(rng.integers(trace.layers[layer].W.shape[0]))
        source = int(rng.integers(2))
        record = trace.layers[layer]
        answer = (
            record.dW[unit, source] if kind == "weight_gradient" else record.W_new[unit, source]
        )
    return Exercise(seed, kind, trace, layer, unit, source, float(answer))


@dataclass(frozen=True)
class AnswerCheck:
    """The verdict on a typed answer."""

    status: str  # "correct", "wrong", "empty" or "invalid"
    message: str  # what to tell the student
    value: float | None = None  # the number read from the text, when there was one

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    @property
    def counts(self) -> bool:
        """True for a real attempt (a number); empty or unreadable input does not count."""
        return self.status in ("correct", "wrong")


def parse_number(text: str) -> float:
    """The number written in `text` (a decimal comma and a Unicode minus are accepted).

    Raises UserInputError with a message for text that is not one finite number.
    """
    cleaned = text.strip().replace("\u2212", "-").replace(" ", "")
    if len(cleaned) > MAX_ANSWER_CHARS:
        raise UserInputError(
            f"That is too long for a number; use at most {MAX_ANSWER_CHARS} characters."
        )
    if "," in cleaned and "." not in cleaned and cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise UserInputError(
            f"“{text.strip()[:MAX_ANSWER_CHARS]}” is not a number. Type a decimal number"
            " such as -0.0123 or 1.5e-3."
        ) from None
    if not math.isfinite(value):
        raise UserInputError("Type a finite number; NaN and infinity are never the answer here.")
    return value


def check_answer(
    text: str | None,
    expected: float,
    rel_tol: float = RELATIVE_TOLERANCE,
    abs_tol: float = ABSOLUTE_TOLERANCE,
) -> AnswerCheck:
    """Compare the typed `text` with `expected`: correct when within rel_tol of it (or abs_tol).

    Empty and non-numeric input are not attempts: they come back with a message saying
    what to type, and never count as wrong.
    """
    if text is None or not str(text).strip():
        return AnswerCheck("empty", "Type your answer as a number first, e.g. 0.0532.")
    try:
        value = parse_number(str(text))
    except UserInputError as error:
        return AnswerCheck("invalid", str(error))
    tolerance = max(rel_tol * abs(expected), abs_tol)
    if abs(value - expected) <= tolerance:
        return AnswerCheck("correct", "Correct!", value)
    if expected != 0 and value == -expected:
        hint = " Check the sign."
    elif expected != 0 and abs(value) > 0 and 0.5 < abs(value / expected) < 2:
        hint = " You are close: keep more decimals in the intermediate steps."
    else:
        hint = ""
    return AnswerCheck(
        "wrong",
        f"Not quite: your answer is not within ±{tolerance:.2g} of the exact value.{hint}",
        value,
    )


# --- The session score ---------------------------------------------------------------------

MAX_SCORED_EXERCISES = 500  # outcomes kept per session; older ones are dropped
SOLVED, ATTEMPTED, REVEALED = "solved", "attempted", "revealed"


def record_outcome(
    outcomes: dict[str, str],
    exercise_id: str,
    check: AnswerCheck | None = None,
    revealed: bool = False,
) -> dict[str, str]:
    """The outcomes after one event on exercise `exercise_id` (a new dict; the input is kept).

    A correct answer solves an exercise unless its solution was revealed first; a wrong
    answer marks it attempted; revealing the solution of an unsolved exercise marks it
    revealed. Empty or unreadable input changes nothing. A solved exercise stays solved.
    """
    current = outcomes.get(exercise_id)
    if current == SOLVED:
        return dict(outcomes)
    if revealed:
        new = REVEALED
    elif check is None or not check.counts:
        return dict(outcomes)
    elif check.correct:
        new = REVEALED if current == REVEALED else SOLVED
    else:
        new = current or ATTEMPTED
    updated = {key: value for key, value in outcomes.items() if key != exercise_id}
    updated[exercise_id] = new
    while len(updated) > MAX_SCORED_EXERCISES:
        updated.pop(next(iter(updated)))
    return updated


def score(outcomes: dict[str, str]) -> tuple[int, int]:
    """(solved, tried): exercises solved, and exercises answered or revealed."""
    return sum(value == SOLVED for value in outcomes.values()), len(outcomes)
