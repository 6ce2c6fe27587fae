"""Widget and state helpers shared by the pages. Keep it small; no math lives here."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

log = logging.getLogger("backprop_lab")


@contextmanager
def error_boundary(what: str = "this view") -> Iterator[None]:
    """Show a ValueError's message as st.error; show any other error as a short apology.

    Streamlit's own control-flow exceptions (rerun, stop) derive from BaseException and
    pass through untouched.
    """
    try:
        yield
    except ValueError as error:
        st.error(str(error))
    except Exception:  # the last line of defence: never show a traceback to a visitor
        log.exception("unexpected error in %s", what)
        st.error(
            f"Something went wrong while drawing {what}. Your last valid settings are kept;"
            " try another value or press Reset."
        )


def presenter_mode() -> bool:
    """True when the visitor switched on presenter mode (large text and figures, no sidebar)."""
    return bool(st.session_state.get("presenter", False))
