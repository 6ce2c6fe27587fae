"""Load test: K concurrent browser sessions stepping through training on one server.

    .venv/bin/python -m bench.load --sessions 8 --clicks 12        # starts its own server
    .venv/bin/python -m bench.load --url http://127.0.0.1:8501 --pid 1234   # a running one

Each session is its own browser context (its own cookies and WebSocket) in one Debian
Chromium, opens the step-by-step page and presses Next (the button, or the Right arrow with
`--keys`) `--clicks` times, all sessions at once. Reported: click-to-render latency (from the
click to the page showing the next phase with the script finished; p50, p95, max), errors
(exception elements, page errors, timeouts) and the server's resident memory (psutil RSS)
before the sessions open, once they are open, and after the clicks (the difference from
before to after, divided by K, is the memory per session), and the server's CPU time per
click (psutil), which, unlike latency, hardly depends on what else the machine is doing.
Results go to stdout and to bench/results/load.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil

from tests.e2e.helpers import APP_IDLE, CHROMIUM, CHROMIUM_ARGS, EXCEPTION

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
PHASE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return null;
    const text = document.querySelector('[data-testid="stMain"]')?.innerText || '';
    const match = text.match(/Training step \\d+[^\\n]*phase \\d+ of \\d+/);
    return match ? match[0] : null;
}"""
CHANGED_JS = f"(before) => {{ const now = ({PHASE_JS})(); return now !== null && now !== before; }}"
MB = 2**20


@dataclass
class SessionResult:
    """What one browser session saw: a latency per click (seconds) and its errors."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class LoadResult:
    """The whole run: settings, latency percentiles (ms), errors and server memory (MB)."""

    sessions: int
    clicks_per_session: int
    clicks_done: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    errors: list[str]
    rss_before_mb: float | None
    rss_open_mb: float | None  # all sessions open, before the clicks
    rss_after_mb: float | None
    rss_per_session_mb: float | None
    server_cpu_ms_per_click: float | None  # server CPU time spent per click (all threads)
    clicks_per_second: float  # clicks rendered per second, all sessions together
    wall_seconds: float
    load_average: tuple[float, float, float] | None


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of `values` lie (nearest rank); NaN for none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def server_cpu_seconds(pid: int | None) -> float | None:
    """User plus system CPU time the server process has used so far (None without a pid)."""
    if pid is None:
        return None
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def server_rss(pid: int | None) -> float | None:
    """Resident memory of the server process and its children, in MB (None without a pid)."""
    if pid is None:
        return None
    process = psutil.Process(pid)
    processes = [process, *process.children(recursive=True)]
    return sum(p.memory_info().rss for p in processes if p.is_running()) / MB


async def _phase(page, timeout_ms: float) -> str:
    handle = await page.wait_for_function(PHASE_JS, timeout=timeout_ms)
    return await handle.json_value()


async def open_session(browser, url: str, use_keys: bool, timeout_ms: float):
    """A fresh browser context on the step page; returns (context, page, phase text, result)."""
    result = SessionResult()
    context = await browser.new_context(viewport={"width": 1280, "height": 720})
    page = await context.new_page()
    page.on("pageerror", lambda error: result.errors.append(f"page error: {error}"))
    try:
        await page.goto(f"{url}/step", timeout=timeout_ms)
        await page.wait_for_selector(APP_IDLE, timeout=timeout_ms)
        close = page.get_by_role("dialog").get_by_role("button", name="Close")
        if await close.count():  # the first view of a fresh server can show a notice
            await close.first.click()
        phase = await _phase(page, timeout_ms)
        if use_keys:
            await page.get_by_text("Training step").first.click()  # focus for the shortcut
    except Exception as error:
        result.errors.append(f"opening: {type(error).__name__}: {str(error).splitlines()[0]}")
        phase = None
    return context, page, phase, result


async def click_through(
    page, phase: str, clicks: int, use_keys: bool, timeout_ms: float, result: SessionResult
) -> None:
    """Press Next `clicks` times, timing each until the next phase is shown and idle."""
    next_button = page.locator(".st-key-step_next button").first  # keyed elements are marked
    try:
        for _ in range(clicks):
            started = time.perf_counter()
            if use_keys:
                await page.bring_to_front()  # shortcuts go to the focused document only
                await page.keyboard.press("ArrowRight")
            else:
                await next_button.click()
            await page.wait_for_function(CHANGED_JS, arg=phase, timeout=timeout_ms)
            result.latencies.append(time.perf_counter() - started)
            phase = await _phase(page, timeout_ms)
            if await page.locator(EXCEPTION).count():
                text = await page.locator(EXCEPTION).first.inner_text()
                result.errors.append(f"exception on page: {text[:300]}")
    except Exception as error:  # a timeout or a lost connection counts as an error
        result.errors.append(f"{type(error).__name__}: {str(error).splitlines()[0][:300]}")


async def run_load(
    url: str,
    sessions: int,
    clicks: int,
    pid: int | None = None,
    use_keys: bool = False,
    timeout_ms: float = 60_000,
) -> LoadResult:
    """Open `sessions` browser sessions on `url`, then all click Next `clicks` times at once."""
    from playwright.async_api import async_playwright

    rss_before = server_rss(pid)
    began = time.perf_counter()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        opened = await asyncio.gather(
            *(open_session(browser, url, use_keys, timeout_ms) for _ in range(sessions))
        )
        rss_open = server_rss(pid)
        cpu_before, clicking_began = server_cpu_seconds(pid), time.perf_counter()
        await asyncio.gather(
            *(
                click_through(page, phase, clicks, use_keys, timeout_ms, result)
                for _, page, phase, result in opened
                if phase is not None
            )
        )
        rss_after = server_rss(pid)
        cpu_after, clicking_seconds = server_cpu_seconds(pid), time.perf_counter() - clicking_began
        for context, *_ in opened:
            await context.close()
        await browser.close()
    results = [result for *_, result in opened]
    latencies = [lat for result in results for lat in result.latencies]
    errors = [error for result in results for error in result.errors]
    per_session = (
        (rss_after - rss_before) / sessions
        if rss_before is not None and rss_after is not None
        else None
    )
    cpu_per_click = (
        (cpu_after - cpu_before) / len(latencies) * 1000
        if cpu_before is not None and latencies
        else None
    )
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return LoadResult(
        sessions=sessions,
        clicks_per_session=clicks,
        clicks_done=len(latencies),
        p50_ms=statistics.median(latencies) * 1000 if latencies else float("nan"),
        p95_ms=percentile(latencies, 0.95) * 1000,
        max_ms=max(latencies) * 1000 if latencies else float("nan"),
        errors=errors,
        rss_before_mb=rss_before,
        rss_open_mb=rss_open,
        rss_after_mb=rss_after,
        rss_per_session_mb=per_session,
        server_cpu_ms_per_click=cpu_per_click,
        clicks_per_second=len(latencies) / clicking_seconds if clicking_seconds else 0.0,
        wall_seconds=time.perf_counter() - began,
        load_average=load,
    )


def _start_server():
    """A production-configured server on a free port (deploy/replicas.py's settings)."""
    import secrets
    import socket
    import subprocess
    import tempfile

    from deploy.replicas import replica_env, streamlit_command, wait_healthy

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = tempfile.NamedTemporaryFile(prefix="load-server-", suffix=".log", delete=False)
    process = subprocess.Popen(
        streamlit_command(port), cwd=ROOT, env=replica_env(secrets.token_hex(16)),
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, process=process)
    return process, url


def _warm_up(url: str) -> None:
    """One session first, so imports and caches are not counted against the K sessions."""
    asyncio.run(run_load(url, sessions=1, clicks=1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--clicks", type=int, default=12)
    parser.add_argument("--url", help="a running server (default: start one)")
    parser.add_argument("--pid", type=int, help="the running server's pid, for its memory")
    parser.add_argument("--keys", action="store_true", help="press the Right arrow, not Next")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "load.json")
    args = parser.parse_args(argv)

    process = None
    url, pid = args.url, args.pid
    if url is None:
        process, url = _start_server()
        pid = process.pid
    try:
        _warm_up(url)
        result = asyncio.run(run_load(url, args.sessions, args.clicks, pid=pid, use_keys=args.keys))
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
    print(
        f"{result.sessions} sessions x {result.clicks_per_session} clicks"
        f" ({result.clicks_done} done) in {result.wall_seconds:.1f} s;"
        f" click-to-render p50 {result.p50_ms:.0f} ms, p95 {result.p95_ms:.0f} ms,"
        f" max {result.max_ms:.0f} ms; errors {len(result.errors)}"
    )
    if result.rss_before_mb is not None:
        print(
            f"server RSS {result.rss_before_mb:.0f} MB before, {result.rss_after_mb:.0f} MB"
            f" after: {result.rss_per_session_mb:.1f} MB per session"
        )
    if result.server_cpu_ms_per_click is not None:
        print(
            f"server CPU {result.server_cpu_ms_per_click:.0f} ms per click;"
            f" {result.clicks_per_second:.1f} clicks rendered per second in all"
        )
    print(f"load average {result.load_average}")
    for error in result.errors[:10]:
        print("  error:", error)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(asdict(result), indent=2))
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
