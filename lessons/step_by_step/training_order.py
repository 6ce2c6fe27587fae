"""Which examples the step page's training steps were taken on, and its short URL form.

A training step is taken on the whole batch (BATCH: the mean over every row) or on one example
(its 0-based row). The page keeps the order as runs, ((row, count), ...), so that a shared link
replays the same updates on the same examples: one epoch one example at a time is N runs of one
step each, on rows r, r+1, ... (wrapping round).

URL form: runs joined by '.', each one of `b` (a batch step), `bK` (K batch steps), `R` (one
step on row R), `RxK` (K steps on row R), `R-S` (one step on each row R, R+1, ..., S). For
example `bx2.0-3` is two batch steps, then one epoch over rows 0 to 3. Rows are 0-based.
"""

import re
from collections.abc import Iterator

from engine.errors import UserInputError

BATCH = -1  # the row of a step taken on the whole batch
MAX_RUNS = 64  # past this the order is no longer kept (None): the link cannot replay it
MAX_TEXT_CHARS = 200  # a longer URL form is not written (a shared link keeps values short)

Runs = tuple[tuple[int, int], ...]

_TOKEN = re.compile(r"(b|\d{1,4})(?:x(\d{1,3}))?|(\d{1,4})-(\d{1,4})")


def add(runs: Runs | None, row: int) -> Runs | None:
    """`runs` followed by one step on `row` (BATCH for the batch); None stays None (unknown)."""
    if runs is None:
        return None
    if runs and runs[-1][0] == row:
        return (*runs[:-1], (row, runs[-1][1] + 1))
    if len(runs) >= MAX_RUNS:
        return None
    return (*runs, (row, 1))


def remove_last(runs: Runs | None) -> Runs | None:
    """`runs` without its last step (an undo); None stays None."""
    if not runs:
        return runs
    row, count = runs[-1]
    return runs[:-1] if count == 1 else (*runs[:-1], (row, count - 1))


def total(runs: Runs) -> int:
    """How many steps `runs` holds."""
    return sum(count for _, count in runs)


def rows(runs: Runs) -> Iterator[int]:
    """The row (or BATCH) of each step, in order."""
    for row, count in runs:
        yield from [row] * count


def encode(runs: Runs | None) -> str | None:
    """The URL form of `runs`; None when unknown or longer than MAX_TEXT_CHARS."""
    if runs is None:
        return None
    tokens: list[str] = []
    i = 0
    while i < len(runs):
        row, count = runs[i]
        j = i
        # One step on each of several consecutive rows (an epoch) becomes R-S.
        while (
            row != BATCH and count == 1 and j + 1 < len(runs) and runs[j + 1] == (runs[j][0] + 1, 1)
        ):
            j += 1
        if j > i:
            tokens.append(f"{row}-{runs[j][0]}")
        else:
            name = "b" if row == BATCH else str(row)
            tokens.append(name if count == 1 else f"{name}x{count}")
        i = j + 1
    text = ".".join(tokens)
    return text if len(text) <= MAX_TEXT_CHARS else None


def decode(text: str, n_rows: int, max_steps: int) -> Runs:
    """The runs written as `text` (see the module docstring) for a table of `n_rows` rows.

    Raises UserInputError for malformed text, a row outside the table, or more than
    `max_steps` steps in all.
    """
    if len(text) > MAX_TEXT_CHARS:
        raise UserInputError(
            f"The link's order of examples is longer than {MAX_TEXT_CHARS} characters."
        )
    runs: Runs = ()
    for token in text.split("."):
        match = _TOKEN.fullmatch(token)
        if match is None:
            raise UserInputError(
                "The link's order of examples must be runs like b, bx3, 2, 2x5 or 0-3, joined"
                " by '.'."
            )
        single, times, first, last = match.groups()
        if first is not None:
            steps = [int(row) for row in range(int(first), int(last) + 1)]
            if not steps:
                raise UserInputError("A range of examples in the link must go upwards (like 0-3).")
        else:
            row = BATCH if single == "b" else int(single)
            if times is not None and int(times) == 0:
                raise UserInputError("A run of training steps in the link needs at least 1 step.")
            steps = [row] * int(times or 1)
        for row in steps:
            if row != BATCH and row >= n_rows:
                raise UserInputError(
                    f"The link trains on example {row + 1}; this table has {n_rows}."
                )
            runs = add(runs, row)
            if runs is None or total(runs) > max_steps:
                raise UserInputError(
                    f"A link can replay at most {max_steps} training steps in {MAX_RUNS} runs."
                )
    return runs
