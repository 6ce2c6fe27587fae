"""The lab's settings: one scenario (data, network, training) and the outputs and losses that
fit each task.

A `LabSettings` is frozen, so a page can compare two of them to decide whether to rebuild a run;
`lessons/training_lab/runs.py` turns one into data, a network and a Trainer.
"""

from dataclasses import dataclass

from engine.datasets import GENERATORS
from engine.errors import UserInputError
from engine.features import PLAIN
from lessons.training_lab.points import NO_EDITS, PointEdits

UPLOADED = "uploaded_csv"  # the dataset name that stands for the visitor's CSV file
DATASETS = (*GENERATORS, UPLOADED)

# Output activations and losses that fit each task; the first of each is the default.
OUTPUT_ACTIVATIONS_BY_TASK = {
    "binary": ("sigmoid",),
    "multiclass": ("softmax",),
    "regression": ("linear", "tanh"),
}
LOSSES_BY_TASK = {
    "binary": ("binary_cross_entropy", "mse", "squared_error"),
    "multiclass": ("cross_entropy",),
    "regression": ("mse", "squared_error"),
}


@dataclass(frozen=True)
class LabSettings:
    """One scenario of the lab: what to learn, with which network, and how to train it."""

    dataset: str = "moons"  # one of DATASETS
    n_samples: int = 200  # rows generated (ignored for an uploaded CSV)
    noise: float = 0.1  # noise of the generated data, 0..MAX_NOISE
    test_fraction: float = 0.2  # rows held out for the test loss
    seed: int = 0  # seeds the data, the split, the initial weights and the batch order
    hidden_units: tuple[int, ...] = (8,)  # units of each hidden layer, input side first
    hidden_activations: tuple[str, ...] = ("tanh",)  # one per hidden layer
    output_activation: str | None = None  # None: the task's default (OUTPUT_ACTIVATIONS_BY_TASK)
    loss: str | None = None  # None: the task's default (LOSSES_BY_TASK)
    init: str = "xavier"
    learning_rate: float = 0.1
    batch_size: int = 32
    epochs: int = 100
    optimizer: str = "sgd"
    l2: float = 0.0
    l1: float = 0.0
    features: tuple[str, ...] = PLAIN  # inputs of the network, from engine.features.FEATURES
    points: PointEdits = NO_EDITS  # the visitor's own points (lessons/training_lab/points.py)


def output_choices(task: str) -> tuple[str, ...]:
    """Output activations that fit `task` (binary, multiclass or regression); default first."""
    if task not in OUTPUT_ACTIVATIONS_BY_TASK:
        raise UserInputError(
            f"Unknown task {task!r}; choose one of: {', '.join(OUTPUT_ACTIVATIONS_BY_TASK)}."
        )
    return OUTPUT_ACTIVATIONS_BY_TASK[task]


def loss_choices(task: str) -> tuple[str, ...]:
    """Losses that fit `task`; default first."""
    if task not in LOSSES_BY_TASK:
        raise UserInputError(f"Unknown task {task!r}; choose one of: {', '.join(LOSSES_BY_TASK)}.")
    return LOSSES_BY_TASK[task]


def default_output(task: str) -> tuple[str, str]:
    """(output activation, loss) used for `task` unless the visitor picks others."""
    return output_choices(task)[0], loss_choices(task)[0]
