"""Widget and state helpers shared by the pages. Keep it small; no math lives here."""

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

# Every page imports this module, so every page has pandas fully imported before Plotly looks
# for it: a session that finds a half-imported pandas in sys.modules fails with "partially
# initialized module 'pandas'". app.py imports it too, but the first run of a fresh server can
# run a page file without app.py (see README "Known limits").
import pandas  # noqa: F401
import plotly.graph_objects  # noqa: F401
import streamlit as st

from engine.activations import ACTIVATIONS
from engine.errors import UserInputError
from lessons.notation import glossary_symbols

log = logging.getLogger("backprop_lab")


@contextmanager
def error_boundary(what: str = "this view") -> Iterator[None]:
    """Show a UserInputError's message as st.error; log any other error and apologise.

    Only UserInputError is the visitor's to fix; anything else is a bug, so it is logged
    (the tests fail on a logged bug) and the visitor sees a calm message, never a traceback.
    Streamlit's own control-flow exceptions (rerun, stop) derive from BaseException and
    pass through untouched.
    """
    try:
        yield
    except UserInputError as error:
        st.error(str(error))
    except Exception:  # any other error is a bug: log it, never show a traceback
        log.exception("unexpected error in %s", what)
        st.error(
            f"Something went wrong while drawing {what}. Your last valid settings are kept;"
            " try another value or press Reset."
        )


def presenter_mode() -> bool:
    """True when the visitor switched on presenter mode (large text and figures, no sidebar)."""
    return bool(st.session_state.get("presenter", False))


# --- Presenter mode, shareable links and URL checks (used by app.py on every page) ----------

PRESENTER_KEY = "presenter"

# Static CSS of ours, never visitor text. Streamlit sizes text in rem, so a larger root font
# enlarges every label, metric and table at once; the sidebar (where pages keep their controls)
# is hidden, and navigation moves to the top bar (see app.py).
_PRESENTER_CSS = """<style>
html { font-size: 21px; }
section[data-testid="stSidebar"],
[data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding-top: 3.2rem; padding-bottom: 1rem;
  max-width: 100%; }
</style>"""

# Static CSS on every page. KaTeX gives each sub- or superscript a 2 px strut with a -2 px
# margin, so a display formula's box is 2 px narrower than what it holds and scrolls by 2 px:
# a scrollable region a keyboard cannot reach (axe: scrollable-region-focusable). The padding
# gives those 2 px back.
_APP_CSS = """<style>
.katex-display > .katex { padding-right: 2px; }
</style>"""

PRESENTER_FONT_SIZE = 20  # Plotly font size in presenter mode (px); the default is 12
PRESENTER_HEIGHT_FACTOR = 1.25  # figures grow by this factor in presenter mode


def presenter_toggle() -> bool:
    """Render the presenter-mode toggle (bound to `?presenter=true`) and return its value.

    It lives in the main area, not the sidebar, so it stays reachable when presenter mode
    hides the sidebar.
    """
    return st.toggle(
        "Presenter mode",
        key=PRESENTER_KEY,
        bind="query-params",
        help="Large text and figures for a projector; hides the sidebar. Arrow keys still step.",
    )


def apply_page_style() -> None:
    """Inject the app's CSS, and the presenter CSS when presenter mode is on (static CSS only)."""
    st.html(_APP_CSS)
    if presenter_mode():
        st.html(_PRESENTER_CSS)


def presenter_figure(fig: Any) -> Any:
    """Enlarge a Plotly figure's fonts and height in presenter mode; unchanged otherwise.

    Call it on a figure right before `st.plotly_chart`; it returns the same figure object.
    """
    if not presenter_mode():
        return fig
    height = fig.layout.height
    fig.update_layout(font={"size": PRESENTER_FONT_SIZE})
    if height:
        fig.update_layout(height=int(height * PRESENTER_HEIGHT_FACTOR))
    return fig


def clamp_with_note(label: str, value: float, low: float, high: float) -> float:
    """Clamp a number that arrived from outside a widget (URL, state) into [low, high].

    Shows a visible warning when it had to clamp; a NaN falls back to `low` with a warning.
    """
    if value != value:  # NaN
        st.warning(f"{label} was not a number; {low} is used instead.")
        return low
    if value < low or value > high:
        clamped = min(max(value, low), high)
        st.warning(f"{label} must be between {low} and {high}; {clamped} is used instead.")
        return clamped
    return value


def chart(fig: Any, alt: str, **kwargs: Any) -> Any:
    """`st.plotly_chart` with a text alternative below it, enlarged in presenter mode.

    Plotly charts have no alt attribute in Streamlit, so `alt` (one or two sentences saying
    what the chart shows and what to notice, in words, not colours) is shown as a caption a
    screen reader reads with the chart. Returns what `st.plotly_chart` returns (a selection
    event when `on_select` is given).
    """
    result = st.plotly_chart(presenter_figure(fig), alt=alt, **kwargs)
    st.caption(alt)
    return result


T = TypeVar("T")


