"""lessons.training_lab.history: snapshots, norms, time travel, pinned curves, memory bound."""

import numpy as np

from engine import limits
from lessons.training_lab.history import (
    history_bound_bytes,
    norms_at,
    pin_curve,
    recorded_updates,
    shown_network,
    snapshot_at,
)
from lessons.training_lab.runs import build_run
from lessons.training_lab.settings import LabSettings


def test_snapshot_at_and_norms_at_index_the_history():
    run = build_run(LabSettings())
    run.trainer.step(12)
    history = run.history
    assert snapshot_at(history, 0).update == 0
    assert snapshot_at(history, 7).update == 7
    assert snapshot_at(history, 999).update == 12
    assert norms_at(history, 0) is None
    np.testing.assert_array_equal(norms_at(history, 1), history.grad_norms[0])
    np.testing.assert_array_equal(norms_at(history, 12), history.grad_norms[11])
    assert norms_at(history, 13) is None


def test_history_memory_stays_under_the_documented_bound_on_the_longest_run():
    settings = LabSettings(
        n_samples=40, test_fraction=0.0, batch_size=1, epochs=500, hidden_units=(2,),
        hidden_activations=("tanh",), learning_rate=0.01,
    )  # fmt: skip
    run = build_run(settings)
    assert run.trainer.total_updates == limits.MAX_UPDATES
    run.trainer.run()
    history = run.history
    assert run.trainer.updates == limits.MAX_UPDATES
    assert len(history.snapshots) <= limits.MAX_SNAPSHOTS
    assert history.nbytes() <= history_bound_bytes(run.net.layer_sizes)
    # At the caps the bound is a few megabytes per session.
    largest = [16, *[16] * limits.MAX_HIDDEN_LAYERS, 16]
    assert history_bound_bytes(largest) < 5_000_000


def _weights(net) -> list[np.ndarray]:
    return [W.copy() for W in net.weights]


def test_recorded_updates_end_at_the_latest_and_shown_network_rebuilds_older_states():
    run = build_run(LabSettings())
    initial = _weights(run.net)
    run.trainer.step(5)
    assert recorded_updates(run) == [0, 1, 2, 3, 4, 5]
    assert shown_network(run, 5) is run.net
    for W_old, W_initial in zip(shown_network(run, 0).weights, initial, strict=True):
        np.testing.assert_array_equal(W_old, W_initial)


def test_a_pinned_curve_keeps_at_most_600_points_ending_at_the_last_update():
    run = build_run(LabSettings(epochs=400, l2=0.01))  # 2,000 updates
    run.trainer.run()
    pinned = pin_curve(run)
    assert len(pinned.updates) <= 600 and pinned.updates[0] == 0 and pinned.updates[-1] == 2000
    np.testing.assert_array_equal(pinned.train_loss, run.history.train_loss[pinned.updates])
    assert pinned.label == "8 hidden, tanh, sgd lr 0.1, L2 0.01"
