"""Shareable links and the URL: building a view's link, writing and dropping query parameters,
and telling the visitor when a link asked for a value a control does not allow."""

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

import streamlit as st
from streamlit.errors import StreamlitAPIException

from app_pages.common import PRESENTER_KEY

MAX_SHARED_PARAM_CHARS = 200  # a longer key or value is left out of the shared link
_DROPPED_URL_KEYS = "_links_dropped_url_params"  # carried across the rerun that drops them


def build_view_url(base: str | None, params: Mapping[str, str | list[str]]) -> str:
    """The link to a view: `base` (scheme, host, page path) plus its query parameters.

    Parameters whose key or value is longer than MAX_SHARED_PARAM_CHARS are left out, so a
    tampered URL cannot turn into a huge link. Without a base (e.g. under AppTest) the link
    is just the query string.
    """
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if len(key) <= MAX_SHARED_PARAM_CHARS and len(str(item)) <= MAX_SHARED_PARAM_CHARS:
                pairs.append((key, str(item)))
    query = urlencode(pairs)
    root = base or ""
    return f"{root}?{query}" if query else (root or "?")


def current_view_url() -> str:
    """The link to what this visitor sees now: page URL plus every bound setting.

    Presenter mode is left out: the link shares the scenario, and students opening it on
    their own screens want the normal layout.
    """
    params = {key: st.query_params.get_all(key) for key in st.query_params if key != PRESENTER_KEY}
    return build_view_url(st.context.url, params)


def share_link() -> None:
    """A 'Share this view' popover with the current link in a code box (it has a copy button)."""
    with st.popover("Share this view", icon=":material/link:"):
        st.caption(
            "Copy this link: it opens this page with the same settings (for a class or a"
            " handout). Use the copy button at the right of the box. For a projector, add"
            " `presenter=true` to it."
        )
        st.code(current_view_url(), language=None, wrap_lines=True)


def url_params_snapshot() -> dict[str, list[str]]:
    """The query parameters as the visitor sent them, before any widget accepts or drops them."""
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _is_non_finite_number(text: str) -> bool:
    """True for text that parses as a float but is not finite: inf, nan, 1e309."""
    try:
        number = float(text)
    except (ValueError, OverflowError):
        return False
    return number != number or number in (float("inf"), float("-inf"))


def drop_non_finite_url_params(snapshot: Mapping[str, list[str]]) -> list[str]:
    """Remove query parameters whose value is a non-finite number; return their keys.

    Streamlit 1.67 crashes (OverflowError, uncaught) when it seeds an integer widget from a
    URL value like `1e309`; no sensible setting is infinite or NaN, so such values go first.
    The caller reruns so the widgets never see them.
    """
    dropped = []
    for key, values in snapshot.items():
        if any(_is_non_finite_number(value) for value in values):
            try:
                del st.query_params[key]
            except StreamlitAPIException:  # a parameter bound to a widget: Streamlit guards it
                continue
            dropped.append(key)
    if dropped:
        st.session_state[_DROPPED_URL_KEYS] = dropped
    return dropped


def _url_value_matches(raw: list[str], value: Any) -> bool:
    """Whether a widget's value is what the URL asked for (so nothing was ignored)."""
    if isinstance(value, list | tuple):
        return [str(item) for item in value] == raw or (
            len(raw) == 1 and raw[0] == ",".join(str(item) for item in value)
        )
    if len(raw) != 1:
        return False
    text = raw[0].strip()
    if isinstance(value, bool):
        return text.lower() == str(value).lower()
    if isinstance(value, int | float):
        try:
            return float(text) == float(value)
        except ValueError:
            return False
    return text == str(value)


def ignored_url_params(snapshot: Mapping[str, list[str]]) -> list[str]:
    """Keys of bound widgets whose URL value the widget did not accept (out of range, malformed).

    Streamlit drops such a value silently and keeps the widget's default; this finds them so
    the visitor can be told. Keys that are not widgets on this page are not judged.
    """
    ignored = []
    for key, raw in snapshot.items():
        if key not in st.session_state:
            continue
        try:
            value = st.session_state[key]
        except (KeyError, StreamlitAPIException):  # listed but not handed out: not a widget
            continue
        if not _url_value_matches(raw, value):
            ignored.append(key)
    return ignored


def note_ignored_url_params(snapshot: Mapping[str, list[str]], where: Any = None) -> None:
    """Show one visible warning naming the link values that were out of range or malformed."""
    ignored = st.session_state.pop(_DROPPED_URL_KEYS, []) + ignored_url_params(snapshot)
    if not ignored:
        return
    target = where if where is not None else st
    # Keys can be visitor text: show only plain name characters, never markup.
    names = [re.sub(r"[^A-Za-z0-9_.-]", "", key)[:40] or "?" for key in ignored[:8]]
    shown = ", ".join(f"`{name}`" for name in names)
    target.warning(
        f"This link asked for a value this page does not allow ({shown}); it was ignored and"
        " the default is used. Values must stay within the ranges the controls show.",
        icon=":material/link_off:",
    )


def sync_query_params(params: Mapping[str, str | None]) -> None:
    """Write query parameters that are not widgets: set each value, remove each None (a default
    is left out of the URL)."""
    for key, value in params.items():
        if value is None:
            st.query_params.pop(key, None)
        elif st.query_params.get(key) != value:
            st.query_params[key] = value


def drop_query_params(keys: Iterable[str]) -> None:
    """Remove the query parameters of widgets this run does not draw (a bound widget's
    parameter leaves the URL when the widget does)."""
    for key in keys:
        st.query_params.pop(key, None)
