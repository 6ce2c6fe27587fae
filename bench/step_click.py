"""Step player benchmark: what one Next click costs the visitor and the server, against a bare
Streamlit button measured in the same run and the same Chromium.

- Click to phase: from the click on the player's Next until the new phase is on the page and
  two animation frames are painted (timed inside the page with performance.now()); the bare
  button's figure is its full round trip (until the click count it prints has changed on the
  page, then two frames).
  With motion on, also the time from the click until the motion has started.
- Server CPU per click: user + system CPU time of the server process (psutil) over the clicks,
  divided by the number of clicks; the bare app is a one-button Streamlit script on its own
  server, the player is the real app's step page.

Both servers are started fresh on free loopback ports and stopped at the end.
"""

import contextlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bench.browser import chromium, wait_idle
from bench.common import fmt, median
from tests.e2e.helpers import PROJECT_ROOT, StreamlitServer, free_port

BARE_APP = """import streamlit as st
st.session_state.setdefault("clicks", 0)
if st.button("Click", key="bare"):
    st.session_state.clicks += 1
st.markdown(f"clicks: {st.session_state.clicks}")
"""

# One click on the bare app's button, timed in the page: ms until the count it shows has changed
# (the rerun came back and React drew it) and two frames are painted.
BARE_CLICK_JS = """
(selector) => new Promise((resolve, reject) => {
  const count = () => {
    const p = [...document.querySelectorAll('[data-testid="stMarkdownContainer"] p')]
      .find(e => e.textContent.startsWith('clicks: '));
    return p ? p.textContent : null;
  };
  const button = document.querySelector(selector);
  const before = count();
  if (!button || before === null) { reject(new Error('no button or no count')); return; }
  const start = performance.now();
  const timer = setTimeout(() => { observer.disconnect(); reject(new Error('timeout')); }, 30000);
  const observer = new MutationObserver(() => {
    if (count() !== null && count() !== before) {
      observer.disconnect();
      clearTimeout(timer);
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - start)));
    }
  });
  observer.observe(document.body, {subtree: true, childList: true, characterData: true});
  button.click();
})
"""

# The player lives in a shadow root (components v2 isolate their styles): wait until its script
# has set it up (data-ready), or a click would find no handler yet.
PLAYER_JS = """
() => {
  for (const element of document.querySelectorAll('*')) {
    const found = element.shadowRoot && element.shadowRoot.querySelector('.player[data-ready]');
    if (found) return true;
  }
  return false;
}
"""

# One click on the player's button `which` ("next" or "prev"), timed in the page: resolves with
# [ms until the phase changed and two frames were painted, ms until motion started or null].
PLAYER_CLICK_JS = """
(which) => new Promise((resolve, reject) => {
  let player = null;
  for (const element of document.querySelectorAll('*')) {
    player = element.shadowRoot && element.shadowRoot.querySelector('.player');
    if (player) break;
  }
  if (!player) { reject(new Error('no player')); return; }
  const button = player.querySelector('button.' + which);
  const before = player.dataset.phase;
  let moved = null;
  const start = performance.now();
  const timer = setTimeout(() => { observer.disconnect(); reject(new Error('timeout')); }, 30000);
  const observer = new MutationObserver(() => {
    if (moved === null && player.dataset.moving) moved = performance.now() - start;
    if (player.dataset.phase !== before) {
      observer.disconnect();
      clearTimeout(timer);
      requestAnimationFrame(() => requestAnimationFrame(() =>
        resolve([performance.now() - start, moved])));
    }
  });
  observer.observe(player, {attributes: true});
  button.click();
})
"""


class ScriptServer(StreamlitServer):
    """`streamlit run <script>` (instead of app.py) with the test server's flags and checks."""

    def __init__(self, script: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="streamlit-", suffix=".log", delete=False)
        command = [
            sys.executable, "-m", "streamlit", "run", str(script),
            "--server.headless", "true", "--server.port", str(self.port),
            "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
            "--browser.gatherUsageStats", "false",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, stdout=self.log, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )  # fmt: skip


@contextlib.contextmanager
def bare_server() -> Iterator[StreamlitServer]:
    """A one-button Streamlit app on a free port."""
    script = Path(tempfile.mkdtemp(prefix="bench-bare-")) / "bare.py"
    script.write_text(BARE_APP, encoding="utf-8")
    server = ScriptServer(script)
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def app_server() -> Iterator[StreamlitServer]:
    server = StreamlitServer()
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()


