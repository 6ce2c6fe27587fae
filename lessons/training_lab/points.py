"""The training lab's own points: points a visitor adds to or removes from the generated data.

A `PointEdits` is an immutable list of changes to one generated dataset: rows added (inputs and
a class or a value), generated rows removed (by their row number), or every generated row
cleared. `apply_edits` turns the generated Dataset into the edited one, before the train/test
split, so the noise, the test fraction and the seed keep working on what is left of the
generated rows. `encode_edits`/`decode_edits` carry the edits in a link; `dataset_csv` writes the
edited data as a CSV file the lab's upload reads back.

Only data a visitor can click on is editable: 2 inputs (a class per point) or 1 input with a
numeric target (a point is (x, y)); see `not_editable_reason`.
"""

import io
import struct
from dataclasses import dataclass, replace

import numpy as np

from engine import limits
from engine.datasets import Dataset
from engine.errors import UserInputError
from lessons import link_text

MIN_POINTS = 4  # rows the edited data needs to train and test on (as an uploaded CSV)
POINT_DECIMALS = 2  # an added point's values are rounded to this many decimals
MAX_POINT_VALUE = 300.0  # |value| of an added point's input or target (fits the link's int16)
_SCALE = 10**POINT_DECIMALS
_VERSION = 1
_HEADER = struct.Struct("<BBHHH")  # version, cleared, n_removed, row width, n_added
MAX_LINK_TEXT = 8_000  # characters of encoded points a link may carry at all
_MAX_PACKED = _HEADER.size + 2 * limits.MAX_SAMPLES + 2 * 3 * limits.MAX_ADDED_POINTS


@dataclass(frozen=True)
class PointEdits:
    """Changes to one generated dataset, in the order they apply: clear, remove, add."""

    added: tuple[tuple[float, ...], ...] = ()  # rows (inputs..., class index or target value)
    removed: frozenset[int] = frozenset()  # generated row numbers left out (0 = first row)
    cleared: bool = False  # every generated row left out

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.cleared)


NO_EDITS = PointEdits()


def not_editable_reason(dataset: Dataset, uploaded: bool = False) -> str | None:
    """Why points cannot be clicked onto `dataset`, or None when they can."""
    n_inputs = dataset.X.shape[1]
    if uploaded:
        return "Your own points are for generated data; edit an uploaded file before uploading it."
    if n_inputs == 2 and dataset.task != "regression":
        return None
    if n_inputs == 1 and dataset.task == "regression":
        return None
    return (
        f"Your own points need data you can click on: 2 inputs with classes, or 1 input with a"
        f" value; this dataset has {n_inputs} inputs ({dataset.task})."
    )


def _rounded(values) -> tuple[float, ...]:
    row = tuple(round(float(value), POINT_DECIMALS) for value in values)
    if not all(np.isfinite(row)) or any(abs(value) > MAX_POINT_VALUE for value in row):
        raise UserInputError(
            f"A point's values must be finite numbers within ±{MAX_POINT_VALUE:g}."
        )
    return row


def kept_rows(n_generated: int, edits: PointEdits) -> np.ndarray:
    """(n_generated,) booleans: which generated rows the edits keep."""
    keep = np.full(n_generated, not edits.cleared)
    removed = [index for index in edits.removed if index < n_generated]
    keep[removed] = False
    return keep


def point_count(n_generated: int, edits: PointEdits) -> int:
    """Rows of the edited data: generated rows kept plus added points."""
    return int(kept_rows(n_generated, edits).sum()) + len(edits.added)


def limit_reached(n_generated: int, edits: PointEdits) -> str | None:
    """What stops one more point from being added (a cap), or None."""
    if len(edits.added) >= limits.MAX_ADDED_POINTS:
        return (
            f"You have added {limits.MAX_ADDED_POINTS} points, the most a scenario keeps;"
            " remove one (click it) to add another."
        )
    if point_count(n_generated, edits) >= limits.MAX_SAMPLES:
        return (
            f"The data holds {limits.MAX_SAMPLES:,} points, the most a dataset may hold; remove"
            " a point or lower Samples to add one."
        )
    return None


def add_point(edits: PointEdits, row, n_generated: int) -> PointEdits:
    """`edits` with one more point `row` (inputs..., class or value), rounded to POINT_DECIMALS.

    Raises UserInputError at a cap (see `limit_reached`) or for a value out of range.
    """
    reason = limit_reached(n_generated, edits)
    if reason is not None:
        raise UserInputError(reason)
    return replace(edits, added=(*edits.added, _rounded(row)))


def remove_generated(edits: PointEdits, index: int) -> PointEdits:
    """`edits` with generated row `index` left out."""
    if not 0 <= index < limits.MAX_SAMPLES:
        raise UserInputError(f"Generated rows are numbered 0 to {limits.MAX_SAMPLES - 1}.")
    return replace(edits, removed=edits.removed | {int(index)})


def remove_added(edits: PointEdits, index: int) -> PointEdits:
    """`edits` without its added point number `index` (0 = the first added)."""
    if not 0 <= index < len(edits.added):
        raise UserInputError("That point is no longer there.")
    return replace(edits, added=edits.added[:index] + edits.added[index + 1 :])


def clear() -> PointEdits:
    """Edits that leave an empty plane: every generated row out, nothing added."""
    return PointEdits(cleared=True)


def regenerate(edits: PointEdits) -> PointEdits:
    """The edits to keep when the generated data is drawn again with a new seed: the added
    points (the removed row numbers belonged to the old rows, and the new rows come back)."""
    return PointEdits(added=edits.added)


def _targets(values: np.ndarray, base: Dataset) -> np.ndarray:
    """(m, n_targets) targets of added points whose last value is `values` (m,)."""
    if base.task == "regression":
        return values.reshape(-1, 1)
    n_classes = 2 if base.task == "binary" else base.Y.shape[1]
    if not np.all(np.isin(values, np.arange(n_classes))):
        raise UserInputError(f"A point's class must be one of 0 to {n_classes - 1}.")
    classes = values.astype(int)
    if base.task == "binary":
        return classes.reshape(-1, 1).astype(np.float64)
    return np.eye(n_classes)[classes]


def added_data(base: Dataset, edits: PointEdits) -> tuple[np.ndarray, np.ndarray]:
    """(X (m, n_inputs), Y (m, n_targets)) of the added points, shaped like `base`'s rows.

    Raises UserInputError when they do not fit `base` (data one cannot click on, another
    number of inputs, a class it does not have).
    """
    reason = not_editable_reason(base)
    if reason is not None:
        raise UserInputError(reason)
    n_inputs = base.X.shape[1]
    if not edits.added:
        return np.empty((0, n_inputs)), np.empty((0, base.Y.shape[1]))
    rows = np.array(edits.added, dtype=np.float64)
    if rows.ndim != 2 or rows.shape[1] != n_inputs + 1:
        raise UserInputError(
            f"These points were made for other data; this dataset has {n_inputs} input(s)."
        )
    return rows[:, :n_inputs], _targets(rows[:, n_inputs], base)


def apply_edits(base: Dataset, edits: PointEdits) -> Dataset:
    """The generated Dataset `base` with `edits` applied (a new Dataset; `base` unchanged).

    Raises UserInputError when the points do not fit the data (see `added_data`), when more
    than MAX_SAMPLES rows or fewer than MIN_POINTS are left.
    """
    if not edits:
        return base
    X_added, Y_added = added_data(base, edits)
    keep = kept_rows(base.n_samples, edits)
    X, Y = np.vstack([base.X[keep], X_added]), np.vstack([base.Y[keep], Y_added])
    n = X.shape[0]
    if n > limits.MAX_SAMPLES:
        raise UserInputError(
            f"The data would hold {n:,} points; at most {limits.MAX_SAMPLES:,}. Lower Samples"
            " or remove points."
        )
    if n < MIN_POINTS:
        raise UserInputError(
            f"The data holds {n} point(s); training needs at least {MIN_POINTS}. Click on the"
            " plot to add points."
        )
    description = (
        f"{base.description} Edited: {int(keep.sum())} of {base.n_samples} generated rows kept,"
        f" {len(edits.added)} added."
    )
    return Dataset(
        base.name, X, Y, base.feature_names, base.target_names, base.task, description.strip()
    )


