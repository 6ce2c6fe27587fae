"""Reading a visitor's CSV file into a Dataset, with a clear message for every kind of bad file."""

import csv
import io

import numpy as np

from engine import limits
from engine.datasets import Dataset
from engine.errors import UserInputError


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    if len(data) > limits.MAX_CSV_BYTES:
        raise UserInputError(
            f"The file is {len(data):,} bytes; at most {limits.MAX_CSV_BYTES:,} bytes are allowed."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserInputError("The file is not UTF-8 text; save it as a plain CSV file.") from None


def read_csv_table(data: bytes | str) -> tuple[list[str], np.ndarray]:
    """Column names and a (rows, columns) float64 table from CSV text with a header row.

    Raises UserInputError for an empty or oversized file, a missing header, ragged rows, empty
    cells, non-numeric cells and non-finite values, naming the row and column.
    """
    text = _decode(data)
    if len(text.encode("utf-8")) > limits.MAX_CSV_BYTES:
        raise UserInputError(f"The file is larger than {limits.MAX_CSV_BYTES:,} bytes.")
    if not text.strip():
        raise UserInputError("The file is empty; it needs a header row and at least one data row.")
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise UserInputError(f"The file is not valid CSV: {error}.") from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise UserInputError("The file has no values; it needs a header row and data rows.")
    header = [name.strip() for name in rows[0]]
    if len(header) < 2:
        raise UserInputError("The file needs at least two columns: one feature and the target.")
    if len(header) > limits.MAX_CSV_COLUMNS:
        raise UserInputError(
            f"The file has {len(header)} columns; at most {limits.MAX_CSV_COLUMNS} are allowed."
        )
    if any(not name for name in header) or len(set(header)) != len(header):
        raise UserInputError("Every column needs a name in the header row, and names must differ.")
    body = rows[1:]
    if not body:
        raise UserInputError("The file has a header row but no data rows.")
    if len(body) > limits.MAX_CSV_ROWS:
        raise UserInputError(
            f"The file has {len(body):,} data rows; at most {limits.MAX_CSV_ROWS:,} are allowed."
        )
    table = np.empty((len(body), len(header)))
    for row_number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise UserInputError(
                f"Row {row_number} has {len(row)} cells but the header has {len(header)}."
            )
        for column, cell in enumerate(row):
            cell = cell.strip()
            if not cell:
                raise UserInputError(
                    f"Row {row_number}, column '{header[column]}' is empty; fill in every cell."
                )
            try:
                value = float(cell)
            except ValueError:
                raise UserInputError(
                    f"Row {row_number}, column '{header[column]}' is not a number: {cell[:30]!r}."
                ) from None
            if not np.isfinite(value) or abs(value) > limits.MAX_ABS_VALUE:
                raise UserInputError(
                    f"Row {row_number}, column '{header[column]}' must be a finite number no"
                    f" larger than {limits.MAX_ABS_VALUE:g} in magnitude."
                )
            table[row_number - 2, column] = value
    return header, table


def load_csv(data: bytes | str, target: str, name: str = "uploaded") -> Dataset:
    """A Dataset from CSV text: every other column is a feature, `target` is the target.

    The task is binary classification when the target holds only 0 and 1 (both present),
    otherwise regression. Standardisation happens in `train_test_split`, as for every dataset.
    """
    header, table = read_csv_table(data)
    if target not in header:
        raise UserInputError(
            f"There is no column {target!r}; the columns are: {', '.join(header)}."
        )
    target_index = header.index(target)
    features = [column for column in header if column != target]
    X = np.delete(table, target_index, axis=1)
    Y = table[:, [target_index]]
    if len(Y) < 4:
        raise UserInputError("The file needs at least 4 data rows to train and test on.")
    is_binary = set(np.unique(Y)) == {0.0, 1.0}
    return Dataset(
        name,
        X,
        Y,
        tuple(features),
        (target,),
        "binary" if is_binary else "regression",
        f"Uploaded CSV: {len(Y)} rows, target '{target}'.",
    )
