"""Guided experiments of the training lab: a question, the settings that answer it, what to
watch, and an explanation revealed once the run has finished.

Each experiment's claim is a function of finished runs (`Experiment.outcome`), so the claim a
student reads is the one the tests check with the engine: `run_experiment` trains the
experiment's scenario (and its contrast, the one setting changed) to the end and reports
whether the claim held, with the numbers behind it.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from lessons.training_lab.runs import LabRun, build_run
from lessons.training_lab.settings import LabSettings


@dataclass(frozen=True)
class Outcome:
    """Whether an experiment's claim held, and the numbers that show it (one sentence)."""

    held: bool
    evidence: str


@dataclass(frozen=True)
class Experiment:
    """One guided experiment: load `settings`, press Play, compare with `contrast`."""

    key: str  # short id, also used in links
    title: str
    question: str
    settings: LabSettings
    watch: str  # what to look at while it runs
    explanation: str  # revealed after the run
    contrast: LabSettings  # the same scenario with the one setting that changes the answer
    contrast_label: str  # what the contrast changes, e.g. "one hidden layer of 4 units"
    outcome: Callable[[LabRun, LabRun], Outcome]  # (run, contrast run) -> did the claim hold


def _accuracy(run: LabRun) -> float:
    return float(run.history.train_accuracy[-1])


def _xor(run: LabRun, contrast: LabRun) -> Outcome:
    plain, hidden = _accuracy(run), _accuracy(contrast)
    return Outcome(
        plain <= 0.75 and hidden == 1.0,
        f"Without a hidden layer the training accuracy ends at {plain:.0%};"
        f" with one hidden layer of 4 units at {hidden:.0%}.",
    )


def _too_large(run: LabRun, contrast: LabRun) -> Outcome:
    start, end = float(run.history.train_loss[0]), float(run.history.train_loss[-1])
    small_end = float(contrast.history.train_loss[-1])
    failed = run.history.diverged or end > start
    return Outcome(
        failed and small_end < start,
        f"With learning rate {run.settings.learning_rate:g} the training loss went from"
        f" {start:.3g} to {'overflow' if run.history.diverged else f'{end:.3g}'};"
        f" with {contrast.settings.learning_rate:g} it went down to {small_end:.3g}.",
    )


def _first_layer_share(run: LabRun, update: int) -> float:
    norms = run.history.grad_norms[update - 1]
    return float(norms[0] / np.max(norms))


def _vanishing(run: LabRun, contrast: LabRun) -> Outcome:
    sigmoid, relu = _first_layer_share(run, 20), _first_layer_share(contrast, 20)
    return Outcome(
        sigmoid < 0.01 and relu > 0.1,
        f"At update 20 the first layer's gradient is {sigmoid:.2%} of the largest layer's"
        f" with sigmoid, {relu:.0%} with ReLU.",
    )


def _identical_units(run: LabRun) -> bool:
    W_in, W_out = run.net.weights[0], run.net.weights[1]
    return bool(np.all(W_in == W_in[:1]) and np.all(W_out == W_out[:, :1]))


def _zeros(run: LabRun, contrast: LabRun) -> Outcome:
    same, differ = _identical_units(run), not _identical_units(contrast)
    return Outcome(
        same and differ,
        f"After {run.trainer.updates} updates from zeros the 8 hidden units"
        f" {'are still identical' if same else 'differ'}; from Xavier initialisation they"
        f" {'differ' if differ else 'are identical'} (accuracy {_accuracy(run):.0%} against"
        f" {_accuracy(contrast):.0%}).",
    )


def _features(run: LabRun, contrast: LabRun) -> Outcome:
    featured, neurons = _accuracy(run), _accuracy(contrast)
    return Outcome(
        featured == 1.0 and neurons < 0.9,
        f"All 7 features and 4 hidden units: {featured:.0%} training accuracy;"
        f" x1 and x2 only with 8 hidden units: {neurons:.0%}.",
    )


def _squares(run: LabRun, contrast: LabRun) -> Outcome:
    squares, plain = _accuracy(run), _accuracy(contrast)
    return Outcome(
        squares == 1.0 and plain < 0.75,
        f"No hidden layer, inputs x1² and x2²: {squares:.0%}; inputs x1 and x2: {plain:.0%}.",
    )


