"""The first page views after a server start render without errors, in a real browser.

Each test starts its own fresh server: the failures this guards against (a half-imported
pandas when two sessions import it at once; a folder named `pages/` making the first run of a
process an old-style multipage app) only happen on the very first script runs of a process.
"""

import pytest
from playwright.sync_api import expect

from deploy.replicas import warm_up
from tests.e2e.helpers import assert_no_exception, new_page, running_server, wait_for_app

DEEP_LINKS = ["step", "lab", "activations", "chain-rule", "learning-rate", "worked-example"]


@pytest.fixture
def fresh_server():
    with running_server() as server:
        yield server


def _assert_clean_first_view(page, server) -> None:
    wait_for_app(page)
    assert_no_exception(page)
    dialogs = page.get_by_role("dialog")
    if dialogs.count():
        raise AssertionError(f"dialog on the first view: {dialogs.first.inner_text()[:500]}")
    assert "Traceback" not in page.inner_text("body")
    assert "Traceback" not in server.log_text(), server.log_text()[-3000:]


def test_first_view_of_home_after_start_renders(page, fresh_server, shot_dir):
    page.goto(fresh_server.url)
    _assert_clean_first_view(page, fresh_server)
    expect(page.get_by_role("heading", name="Backprop Lab").first).to_be_visible()
    page.screenshot(path=str(shot_dir / "home-first-view.png"))


@pytest.mark.parametrize("path", ["step", "lab", "activations", "practice"])
def test_first_view_of_a_deep_link_after_start_opens_that_page(page, fresh_server, path, shot_dir):
    """A shared link is often the first thing a fresh server is asked for (a class clicking it).

    The page must run through app.py (its top bar is there) with the app's own navigation,
    not as a stand-alone script from the pages folder.
    """
    page.goto(f"{fresh_server.url}/{path}")
    _assert_clean_first_view(page, fresh_server)
    assert page.url.split("?")[0].rstrip("/").endswith(f"/{path}")
    # Waited for, not counted at once: the browser can still be drawing the run's elements
    # (first use of a widget's code) when the script state already reads "notRunning".
    expect(page.get_by_text("Presenter mode"), "app.py did not run for this view").to_have_count(1)
    navigation = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "common" not in navigation.lower()
    page.screenshot(path=str(shot_dir / f"{path}-first-view.png"))


@pytest.mark.parametrize("path", ["step", "activations"])
def test_a_warmed_up_server_opens_a_deep_link_cleanly(page, fresh_server, path):
    """deploy/replicas.py runs app.py once before any visitor; the first visitor is then fine."""
    warm_up(fresh_server.url)
    page.goto(f"{fresh_server.url}/{path}")
    _assert_clean_first_view(page, fresh_server)
    expect(page.get_by_text("Presenter mode")).to_have_count(1)
    navigation = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "common" not in navigation.lower()


def test_simultaneous_first_views_of_every_page_render(browser, fresh_server):
    """Several browsers hit a fresh server at once (the pandas partial-import race)."""
    pages = [new_page(browser) for _ in DEEP_LINKS]
    try:
        for page, path in zip(pages, DEEP_LINKS, strict=True):
            page.goto(f"{fresh_server.url}/{path}", wait_until="commit")
        for page in pages:
            wait_for_app(page, timeout=60_000)
            assert_no_exception(page)
        assert "Traceback" not in fresh_server.log_text(), fresh_server.log_text()[-3000:]
    finally:
        for page in pages:
            page.context.close()
