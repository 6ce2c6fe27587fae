"""Fixtures shared by every test folder. Plain helpers live in tests/apptest_helpers.py;
the browser tests' server and Chromium fixtures in tests/e2e/conftest.py."""

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_helpers import ROOT, LoggedBugs, app_test


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The repository root (where app.py lives)."""
    return ROOT


@pytest.fixture
def new_app() -> Callable[..., AppTest]:
    """Factory of AppTests of app.py, not yet run: `new_app({"presenter": "true"})`."""
    return app_test


@pytest.fixture
def open_page() -> Callable[..., AppTest]:
    """Open one page the way a visitor does: `open_page("app_pages/x.py", {"lr": "0.1"})`.

    The router runs first (as in a browser), then switches to the page; both runs are done.
    """

    def open_(page: str, query_params: dict[str, str] | None = None) -> AppTest:
        return app_test(query_params).run().switch_page(page).run()

    return open_


@pytest.fixture(autouse=True)
def logged_bugs(request: pytest.FixtureRequest) -> Iterator[LoggedBugs]:
    """Fail any test during which the app logged a bug (an exception other than UserInputError
    that a page's error boundary caught), even though the visitor saw only an apology.

    A test that provokes a bug on purpose marks itself `expects_logged_bug` and reads
    `logged_bugs.records`.
    """
    handler = LoggedBugs()
    logger = logging.getLogger("backprop_lab")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
    if handler.records and not request.node.get_closest_marker("expects_logged_bug"):
        text = logging.Formatter().formatException(handler.records[0].exc_info)
        pytest.fail(f"the app logged a bug during this test:\n{text[-2000:]}")
