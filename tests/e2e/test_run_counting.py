"""The browser-side run counting never misses a quick rerun (the race behind a chance failure
of the browser benchmark on 2026-12-02), shown on a stand-in page in Chromium.

A stand-in for Streamlit's root element flips its script state to "running" and back within one
task, so both changes reach a MutationObserver in a single callback; by then the attribute
already reads "notRunning" again. Both scripts read the states from the mutation records.
"""

from bench.browser import CLICK_TO_RENDER_JS
from tests.e2e.helpers import RUN_COUNTER_JS

STAND_IN = """
<div data-testid="stApp" data-test-script-state="notRunning">
  <button id="next">Next</button>
</div>
<script>
  const app = document.querySelector('[data-testid="stApp"]');
  window.quickRun = () => {  // both changes within one task: one observer callback sees both
    app.setAttribute('data-test-script-state', 'running');
    app.setAttribute('data-test-script-state', 'notRunning');
  };
  document.querySelector('#next').addEventListener('click', () => setTimeout(window.quickRun));
</script>
"""


def test_a_run_that_starts_and_ends_in_one_callback_is_counted(page):
    page.set_content(STAND_IN)
    page.evaluate(RUN_COUNTER_JS)
    page.evaluate("() => window.quickRun()")
    page.wait_for_function("() => window.__bplRuns.completed === 1")
    runs = page.evaluate("() => window.__bplRuns")
    assert (runs["started"], runs["completed"], runs["state"]) == (1, 1, "notRunning")
    page.evaluate("() => { window.quickRun(); window.quickRun(); }")
    page.wait_for_function("() => window.__bplRuns.completed === 3")
    assert page.evaluate("() => window.__bplRuns.started") == 3


def test_click_to_render_resolves_for_a_run_that_lands_in_one_callback(page):
    page.set_content(STAND_IN)
    elapsed_ms = page.evaluate(CLICK_TO_RENDER_JS, "#next")
    assert 0 <= elapsed_ms < 30_000  # resolved by the run, not by the 30 s timeout (a reject)
