"""Mini-batch training over epochs, with a bounded history of everything that happened.

The Trainer advances one update at a time, so a page can train a little on each rerun
(Play) and draw the history in between. Memory is bounded: at most MAX_UPDATES scalars per
recorded series and at most MAX_SNAPSHOTS parameter snapshots (older ones are thinned).
"""

import math
from dataclasses import dataclass, replace

import numpy as np

from engine import limits
from engine.activations import get_activation
from engine.backprop import backprop, forward
from engine.datasets import TASKS
from engine.errors import UserInputError
from engine.losses import get_loss
from engine.network import Network
from engine.optimizers import OPTIMIZERS, Optimizer
from engine.validation import (
    all_finite,
    check_choice,
    check_in_range,
    check_int,
    check_learning_rate,
)


@dataclass(frozen=True)
class TrainConfig:
    """How to train."""

    learning_rate: float = 0.1
    batch_size: int = 32  # capped at the number of training rows (full batch)
    epochs: int = 100
    optimizer: str = "sgd"  # one of OPTIMIZERS
    l2: float = 0.0  # penalty (l2 / 2) * sum of squared weights (biases are not penalised)
    l1: float = 0.0  # penalty l1 * sum of |weights|; its gradient l1 * sign(W) pulls toward 0
    seed: int = 0  # shuffles the mini-batches

    def validated(self) -> "TrainConfig":
        """This config with every field checked against the caps (UserInputError otherwise)."""
        return replace(
            self,
            learning_rate=check_learning_rate(self.learning_rate),
            batch_size=check_int(self.batch_size, "Batch size", 1, limits.MAX_SAMPLES),
            epochs=check_int(self.epochs, "Epochs", 1, limits.MAX_EPOCHS),
            optimizer=check_choice(self.optimizer, "optimizer", tuple(OPTIMIZERS)),
            l2=check_in_range(self.l2, "L2 penalty", 0.0, limits.MAX_L2),
            l1=check_in_range(self.l1, "L1 penalty", 0.0, limits.MAX_L2),
            seed=check_int(self.seed, "Seed", 0, limits.MAX_SEED),
        )


@dataclass(frozen=True, eq=False)
class Snapshot:
    """Parameters after `update` updates (update 0 is the initial network)."""

    update: int
    epoch: float
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]


class _Series:
    """A growable float64 array of at most MAX_UPDATES + 1 rows of `width` values."""

    def __init__(self, width: int):
        self._data = np.empty((64, width))
        self.size = 0

    def append(self, row) -> None:
        if self.size == self._data.shape[0]:
            grown = min(2 * self._data.shape[0], limits.MAX_UPDATES + 1)
            self._data = np.resize(self._data, (grown, self._data.shape[1]))
        self._data[self.size] = row
        self.size += 1

    @property
    def values(self) -> np.ndarray:
        view = self._data[: self.size]
        view.flags.writeable = False
        return view


