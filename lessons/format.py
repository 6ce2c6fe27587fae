"""How the app writes a number, in every lesson text, figure and page: enough significant digits
to redo the arithmetic, and words for NaN and infinities."""

import math

DIGITS = 4  # significant digits shown for a value


def format_number(value: float, digits: int = DIGITS) -> str:
    """`value` with `digits` significant digits; never prints 'nan'.

    Large or tiny magnitudes use scientific notation; NaN becomes 'undefined' and infinities
    'infinite' so that a diverged step reads as words, not as 'nan'.
    """
    value = float(value)
    if math.isnan(value):
        return "undefined"
    if math.isinf(value):
        return "infinite" if value > 0 else "minus infinite"
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1e5 or magnitude < 1e-4:
        return f"{value:.{digits - 1}e}"
    text = f"{value:.{digits}g}"
    if "e" in text:  # e.g. 1e+04 from rounding: fall back to fixed notation
        text = f"{value:.{max(digits - len(str(int(magnitude))), 0)}f}"
    return text


def format_signed(value: float, digits: int = DIGITS) -> str:
    """Like format_number, with parentheses around negatives, for substituting into sums."""
    text = format_number(value, digits)
    return f"({text})" if float(value) < 0 else text
