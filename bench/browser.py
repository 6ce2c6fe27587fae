"""Browser benchmark: what a visitor waits for, in Debian's Chromium driven by Playwright.

- Next on the step-by-step page: click-to-render latency, from the click until the app's
  script state has gone running -> notRunning and the browser has painted two frames after
  that (measured inside the page with performance.now(), so Playwright's own round trips are
  not counted).
- Play in the training lab: redraws per second, counted in the page as changes of the
  "Updates" counter (drawn by the lab's live fragment on every tick) over a fixed window while
  Play runs; the updates trained per second come from the same counter.

A real `streamlit run app.py` server is started on a free port (tests/e2e/helpers.py) and
stopped at the end. Pages are opened through the sidebar navigation, as a visitor does.
"""

import contextlib
import re
import time
from collections.abc import Iterator

from bench.common import fmt, median
from tests.e2e.helpers import new_page, wait_for_app

# One click, timed in the page: resolves with the milliseconds until the rerun it caused has
# finished and two animation frames have been painted. The states are read from the mutation
# records (each record's oldValue is the state before that change, the next record's oldValue
# or the attribute the state after it), never sampled in the callback: a rerun whose "running"
# and "notRunning" both land before the callback runs would otherwise be missed.
CLICK_TO_RENDER_JS = """
(selector) => new Promise((resolve, reject) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const button = document.querySelector(selector);
  if (!app || !button) { reject(new Error('no app or no button ' + selector)); return; }
  const attribute = 'data-test-script-state';
  let state = app.getAttribute(attribute);
  let sawRunning = false;
  let done = false;
  const start = performance.now();
  const timer = setTimeout(() => {
    observer.disconnect();
    reject(new Error('timeout: no finished rerun within 30 s, last state ' + state));
  }, 30000);
  const saw = (value) => {
    if (done || value === state) return;
    if (value === 'running') sawRunning = true;
    else if (sawRunning && state === 'running') {
      done = true;
      observer.disconnect();
      clearTimeout(timer);
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - start)));
    }
    state = value;
  };
  const observer = new MutationObserver((records) => {
    for (const record of records) saw(record.oldValue);
    saw(app.getAttribute(attribute));
  });
  observer.observe(app, {attributes: true, attributeOldValue: true, attributeFilter: [attribute]});
  button.click();
})
"""

# Counts redraws from now on in window.__benchRedraws: each change of the text of the
# "Updates" metric (drawn by the lab's live fragment on every tick) is one redraw.
COUNT_REDRAWS_JS = """
() => {
  const valueOf = () => {
    const metrics = [...document.querySelectorAll('[data-testid="stMetric"]')];
    const metric = metrics.find(m => m.innerText.includes('Updates'));
    const value = metric && metric.querySelector('[data-testid="stMetricValue"]');
    return value ? value.innerText : null;
  };
  window.__benchRedraws = 0;
  let last = valueOf();
  const observer = new MutationObserver(() => {
    const now = valueOf();
    if (now !== last) { window.__benchRedraws += 1; last = now; }
  });
  observer.observe(document.body, {subtree: true, childList: true, characterData: true});
  window.__benchObserver = observer;
}
"""


