"""A small version of bench/load.py: a few concurrent browser sessions step without errors.

The full run (K=8) is a benchmark whose numbers are in the README's "Public demo" section;
here only correctness under concurrency is asserted, never speed.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from bench.load import run_load


def test_concurrent_sessions_step_through_training_without_errors(app_server):
    load = run_load(app_server.url, sessions=3, clicks=4, pid=app_server.process.pid)
    # Its own thread: the other browser tests' sync Playwright keeps an event loop running here.
    with ThreadPoolExecutor(max_workers=1) as executor:
        result = executor.submit(asyncio.run, load).result()
    assert result.errors == []
    assert result.clicks_done == 3 * 4
    assert 0 < result.p50_ms <= result.p95_ms <= result.max_ms
    assert result.rss_before_mb > 50 and result.rss_after_mb > 50
