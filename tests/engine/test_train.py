"""Training over epochs: convergence, optimizers, divergence and bounded history."""

import numpy as np
import pytest

from engine import Network, TrainConfig, Trainer, limits, make_dataset, network_at, train_test_split
from engine.datasets import xor_table
from engine.optimizers import Optimizer


def xor_trainer(learning_rate=0.5, optimizer="sgd", epochs=2000, l2=0.0):
    data = xor_table()
    net = Network([2, 4, 1], ["tanh", "sigmoid"], loss="binary_cross_entropy", seed=0)
    config = TrainConfig(learning_rate=learning_rate, batch_size=4, epochs=epochs,
                         optimizer=optimizer, l2=l2)  # fmt: skip
    return Trainer(net, data.X, data.Y, data.X[:0], data.Y[:0], config, "binary")


def test_xor_2_4_1_reaches_loss_below_0_05_within_2000_updates():
    trainer = xor_trainer()
    trainer.run()
    assert trainer.updates == 2000
    losses = trainer.history.train_loss
    first_below = int(np.argmax(losses < 0.05))
    assert losses[first_below] < 0.05 and first_below <= 2000
    assert trainer.history.train_accuracy[-1] == 1.0


def test_huge_learning_rate_diverges_without_an_exception():
    data = make_dataset("sine", n_samples=100, seed=0)
    net = Network([1, 8, 1], ["relu", "linear"], loss="mse", init="he", seed=0)
    config = TrainConfig(learning_rate=limits.MAX_LEARNING_RATE, batch_size=100, epochs=200)
    trainer = Trainer(net, data.X, data.Y, data.X[:0], data.Y[:0], config, "regression")
    trainer.run()
    assert trainer.history.diverged
    assert trainer.finished and trainer.updates < 200
    assert trainer.history.diverged_at == trainer.updates + 1
    assert f"diverged at update {trainer.history.diverged_at}" in trainer.status()
    assert all(np.all(np.isfinite(W)) for W in trainer.net.weights)  # last finite state kept
    assert np.all(np.isfinite(trainer.history.train_loss))


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_every_optimizer_lowers_the_loss(optimizer):
    trainer = xor_trainer(learning_rate=0.05 if optimizer == "adam" else 0.3,
                          optimizer=optimizer, epochs=300)  # fmt: skip
    trainer.run()
    assert trainer.history.train_loss[-1] < 0.5 * trainer.history.train_loss[0]


def test_adam_first_step_moves_each_parameter_by_the_learning_rate():
    # With bias correction, Adam's first update is lr * g / (|g| + eps): size lr per entry.
    optimizer = Optimizer("adam", learning_rate=0.01)
    (new,) = optimizer.step([np.array([1.0, 2.0])], [np.array([0.5, -3.0])])
    assert np.allclose(new, [1.0 - 0.01, 2.0 + 0.01], atol=1e-9)


def test_momentum_accumulates_velocity():
    optimizer = Optimizer("momentum", learning_rate=0.1)
    (p,) = optimizer.step([np.array([0.0])], [np.array([1.0])])  # v = 1
    (p,) = optimizer.step([p], [np.array([1.0])])  # v = 0.9 + 1 = 1.9
    assert p == pytest.approx([-0.1 - 0.19])


def test_l2_penalty_adds_lambda_w_to_the_gradient():
    plain, penalised = xor_trainer(epochs=1), xor_trainer(epochs=1, l2=0.1)
    W0 = plain.net.weights[0].copy()
    plain.step()
    penalised.step()
    # Same data gradient; the penalised update subtracts an extra lr * l2 * W.
    assert np.allclose(penalised.net.weights[0], plain.net.weights[0] - 0.5 * 0.1 * W0)


def test_history_records_one_row_per_update_and_gradient_norms_per_layer():
    trainer = xor_trainer(epochs=30)
    trainer.step(25)
    history = trainer.history
    assert history.train_loss.shape == (26,)  # entry 0 is before any update
    assert history.grad_norms.shape == (25, 2)
    assert np.all(history.grad_norms > 0)
    assert np.isnan(history.test_loss).all()  # no test rows


def test_snapshots_are_thinned_to_the_cap_and_restore_the_network():
    trainer = xor_trainer(epochs=1000)
    trainer.run()
    snapshots = trainer.history.snapshots
    assert len(snapshots) <= limits.MAX_SNAPSHOTS
    assert snapshots[0].update == 0
    updates = [s.update for s in snapshots]
    assert updates == sorted(updates) and updates[-1] > 900
    restored = network_at(trainer.net, snapshots[-1])
    assert np.array_equal(restored.weights[0], snapshots[-1].weights[0])


def test_history_memory_stays_bounded_at_the_caps():
    data = make_dataset("spiral", n_samples=limits.MAX_SAMPLES, seed=0)
    split = train_test_split(data, 0.0)
    sizes = [2] + [limits.MAX_UNITS] * limits.MAX_HIDDEN_LAYERS + [1]
    net = Network(sizes, ["tanh"] * limits.MAX_HIDDEN_LAYERS + ["sigmoid"],
                  loss="binary_cross_entropy")  # fmt: skip
    # Full batches of 2000 rows, as many epochs as allowed; the series bound is MAX_UPDATES.
    config = TrainConfig(learning_rate=0.01, batch_size=limits.MAX_SAMPLES,
                         epochs=limits.MAX_EPOCHS)  # fmt: skip
    trainer = Trainer(net, split.X_train, split.Y_train, split.X_test, split.Y_test, config,
                      "binary")  # fmt: skip
    trainer.step(1000)
    # Series grow with updates (8 bytes x 11 values each at most); snapshots stop at the cap.
    per_update = 8 * (2 + 2 + len(net.weights))
    snapshot = sum(W.nbytes + b.nbytes for W, b in zip(net.weights, net.biases, strict=True))
    bound = (limits.MAX_UPDATES + 1) * per_update + (limits.MAX_SNAPSHOTS + 1) * snapshot
    assert trainer.history.nbytes() <= bound < 10_000_000
    assert len(trainer.history.snapshots) <= limits.MAX_SNAPSHOTS


def test_same_settings_give_identical_curves():
    first, second = xor_trainer(epochs=50), xor_trainer(epochs=50)
    first.run()
    second.run()
    assert np.array_equal(first.history.train_loss, second.history.train_loss)


def test_mini_batches_cover_every_row_once_per_epoch():
    data = make_dataset("gaussians", n_samples=100, seed=0)
    net = Network([2, 1], ["sigmoid"], loss="binary_cross_entropy")
    config = TrainConfig(learning_rate=0.1, batch_size=30, epochs=3)
    trainer = Trainer(net, data.X, data.Y, data.X[:0], data.Y[:0], config, "binary")
    assert trainer.updates_per_epoch == 4
    assert trainer.run_epoch() == 4 and trainer.epoch == 1.0
    assert trainer.run() == 8 and trainer.finished
