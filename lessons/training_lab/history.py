"""What a run has recorded: the updates time travel can show, snapshots, gradient norms, a
pinned copy of the loss curves, and how much memory a History may hold.

Memory bound per run (see `history_bound_bytes`): the Trainer's History keeps at most
MAX_UPDATES + 1 rows of (train loss, test loss, train accuracy, test accuracy, one gradient norm
per layer) and at most MAX_SNAPSHOTS + 1 parameter snapshots. At the caps (16 inputs, 6 hidden
layers of 16 units, 16 outputs) that is about 4.8 MB, plus the data (at most 2000 x 17 values).
"""

from dataclasses import dataclass

import numpy as np

from engine import limits
from engine.network import Network
from engine.train import History, Snapshot, network_at
from lessons.training_lab.runs import LabRun


def recorded_updates(run: LabRun) -> list[int]:
    """Updates the time-travel slider can show: every snapshot, and the latest update."""
    recorded = [snapshot.update for snapshot in run.history.snapshots]
    if recorded[-1] != run.trainer.updates:
        recorded.append(run.trainer.updates)  # the live network is always shown at the end
    return recorded


def shown_network(run: LabRun, update: int) -> Network:
    """The network after `update` updates: the live one, or one rebuilt from its snapshot."""
    if update >= run.trainer.updates:
        return run.net
    return network_at(run.net, snapshot_at(run.history, update))


def snapshot_at(history: History, update: int) -> Snapshot:
    """The latest recorded snapshot at or before `update` (the first one if none)."""
    chosen = history.snapshots[0]
    for snapshot in history.snapshots:
        if snapshot.update > update:
            break
        chosen = snapshot
    return chosen


def norms_at(history: History, update: int) -> np.ndarray | None:
    """(n_layers,) gradient norms of the mini-batch used by update `update` (None for 0)."""
    norms = history.grad_norms
    if update < 1 or update > norms.shape[0]:
        return None
    return norms[update - 1]


def history_bound_bytes(layer_sizes: list[int]) -> int:
    """Most bytes a History of a network with `layer_sizes` can hold (series + snapshots)."""
    n_layers = len(layer_sizes) - 1
    n_params = sum((a + 1) * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:], strict=True))
    series = (limits.MAX_UPDATES + 1) * (2 + 2 + n_layers) * 8
    snapshots = (limits.MAX_SNAPSHOTS + 1) * n_params * 8
    return series + snapshots


PINNED_POINTS = 600  # points kept of a pinned loss curve


@dataclass(frozen=True, eq=False)
class PinnedCurve:
    """A run's loss curves kept to compare with the next run's."""

    label: str  # what the run was, in a few words
    updates: np.ndarray  # (k,) update numbers, at most PINNED_POINTS, the last one included
    train_loss: np.ndarray  # (k,)
    test_loss: np.ndarray  # (k,) NaN without test rows


def pin_curve(run: LabRun) -> PinnedCurve:
    """The run's loss curves so far, thinned to at most PINNED_POINTS points."""
    n = run.trainer.updates + 1
    index = np.unique(np.linspace(0, n - 1, min(n, PINNED_POINTS)).round().astype(int))
    settings = run.settings
    hidden = "-".join(str(units) for units in settings.hidden_units) or "no"
    activations = "/".join(sorted(set(settings.hidden_activations))) or "none"
    label = (
        f"{hidden} hidden, {activations}, {settings.optimizer} lr {settings.learning_rate:g}"
        + (f", L2 {settings.l2:g}" if settings.l2 else "")
        + (f", L1 {settings.l1:g}" if settings.l1 else "")
    )
    history = run.history
    return PinnedCurve(
        label, index, history.train_loss[index].copy(), history.test_loss[index].copy()
    )
