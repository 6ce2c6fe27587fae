"""The one exception a visitor can cause and fix.

`UserInputError` is raised for everything a visitor (or a teacher's notebook) can correct: a bad
table cell, a shape mismatch, a value beyond the caps, a bad CSV file, a tampered URL value. Its
message says what is allowed. Pages catch only this type and show the message next to the
control; any other exception is a bug, logged by the router's error boundary.

It subclasses `ValueError`, so code written against the engine before it existed keeps working.
"""


class UserInputError(ValueError):
    """Input a visitor can fix; the message says what is allowed."""
