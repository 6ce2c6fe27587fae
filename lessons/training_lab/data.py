"""The data a scenario trains on: generated (with the visitor's own points) or an uploaded CSV
file, and the split's rows back in the dataset's own units for drawing."""

import numpy as np

from engine.csv_loader import load_csv, read_csv_table
from engine.datasets import Dataset, Split, make_dataset
from engine.errors import UserInputError
from lessons.training_lab.points import apply_edits
from lessons.training_lab.settings import UPLOADED, LabSettings


def csv_columns(data: bytes | str) -> list[str]:
    """Column names of an uploaded CSV file, after the engine's full validation (UserInputError)."""
    header, _ = read_csv_table(data)
    return header


def dataset_from_upload(data: bytes | str, target: str) -> Dataset:
    """The Dataset of an uploaded CSV file with `target` as the target column (UserInputError)."""
    if data is None or len(data) == 0:
        raise UserInputError("The file is empty; it needs a header row and at least one data row.")
    return load_csv(data, target, name=UPLOADED)


def make_lab_dataset(settings: LabSettings, uploaded: Dataset | None = None) -> Dataset:
    """The dataset `settings` names, with its edited points; `uploaded` stands in for UPLOADED
    (UserInputError if none)."""
    if settings.dataset == UPLOADED:
        if uploaded is None:
            raise UserInputError("Upload a CSV file and choose its target column first.")
        return uploaded
    generated = make_dataset(settings.dataset, settings.n_samples, settings.noise, settings.seed)
    return apply_edits(generated, settings.points)


def original_data(split: Split) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(X_train, Y_train, X_test, Y_test) in the dataset's own units (scalers undone)."""
    X_train = split.x_scaler.inverse(split.X_train)
    X_test = split.x_scaler.inverse(split.X_test)
    if split.y_scaler is None:
        return X_train, split.Y_train, X_test, split.Y_test
    return (
        X_train,
        split.y_scaler.inverse(split.Y_train),
        X_test,
        split.y_scaler.inverse(split.Y_test),
    )
