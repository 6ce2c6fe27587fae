"""The home page in a real browser, served by a real `streamlit run`."""

from tests.e2e.helpers import assert_no_exception, wait_for_app


def test_home_page_renders_title_without_errors(page, app_url, shot_dir):
    page.goto(app_url)
    wait_for_app(page)
    assert page.get_by_role("heading", name="Backprop Lab").first.is_visible()
    assert_no_exception(page)
    page.screenshot(path=str(shot_dir / "home.png"), full_page=True)
