"""Fixtures for browser tests: a real Streamlit server and Debian's Chromium via Playwright."""

import re
from pathlib import Path

import pytest

from tests.e2e.helpers import CHROMIUM, CHROMIUM_ARGS, PROJECT_ROOT, new_page, running_server

OUTPUT_ROOT = PROJECT_ROOT / "test-output"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def app_server():
    """A `streamlit run app.py` server shared by the browser tests of one pytest session."""
    with running_server() as server:
        yield server


@pytest.fixture(scope="session")
def app_url(app_server) -> str:
    """Base URL of the shared server, e.g. http://127.0.0.1:40123."""
    return app_server.url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser context and page at 1280x720 (a projector's size), counting the app's
    script runs from the start (see tests/e2e/helpers.py wait_for_app and rerun)."""
    page = new_page(browser)
    yield page
    page.context.close()


@pytest.fixture
def shot_dir(request) -> Path:
    """test-output/<test name>/: where a test saves its screenshots."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    folder = OUTPUT_ROOT / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder
