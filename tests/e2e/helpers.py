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


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamlitServer:
    """A `streamlit run app.py` process on a free loopback port, with its log in a temp file."""

    def __init__(self, port: int | None = None, extra_args: list[str] | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="streamlit-", suffix=".log", delete=False)
        command = [
            sys.executable, "-m", "streamlit", "run", "app.py",
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


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Wait until the Streamlit script has rendered the view and finished running.

    The app reports "notRunning" before its first run too, so wait for a rendered element
    of the main area first; every page of the app draws at least one.
    """
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_selector(MAIN_ELEMENT, timeout=timeout)
    # The state flips to running shortly after an interaction; give it a moment to start.
    page.wait_for_timeout(150)
    page.wait_for_selector(APP_IDLE, timeout=timeout)


def assert_no_exception(page) -> None:
    """Fail with the exception text if any Streamlit exception element is on the page."""
    errors = page.locator(EXCEPTION)
    if errors.count():
        raise AssertionError(f"exception on page: {errors.first.inner_text()[:2000]}")
