"""A scenario's run: settings -> data, network and an untrained Trainer; training in slices.

`build_run` turns a `LabSettings` into a `LabRun`: the dataset, its standardised split and an
untrained `Trainer`. Nothing here trains unless `advance` is called, so a page can rebuild a run
cheaply whenever the settings change. (What a run's History may hold: `lessons/training_lab/
history.py`.)
"""

import time
from dataclasses import dataclass

import numpy as np

from engine.datasets import Dataset, Split, train_test_split
from engine.errors import UserInputError
from engine.features import PLAIN, check_features, expand
from engine.network import Network
from engine.train import History, TrainConfig, Trainer
from lessons.training_lab.data import make_lab_dataset
from lessons.training_lab.settings import LabSettings, default_output, loss_choices, output_choices


def build_network(settings: LabSettings, n_inputs: int, n_outputs: int, task: str) -> Network:
    """An untrained network for the settings (the task picks the output and loss by default)."""
    if len(settings.hidden_units) != len(settings.hidden_activations):
        raise UserInputError("Give one activation per hidden layer.")
    output, loss = default_output(task)
    output = settings.output_activation or output
    loss = settings.loss or loss
    if output not in output_choices(task):
        raise UserInputError(
            f"A {task} task needs one of these output activations:"
            f" {', '.join(output_choices(task))}."
        )
    if loss not in loss_choices(task):
        raise UserInputError(
            f"A {task} task needs one of these losses: {', '.join(loss_choices(task))}."
        )
    return Network(
        [n_inputs, *settings.hidden_units, n_outputs],
        [*settings.hidden_activations, output],
        loss=loss,
        init=settings.init,
        seed=settings.seed,
    )


@dataclass(eq=False)
class LabRun:
    """Everything one scenario needs: data (original and standardised) and its Trainer."""

    settings: LabSettings
    dataset: Dataset
    split: Split
    trainer: Trainer

    @property
    def task(self) -> str:
        return self.dataset.task

    @property
    def net(self) -> Network:
        return self.trainer.net

    @property
    def history(self) -> History:
        return self.trainer.history

    @property
    def features(self) -> tuple[str, ...]:
        """The network's inputs, in order (PLAIN: the dataset's own inputs)."""
        return check_features(self.settings.features)


def network_inputs(X: np.ndarray, features: tuple[str, ...] = PLAIN) -> np.ndarray:
    """What the network is fed for standardised rows X (n, n_features): the chosen features."""
    return X if tuple(features) == PLAIN else expand(X, features)


def build_run(settings: LabSettings, uploaded: Dataset | None = None) -> LabRun:
    """A fresh, untrained run of the scenario (UserInputError naming any setting out of range).

    With input features other than (x1, x2), the network's inputs are those features of the
    standardised inputs; the split keeps the two inputs themselves (for drawing).
    """
    dataset = make_lab_dataset(settings, uploaded)
    features = check_features(settings.features)
    if features != PLAIN and dataset.X.shape[1] != 2:
        raise UserInputError(
            f"Input features need a dataset with 2 inputs (x1, x2); this one has"
            f" {dataset.X.shape[1]}. Keep the inputs x1 and x2 only."
        )
    split = train_test_split(dataset, settings.test_fraction, seed=settings.seed)
    n_inputs = dataset.X.shape[1] if features == PLAIN else len(features)
    net = build_network(settings, n_inputs, dataset.Y.shape[1], dataset.task)
    config = TrainConfig(
        learning_rate=settings.learning_rate,
        batch_size=settings.batch_size,
        epochs=settings.epochs,
        optimizer=settings.optimizer,
        l2=settings.l2,
        l1=settings.l1,
        seed=settings.seed,
    )
    trainer = Trainer(
        net,
        network_inputs(split.X_train, features),
        split.Y_train,
        network_inputs(split.X_test, features),
        split.Y_test,
        config,
        dataset.task,
    )
    return LabRun(settings, dataset, split, trainer)


def advance(trainer: Trainer, max_updates: int, time_budget: float) -> int:
    """Train up to `max_updates` updates, stopping early after `time_budget` seconds.

    Returns the number of updates made. The updates themselves do not depend on the budget,
    so identical settings give identical curves however the training is sliced into ticks.
    """
    start = time.perf_counter()
    done = 0
    chunk = 4
    while done < max_updates and not trainer.finished:
        made = trainer.step(min(chunk, max_updates - done))
        done += made
        if made == 0 or time.perf_counter() - start >= time_budget:
            break
    return done
