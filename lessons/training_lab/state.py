"""The run controls: Play, Pause, Step, Epoch and Reset as pure transitions,
`act(state, action)`."""

import math
from dataclasses import dataclass

from engine.errors import UserInputError
from lessons.training_lab.runs import LabRun, advance, build_run
from lessons.training_lab.settings import UPLOADED

ACTIONS = ("play", "pause", "tick", "step", "epoch", "reset")


@dataclass(frozen=True, eq=False)
class LabState:
    """The lab's run and whether it is playing. `act` returns the next state.

    The run's Trainer is trained in place (a History of up to MAX_UPDATES rows is not worth
    copying on every update); everything else about a state is immutable.
    """

    run: LabRun
    playing: bool = False


def act(
    state: LabState,
    action: str,
    updates_per_tick: int = 1,
    time_budget: float = math.inf,
) -> LabState:
    """The state after `action` (one of ACTIONS).

    play/pause set `playing` (idempotent, not a toggle: a click delivered twice must not undo
    itself; a finished run cannot play). tick trains up to `updates_per_tick` updates within
    `time_budget` seconds while playing and stops playing at the end. step makes one update,
    epoch trains to the end of the current epoch, reset builds the same scenario untrained;
    each of these pauses.
    """
    run, trainer = state.run, state.run.trainer
    if action == "play":
        return LabState(run, not trainer.finished)
    if action == "pause":
        return LabState(run, False)
    if action == "tick":
        if state.playing:
            advance(trainer, updates_per_tick, time_budget)
        return LabState(run, state.playing and not trainer.finished)
    if action == "step":
        trainer.step(1)
        return LabState(run, False)
    if action == "epoch":
        trainer.run_epoch()
        return LabState(run, False)
    if action == "reset":
        uploaded = run.dataset if run.settings.dataset == UPLOADED else None
        return LabState(build_run(run.settings, uploaded), False)
    raise UserInputError(f"Unknown action {action!r}; choose one of: {', '.join(ACTIONS)}.")