def point_classes(base: Dataset) -> tuple[str, ...]:
    """Names of the classes a new point can have (none for regression: a point is a value)."""
    if base.task == "binary":
        return ("class 0", "class 1")
    if base.task == "multiclass":
        return tuple(base.target_names)
    return ()


@dataclass(frozen=True, eq=False)
class EditorPoints:
    """The points to draw on the editor, each with what a click on it removes."""

    X: np.ndarray  # (m, n_inputs) inputs, original units
    target: np.ndarray  # (m,) class index (classification) or value (regression)
    added: np.ndarray  # (m,) bool: an added point (else a generated row)
    index: np.ndarray  # (m,) int: the generated row number, or the added point's number

    @property
    def n_generated(self) -> int:
        return int((~self.added).sum())

    def one_class_only(self, task: str) -> bool:
        """Whether every point of classification data has the same class."""
        return task != "regression" and len(self.target) > 0 and np.unique(self.target).size == 1


def editor_points(base: Dataset, edits: PointEdits) -> EditorPoints:
    """Every point of the edited data, generated rows first, however few or many there are."""
    keep = np.flatnonzero(kept_rows(base.n_samples, edits))
    if base.task == "regression":
        target = base.Y[keep, 0]
    else:
        target = base.labels[keep].astype(np.float64)
    n_inputs = base.X.shape[1]
    added = np.array(edits.added, dtype=np.float64)
    if added.ndim != 2 or added.shape[1] != n_inputs + 1:  # none, or made for other data
        added = np.empty((0, n_inputs + 1))
    return EditorPoints(
        np.vstack([base.X[keep], added[:, :n_inputs]]),
        np.concatenate([target, added[:, n_inputs]]),
        np.concatenate([np.zeros(len(keep), bool), np.ones(len(added), bool)]),
        np.concatenate([keep, np.arange(len(added))]).astype(int),
    )


# --- the edits in a link --------------------------------------------------------------------


def encode_edits(edits: PointEdits) -> str:
    """`edits` as a compact URL-safe text ("" for no edits).

    Raw-deflated bytes, base64url without padding: a header (version, cleared, number of
    removed rows, values per added point, number of added points), the removed row numbers as
    differences (uint16), then every added value in hundredths (int16).
    """
    if not edits:
        return ""
    removed = sorted(edits.removed)
    width = len(edits.added[0]) if edits.added else 0
    gaps = np.diff([0, *removed]) if removed else []
    values = [round(value * _SCALE) for row in edits.added for value in row]
    packed = (
        _HEADER.pack(_VERSION, int(edits.cleared), len(removed), width, len(edits.added))
        + struct.pack(f"<{len(removed)}H", *gaps)
        + struct.pack(f"<{len(values)}h", *values)
    )
    return link_text.encode(packed, link_text.RAW_DEFLATE)


