"""Presenter mode in a real browser at 1280x720: big text, no sidebar, arrow keys still step."""

import re

from playwright.sync_api import expect

from tests.e2e.helpers import assert_no_exception, open_view, rerun

SIDEBAR = '[data-testid="stSidebar"]'
GRAPH = ".st-key-step_player"  # the step page's player: network graph, motion, narration
PLAYER = ".player"  # inside the player's shadow root (Playwright's CSS pierces it)


def _graph_box(page) -> dict:
    page.wait_for_selector(f"{PLAYER}[data-ready]")  # drawn and its keys bound
    return page.locator(GRAPH).bounding_box()


def _open(page, url: str) -> None:
    """Open a view and wait until it is drawn (the first-view notice of a fresh server, a
    known first-run bug covered by tests/e2e/test_cold_start.py, is closed)."""
    open_view(page, url)


def _root_font_px(page) -> float:
    return float(page.evaluate("getComputedStyle(document.documentElement).fontSize")[:-2])


def _presenter_toggle(page):
    return page.get_by_role("switch", name="Presenter mode")


def _focus_page(page) -> None:
    """Keyboard shortcuts need the document focused: click plain text that no widget owns."""
    page.get_by_text("Step by step", exact=True).first.click()


def test_presenter_link_hides_sidebar_enlarges_text_and_keeps_the_toggle(page, app_url, shot_dir):
    _open(page, f"{app_url}/step")
    normal_font = _root_font_px(page)
    normal_chart = _graph_box(page)
    assert page.locator(SIDEBAR).first.is_visible()
    page.screenshot(path=str(shot_dir / "step-normal.png"))

    _open(page, f"{app_url}/step?presenter=true")
    assert_no_exception(page)
    expect(page.locator(SIDEBAR).first).to_be_hidden()
    page.wait_for_function(
        f"parseFloat(getComputedStyle(document.documentElement).fontSize) >= {normal_font * 1.25}"
    )
    toggle = _presenter_toggle(page)
    assert toggle.is_checked()
    box = page.locator(".st-key-presenter").bounding_box()
    assert box and box["y"] + box["height"] <= 720 and box["x"] + box["width"] <= 1280
    assert page.get_by_text("Explore").first.is_visible()  # navigation moved to the top bar
    presenter_chart = _graph_box(page)
    assert presenter_chart["height"] > normal_chart["height"]
    assert presenter_chart["width"] >= normal_chart["width"]
    page.screenshot(path=str(shot_dir / "step-presenter.png"))


def test_arrow_keys_step_forward_and_back_in_presenter_mode(page, app_url, shot_dir):
    _open(page, f"{app_url}/step?presenter=true")
    _graph_box(page)
    page.wait_for_selector(f'{PLAYER}[data-phase="0"]')
    _focus_page(page)
    for key, phase in [("ArrowRight", 1), ("ArrowRight", 2), ("ArrowLeft", 1)]:
        page.keyboard.press(key)  # from the very first press: no settling time
        page.wait_for_selector(f'{PLAYER}[data-phase="{phase}"]')
        if phase == 2:
            page.screenshot(path=str(shot_dir / "phase-3-presenter.png"))
    assert not page.locator(SIDEBAR).first.is_visible()
    assert_no_exception(page)


def test_switching_presenter_off_brings_the_sidebar_back_and_cleans_the_url(page, app_url):
    _open(page, f"{app_url}/step?presenter=true")
    with rerun(page):
        page.locator(".st-key-presenter label").first.click()
    assert page.locator(SIDEBAR).first.is_visible()
    assert "presenter" not in page.url
    assert not _presenter_toggle(page).is_checked()


def test_tampered_link_shows_a_note_and_no_traceback(page, app_url, shot_dir):
    _open(page, f"{app_url}/step?step_hidden=999&step_lr=abc&presenter=1e309")
    assert_no_exception(page)
    note = page.get_by_text(re.compile("This link asked for a value"))
    assert note.first.is_visible()
    assert "Traceback" not in page.inner_text("body")
    page.screenshot(path=str(shot_dir / "tampered.png"))


def test_share_link_follows_a_changed_setting_and_leaves_presenter_mode_out(page, app_url):
    _open(page, f"{app_url}/step?presenter=true")
    rate = page.locator(".st-key-step_lr input")
    rate.fill("0.25")
    with rerun(page):
        rate.press("Enter")
    expect(page).to_have_url(re.compile(r"step_lr=0\.25"))
    page.get_by_text("Share this view").click()
    link = page.locator('[data-testid="stCode"]').first
    expect(link).to_contain_text("step_lr=0.25")
    assert link.inner_text().strip() == f"{app_url}/step?step_lr=0.25"
