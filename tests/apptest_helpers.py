"""Helpers shared by the AppTest page tests: the app under test, its pages, what they show.

Fixtures built on these live in tests/conftest.py; import from here when a plain function is
needed (e.g. in a parametrize list or inside a loop).
"""

import ast
import logging
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"


class LoggedBugs(logging.Handler):
    """Keeps the records with an exception that reach the logger it is added to (the app's
    logger: what error_boundary logs)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.records.append(record)


def app_test(query_params: dict[str, str] | None = None, timeout: float = 30) -> AppTest:
    """An AppTest of app.py (not yet run), optionally opened with URL query parameters."""
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    for key, value in (query_params or {}).items():
        at.query_params[key] = value
    return at


def open_at(
    page: str,
    query_params: dict[str, str] | None = None,
    session_state: dict | None = None,
    timeout: float = 60,
) -> AppTest:
    """app.py run once (the router, as a browser's first view), then switched to `page`
    ('app_pages/x.py') and run; `session_state` is set in between (e.g. an open panel)."""
    at = app_test(query_params, timeout).run()
    for key, value in (session_state or {}).items():
        at.session_state[key] = value
    return at.switch_page(page).run()


def router_pages() -> list[str]:
    """The page files app.py routes to (its st.Page(...) calls), e.g. 'app_pages/home.py'."""
    tree = ast.parse(APP.read_text())
    return [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", None) == "Page"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ]


def url_paths() -> list[str]:
    """'' for the default page, then every url_path in app.py's st.Page calls, in order."""
    paths = [""]
    for node in ast.walk(ast.parse(APP.read_text())):
        if isinstance(node, ast.keyword) and node.arg == "url_path":
            paths.append(node.value.value)
    return paths


def tracebacks(at: AppTest) -> list[str]:
    """Texts of elements that show a traceback or an exception."""
    found = [str(e.value)[:300] for e in at.exception]
    for kind in ("markdown", "error", "warning", "info", "code", "text", "caption"):
        for element in at.get(kind):
            text = str(getattr(element, "value", ""))
            if "Traceback" in text:
                found.append(text[:300])
    return found


def elements_in_order(at: AppTest) -> list:
    """The page's main-area elements in the order they are drawn (depth first)."""
    found = []

    def walk(node) -> None:
        children = getattr(node, "children", None)
        if children is None:
            found.append(node)
            return
        for index in sorted(children):
            walk(children[index])

    walk(at.main)
    return found


def chart_captions(at: AppTest) -> list[str]:
    """The caption right after each Plotly chart ('' when a chart has none)."""
    elements = elements_in_order(at)
    captions = []
    for index, element in enumerate(elements):
        if element.type == "plotly_chart":
            following = elements[index + 1] if index + 1 < len(elements) else None
            is_caption = following is not None and following.type == "caption"
            captions.append(following.value if is_caption else "")
    return captions