def decode_edits(text: str) -> PointEdits:
    """The PointEdits `encode_edits` wrote; UserInputError for anything malformed or beyond the
    caps (MAX_SAMPLES removed rows, MAX_ADDED_POINTS added, values within MAX_POINT_VALUE)."""
    unreadable = "The points in the link could not be read."
    if not isinstance(text, str) or not 0 < len(text) <= MAX_LINK_TEXT:
        raise UserInputError("The points in the link are missing or too long.")
    packed = link_text.decode(text, _MAX_PACKED, unreadable, link_text.RAW_DEFLATE)
    try:
        version, cleared, n_removed, width, n_added = _HEADER.unpack_from(packed)
    except struct.error:
        raise UserInputError(unreadable) from None
    if (
        version != _VERSION
        or cleared not in (0, 1)
        or n_removed > limits.MAX_SAMPLES
        or n_added > limits.MAX_ADDED_POINTS
        or (n_added and width not in (2, 3))
        or (not n_added and width != 0)
        or len(packed) != _HEADER.size + 2 * n_removed + 2 * width * n_added
    ):
        raise UserInputError(unreadable)
    offset = _HEADER.size
    gaps = struct.unpack_from(f"<{n_removed}H", packed, offset)
    removed = np.cumsum(gaps, dtype=np.int64)
    if n_removed and (min(gaps[1:], default=1) < 1 or removed[-1] >= limits.MAX_SAMPLES):
        raise UserInputError(unreadable)
    values = struct.unpack_from(f"<{width * n_added}h", packed, offset + 2 * n_removed)
    rows = [tuple(values[start : start + width]) for start in range(0, len(values), max(width, 1))]
    if any(abs(value) > MAX_POINT_VALUE * _SCALE for row in rows for value in row):
        raise UserInputError(unreadable)
    rows = [_rounded(np.array(row) / _SCALE) for row in rows]
    edits = PointEdits(tuple(rows), frozenset(int(i) for i in removed), bool(cleared))
    if not edits:
        raise UserInputError(unreadable)
    return edits


# --- the edited data as a file --------------------------------------------------------------


def dataset_csv(dataset: Dataset) -> str:
    """`dataset` as CSV text (header: feature names, then the target) that the lab's upload
    reads back with the last column as the target. Multi-class targets become a class number."""
    if dataset.task == "multiclass":
        target = dataset.labels.reshape(-1, 1).astype(np.float64)
        name = "class"
    else:
        target, name = dataset.Y[:, :1], dataset.target_names[0]
    table = np.hstack([dataset.X, target])
    buffer = io.StringIO()
    buffer.write(",".join([*dataset.feature_names, name]) + "\n")
    for row in table:
        buffer.write(",".join(f"{value:.10g}" for value in row) + "\n")
    return buffer.getvalue()


# --- the plane a visitor clicks on ----------------------------------------------------------

EDITOR_GRID = 41  # click targets per axis: a click adds a point at the nearest target
EDITOR_MARGIN = 0.15  # the plane extends this fraction of the data range beyond the data


def _span(values: np.ndarray, outside: np.ndarray) -> tuple[float, float]:
    """The range of `values` with a margin, widened to hold every `outside` value too."""
    values = values[np.isfinite(values)]
    low, high = (float(values.min()), float(values.max())) if values.size else (-1.0, 1.0)
    pad = (high - low) * EDITOR_MARGIN or 1.0
    low, high = low - pad, high + pad
    outside = outside[np.isfinite(outside)]
    if outside.size:
        low, high = min(low, float(outside.min())), max(high, float(outside.max()))
    return round(low, POINT_DECIMALS), round(high, POINT_DECIMALS)


def editor_plane(base: Dataset, edits: PointEdits) -> tuple[np.ndarray, np.ndarray]:
    """The click targets' axes (EDITOR_GRID,) each: horizontal (x1, or x) and vertical (x2, or
    the value y), covering the generated data with a margin (and any added point beyond it),
    so the plane stays put while points are clicked on and off."""
    rows = np.array(edits.added, dtype=np.float64)
    width = base.X.shape[1] + 1
    rows = rows if rows.ndim == 2 and rows.shape[1] == width else np.empty((0, width))
    if base.X.shape[1] == 2:
        generated, added = base.X, rows[:, :2]
    else:
        generated, added = np.column_stack([base.X[:, 0], base.Y[:, 0]]), rows
    horizontal = np.linspace(*_span(generated[:, 0], added[:, 0]), EDITOR_GRID)
    vertical = np.linspace(*_span(generated[:, 1], added[:, 1]), EDITOR_GRID)
    return horizontal.round(POINT_DECIMALS), vertical.round(POINT_DECIMALS)


def clicked_row(base: Dataset, at: tuple[float, float], chosen_class: int) -> tuple[float, ...]:
    """The point a click at `at` (horizontal, vertical) adds: (x1, x2, class) on 2-input data,
    (x, y) on 1-input data."""
    if base.X.shape[1] == 2:
        return (*at, chosen_class)
    return tuple(at)
