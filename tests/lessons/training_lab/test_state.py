"""lessons.training_lab.state: the run controls as pure transitions (act)."""

import numpy as np
import pytest

from engine.errors import UserInputError
from lessons.training_lab.data import dataset_from_upload
from lessons.training_lab.runs import build_run
from lessons.training_lab.settings import UPLOADED, LabSettings
from lessons.training_lab.state import LabState, act


def _weights(net) -> list[np.ndarray]:
    return [W.copy() for W in net.weights]


def test_play_and_pause_set_the_flag_idempotently_and_do_not_train():
    state = LabState(build_run(LabSettings()))
    playing = act(state, "play")
    assert playing.playing is True and playing.run is state.run
    assert act(playing, "play").playing is True  # a click delivered twice stays playing
    paused = act(playing, "pause")
    assert paused.playing is False and act(paused, "pause").playing is False
    assert state.run.trainer.updates == 0


def test_tick_trains_only_while_playing_and_exactly_the_asked_updates():
    settings = LabSettings(batch_size=16)
    state = LabState(build_run(settings))
    assert act(state, "tick", 5).run.trainer.updates == 0  # paused: nothing happens
    state = act(act(state, "play"), "tick", 5)
    state = act(state, "tick", 7)
    assert state.playing and state.run.trainer.updates == 12
    reference = build_run(settings)
    reference.trainer.step(12)
    np.testing.assert_array_equal(state.run.history.train_loss, reference.history.train_loss)


def test_tick_stops_playing_at_the_last_update_and_a_finished_run_cannot_play():
    state = act(LabState(build_run(LabSettings(epochs=2, batch_size=64))), "play")
    total = state.run.trainer.total_updates
    for _ in range(total + 3):
        state = act(state, "tick", 2)
    assert state.run.trainer.updates == total
    assert state.playing is False
    assert act(state, "play").playing is False


def test_step_makes_one_update_epoch_ends_the_epoch_and_both_pause():
    state = act(LabState(build_run(LabSettings(batch_size=16))), "play")
    before = _weights(state.run.net)
    stepped = act(state, "step")
    assert stepped.playing is False and stepped.run.trainer.updates == 1
    assert any(
        not np.array_equal(a, b) for a, b in zip(before, stepped.run.net.weights, strict=True)
    )
    per_epoch = stepped.run.trainer.updates_per_epoch
    epoch = act(act(stepped, "play"), "epoch")
    assert epoch.playing is False and epoch.run.trainer.updates == per_epoch
    assert act(epoch, "epoch").run.trainer.updates == 2 * per_epoch


def test_reset_builds_the_same_scenario_untrained_with_the_same_initial_weights():
    state = LabState(build_run(LabSettings(dataset="circles")))
    initial = _weights(state.run.net)
    state = act(act(state, "play"), "tick", 20)
    reset = act(state, "reset")
    assert reset.run is not state.run and reset.playing is False
    assert reset.run.trainer.updates == 0 and reset.run.settings == state.run.settings
    for W_reset, W_initial in zip(reset.run.net.weights, initial, strict=True):
        np.testing.assert_array_equal(W_reset, W_initial)


def test_reset_of_an_uploaded_csv_keeps_its_data():
    data = b"a,b,y\n" + b"".join(f"{i},{i % 3},{2 * i}\n".encode() for i in range(30))
    dataset = dataset_from_upload(data, "y")
    run = build_run(LabSettings(dataset=UPLOADED, test_fraction=0.0), dataset)
    reset = act(act(LabState(run), "step"), "reset").run
    assert reset.dataset is dataset and reset.trainer.updates == 0


def test_an_unknown_action_is_refused():
    with pytest.raises(UserInputError, match="Unknown action"):
        act(LabState(build_run(LabSettings())), "rewind")
