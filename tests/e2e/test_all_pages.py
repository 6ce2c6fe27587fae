"""Every page of the app in a real browser: no exception, a screenshot of each (normal, presenter).

URL paths come from app.py's st.Page(..., url_path=...) calls; the default page is at "/".
"""

import pytest

from tests.apptest_helpers import url_paths
from tests.e2e.helpers import assert_no_exception, open_view


@pytest.mark.parametrize("path", url_paths(), ids=lambda p: p or "home")
def test_every_page_renders_without_exception(page, app_url, path, shot_dir):
    open_view(page, f"{app_url}/{path}")
    assert_no_exception(page)
    assert "Traceback" not in page.inner_text("body")
    page.screenshot(path=str(shot_dir / f"{path or 'home'}.png"), full_page=True)

    open_view(page, f"{app_url}/{path}?presenter=true")
    assert_no_exception(page)
    assert not page.locator('[data-testid="stSidebar"]').first.is_visible()
    page.screenshot(path=str(shot_dir / f"{path or 'home'}-presenter.png"))