class History:
    """What training recorded; index i of each series is the state after i updates."""

    def __init__(self, n_layers: int):
        self._losses = _Series(2)  # train loss, test loss (data loss, without the L2 term)
        self._accuracy = _Series(2)  # train, test accuracy (NaN for regression or no test rows)
        self._grad_norms = _Series(n_layers)  # Frobenius norm of dL/dW per layer, per update
        self.snapshots: list[Snapshot] = []
        self.snapshot_interval = 1
        self.diverged_at: int | None = None  # the update at which loss or parameters blew up

    @property
    def train_loss(self) -> np.ndarray:
        """(n_records,) loss on the training rows after each update; entry 0 is before any."""
        return self._losses.values[:, 0]

    @property
    def test_loss(self) -> np.ndarray:
        """(n_records,) loss on the test rows (NaN when there are none)."""
        return self._losses.values[:, 1]

    @property
    def train_accuracy(self) -> np.ndarray:
        return self._accuracy.values[:, 0]

    @property
    def test_accuracy(self) -> np.ndarray:
        return self._accuracy.values[:, 1]

    @property
    def grad_norms(self) -> np.ndarray:
        """(n_updates, n_layers) gradient norm of each weight matrix at each update."""
        return self._grad_norms.values

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    def record(self, losses, accuracy) -> None:
        self._losses.append(losses)
        self._accuracy.append(accuracy)

    def record_gradients(self, norms) -> None:
        self._grad_norms.append(norms)

    def snapshot(self, update: int, epoch: float, net: Network) -> None:
        """Keep the parameters if `update` is on the current interval; thin when full."""
        if update % self.snapshot_interval:
            return
        self.snapshots.append(
            Snapshot(
                update,
                epoch,
                tuple(W.copy() for W in net.weights),
                tuple(b.copy() for b in net.biases),
            )
        )
        if len(self.snapshots) > limits.MAX_SNAPSHOTS:
            # Keep every other one (always the first) and record half as often from now on.
            self.snapshots = self.snapshots[::2]
            self.snapshot_interval *= 2

    def nbytes(self) -> int:
        """Approximate memory held by the history, in bytes."""
        series = sum(s._data.nbytes for s in (self._losses, self._accuracy, self._grad_norms))
        snaps = sum(
            sum(a.nbytes for a in s.weights) + sum(a.nbytes for a in s.biases)
            for s in self.snapshots
        )
        return series + snaps


def accuracy(Y_hat: np.ndarray, Y: np.ndarray, task: str) -> float:
    """Fraction of rows classified correctly (NaN for regression or no rows)."""
    if task == "regression" or Y.shape[0] == 0:
        return math.nan
    if task == "binary":
        return float(np.mean((Y_hat > 0.5) == (Y > 0.5)))
    return float(np.mean(np.argmax(Y_hat, axis=1) == np.argmax(Y, axis=1)))


