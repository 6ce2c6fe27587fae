"""The step-by-step page in a real browser: the equation stepper's buttons, clicks on the still
figure, shared links, screenshots. (The player's own keys are in test_step_player.py.)"""

import pytest

from app_pages.components.step_player import STILL_FIGURE_TITLE
from tests.e2e.helpers import assert_no_exception, wait_for_app

N_PHASES = 6  # the 2-2-2 worked example: F1 F2 L B2 B1 U

pytestmark = pytest.mark.e2e


def _open_step_page(page, app_url: str, query: str = "") -> None:
    page.goto(f"{app_url}/step{query}")
    wait_for_app(page)
    dialog_close = page.get_by_role("button", name="Close")
    if dialog_close.count():  # a "page not found" notice can appear on a server's first view
        dialog_close.first.click()
    page.get_by_text("Training step 1").first.wait_for()


def _click(page, key: str) -> None:
    """Press the Streamlit button with widget key `key` and wait for the rerun."""
    page.locator(f".st-key-{key} button").first.click()
    wait_for_app(page)


def _graph_into_view(page) -> None:
    """Open the still figure (the Plotly graph with the layer names) and scroll it into view."""
    expander = page.locator('[data-testid="stExpander"]').filter(has_text=STILL_FIGURE_TITLE)
    if expander.locator("details[open]").count() == 0:
        expander.locator("summary").first.click()
    graph = page.locator('[data-testid="stPlotlyChart"]').filter(has_text="output").first
    graph.wait_for(state="visible")
    graph.scroll_into_view_if_needed()


def test_next_and_previous_step_the_equations_through_a_whole_training_step(
    page, app_url, shot_dir
):
    _open_step_page(page, app_url)
    names = {0: "forward", 3: "backward", 5: "update"}
    for phase in range(N_PHASES):
        page.get_by_text(f"phase {phase + 1} of {N_PHASES}").first.wait_for()
        if phase in names:
            _graph_into_view(page)
            page.screenshot(path=str(shot_dir / f"{phase}-{names[phase]}.png"), full_page=True)
        assert_no_exception(page)
        _click(page, "step_next")
    page.get_by_text("Training step 2").first.wait_for()
    assert "step_n=1" in page.url
    _click(page, "step_next")
    _click(page, "step_next")
    _click(page, "step_prev")
    page.get_by_text(f"phase 2 of {N_PHASES}").first.wait_for()
    assert "step_phase=1" in page.url
    assert_no_exception(page)


_MARKER_CENTRE_JS = """(label) => {
    // The edge-marker trace prints each weight next to its marker: find the marker whose
    // printed value is `label` and return the centre of that marker on the screen.
    for (const trace of document.querySelectorAll('[data-testid="stPlotlyChart"] g.trace')) {
        const texts = [...trace.querySelectorAll("g.textpoint text")];
        const index = texts.findIndex((t) => t.textContent === label);
        if (index < 0) continue;
        const point = trace.querySelectorAll("path.point")[index];
        const box = point.getBoundingClientRect();
        return {x: box.x + box.width / 2, y: box.y + box.height / 2};
    }
    return null;
}"""


def test_clicking_an_edge_marker_opens_it_in_the_inspector(page, app_url, shot_dir):
    _open_step_page(page, app_url)
    _graph_into_view(page)
    centre = page.evaluate(_MARKER_CENTRE_JS, "0.45")  # W[1][0, 1] of the worked example
    assert centre is not None
    page.mouse.click(centre["x"], centre["y"])
    wait_for_app(page)
    page.get_by_role("tab", name="Weight inspector").click()
    picked = page.get_by_text("w(2) 1,2: unit 2 of layer 1 → unit 1")
    picked.first.wait_for(timeout=10_000)
    picked.first.scroll_into_view_if_needed()
    page.screenshot(path=str(shot_dir / "inspector.png"))
    assert_no_exception(page)


def test_a_shared_link_reproduces_the_phase(page, app_url, shot_dir):
    _open_step_page(page, app_url, "?step_preset=XOR&step_batch=true&step_phase=4")
    page.get_by_text("phase 5 of 6").first.wait_for()
    assert page.get_by_text("Batch mode: all 4 examples").count() >= 1
    _graph_into_view(page)
    page.screenshot(path=str(shot_dir / "xor-batch-backward.png"))
    assert_no_exception(page)


def test_the_page_is_legible_at_the_caps(page, app_url, shot_dir):
    query = "?step_preset=Custom&step_hidden=6&step_inputs=16&step_outputs=16" + "".join(
        f"&step_units{i}=16" for i in range(1, 7)
    )
    _open_step_page(page, app_url, query)
    assert_no_exception(page)
    _graph_into_view(page)
    page.screenshot(path=str(shot_dir / "caps.png"))
