"""Classes of the data: the class of each row, the names of classes and output units, and the
labelled points (train and test) in the dataset's own units."""

import numpy as np

from lessons.training_lab.data import original_data
from lessons.training_lab.runs import LabRun


def class_names(run: LabRun) -> tuple[str, ...]:
    """Names of the classes, in the order of the network's outputs (binary: class 0, 1)."""
    if run.task == "binary":
        return ("class 0", "class 1")
    return tuple(run.dataset.target_names)


def output_names(run: LabRun) -> tuple[str, ...]:
    """Names of the network's output units (one for binary: class 1)."""
    if run.task == "regression":
        return tuple(run.dataset.target_names)
    return class_names(run)[-run.net.n_outputs :]


def labelled_points(run: LabRun) -> list[tuple[np.ndarray, np.ndarray, str]]:
    """[(X (m, n_features), class (m,), "train"), (..., "test")] in original units."""
    X_train, Y_train, X_test, Y_test = original_data(run.split)
    return [
        (X_train, class_labels(Y_train, run.task), "train"),
        (X_test, class_labels(Y_test, run.task), "test"),
    ]


def class_labels(Y: np.ndarray, task: str) -> np.ndarray:
    """(n_samples,) integer class of each row of targets or outputs Y (n_samples, n_outputs)."""
    if task == "binary":
        return (Y[:, 0] > 0.5).astype(int)
    return np.argmax(Y, axis=1)


def training_classes(run: LabRun) -> int:
    """How many classes the training rows hold (0 for regression)."""
    if run.task == "regression":
        return 0
    return int(np.unique(class_labels(run.split.Y_train, run.task)).size)