def _cpu_seconds(pid: int) -> float:
    import psutil

    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def bare_clicks(browser, server: StreamlitServer, clicks: int) -> dict:
    """Round trip and server CPU of a bare Streamlit button, `clicks` times."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(server.url)
    wait_idle(page)
    selector = ".st-key-bare button"
    page.wait_for_selector(selector)
    page.get_by_text("clicks: 0").wait_for()
    for _ in range(2):  # warm-up
        page.evaluate(BARE_CLICK_JS, selector)
    cpu_before = _cpu_seconds(server.process.pid)
    times = [page.evaluate(BARE_CLICK_JS, selector) for _ in range(clicks)]
    cpu = (_cpu_seconds(server.process.pid) - cpu_before) / clicks
    context.close()
    return {"ms": median(times), "min_ms": min(times), "max_ms": max(times), "cpu_ms": cpu * 1e3}


def player_clicks(
    browser, server: StreamlitServer, clicks: int, motion: bool, path: str = "/step"
) -> dict:
    """Click to phase and server CPU of the player's Next on the step page, `clicks` times
    (each Next followed by an untimed Prev, so the clicks stay inside one training step)."""
    context = browser.new_context(
        viewport={"width": 1366, "height": 768},
        reduced_motion="no-preference" if motion else "reduce",
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{server.url}{path}")
    wait_idle(page)
    page.wait_for_function(PLAYER_JS)
    page.evaluate(PLAYER_CLICK_JS, "next")  # warm-up
    page.evaluate(PLAYER_CLICK_JS, "prev")
    cpu_before = _cpu_seconds(server.process.pid)
    times, starts = [], []
    for _ in range(clicks):
        elapsed, moved = page.evaluate(PLAYER_CLICK_JS, "next")
        times.append(elapsed)
        if moved is not None:
            starts.append(moved)
        page.evaluate(PLAYER_CLICK_JS, "prev")
    cpu = (_cpu_seconds(server.process.pid) - cpu_before) / clicks
    errors = page.locator('[data-testid="stException"]').count()
    context.close()
    return {
        "ms": median(times),
        "min_ms": min(times),
        "max_ms": max(times),
        "motion_start_ms": median(starts) if starts else None,
        "cpu_ms": cpu * 1e3,
        "errors": errors,
    }


def run(quick: bool = False) -> dict:
    """All measurements in one Chromium; `quick` uses tiny counts (smoke test)."""
    clicks = 3 if quick else 20
    with chromium() as browser:
        with bare_server() as bare:
            baseline = bare_clicks(browser, bare, clicks)
        with app_server() as app:
            still = player_clicks(browser, app, clicks, motion=False)
            moving = player_clicks(browser, app, clicks, motion=True)
    rows = [
        {
            "measure": f"Bare Streamlit button, round trip ({clicks} clicks)",
            "median": f"{fmt(baseline['ms'])} ms",
            "range": f"{fmt(baseline['min_ms'])}-{fmt(baseline['max_ms'])} ms",
            "server CPU / click": f"{fmt(baseline['cpu_ms'])} ms",
            "vs bare": "1x",
        }
    ]
    for name, result in (("motion off", still), ("motion on", moving)):
        ratio = result["ms"] / baseline["ms"]
        started = result["motion_start_ms"]
        extra = f"; motion starts after {fmt(started)} ms" if started is not None else ""
        rows.append(
            {
                "measure": f"Step player Next, click to phase, {name} ({clicks} clicks){extra}",
                "median": f"{fmt(result['ms'])} ms",
                "range": f"{fmt(result['min_ms'])}-{fmt(result['max_ms'])} ms",
                "server CPU / click": f"{fmt(result['cpu_ms'])} ms",
                "vs bare": f"{fmt(ratio, 2)}x (budget <= 2x: {'met' if ratio <= 2 else 'MISSED'})",
            }
        )
    notes = [
        "Debian Chromium, headless; bare app 1280x720, step page 1366x768; the servers run on"
        " the same 2 cores. Server CPU: psutil user + system time of the server process over"
        " the clicks, divided by the clicks (budget: no more than the bare button's).",
    ]
    if still["errors"] or moving["errors"]:
        notes.append("Exceptions were seen on the step page during the run.")
    return {
        "name": "step_click",
        "title": "Step player: Next click vs a bare Streamlit button (Chromium)",
        "columns": ["measure", "median", "range", "server CPU / click", "vs bare"],
        "rows": rows,
        "notes": notes,
        "raw": {"bare": baseline, "player_motion_off": still, "player_motion_on": moving},
    }
