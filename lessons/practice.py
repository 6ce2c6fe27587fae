"""Practice exercises from small random networks, and the checker for a typed answer.

An exercise is fully determined by its seed (and, optionally, its kind): the same seed always
gives the same network, numbers and answer, so a teacher can share one exercise by its seed.
Every answer, and every number of its worked solution, is read off the engine's traces.

The checker asks for a stated precision (SIGNIFICANT_FIGURES) and accepts any answer that
rounds to the exact value at that precision; a fraction such as 1/8 is read exactly. A wrong
answer that matches a typical mistake (forgot f'(z), the sign, the 1/N ...) says so.
"""

import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import numpy as np

from engine import limits
from engine.errors import UserInputError
from engine.network import Network
from engine.trace import StepTrace
from engine.validation import check_choice, check_int

EXERCISE_KINDS = (
    "forward_z",
    "activation",
    "loss",
    "derivative",
    "output_delta",
    "hidden_delta",
    "weight_gradient",
    "bias_gradient",
    "updated_weight",
    "learning_rate",
    "dead_relu",
)
KIND_LABELS = {
    "forward_z": "Pre-activation z of a neuron",
    "activation": "Activation a of a neuron",
    "loss": "Loss for one example",
    "derivative": "Slope f'(z) (sigmoid, tanh, ReLU)",
    "output_delta": "Delta of an output neuron",
    "hidden_delta": "Delta of a hidden neuron",
    "weight_gradient": "Gradient dL/dw of one weight",
    "bias_gradient": "Gradient dL/db over a batch of two",
    "updated_weight": "Weight after one update",
    "learning_rate": "Which learning rate overshoots",
    "dead_relu": "ReLU: a dead unit's gradient",
}
PRACTICE_ACTIVATIONS = ("sigmoid", "tanh")
DERIVATIVE_ACTIVATIONS = ("sigmoid", "tanh", "relu")
PRACTICE_LEARNING_RATES = (0.1, 0.25, 0.5, 1.0)
SIGNIFICANT_FIGURES = 4  # the precision every numeric answer is asked for
CLOSE_RELATIVE = 0.02  # a wrong answer within 2 % is "close" (rounded too early, most likely)
MAX_ANSWER_CHARS = 40
# Learning-rate question: rates as multiples of 1/x^2, the rate at which one step lands
# exactly on the best weight. Below 1: stops short; 1 to 2: overshoots but the loss falls;
# above 2: overshoots so far that the loss grows.
RATE_FACTORS = (0.3, 0.7, 1.5, 2.5)
OVERSHOOT_FACTOR = 1.5
RATE_INPUTS = (0.5, 1.0, 2.0)  # x of the one-weight model: 1/x^2 is 4, 1 or 0.25


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer and what most likely went wrong."""

    value: float
    hint: str


@dataclass(frozen=True)
class RateOutcome:
    """One candidate learning rate of the learning-rate question, after one engine step."""

    learning_rate: float
    trace: StepTrace  # the step with this rate (W_new holds the new weight)
    loss_after: float  # loss with the new weight
    overshoots: bool  # the new weight lies beyond the best weight y / x

    @property
    def new_weight(self) -> float:
        return float(self.trace.layers[0].W_new[0, 0])

    @property
    def loss_falls(self) -> bool:
        return self.loss_after < self.trace.loss


@dataclass(frozen=True, eq=False)
class Exercise:
    """One question about one training step of a small network.

    `layer`, `unit` and `source` locate the quantity asked for: weight layer 0 (input ->
    hidden) or 1 (hidden -> output), the receiving unit j (row of W[layer]) and the sending
    unit k (column), all 0-based.
    """

    seed: int
    kind: str  # one of EXERCISE_KINDS
    trace: StepTrace  # the whole step: every number of the worked solution is in here
    layer: int
    unit: int
    source: int
    answer: float
    mistakes: tuple[Mistake, ...] = ()
    rate_outcomes: tuple[RateOutcome, ...] = ()  # only for the learning-rate question
    significant_figures: int = SIGNIFICANT_FIGURES

    @property
    def activation(self) -> str:
        """The hidden layer's activation."""
        return self.trace.layers[0].activation

    @property
    def output_activation(self) -> str:
        return self.trace.layers[-1].activation

    @property
    def n_outputs(self) -> int:
        return self.trace.Y.shape[1]

    @property
    def best_weight(self) -> float:
        """Learning-rate question: the weight y / x at which its loss is 0."""
        return float(self.trace.Y[0, 0] / self.trace.X[0, 0])

    def check(self, text: str | None) -> "AnswerCheck":
        """check_answer of `text` against this exercise's answer, precision and mistakes."""
        return check_answer(text, self.answer, self.significant_figures, self.mistakes)


