"""Keep-the-last-valid-state helper shared by the Learn and Practise pages. No math here."""

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from app_pages.common import PRESENTER_FONT_SIZE, PRESENTER_HEIGHT_FACTOR, presenter_mode

T = TypeVar("T")


def last_valid(key: str, build: Callable[[], T], fallback: Callable[[], T]) -> T:
    """`build()`, remembered under `key`; if it raises ValueError, show the message and return
    the last value that was valid (or `fallback()` when there was none yet)."""
    try:
        value = build()
    except ValueError as error:
        st.error(f"{error} The last valid values are shown instead.", icon=":material/error:")
        if key in st.session_state:
            return st.session_state[key]
        return fallback()
    st.session_state[key] = value
    return value


NORMAL_FONT_SIZE = 14


def figure_size(height: int) -> dict[str, int]:
    """Keyword arguments `height` and `font_size` for the viz builders: larger when presenting."""
    if presenter_mode():
        return {"height": int(height * PRESENTER_HEIGHT_FACTOR), "font_size": PRESENTER_FONT_SIZE}
    return {"height": height, "font_size": NORMAL_FONT_SIZE}
