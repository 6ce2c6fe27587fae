"""Your own points in a real browser: a click on the empty plane adds a point, a click on it
removes it again, and the shared link carries it."""

import re
from urllib.parse import urlencode

from lessons.training_lab.points import EDITOR_GRID, NO_EDITS, add_point, encode_edits
from tests.e2e.helpers import assert_no_exception, open_view, wait_for_app
from viz.labels import DATASET_LABELS

EDITOR_TITLE = "Your data: click to add a point"
# Where the editor's top-left click target is drawn: the axes run half a target spacing beyond
# the outer targets, so with n targets per axis the first lies span / (2 n) inside each edge.
TOP_LEFT_TARGET_JS = """(element, n) => {
    const plot = element.querySelector('.js-plotly-plot');
    const xaxis = plot._fullLayout.xaxis, yaxis = plot._fullLayout.yaxis;
    const [x0, x1] = xaxis.range, [y0, y1] = yaxis.range;
    const box = plot.getBoundingClientRect();
    return {x: box.left + xaxis._offset + xaxis.l2p(x0 + (x1 - x0) / (2 * n)),
            y: box.top + yaxis._offset + yaxis.l2p(y1 - (y1 - y0) / (2 * n))};
}"""


def _open_editor(page, app_url: str, link: str | None = None):
    if link is None:
        page.goto(app_url)
        wait_for_app(page)
        page.locator('[data-testid="stSidebarNavLink"]').filter(has_text="Training lab").click()
    else:
        open_view(page, link)
    page.locator('[data-testid="stMetric"]').filter(has_text="Updates").first.wait_for()
    wait_for_app(page)
    editor = page.locator('[data-testid="stPlotlyChart"]').filter(has_text=EDITOR_TITLE)
    if not editor.count():  # the panel opens by itself only for a link with points
        page.get_by_text("Your own data: click to add or remove points").click()
        wait_for_app(page)  # opening the panel reruns the page, which draws the editor
    editor.locator(".js-plotly-plot .scatterlayer").wait_for()
    return editor


def _caption(page):
    return page.locator('[data-testid="stCaptionContainer"]').filter(
        has_text=re.compile(r"points: .* generated, .* added by you")
    )


def test_clicking_the_plane_adds_a_point_and_clicking_it_removes_it(page, app_url, shot_dir):
    page.set_viewport_size({"width": 1280, "height": 1600})
    editor = _open_editor(page, app_url)
    editor.scroll_into_view_if_needed()
    assert "200 generated, 0 added by you" in _caption(page).inner_text()
    # The top-left click target: the moons never reach that corner of the plane.
    point = editor.evaluate(TOP_LEFT_TARGET_JS, EDITOR_GRID)
    page.mouse.click(point["x"], point["y"])
    _caption(page).filter(has_text="201 points").wait_for()
    wait_for_app(page)
    assert_no_exception(page)
    assert "1 added by you" in _caption(page).inner_text()
    assert "lab_points=" in page.url
    page.screenshot(path=str(shot_dir / "training_lab_points_added.png"), full_page=True)
    # The new point lies where the target was: clicking there again removes it.
    editor = page.locator('[data-testid="stPlotlyChart"]').filter(has_text=EDITOR_TITLE)
    editor.locator(".js-plotly-plot .scatterlayer").wait_for()
    page.mouse.click(point["x"], point["y"])
    _caption(page).filter(has_text="200 points").wait_for()
    wait_for_app(page)
    assert_no_exception(page)
    assert "0 added by you" in _caption(page).inner_text()


def test_a_link_with_sine_points_shows_them_and_a_click_adds_a_value(page, app_url, shot_dir):
    page.set_viewport_size({"width": 1280, "height": 1600})
    edits = add_point(add_point(NO_EDITS, (-2.0, 1.5), 100), (2.0, -1.5), 100)
    query = urlencode({"lab_dataset": DATASET_LABELS["sine"], "lab_points": encode_edits(edits)})
    editor = _open_editor(page, app_url, f"{app_url}/lab?{query}")
    editor.scroll_into_view_if_needed()
    assert_no_exception(page)
    assert "202 points: 200 generated, 2 added by you" in _caption(page).inner_text()
    page.screenshot(path=str(shot_dir / "training_lab_points_sine.png"), full_page=True)
    point = editor.evaluate(TOP_LEFT_TARGET_JS, EDITOR_GRID)
    page.mouse.click(point["x"], point["y"])
    _caption(page).filter(has_text="203 points").wait_for()
    wait_for_app(page)
    assert_no_exception(page)


def test_the_open_editor_has_no_wcag_aa_violation(page, app_url):
    from tests.e2e.test_accessibility import KNOWN_NAVIGATION_VIOLATIONS, audit

    _open_editor(page, app_url)
    own, navigation = audit(page)
    assert own == []
    assert navigation <= KNOWN_NAVIGATION_VIOLATIONS
