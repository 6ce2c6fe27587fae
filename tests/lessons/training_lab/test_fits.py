"""lessons.training_lab.fits: fitted curve, predicted against true, confusion matrix."""

import numpy as np

from engine.datasets import make_dataset
from lessons.training_lab.classes import class_labels
from lessons.training_lab.fits import confusion_matrix, fitted_curve, predicted_vs_true
from lessons.training_lab.runs import build_run
from lessons.training_lab.settings import LabSettings


def test_fitted_curve_and_predictions_are_in_the_original_units():
    run = build_run(LabSettings(dataset="sine"))
    run.trainer.step(30)
    split, net = run.split, run.net
    x, y = fitted_curve(net, split, n_points=50)
    expected = split.y_scaler.inverse(net.forward(split.x_scaler.transform(x.reshape(-1, 1))))
    np.testing.assert_allclose(y, expected[:, 0])
    assert x.min() < -3.0 and x.max() > 3.0  # sine data span [-pi, pi]
    housing = build_run(LabSettings(dataset="housing"))
    true_train, pred_train, true_test, pred_test = predicted_vs_true(housing.net, housing.split)
    prices = make_dataset("housing", 200, 0.1, 0).Y[:, 0]
    np.testing.assert_allclose(np.sort(np.concatenate([true_train, true_test])), np.sort(prices))
    assert pred_train.shape == true_train.shape and pred_test.shape == true_test.shape


def test_confusion_matrix_counts_every_test_row():
    run = build_run(LabSettings(dataset="three_blobs"))
    run.trainer.step(20)
    matrix, part = confusion_matrix(run.net, run.split, "multiclass")
    assert part == "test"
    assert matrix.sum() == len(run.split.X_test)
    predicted = class_labels(run.net.forward(run.split.X_test), "multiclass")
    assert matrix.sum(axis=0).tolist() == np.bincount(predicted, minlength=3).tolist()
    no_test = build_run(LabSettings(dataset="xor", test_fraction=0.0))
    matrix, part = confusion_matrix(no_test.net, no_test.split, "binary")
    assert part == "training" and matrix.sum() == 200