def last_valid(
    key: str,
    build: Callable[[], T],
    fallback: Callable[[], T],
    note: str = "The last valid values are shown instead.",
) -> T:
    """`build()`, remembered under `key`; if it raises UserInputError, show the message and
    `note`, and return the last value that was valid (or `fallback()` when there was none yet)."""
    try:
        value = build()
    except UserInputError as error:
        st.error(f"{error} {note}", icon=":material/error:")
        if key in st.session_state:
            return st.session_state[key]
        return fallback()
    st.session_state[key] = value
    return value


NORMAL_FONT_SIZE = 14  # Plotly font size (px) outside presenter mode
DENSE_FONT_SIZE = 12  # Plotly font size (px) of figures packed several to a row


def chart_font_size(normal: int = NORMAL_FONT_SIZE) -> int:
    """The font size to build a figure with: the presenter font in presenter mode, else
    `normal` (DENSE_FONT_SIZE for figures packed several to a row, as in the training lab)."""
    return PRESENTER_FONT_SIZE if presenter_mode() else normal


def chart_size(height: int) -> dict[str, int]:
    """Keyword arguments `height` and `font_size` for a viz builder whose figure goes to `chart`.

    The font is the presenter font in presenter mode; the height stays as given, because
    `chart` multiplies it by PRESENTER_HEIGHT_FACTOR once.
    """
    return {
        "height": height,
        "font_size": chart_font_size(),
    }


def activation_selectbox(label: str, options: Sequence[str], key: str, where: Any = st) -> str:
    """A URL-bound selectbox over activation names, showing each activation's label.

    `where` is the container to draw in (st, a column, ...); the URL carries the shown label.
    """
    return where.selectbox(
        label,
        options,
        format_func=lambda name: ACTIVATIONS[name].label,
        key=key,
        bind="query-params",
    )


def show_equations(equations: Iterable[Any]) -> None:
    """Each equation's caption, then its LaTeX (objects with `caption` and `latex` text)."""
    for equation in equations:
        st.caption(equation.caption)
        st.latex(equation.latex)


def button_row(buttons: Sequence[tuple[str, str, Any, dict]], on_click: Callable[[Any], None]):
    """Buttons side by side: each (label, key, argument, options) calls `on_click(argument)`
    when pressed; `options` are further st.button keywords (shortcut, icon, disabled, help)."""
    with st.container(horizontal=True):
        for label, key, argument, options in buttons:
            st.button(label, key=key, on_click=on_click, args=(argument,), **options)


def number_table_editor(
    values: Any,
    rows: Sequence[str],
    columns: Sequence[str],
    key: str,
    parse: Callable[[list[list[Any]]], T],
) -> T | None:
    """An editable table of numbers (st.data_editor) over `values` (rows x columns); returns
    `parse(cells)`, or None after showing parse's UserInputError (the caller keeps the last
    valid values)."""
    frame = pandas.DataFrame(values, index=list(rows), columns=list(columns))
    edited = st.data_editor(frame, key=key, num_rows="fixed", width="stretch")
    try:
        return parse(edited.to_numpy(dtype=object).tolist())
    except UserInputError as error:
        st.error(f"{error} The last valid values are used.", icon=":material/error:")
        return None


def symbols_expander(latex_blocks: Sequence[str], expanded: bool = False) -> None:
    """A 'Symbols on this page' expander listing each symbol `latex_blocks` use, with its
    one-line meaning from lessons/notation.py and a link to the glossary."""
    symbols = glossary_symbols(latex_blocks)
    if not symbols:
        return
    with st.expander("Symbols on this page", icon=":material/functions:", expanded=expanded):
        st.markdown("\n".join(f"- ${symbol.latex}$: {symbol.meaning}" for symbol in symbols))
        st.page_link("app_pages/glossary.py", label="Every symbol and term: the glossary")


def named_selectbox(
    where: Any,
    label: str,
    names: Sequence[str],
    labels: Callable[[str], str],
    key: str,
    index: int = 0,
    **kwargs: Any,
) -> str:
    """A selectbox over internal names (e.g. "leaky_relu") that shows their labels ("Leaky
    ReLU") while the URL keeps carrying the name as `?key=name`, as a selectbox of plain names
    bound to the query parameters did (a bound selectbox would put the shown label in the URL
    and break every link shared before): a link's name is taken when the widget appears, the
    default is left out of the URL, and the choice is remembered while the widget is not drawn.
    Call `drop_query_params` for such keys when their widget is not drawn.
    """
    remembered = f"_named_{key}"  # a widget's own value is dropped while it is not drawn
    if key not in st.session_state:
        for wanted in (st.query_params.get(key), st.session_state.get(remembered)):
            if wanted in names:
                st.session_state[key] = wanted
                break
    # With a value already in Session State, passing a non-zero index makes Streamlit warn.
    start = 0 if key in st.session_state else index
    value = where.selectbox(label, names, index=start, format_func=labels, key=key, **kwargs)
    st.session_state[remembered] = value
    if value == names[index]:
        st.query_params.pop(key, None)
    elif st.query_params.get(key) != value:
        st.query_params[key] = value
    return value