def _network_values(rng: np.random.Generator, n_outputs: int, output_activation: str):
    """Short decimals for a 2-2-K network and one example, so the arithmetic can be redone."""
    W1 = np.round(rng.uniform(-1, 1, (2, 2)), 2)
    b1 = np.round(rng.uniform(-0.5, 0.5, 2), 2)
    W2 = np.round(rng.uniform(-1, 1, (n_outputs, 2)), 2)
    b2 = np.round(rng.uniform(-0.5, 0.5, n_outputs), 2)
    X = np.round(rng.uniform(0.1, 1, (1, 2)), 1)  # never 0: every weight gets a gradient
    low = {"sigmoid": 0.01, "tanh": -0.9}.get(output_activation, -1.0)
    Y = np.round(rng.uniform(low, 0.99, (1, n_outputs)), 2)
    return W1, b1, W2, b2, X, Y


def _trace(W1, b1, W2, b2, X, Y, activations, learning_rate) -> StepTrace:
    net = Network.from_parameters([W1, W2], [b1, b2], activations, "squared_error")
    return net.compute_trace(X, Y, learning_rate)


def generate_exercise(seed: int, kind: str | None = None) -> Exercise:
    """The exercise numbered `seed`; its kind is drawn from the seed unless `kind` is given."""
    seed = check_int(seed, "Exercise number", 0, limits.MAX_SEED)
    rng = np.random.default_rng(seed)
    drawn_kind = EXERCISE_KINDS[int(rng.integers(len(EXERCISE_KINDS)))]
    kind = drawn_kind if kind is None else check_choice(kind, "exercise kind", EXERCISE_KINDS)
    if kind == "learning_rate":
        return _learning_rate_exercise(seed, rng)
    if kind == "dead_relu":
        return _dead_relu_exercise(seed, rng)
    n_outputs = int(rng.integers(1, 3))
    activation = PRACTICE_ACTIVATIONS[int(rng.integers(len(PRACTICE_ACTIVATIONS)))]
    hidden_activation = activation
    if kind == "derivative":
        hidden_activation = DERIVATIVE_ACTIVATIONS[int(rng.integers(len(DERIVATIVE_ACTIVATIONS)))]
    W1, b1, W2, b2, X, Y = _network_values(rng, n_outputs, activation)
    learning_rate = PRACTICE_LEARNING_RATES[int(rng.integers(len(PRACTICE_LEARNING_RATES)))]
    if kind == "bias_gradient":  # a batch of two: the gradient is the mean over both
        X = np.vstack([X, np.round(rng.uniform(0.1, 1, (1, 2)), 1)])
        low = -0.9 if activation == "tanh" else 0.01
        Y = np.vstack([Y, np.round(rng.uniform(low, 0.99, (1, n_outputs)), 2)])
    trace = _trace(W1, b1, W2, b2, X, Y, [hidden_activation, activation], learning_rate)
    hidden, output = trace.layers
    layer = int(rng.integers(2))
    unit = int(rng.integers(trace.layers[layer].W.shape[0]))
    source = int(rng.integers(2))
    if kind in ("derivative", "hidden_delta"):
        layer = 0
        unit = int(rng.integers(2))
    elif kind in ("output_delta", "bias_gradient"):
        layer = 1
        unit = int(rng.integers(n_outputs))
    record = trace.layers[layer]
    j, k = unit, source
    mistakes: list[Mistake]
    if kind == "forward_z":
        answer = record.z[0, j]
        mistakes = [
            Mistake(answer - record.b[j], "You left out the bias b: z = Σ w·input + b."),
            Mistake(record.a[0, j], "That is the activation a = f(z); the question asks for z."),
        ]
        if record.W.shape[0] == record.W.shape[1]:
            swapped = record.W[:, j] @ record.a_in[0] + record.b[j]
            mistakes.append(
                Mistake(
                    swapped,
                    "You used column j of W instead of row j: w_jk is the weight from unit k"
                    " into unit j, so the weights into unit j are row j.",
                )
            )
    elif kind == "activation":
        answer = record.a[0, j]
        other = "tanh" if record.activation == "sigmoid" else "sigmoid"
        other_value = _trace(W1, b1, W2, b2, X, Y, [other, other], learning_rate).layers[layer]
        mistakes = [
            Mistake(record.z[0, j], "That is z; apply the activation function: a = f(z)."),
            Mistake(
                other_value.a[0, j] if layer == 0 else np.nan,
                f"That is {other} of z; this network uses {record.activation}.",
            ),
        ]
    elif kind == "loss":
        answer = trace.loss
        mistakes = [Mistake(2 * answer, "You left out the ½ in L = ½ Σ (ŷ − y)².")]
        if n_outputs > 1:
            for term in trace.loss_terms[0]:
                mistakes.append(
                    Mistake(term, "That is one output's term; the loss adds up every output.")
                )
        mistakes.append(
            Mistake(
                0.5 * float(np.sum(np.abs(output.a[0] - trace.Y[0]))),
                "Square each error (ŷ − y) before adding.",
            )
        )
    elif kind == "derivative":
        answer = hidden.fprime[0, j]
        z, a = hidden.z[0, j], hidden.a[0, j]
        mistakes = [Mistake(a, "That is f(z), the activation; the question asks for its slope.")]
        if hidden.activation == "sigmoid":
            mistakes.append(Mistake(z * (1 - z), "Use a(1 − a) with a = σ(z), not with z."))
        elif hidden.activation == "tanh":
            mistakes.append(Mistake(1 - z * z, "Use 1 − a² with a = tanh(z), not with z."))
    elif kind == "output_delta":
        answer = output.delta[0, j]
        mistakes = [
            Mistake(output.grad_a[0, j], "You forgot the factor f'(z) of the output neuron."),
            Mistake(-answer, "Check the sign: the error is ŷ − y, not y − ŷ."),
        ]
    elif kind == "hidden_delta":
        answer = hidden.delta[0, j]
        errors = output.a[0] - trace.Y[0]
        mistakes = [
            Mistake(hidden.grad_a[0, j], "You forgot the factor f'(z) of the hidden neuron."),
            Mistake(-answer, "Check the sign: the output error is ŷ − y, not y − ŷ."),
            Mistake(
                hidden.fprime[0, j] * float(output.W[:, j] @ errors),
                "You sent back the output errors ŷ − y; send back the output deltas δ"
                " (each error times its f'(z)).",
            ),
        ]
    elif kind in ("weight_gradient", "updated_weight"):
        gradient = record.dW[j, k]
        without_fprime = record.grad_a[0, j] * record.a_in[0, k]
        gradient_mistakes = [
            Mistake(without_fprime, "You forgot the factor f'(z) in the delta."),
            Mistake(
                record.delta[0, j] * record.a_in[0, 1 - k],
                "You multiplied by the wrong input: use the value the weight multiplies,"
                " from the sending unit k.",
            ),
        ]
        if kind == "weight_gradient":
            answer = gradient
            mistakes = [*gradient_mistakes, Mistake(-answer, "Check the sign of the delta.")]
        else:
            answer = record.W_new[j, k]
            eta, w = trace.learning_rate, record.W[j, k]
            mistakes = [
                Mistake(w + eta * gradient, "Check the sign: w_new = w − η ∂L/∂w."),
                Mistake(w - gradient, "You forgot to multiply the gradient by η."),
                Mistake(gradient, "That is the gradient; the question asks for the new weight."),
                *(Mistake(w - eta * m.value, m.hint) for m in gradient_mistakes),
            ]
    else:  # bias_gradient, over a batch of N = 2
        answer = output.db[j]
        n_samples = trace.n_samples
        mistakes = [
            Mistake(
                n_samples * answer,
                f"You missed the 1/N: the loss is the mean over the N = {n_samples} examples.",
            ),
            Mistake(-answer, "Check the sign: the error is ŷ − y, not y − ŷ."),
            Mistake(float(np.sum(output.grad_a[:, j])), "You forgot the factor f'(z)."),
            Mistake(
                output.delta[0, j],
                "That is the first example's delta; the batch gradient adds both examples.",
            ),
        ]
    return Exercise(
        seed, kind, trace, layer, unit, source, float(answer), _useful(mistakes, answer)
    )