@contextlib.contextmanager
def server() -> Iterator[object]:
    """A fresh `streamlit run app.py` on a free port (the browser tests' helper)."""
    from tests.e2e.helpers import StreamlitServer

    process = StreamlitServer()
    try:
        process.wait_healthy()
        yield process
    finally:
        process.stop()


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """Debian's Chromium, headless, with the flags that work on this machine."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.helpers import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_idle(page, timeout: float = 60_000) -> None:
    """Wait until every script run started so far has finished (the browser tests' wait)."""
    wait_for_app(page, timeout=timeout)


def open_page(browser, base_url: str, title: str, query: str = ""):
    """A new 1280x720 tab on the page whose sidebar link reads `title` (then `query`, if any)."""
    page = new_page(browser)
    page.set_default_timeout(60_000)
    page.goto(base_url)
    wait_idle(page)
    page.locator('[data-testid="stSidebarNavLink"]').filter(has_text=title).first.click()
    wait_idle(page)
    if query:
        page.goto(page.url.split("?")[0] + "?" + query)
        wait_idle(page)
    return page


def exceptions_on(page) -> list[str]:
    errors = page.locator('[data-testid="stException"]')
    return [errors.nth(i).inner_text()[:200] for i in range(errors.count())]


def next_latency(browser, base_url: str, clicks: int) -> dict:
    """Click Next on the step-by-step page `clicks` times; milliseconds per click-to-render."""
    page = open_page(browser, base_url, "Step by step")
    selector = ".st-key-step_next button"
    page.wait_for_selector(selector)
    for _ in range(2):  # warm-up
        page.evaluate(CLICK_TO_RENDER_JS, selector)
    times = []
    for _ in range(clicks):
        times.append(page.evaluate(CLICK_TO_RENDER_JS, selector))
        page.wait_for_timeout(100)
    errors = exceptions_on(page)
    page.context.close()
    return {"ms": median(times), "min_ms": min(times), "max_ms": max(times), "errors": errors}


def _updates(page) -> float | None:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Updates").first
    try:
        text = metric.locator('[data-testid="stMetricValue"]').inner_text(timeout=5_000)
        return float(re.sub(r"[^0-9.]", "", text))
    except Exception:  # the counter is the page's; a changed layout should not stop the run
        return None


def play_rate(browser, base_url: str, seconds: float) -> dict:
    """Press Play in the training lab and count redraws per second over `seconds`."""
    page = open_page(browser, base_url, "Training lab")
    play = page.locator(".st-key-lab_play button")
    play.click()
    page.get_by_role("button", name=re.compile("Pause")).wait_for()
    page.wait_for_timeout(1000)  # let the first ticks settle
    page.evaluate(COUNT_REDRAWS_JS)
    updates_before = _updates(page)
    start = time.perf_counter()
    page.wait_for_timeout(seconds * 1000)
    redraws = page.evaluate("() => window.__benchRedraws")
    elapsed = time.perf_counter() - start
    updates_after = _updates(page)
    page.locator(".st-key-lab_play button").click()  # Pause
    errors = exceptions_on(page)
    page.context.close()
    trained = None
    if updates_before is not None and updates_after is not None:
        trained = (updates_after - updates_before) / elapsed
    return {"redraws_per_s": redraws / elapsed, "updates_per_s": trained, "errors": errors}


def run(quick: bool = False) -> dict:
    """Both measurements on one fresh server; `quick` uses tiny counts (smoke test)."""
    clicks = 3 if quick else 25
    seconds = 2.0 if quick else 10.0
    rows, raw = [], []
    with server() as app, chromium() as browser:
        latency = next_latency(browser, app.url, clicks)
        raw.append({"measure": "next_latency", **latency})
        verdict = "met" if latency["ms"] < 250 else "MISSED"
        rows.append(
            {
                "measure": f"Step by step: Next, click to render ({clicks} clicks)",
                "median": f"{fmt(latency['ms'])} ms",
                "range": f"{fmt(latency['min_ms'])}-{fmt(latency['max_ms'])} ms",
                "budget": f"< 250 ms: {verdict}",
            }
        )
        rate = play_rate(browser, app.url, seconds)
        raw.append({"measure": "play_rate", **rate})
        verdict = "met" if rate["redraws_per_s"] >= 5 else "MISSED"
        rows.append(
            {
                "measure": f"Training lab: Play, redraws per second ({seconds:g} s)",
                "median": f"{fmt(rate['redraws_per_s'], 2)} /s",
                "range": f"{fmt(rate['updates_per_s'])} updates/s trained",
                "budget": f">= 5 /s: {verdict}",
            }
        )
    errors = [e for r in raw for e in r.get("errors", [])]
    notes = ["Debian Chromium, headless, 1280x720; the server runs on the same 2 cores."]
    if errors:
        notes.append("Exceptions seen on the page: " + " | ".join(errors))
    return {
        "name": "browser",
        "title": "Browser: click-to-render and Play redraw rate (Chromium)",
        "columns": ["measure", "median", "range", "budget"],
        "rows": rows,
        "notes": notes,
        "raw": raw,
    }
