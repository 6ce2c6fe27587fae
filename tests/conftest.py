"""Fixtures shared by every test folder. Plain helpers live in tests/apptest_helpers.py;
the browser tests' server and Chromium fixtures in tests/e2e/conftest.py."""

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_helpers import ROOT, app_test


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