def _useful(mistakes: list[Mistake], answer: float) -> tuple[Mistake, ...]:
    """The mistakes that are finite and do not themselves round to the right answer."""
    return tuple(
        Mistake(float(m.value), m.hint)
        for m in mistakes
        if math.isfinite(m.value) and not rounds_to(m.value, float(answer), SIGNIFICANT_FIGURES)
    )


def _learning_rate_exercise(seed: int, rng: np.random.Generator) -> Exercise:
    """One weight, loss L(w) = ½ (w x − y)²: which of four rates jumps past the best weight
    but still lowers the loss? Each rate's step is run by the engine."""
    x = RATE_INPUTS[int(rng.integers(len(RATE_INPUTS)))]
    w0 = float(np.round(rng.uniform(-1, 1), 1))
    target = float(np.round(rng.uniform(0.2, 1.5), 1) * rng.choice([-1, 1]))
    if abs(w0 * x - target) < 0.3:  # start clearly away from the best weight
        w0 = float(np.round(w0 - 1.0 if target > 0 else w0 + 1.0, 1))
    factors = list(RATE_FACTORS)
    rng.shuffle(factors)
    X, Y = np.array([[x]]), np.array([[target]])
    outcomes = []
    for factor in factors:
        rate = factor / x**2
        net = Network.from_parameters(
            [[[w0]]], [[0.0]], ["linear"], "squared_error", train_biases=False
        )
        trace = net.compute_trace(X, Y, rate)
        moved = Network.from_parameters([trace.layers[0].W_new], [[0.0]], ["linear"])
        new_weight = float(trace.layers[0].W_new[0, 0])
        overshoots = (new_weight - target / x) * (w0 - target / x) < 0
        outcomes.append(RateOutcome(rate, trace, moved.loss_value(X, Y), overshoots))
    answer = OVERSHOOT_FACTOR / x**2
    mistakes = []
    for factor, outcome in zip(factors, outcomes, strict=True):
        if factor < 1:
            hint = "With that rate the step stops short of the best weight: no overshoot."
        elif factor > 2:
            hint = "That rate overshoots so far that the loss grows: it diverges."
        else:
            continue
        mistakes.append(Mistake(outcome.learning_rate, hint))
    return Exercise(
        seed,
        "learning_rate",
        outcomes[0].trace,
        0,
        0,
        0,
        float(answer),
        _useful(mistakes, answer),
        tuple(outcomes),
    )