def _overfit(run: LabRun, contrast: LabRun) -> Outcome:
    train_end = float(run.history.train_loss[-1])
    test = run.history.test_loss
    lowest, end = float(np.min(test)), float(test[-1])
    with_l2 = float(contrast.history.test_loss[-1])
    return Outcome(
        train_end < 0.05 and end > 2 * lowest and with_l2 < end / 2,
        f"Without L2 the training loss fell to {train_end:.3g} while the test loss rose from"
        f" its lowest, {lowest:.3g} (update {int(np.argmin(test))}), to {end:.3g};"
        f" with L2 0.01 the test loss ends at {with_l2:.3g}.",
    )


_NO_HIDDEN = {"hidden_units": (), "hidden_activations": ()}
# 20 noisy training points for a network with 337 parameters (the overfitting experiment).
_OVERFIT = LabSettings(
    dataset="moons",
    n_samples=40,
    noise=0.35,
    test_fraction=0.5,
    optimizer="adam",
    learning_rate=0.03,
    epochs=300,
    hidden_units=(16, 16),
    hidden_activations=("tanh", "tanh"),
)

EXPERIMENTS: tuple[Experiment, ...] = (
    Experiment(
        key="xor",
        title="XOR needs a hidden layer",
        question="Can a network without a hidden layer learn XOR?",
        settings=LabSettings(dataset="xor", learning_rate=0.3, epochs=150, **_NO_HIDDEN),
        watch="The boundary is always a straight line; the accuracy stalls around 50%.",
        explanation=(
            "Without a hidden layer the output is sigmoid(w1 x1 + w2 x2 + b): its boundary"
            " is the straight line w1 x1 + w2 x2 + b = 0, and no straight line puts the"
            " opposite corners of XOR on the same side. One hidden layer of 4 tanh units bends"
            " the boundary and reaches 100%: add it and press Play again."
        ),
        contrast=LabSettings(dataset="xor", learning_rate=0.3, epochs=150, hidden_units=(4,)),
        contrast_label="one hidden layer of 4 tanh units",
        outcome=_xor,
    ),
    Experiment(
        key="large_rate",
        title="A learning rate that is too large",
        question="What happens with a learning rate of 100?",
        settings=LabSettings(dataset="moons", learning_rate=100.0, epochs=20),
        watch="The loss curve: does it go down, or jump up and stay high?",
        explanation=(
            "Each update moves every weight by learning rate x gradient. With 100, a step"
            " overshoots the bottom of the loss valley and lands higher up the other side, so"
            " the loss ends above where it started. With 0.1 the same 100 updates bring it down."
        ),
        contrast=LabSettings(dataset="moons", learning_rate=0.1, epochs=20),
        contrast_label="learning rate 0.1",
        outcome=_too_large,
    ),
    Experiment(
        key="vanishing",
        title="Vanishing gradients in a deep sigmoid network",
        question="Does the first layer of a 5-layer sigmoid network learn as fast as the last?",
        settings=LabSettings(
            dataset="moons", hidden_units=(8,) * 5, hidden_activations=("sigmoid",) * 5, epochs=10
        ),
        watch="The gradient flow chart (pause to see it): layer 1's line far below the others.",
        explanation=(
            "Backpropagation multiplies the error signal by f'(z) at every layer on its way"
            " back, and the sigmoid's derivative is at most 1/4: after 5 sigmoid layers the"
            " first layer's gradient is well under 1% of the last one's. ReLU's derivative is 1"
            " where a unit is active, so its first layer keeps a gradient of the same size."
        ),
        contrast=LabSettings(
            dataset="moons", hidden_units=(8,) * 5, hidden_activations=("relu",) * 5, epochs=10
        ),
        contrast_label="ReLU in every hidden layer",
        outcome=_vanishing,
    ),
    Experiment(
        key="zeros",
        title="All-zero initialisation",
        question="What do 8 hidden units learn when every weight starts at zero?",
        settings=LabSettings(dataset="moons", init="zeros", epochs=20),
        watch="The neuron thumbnails on the network: are any two different?",
        explanation=(
            "With every weight zero, each hidden unit computes the same thing, receives the"
            " same error signal and gets the same update (here none at all: the signal sent"
            " back through a zero weight matrix is zero), so the units never become different"
            " and 8 units are no better than one. Random (Xavier) initialisation breaks the"
            " symmetry."
        ),
        contrast=LabSettings(dataset="moons", epochs=20),
        contrast_label="Xavier initialisation",
        outcome=_zeros,
    ),
    Experiment(
        key="spiral_features",
        title="More features or more neurons on the spiral",
        question="Which helps more on the spiral: 7 input features or twice the hidden units?",
        settings=LabSettings(
            dataset="spiral",
            noise=0.0,
            optimizer="adam",
            learning_rate=0.03,
            epochs=300,
            hidden_units=(4,),
            features=("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"),
        ),  # fmt: skip
        watch="The neuron thumbnails: each hidden unit mixes curved features, not lines.",
        explanation=(
            "A hidden unit can only bend a weighted sum of its inputs. Fed squares, a product"
            " and sines, 4 units already have curved pieces to combine and separate the"
            " spiral; fed x1 and x2 alone, 8 units have only straight lines to start from and"
            " stay below 90% after the same 1,500 updates."
        ),
        contrast=LabSettings(
            dataset="spiral",
            noise=0.0,
            optimizer="adam",
            learning_rate=0.03,
            epochs=300,
            hidden_units=(8,),
        ),  # fmt: skip
        contrast_label="inputs x1 and x2 only, 8 hidden units",
        outcome=_features,
    ),
    Experiment(
        key="circle_squares",
        title="A circle is a straight line in x1² and x2²",
        question="Can a network without a hidden layer separate the circles?",
        settings=LabSettings(
            dataset="circles",
            learning_rate=0.3,
            epochs=50,
            features=("x1^2", "x2^2"),
            **_NO_HIDDEN,
        ),  # fmt: skip
        watch="The boundary: a ring, drawn by a network with no hidden layer.",
        explanation=(
            "The inner class sits where x1² + x2² is small: a straight line in the features"
            " x1² and x2² is a circle in the plane, so one sigmoid unit fed those features"
            " reaches 100%. Fed x1 and x2, the same unit can only draw a straight line."
        ),
        contrast=LabSettings(dataset="circles", learning_rate=0.3, epochs=50, **_NO_HIDDEN),
        contrast_label="inputs x1 and x2",
        outcome=_squares,
    ),
    Experiment(
        key="overfit",
        title="A small noisy dataset overfits; L2 helps",
        question="What happens to the test loss when a big network learns 20 noisy points?",
        settings=_OVERFIT,
        watch="The loss curves: training loss falls to 0 while the test loss turns and rises.",
        explanation=(
            "With 20 training points and 337 parameters the network can fit every point, noise"
            " included: training loss goes to 0 while the boundary wraps around single noisy"
            " points and the test loss rises. An L2 penalty of 0.01 keeps the weights small and"
            " the boundary smooth, and the test loss ends far lower."
        ),
        contrast=replace(_OVERFIT, l2=0.01),
        contrast_label="L2 penalty 0.01",
        outcome=_overfit,
    ),
)
BY_KEY = {experiment.key: experiment for experiment in EXPERIMENTS}


def finished_run(settings: LabSettings) -> LabRun:
    """The scenario trained to its last update (or until it diverged)."""
    run = build_run(settings)
    run.trainer.run()
    return run


def run_experiment(experiment: Experiment) -> Outcome:
    """Train the experiment and its contrast to the end; did its claim hold?"""
    return experiment.outcome(finished_run(experiment.settings), finished_run(experiment.contrast))


def is_loaded(experiment: Experiment, settings: LabSettings) -> bool:
    """Whether `settings` is the experiment's scenario (output and loss: the task's defaults,
    which the page always names)."""
    plain = {"output_activation": None, "loss": None}
    return replace(settings, **plain) == replace(experiment.settings, **plain)
