"""Number formatting for figures and pages: the lesson layer's (lessons/format.py), so a number
reads the same on the graph, in an equation and in a narrated sentence."""

from lessons.format import DIGITS, format_number, format_signed

__all__ = ["DIGITS", "format_number", "format_signed"]