def _dead_relu_exercise(seed: int, rng: np.random.Generator) -> Exercise:
    """A 2-2-1 network, ReLU hidden units (one of them off for this example), linear output:
    the gradient of a weight into a hidden unit, which is 0 exactly when the unit is off."""
    while True:  # deterministic for a seed: draw until exactly one hidden unit is off
        W1, b1, W2, b2, X, Y = _network_values(rng, 1, "linear")
        z = W1 @ X[0] + b1
        if (z[0] < -0.05) != (z[1] < -0.05) and np.all(np.abs(z) > 0.05):
            break
    learning_rate = PRACTICE_LEARNING_RATES[int(rng.integers(len(PRACTICE_LEARNING_RATES)))]
    trace = _trace(W1, b1, W2, b2, X, Y, ["relu", "linear"], learning_rate)
    hidden, output = trace.layers
    unit, source = int(rng.integers(2)), int(rng.integers(2))
    answer = hidden.dW[unit, source]
    as_if_on = output.W[0, unit] * output.delta[0, 0] * X[0, source]
    if hidden.z[0, unit] < 0:
        mistakes = [
            Mistake(
                as_if_on,
                "This unit's z is negative, so ReLU'(z) = 0: no gradient reaches its weights.",
            )
        ]
    else:
        mistakes = [
            Mistake(0.0, "This unit is on (z > 0), so ReLU'(z) = 1 and it gets a gradient.")
        ]
    mistakes.append(Mistake(-answer, "Check the sign: the error is ŷ − y, not y − ŷ."))
    return Exercise(
        seed, "dead_relu", trace, 0, unit, source, float(answer), _useful(mistakes, answer)
    )


# --- The answer checker --------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerCheck:
    """The verdict on a typed answer."""

    status: str  # "correct", "wrong", "imprecise", "empty" or "invalid"
    message: str  # what to tell the student
    value: float | None = None  # the number read from the text, when there was one

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    @property
    def counts(self) -> bool:
        """True for a real attempt; empty, unreadable or too-short input does not count."""
        return self.status in ("correct", "wrong")


_FRACTION = re.compile(r"([+-]?\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)")
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?")
_TIMES_TEN = re.compile(r"(?:x|×|\*|·)10\^?")


