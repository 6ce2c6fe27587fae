"""Shared pieces of the browser tests: starting a real server and waiting on a page."""

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
EXCEPTION = '[data-testid="stException"]'
MAIN_ELEMENT = '[data-testid="stMain"] [data-testid="stElementContainer"]'
# Default wait for a page state (ms). Generous: on a shared 2-core machine under load a first
# view of a heavy page took 19 s (load average 15-20); speed is measured in bench/, never here.
WAIT_MS = 90_000


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamlitServer:
    """A `streamlit run server.py` process (the app as `make run` serves it) on a free loopback
    port, with its log in a temp file."""

    def __init__(self, port: int | None = None, extra_args: list[str] | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="streamlit-", suffix=".log", delete=False)
        command = [
            sys.executable, "-m", "streamlit", "run", "server.py",
            "--server.headless", "true",
            "--server.port", str(self.port),
            "--server.address", "127.0.0.1",
            "--server.fileWatcherType", "none",
            "--browser.gatherUsageStats", "false",
            *(extra_args or []),
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, stdout=self.log, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )  # fmt: skip

    def log_text(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def wait_healthy(self, timeout: float = 60.0) -> None:
        """Poll /_stcore/health until it answers ok; fail with the log if the server died."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{self.log_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.read().decode().strip() == "ok":
                        return
            except OSError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"streamlit did not become healthy in {timeout}s:\n{self.log_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextlib.contextmanager
def running_server(extra_args: list[str] | None = None) -> Iterator[StreamlitServer]:
    """A healthy StreamlitServer for the `with` block; stopped afterwards whatever happens."""
    server = StreamlitServer(extra_args=extra_args)
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()


# Counts the app's script runs from the mutation records of stApp's script-state attribute.
# Each record's oldValue is the state before that change, so a run whose "running" and
# "notRunning" both land before the observer's callback is still counted (reading the
# attribute's current value in the callback would miss it). Installed at document start by
# `new_page` / the `page` fixture, or late by `wait_for_app` on any other page.
RUN_COUNTER_JS = """
(() => {
  if (window.__bplRuns) return;
  const runs = window.__bplRuns = {started: 0, completed: 0, state: null, waited: 0};
  const saw = (value) => {
    if (value === runs.state) return;
    if (value === 'running') runs.started += 1;
    else if (runs.state === 'running') runs.completed += 1;
    runs.state = value;
  };
  const app = () => document.querySelector('[data-testid="stApp"]');
  if (app()) saw(app().getAttribute('data-test-script-state'));
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.target.getAttribute('data-testid') === 'stApp') saw(record.oldValue);
    }
    if (app()) saw(app().getAttribute('data-test-script-state'));
  }).observe(document, {attributes: true, attributeOldValue: true, subtree: true,
                        attributeFilter: ['data-test-script-state']});
})()
"""
RUNS_SETTLED = "() => window.__bplRuns.completed === window.__bplRuns.started"
# How long wait_for_app gives an interaction to start a rerun before deciding it started none.
RERUN_GRACE_MS = 1_000


def new_page(browser, width: int = 1280, height: int = 720, **context_options):
    """A page in a fresh browser context that counts the app's script runs from the start."""
    context = browser.new_context(viewport={"width": width, "height": height}, **context_options)
    context.add_init_script(RUN_COUNTER_JS)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    return page


def _finish_waiting(page, timeout: float) -> None:
    page.wait_for_function(RUNS_SETTLED, timeout=timeout)
    page.wait_for_selector(APP_IDLE, timeout=timeout)
    page.evaluate("() => { window.__bplRuns.waited = window.__bplRuns.started; }")


def wait_for_app(page, timeout: float = WAIT_MS) -> None:
    """Wait until the view is rendered and every script run started so far has finished.

    The app reports "notRunning" before its first run too, so a rendered element of the main
    area comes first (every page draws one). After an interaction this waits for the rerun
    it started: up to RERUN_GRACE_MS for the run to begin (an interaction may start none),
    then for its end, counted from events rather than sampled. When an interaction surely
    reruns the script, `with rerun(page): ...` waits for exactly that, with no grace period.
    """
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    # Attached, not visible: the first element can be an invisible one (presenter CSS).
    page.wait_for_selector(MAIN_ELEMENT, state="attached", timeout=timeout)
    page.evaluate(RUN_COUNTER_JS)  # no-op when the page fixture installed it at start
    started_since_last_wait = "() => window.__bplRuns.started > window.__bplRuns.waited"
    if not page.evaluate(started_since_last_wait):
        try:
            page.wait_for_function(started_since_last_wait, timeout=RERUN_GRACE_MS)
        except PlaywrightTimeoutError:
            pass  # nothing started a run: the view is already settled
    _finish_waiting(page, timeout)


@contextlib.contextmanager
def rerun(page, timeout: float = WAIT_MS) -> Iterator[None]:
    """`with rerun(page): page.click(...)`: wait for the script run the action starts.

    Fails (after `timeout`) if the action starts no run; never relies on a fixed sleep.
    """
    page.evaluate(RUN_COUNTER_JS)
    before = page.evaluate("() => window.__bplRuns.started")
    yield
    page.wait_for_function(f"() => window.__bplRuns.started > {before}", timeout=timeout)
    _finish_waiting(page, timeout)


def open_view(page, url: str, timeout: float = WAIT_MS) -> None:
    """Open `url`, wait for the app, close the notice a server's first view can show, and wait
    until every chart is drawn (charts show a skeleton until then)."""
    page.goto(url)
    wait_for_app(page, timeout=timeout)
    close = page.get_by_role("dialog").get_by_role("button", name="Close")
    if close.count():  # the first view of a fresh server (tests/e2e/test_cold_start.py)
        close.first.click()
        wait_for_app(page, timeout=timeout)
    page.wait_for_function(
        "document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0",
        timeout=timeout,
    )


def assert_no_exception(page) -> None:
    """Fail with the exception text if any Streamlit exception element is on the page."""
    errors = page.locator(EXCEPTION)
    if errors.count():
        raise AssertionError(f"exception on page: {errors.first.inner_text()[:2000]}")
