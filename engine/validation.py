"""Checks shared by every public entry point; each failure is a UserInputError a student can fix."""

import math
from collections.abc import Sequence

import numpy as np

from engine import limits
from engine.errors import UserInputError


def as_matrix(
    values, name: str, columns: int | None = None, within: tuple[float, float, str] | None = None
) -> np.ndarray:
    """Return `values` as a finite float64 array of shape (rows, columns).

    Raises UserInputError naming `name` when the values are not numbers, not 2-D, empty,
    not finite, larger than the caps, or have the wrong number of columns. With
    `within=(low, high, message)` every value must also lie in [low, high] (a range inside
    the caps), and `message` says so when one does not.
    """
    try:
        array = np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise UserInputError(f"{name} must contain only numbers.") from None
    if array.ndim != 2:
        raise UserInputError(
            f"{name} must be a table of shape (samples, columns); got {array.ndim} dimension(s)."
        )
    rows, cols = array.shape
    if rows == 0 or cols == 0:
        raise UserInputError(f"{name} is empty; it needs at least one row and one column.")
    if rows > limits.MAX_SAMPLES:
        raise UserInputError(f"{name} has {rows} rows; at most {limits.MAX_SAMPLES} are allowed.")
    if columns is not None and cols != columns:
        raise UserInputError(f"{name} has {cols} column(s), but the network expects {columns}.")
    if within is None:
        check_finite(array, name)
        return array
    low, high, message = within
    if not low <= array.min() or not array.max() <= high:  # also true for a NaN
        check_finite(array, name)
        raise UserInputError(message)
    return array


def check_finite(array: np.ndarray, name: str) -> None:
    """Raise UserInputError if `array` holds NaN, infinity or a value beyond MAX_ABS_VALUE."""
    if array.size == 0:
        return
    # One reduction settles the usual case (a NaN makes the comparison false); anything else
    # is looked at below to say what is wrong.
    if np.abs(array).max() <= limits.MAX_ABS_VALUE:
        return
    if not np.isfinite(array).all():
        raise UserInputError(
            f"{name} contains NaN or infinite values; every entry must be a number."
        )
    if array.size and np.abs(array).max() > limits.MAX_ABS_VALUE:
        raise UserInputError(
            f"{name} contains a value larger than {limits.MAX_ABS_VALUE:g} in magnitude."
        )


def all_finite(arrays: Sequence[np.ndarray]) -> bool:
    """True when no entry of any of `arrays` (float arrays of any shapes) is NaN or infinite.

    One dot product decides the usual case: a finite sum of squares means every entry is
    finite. Entries beyond 1e154 overflow it and take the entry-by-entry check, with an
    overflow warning unless called under np.errstate(over="ignore"), as the engine does.
    """
    values = np.concatenate([array.ravel() for array in arrays])
    return math.isfinite(values @ values) or bool(np.isfinite(values).all())


def check_learning_rate(learning_rate) -> float:
    """Return the learning rate as a float if it is finite and in (0, MAX_LEARNING_RATE]."""
    try:
        value = float(learning_rate)
    except (TypeError, ValueError):
        raise UserInputError("The learning rate must be a number.") from None
    if not math.isfinite(value) or value <= 0 or value > limits.MAX_LEARNING_RATE:
        raise UserInputError(
            f"The learning rate must be greater than 0 and at most {limits.MAX_LEARNING_RATE:g};"
            f" got {learning_rate}."
        )
    return value


def check_int(value, name: str, low: int, high: int) -> int:
    """Return `value` as an int in [low, high], or raise UserInputError saying what is allowed."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise UserInputError(
                f"{name} must be a whole number from {low} to {high}; got {value!r}."
            )
    if not low <= value <= high:
        raise UserInputError(f"{name} must be from {low} to {high}; got {value}.")
    return int(value)


def check_in_range(value, name: str, low: float, high: float) -> float:
    """Return `value` as a finite float in [low, high], or raise UserInputError."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise UserInputError(f"{name} must be a number from {low:g} to {high:g}.") from None
    if not np.isfinite(number) or not low <= number <= high:
        raise UserInputError(f"{name} must be from {low:g} to {high:g}; got {value}.")
    return number


def check_choice(value, name: str, allowed: Sequence[str]) -> str:
    """Return `value` if it is one of `allowed`, else raise UserInputError listing them."""
    if value not in allowed:
        raise UserInputError(f"Unknown {name} {value!r}; choose one of: {', '.join(allowed)}.")
    return value