def parse_number(text: str) -> float:
    """The number written in `text`: a decimal (0.25, -1.5e-3, 1.5×10^-3, a decimal comma, a
    Unicode minus) or a fraction such as 1/8 or -3/4. Never evaluates the text.

    Raises UserInputError with a message for text that is not one finite number.
    """
    cleaned = text.strip().replace("\u2212", "-").replace(" ", "").lower()
    if len(cleaned) > MAX_ANSWER_CHARS:
        raise UserInputError(
            f"That is too long for a number; use at most {MAX_ANSWER_CHARS} characters."
        )
    if "," in cleaned and "." not in cleaned and cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")
    cleaned = _TIMES_TEN.sub("e", cleaned)
    fraction = _FRACTION.fullmatch(cleaned)
    if fraction:
        numerator, denominator = Fraction(fraction.group(1)), Fraction(fraction.group(2))
        if denominator == 0:
            raise UserInputError("A fraction cannot divide by 0.")
        return float(numerator / denominator)
    if not _DECIMAL.fullmatch(cleaned):
        raise UserInputError(
            f"“{text.strip()[:MAX_ANSWER_CHARS]}” is not a number. Type a decimal number such"
            " as -0.0123 or 1.5e-3, or a fraction such as 1/8."
        )
    value = float(cleaned)
    if not math.isfinite(value):
        raise UserInputError("Type a finite number; that one is too large.")
    return value


def round_significant(value: float, figures: int) -> float:
    """`value` rounded to `figures` significant figures (exactly, in decimal)."""
    if value == 0 or not math.isfinite(value):
        return value
    exact = Decimal(repr(float(value)))  # the shortest decimal that reads back as `value`
    quantum = Decimal(1).scaleb(exact.adjusted() - figures + 1)
    return float(exact.quantize(quantum, rounding=ROUND_HALF_EVEN))


def rounds_to(value: float, exact: float, figures: int) -> bool:
    """True when `value`, rounded to `figures` significant figures, is a correct rounding of
    `exact`: within half a unit of the last kept figure (either side of a tie counts)."""
    if exact == 0:
        return value == 0
    unit = 10.0 ** (math.floor(math.log10(abs(exact))) - figures + 1)
    return abs(round_significant(value, figures) - exact) <= 0.5 * unit * (1 + 1e-9)


def _figures_written(value: float) -> int:
    """How many significant figures `value` carries (0.12 -> 2, 0.1200 reads as 0.12 -> 2)."""
    for figures in range(1, 17):
        if round_significant(value, figures) == value:
            return figures
    return 17


def check_answer(
    text: str | None,
    expected: float,
    significant_figures: int = SIGNIFICANT_FIGURES,
    mistakes: tuple[Mistake, ...] = (),
) -> AnswerCheck:
    """Judge the typed `text` against `expected` at `significant_figures`.

    Correct: the number rounds to `expected` at that precision. A right number given with
    fewer figures is not an attempt: the message asks for more figures. A wrong number that
    matches one of `mistakes` says what most likely went wrong. Empty and non-numeric input
    are not attempts either.
    """
    if text is None or not str(text).strip():
        return AnswerCheck("empty", "Type your answer as a number first, e.g. 0.0532 or 1/8.")
    try:
        value = parse_number(str(text))
    except UserInputError as error:
        return AnswerCheck("invalid", str(error))
    if rounds_to(value, expected, significant_figures):
        return AnswerCheck("correct", "Correct!", value)
    written = _figures_written(value)
    if written < significant_figures and rounds_to(value, expected, written):
        return AnswerCheck(
            "imprecise",
            f"Right so far, but give {significant_figures} significant figures.",
            value,
        )
    for mistake in mistakes:
        if rounds_to(value, mistake.value, significant_figures) or (
            written < significant_figures and rounds_to(value, mistake.value, written)
        ):
            return AnswerCheck(
                "wrong",
                f"Not quite. {mistake.hint}",
                value,
            )
    if expected != 0 and abs(value - expected) <= CLOSE_RELATIVE * abs(expected):
        hint = (
            " You are close: keep all decimals in the intermediate steps and round only the"
            " final answer."
        )
    else:
        hint = " Compare your steps with the worked solution."
    return AnswerCheck(
        "wrong",
        f"Not quite: that does not round to the answer at {significant_figures} significant"
        f" figures.{hint}",
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
