"""Play in the training lab: what one student's Play costs the server, in a real browser.

A fresh `streamlit run app.py` server and Debian's Chromium (Playwright). The lab is opened
through the sidebar, Play is pressed, and after the first frames have been drawn the server
process's CPU time (psutil: user + system) is read before and after a window of at least 8 s
while the browser plays. In the same window the page counts, from the player's own
attributes, the frames it drew (redraws) and the update each frame showed (updates per second
as the student sees them). Budget (issue 14): at most 10% of one core per student while the
page redraws at least 5 times a second and trains at least 25 updates a second, with every
neuron's thumbnail on (the player always draws them for 2-feature data).
"""

import re
import time

from bench.browser import chromium, exceptions_on, open_page, server
from bench.common import fmt
from bench.load import server_cpu_seconds

PLAYER = ".lab-player"
# Scenarios: (name, URL query). Enough epochs that no run ends inside the window.
SCENARIOS = (
    ("moons, 2-8-1 tanh (default set-up)", "lab_epochs=2000"),
    ("spiral, 2-8-8-1 tanh", "lab_dataset=Spiral&lab_layers=2&lab_epochs=2000"),
)
BUDGET_CPU = 0.10  # share of one core
BUDGET_REDRAWS = 5.0  # per second
BUDGET_UPDATES = 25.0  # per second

READ_PLAYER_JS = """
() => {
  const box = document.querySelector('.lab-player');
  if (!box) return null;
  return [Number(box.getAttribute('data-frames-drawn') || 0),
          Number(box.getAttribute('data-update') || 0), performance.now()];
}
"""


def play_cost(browser, base_url: str, pid: int, query: str, seconds: float) -> dict:
    """Press Play with the set-up in `query`; CPU share, redraws/s and updates/s over `seconds`."""
    page = open_page(browser, base_url, "Training lab", query)
    page.locator(".st-key-lab_play button").click()
    page.get_by_role("button", name=re.compile("Pause")).wait_for()
    page.wait_for_function(
        "() => Number(document.querySelector('.lab-player')?.getAttribute('data-frames-drawn'))"
        " >= 6",
        timeout=60_000,
    )
    frames_before, update_before, ms_before = page.evaluate(READ_PLAYER_JS)
    cpu_before, wall_before = server_cpu_seconds(pid), time.perf_counter()
    page.wait_for_timeout(seconds * 1000)
    frames_after, update_after, ms_after = page.evaluate(READ_PLAYER_JS)
    cpu_after, wall_after = server_cpu_seconds(pid), time.perf_counter()
    page.locator(".st-key-lab_play button").click()  # Pause
    page.get_by_role("button", name=re.compile("Play")).wait_for()
    errors = exceptions_on(page)
    page.context.close()
    browser_seconds = (ms_after - ms_before) / 1000
    return {
        "cpu_share": (cpu_after - cpu_before) / (wall_after - wall_before),
        "redraws_per_s": (frames_after - frames_before) / browser_seconds,
        "updates_per_s": (update_after - update_before) / browser_seconds,
        "seconds": browser_seconds,
        "errors": errors,
    }


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def run(quick: bool = False) -> dict:
    """Each scenario once on one fresh server (`quick`: 2 s windows, the first scenario only)."""
    seconds = 2.0 if quick else 10.0
    scenarios = SCENARIOS[:1] if quick else SCENARIOS
    rows, raw = [], []
    with server() as app, chromium() as browser:
        for name, query in scenarios:
            result = play_cost(browser, app.url, app.process.pid, query, seconds)
            raw.append({"scenario": name, **result})
            rows.append(
                {
                    "scenario": name,
                    "server CPU": f"{fmt(100 * result['cpu_share'])}% of a core"
                    f" ({_verdict(result['cpu_share'] <= BUDGET_CPU)})",
                    "redraws": f"{fmt(result['redraws_per_s'], 2)} /s"
                    f" ({_verdict(result['redraws_per_s'] >= BUDGET_REDRAWS)})",
                    "updates": f"{fmt(result['updates_per_s'])} /s"
                    f" ({_verdict(result['updates_per_s'] >= BUDGET_UPDATES)})",
                    "window": f"{fmt(result['seconds'])} s",
                }
            )
    errors = [e for r in raw for e in r.get("errors", [])]
    notes = [
        "One student playing; server CPU is psutil user + system time of the server process"
        " over the window; redraws and updates are counted by the page from the player's frames.",
        f"Budget: <= {100 * BUDGET_CPU:g}% of one core, >= {BUDGET_REDRAWS:g} redraws/s,"
        f" >= {BUDGET_UPDATES:g} updates/s. Chromium runs on the same 2 cores.",
    ]
    if errors:
        notes.append(f"Errors on the page: {errors}")
    return {
        "title": "Training lab: Play's server cost per student (real browser)",
        "columns": ["scenario", "server CPU", "redraws", "updates", "window"],
        "rows": rows,
        "raw": raw,
        "notes": notes,
    }
