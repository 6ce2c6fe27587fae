"""Every page of the app in a real browser: no exception, a screenshot of each (normal, presenter).

URL paths come from app.py's st.Page(..., url_path=...) calls; the default page is at "/".
"""

import ast

import pytest

from tests.e2e.helpers import assert_no_exception, wait_for_app
from tests.pages.test_app import APP


def url_paths() -> list[str]:
    """'' for the default page, then every url_path in app.py, in order."""
    paths = [""]
    for node in ast.walk(ast.parse(APP.read_text())):
        if isinstance(node, ast.keyword) and node.arg == "url_path":
            paths.append(node.value.value)
    return paths


def _open(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    close = page.get_by_role("dialog").get_by_role("button", name="Close")
    if close.count():  # the first view of a fresh server (tests/e2e/test_cold_start.py)
        close.first.click()
        wait_for_app(page)
    # Charts show a skeleton until they are drawn; wait for every one of them.
    page.wait_for_function(
        "document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0",
        timeout=20_000,
    )


@pytest.mark.parametrize("path", url_paths(), ids=lambda p: p or "home")
def test_every_page_renders_without_exception(page, app_url, path, shot_dir):
    _open(page, f"{app_url}/{path}")
    assert_no_exception(page)
    assert "Traceback" not in page.inner_text("body")
    page.screenshot(path=str(shot_dir / f"{path or 'home'}.png"), full_page=True)

    _open(page, f"{app_url}/{path}?presenter=true")
    assert_no_exception(page)
    assert not page.locator('[data-testid="stSidebar"]').first.is_visible()
    page.screenshot(path=str(shot_dir / f"{path or 'home'}-presenter.png"))
