"""Predict, then reveal: questions about the next phase of a training step, from its trace.

API (also used for live class questions):

- `Question` (frozen): `kind` (SIGN_OF_GRADIENT, WEIGHT_CHANGE or NEURON_VALUE), `prompt` (plain
  text for people), `choices` (the allowed answers of a multiple-choice question, () for a
  numeric one), `answer` (the right choice, or the exact number), `tolerance` (how far a
  numeric answer may be off; 0 for choices), `phase` (index in the phase sequence of the phase
  that reveals the answer: ask before showing it) and `target` (what it is about, e.g.
  ("a", layer, unit) or ("dW", layer, row, col), for tests and for the graph).
- `question_for_phase(trace, phases, index, sample, step)`: the question revealed by phase
  `index`, or None. Every question is about a value first shown in that phase, so it never asks
  about something already on the screen.
- `step_questions(...)`: one per phase that has one.
- `check(question, answer) -> bool`: a choice must match (case and spaces ignored); a number
  (float or its text) must be within `tolerance` of `answer`. Malformed answers are wrong,
  never an exception.
- `Score`: right / asked counts, `Score.record(correct)` returns a new Score.

Numeric questions ask for 2 decimals; the tolerance (half a unit of the second decimal, plus
a little for the float) accepts the correctly rounded value and the unrounded one.
"""

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from engine.trace import StepTrace
from lessons.step_by_step.phases import BACKWARD, FORWARD, LOSS, UPDATE, Phase, layer_name

SIGN_OF_GRADIENT, WEIGHT_CHANGE, NEURON_VALUE, LOSS_VALUE = (
    "sign_of_gradient",
    "weight_change",
    "neuron_value",
    "loss_value",
)
POSITIVE, NEGATIVE, ZERO = "positive", "negative", "zero"
GROWS, SHRINKS, STAYS = "grows", "shrinks", "stays the same"
DECIMALS = 2
TOLERANCE = 0.5 * 10**-DECIMALS + 1e-9


@dataclass(frozen=True)
class Question:
    """One predict-then-reveal question; see the module docstring."""

    kind: str
    prompt: str
    choices: tuple[str, ...]
    answer: str | float
    tolerance: float
    phase: int
    target: tuple

    @property
    def numeric(self) -> bool:
        return not self.choices

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready fields (for the browser player and class questions)."""
        return {
            "kind": self.kind,
            "prompt": self.prompt,
            "choices": list(self.choices),
            "answer": self.answer,
            "tolerance": self.tolerance,
            "phase": self.phase,
        }


@dataclass(frozen=True)
class Score:
    """Questions answered right out of questions asked in a session."""

    right: int = 0
    asked: int = 0

    def record(self, correct: bool) -> "Score":
        return replace(self, right=self.right + bool(correct), asked=self.asked + 1)


def check(question: Question, answer: Any) -> bool:
    """True when `answer` is right for `question`; anything malformed is simply wrong."""
    if question.numeric:
        if isinstance(answer, bool):
            return False
        try:
            value = float(str(answer).strip().replace(",", "."))
        except (TypeError, ValueError):
            return False
        return math.isfinite(value) and abs(value - float(question.answer)) <= question.tolerance
    if not isinstance(answer, str):
        return False
    return " ".join(answer.lower().split()) == question.answer


def _layer(layer: int, n_layers: int) -> str:
    name = layer_name(layer, n_layers)
    return name if name.startswith("hidden") else f"the {name}"


def _sign(value: float) -> str:
    return POSITIVE if value > 0 else NEGATIVE if value < 0 else ZERO


def _pick(values: np.ndarray, step: int) -> tuple[int, ...]:
    """An entry that varies from step to step but is never an exactly-zero one if avoidable."""
    flat = np.ravel(values)
    candidates = np.flatnonzero(np.isfinite(flat) & (flat != 0))
    if not candidates.size:
        candidates = np.arange(flat.size)
    index = int(candidates[step % candidates.size])
    return tuple(int(i) for i in np.unravel_index(index, values.shape))


def _weight_at(trace: StepTrace, flat: int) -> tuple[int, int, int]:
    """(layer, row, col) of entry `flat` of all weight matrices raveled one after another."""
    sizes = [record.W.size for record in trace.layers]
    layer = int(np.searchsorted(np.cumsum(sizes), flat, side="right"))
    row, col = np.unravel_index(flat - sum(sizes[:layer]), trace.layers[layer].W.shape)
    return layer, int(row), int(col)


def question_for_phase(
    trace: StepTrace, phases: tuple[Phase, ...], index: int, sample: int = 0, step: int = 0
) -> Question | None:
    """The question whose answer phase `index` reveals, or None (phase 0 and non-finite values
    are never asked: the first phase has nothing before it to predict from).

    Forward l: the value a of one unit of layer l. Loss: the loss. Backward l: the sign of one
    dL/dw into layer l. Update: whether one weight grows or shrinks. `step` varies the unit or
    weight asked from one training step to the next.
    """
    if not 0 < index < len(phases):
        return None
    phase = phases[index]
    n_layers = len(trace.layers) + 1
    sample = min(max(int(sample), 0), trace.n_samples - 1)
    if phase.kind == FORWARD:
        values = trace.layers[phase.layer - 1].a[sample]
        (unit,) = _pick(values, step)
        value = float(values[unit])
        if not math.isfinite(value):
            return None
        return Question(
            NEURON_VALUE,
            f"What will the value a of unit {unit + 1} of {_layer(phase.layer, n_layers)} be?"
            f" Type it to {DECIMALS} decimals.",
            (),
            value,
            TOLERANCE,
            index,
            ("a", phase.layer, unit),
        )
    if phase.kind == LOSS:
        if not math.isfinite(trace.loss):
            return None
        return Question(
            LOSS_VALUE,
            f"What will the loss be? Type it to {DECIMALS} decimals.",
            (),
            float(trace.loss),
            TOLERANCE,
            index,
            ("loss",),
        )
    if phase.kind == BACKWARD:
        gradients = trace.layers[phase.layer - 1].dW
        row, col = _pick(gradients, step)
        value = float(gradients[row, col])
        if not math.isfinite(value):
            return None
        return Question(
            SIGN_OF_GRADIENT,
            f"Will the gradient dL/dw of w[{phase.layer}] {row + 1},{col + 1} (unit {col + 1} of"
            f" layer {phase.layer - 1} to unit {row + 1} of layer {phase.layer}) be positive,"
            " negative or zero?",
            (POSITIVE, NEGATIVE, ZERO),
            _sign(value),
            0.0,
            index,
            ("dW", phase.layer - 1, row, col),
        )
    if phase.kind == UPDATE:
        changes = np.concatenate([(r.W_new - r.W).ravel() for r in trace.layers])
        layer_index, row, col = _weight_at(trace, _pick(changes, step)[0])
        record = trace.layers[layer_index]
        old, new = float(record.W[row, col]), float(record.W_new[row, col])
        if not (math.isfinite(old) and math.isfinite(new)):
            return None
        answer = GROWS if new > old else SHRINKS if new < old else STAYS
        return Question(
            WEIGHT_CHANGE,
            f"After the update, will w[{layer_index + 1}] {row + 1},{col + 1} grow, shrink or"
            " stay the same?",
            (GROWS, SHRINKS, STAYS),
            answer,
            0.0,
            index,
            ("W_new", layer_index, row, col),
        )
    return None


def step_questions(
    trace: StepTrace, phases: tuple[Phase, ...], sample: int = 0, step: int = 0
) -> tuple[Question, ...]:
    """The question of every phase that has one, in phase order."""
    questions = (question_for_phase(trace, phases, i, sample, step) for i in range(len(phases)))
    return tuple(q for q in questions if q is not None)
