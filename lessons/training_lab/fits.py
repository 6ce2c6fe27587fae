"""Predictions without a plane, in the data's own units: the fitted curve of 1-feature
regression, predicted against true values, and the confusion matrix of classification."""

import numpy as np

from engine.datasets import Split
from engine.errors import UserInputError
from engine.network import Network
from lessons.training_lab.classes import class_labels
from lessons.training_lab.plane import padded_range

CURVE_POINTS = 200  # points on the fitted curve of 1-D regression


def fitted_curve(net: Network, split: Split, n_points: int = CURVE_POINTS):
    """(x, y_hat), each (n_points,), of a 1-feature regression in original units."""
    if split.X_train.shape[1] != 1:
        raise UserInputError("The fitted curve needs data with exactly 1 feature.")
    X_all = split.x_scaler.inverse(np.vstack([split.X_train, split.X_test]))
    x = np.linspace(*padded_range(X_all[:, 0]), n_points)
    Y_hat = net.forward(split.x_scaler.transform(x.reshape(-1, 1)))
    if split.y_scaler is not None:
        Y_hat = split.y_scaler.inverse(Y_hat)
    return x, Y_hat[:, 0]


def predicted_vs_true(net: Network, split: Split):
    """(true_train, pred_train, true_test, pred_test) of the first target, original units."""
    pred_train = net.forward(split.X_train)
    pred_test = net.forward(split.X_test) if len(split.X_test) else split.Y_test
    true_train, true_test = split.Y_train, split.Y_test
    if split.y_scaler is not None:
        pred_train, pred_test = (
            split.y_scaler.inverse(pred_train),
            split.y_scaler.inverse(pred_test),
        )
        true_train, true_test = (
            split.y_scaler.inverse(true_train),
            split.y_scaler.inverse(true_test),
        )
    return true_train[:, 0], pred_train[:, 0], true_test[:, 0], pred_test[:, 0]


def confusion_matrix(net: Network, split: Split, task: str) -> tuple[np.ndarray, str]:
    """(n_classes, n_classes) counts, row = true class, column = predicted; and which rows."""
    X, Y, part = split.X_test, split.Y_test, "test"
    if len(X) == 0:
        X, Y, part = split.X_train, split.Y_train, "training"
    n_classes = 2 if task == "binary" else Y.shape[1]
    true, predicted = class_labels(Y, task), class_labels(net.forward(X), task)
    matrix = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(matrix, (true, predicted), 1)
    return matrix, part
