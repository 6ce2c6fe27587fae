"""The training lab's model, one module per job; the page's API is re-exported here.

- `settings`: `LabSettings` (one scenario) and the outputs and losses that fit each task.
- `data`: the data a scenario trains on (generated with the visitor's points, or a CSV file).
- `points`: the visitor's own points, their link text and their CSV file.
- `runs`: `build_run` (settings -> data, network, untrained Trainer) and `advance`.
- `state`: `LabState` and `act(state, action)`: Play, Pause, Step, Epoch, Reset.
- `history`: time travel, gradient norms, pinned loss curves, the History's memory bound.
- `classes`, `plane`, `fits`, `hidden_space`: what the figures draw, in the data's own units.
- `diagnosis`: vanishing and exploding gradients, full-batch gradients, zero weights.
- `play`: Play in chunks, with the frames the browser shows in between.
- `experiments`: the guided experiments and the claims the tests check.
"""

from lessons.training_lab.classes import training_classes
from lessons.training_lab.data import csv_columns, dataset_from_upload, make_lab_dataset
from lessons.training_lab.diagnosis import full_batch_gradients
from lessons.training_lab.hidden_space import hidden_layer
from lessons.training_lab.history import pin_curve, recorded_updates, shown_network
from lessons.training_lab.runs import LabRun, build_run
from lessons.training_lab.settings import UPLOADED, LabSettings, loss_choices, output_choices
from lessons.training_lab.state import LabState, act

__all__ = [
    "UPLOADED",
    "LabRun",
    "LabSettings",
    "LabState",
    "act",
    "build_run",
    "csv_columns",
    "dataset_from_upload",
    "full_batch_gradients",
    "hidden_layer",
    "loss_choices",
    "make_lab_dataset",
    "output_choices",
    "pin_curve",
    "recorded_updates",
    "shown_network",
    "training_classes",
]