class Trainer:
    """Trains `net` in place on (X_train, Y_train), one mini-batch update at a time."""

    def __init__(
        self, net: Network, X_train, Y_train, X_test, Y_test, config: TrainConfig, task: str
    ):
        self.config = config.validated()
        self.task = check_choice(task, "task", TASKS)
        self.net = net
        self.X_train, self.Y_train = net.check_data(X_train, Y_train)
        if len(X_test):
            self.X_test, self.Y_test = net.check_data(X_test, Y_test)
        else:
            self.X_test = np.empty((0, net.n_inputs))
            self.Y_test = np.empty((0, net.n_outputs))
        n_train = self.X_train.shape[0]
        self.batch_size = min(self.config.batch_size, n_train)
        self.updates_per_epoch = math.ceil(n_train / self.batch_size)
        self.total_updates = self.config.epochs * self.updates_per_epoch
        if self.total_updates > limits.MAX_UPDATES:
            raise UserInputError(
                f"{self.config.epochs} epochs of {self.updates_per_epoch} updates each make"
                f" {self.total_updates:,} updates; at most {limits.MAX_UPDATES:,} are allowed."
                " Use fewer epochs or a larger batch size."
            )
        self.optimizer = Optimizer(self.config.optimizer, self.config.learning_rate)
        self._activations = [get_activation(name) for name in net.activations]
        self._loss_function = get_loss(net.loss_name)
        self.rng = np.random.default_rng(self.config.seed)
        self.updates = 0
        self._order = self.rng.permutation(n_train)
        self.history = History(len(net.weights))
        self._record()
        self.history.snapshot(0, 0.0, net)

    @property
    def epoch(self) -> float:
        """Epochs completed, fractional within an epoch."""
        return self.updates / self.updates_per_epoch

    @property
    def finished(self) -> bool:
        return self.updates >= self.total_updates or self.history.diverged

    def _loss(self, X, Y) -> float:
        if X.shape[0] == 0:
            return math.nan
        return self.net.loss_value(X, Y)

    def _evaluate(self, X: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
        """(loss, Y_hat) of the current network on rows validated in __init__.

        One forward pass gives both (the same numbers as `_loss` and `forward`); with no rows
        the loss is NaN and Y_hat is the empty Y.
        """
        if X.shape[0] == 0:
            return math.nan, Y
        with np.errstate(over="ignore", invalid="ignore"):
            zs, outputs = forward(self.net.weights, self.net.biases, self._activations, X)
            return self._loss_function.value(outputs[-1], Y, zs[-1]), outputs[-1]

    def _record(self, train: tuple[float, np.ndarray] | None = None) -> None:
        """Record losses and accuracies; `train` is `_evaluate` on the training rows, if known."""
        if train is None:
            train = self._evaluate(self.X_train, self.Y_train)
        test = self._evaluate(self.X_test, self.Y_test)
        self.history.record(
            (train[0], test[0]),
            (
                accuracy(train[1], self.Y_train, self.task),
                accuracy(test[1], self.Y_test, self.task),
            ),
        )

    def step(self, n_updates: int = 1) -> int:
        """Run up to `n_updates` updates (fewer at the end or on divergence); return how many."""
        done = 0
        while done < n_updates and not self.finished:
            position = self.updates % self.updates_per_epoch
            if position == 0 and self.updates:
                self._order = self.rng.permutation(self.X_train.shape[0])
            rows = self._order[position * self.batch_size : (position + 1) * self.batch_size]
            X, Y = self.X_train[rows], self.Y_train[rows]
            net = self.net
            # A diverging step overflows to infinity or NaN: checked below, quietly.
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                gradients = backprop(
                    net.weights, net.biases, self._activations, self._loss_function, X, Y
                )
                dW = [
                    g + self.config.l2 * W + self.config.l1 * np.sign(W)
                    for g, W in zip(gradients.dW, net.weights, strict=True)
                ]
                if net.train_biases:
                    params = self.optimizer.step(net.weights + net.biases, dW + gradients.db)
                    new_weights, new_biases = params[: len(dW)], params[len(dW) :]
                else:
                    # A NaN or infinity in delta reaches db through its sum: check it too.
                    params = self.optimizer.step(net.weights, dW) + gradients.db
                    new_weights, new_biases = params[: len(dW)], net.biases
                finite = all_finite(params)
            if finite:
                old = self.net.weights, self.net.biases
                self.net.weights, self.net.biases = new_weights, new_biases
                train = self._evaluate(self.X_train, self.Y_train)
                train_loss = train[0]
                if not np.isfinite(train_loss) or train_loss > 1e12:
                    self.net.weights, self.net.biases = old
                    finite = False
            if not finite:
                self.history.diverged_at = self.updates + 1
                break
            self.updates += 1
            done += 1
            self.history.record_gradients([np.linalg.norm(g) for g in dW])
            self._record(train)
            self.history.snapshot(self.updates, self.epoch, self.net)
        return done

    def run_epoch(self) -> int:
        """Run to the end of the current epoch; return the number of updates made."""
        remaining = self.updates_per_epoch - self.updates % self.updates_per_epoch
        return self.step(remaining)

    def run(self) -> int:
        """Run all remaining updates (until the configured epochs end or training diverges)."""
        return self.step(self.total_updates - self.updates)

    def status(self) -> str:
        """A sentence for people: where training stands."""
        if self.history.diverged:
            return (
                f"Training diverged at update {self.history.diverged_at}: the loss or a weight"
                " became infinite or NaN. The learning rate is probably too large; lower it"
                " and press Reset."
            )
        if self.updates >= self.total_updates:
            return f"Finished: {self.updates:,} updates ({self.config.epochs} epochs)."
        return f"{self.updates:,} of {self.total_updates:,} updates (epoch {self.epoch:.2f})."


def network_at(net: Network, snapshot: Snapshot) -> Network:
    """A copy of `net` with the parameters recorded in `snapshot`."""
    return Network.from_parameters(
        [W.copy() for W in snapshot.weights],
        [b.copy() for b in snapshot.biases],
        net.activations,
        net.loss_name,
        train_biases=net.train_biases,
    )
