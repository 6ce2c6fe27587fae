"""Running a coroutine from a test, whatever ran before it in the same pytest process."""

import asyncio
import concurrent.futures


def run_async(coroutine):
    """asyncio.run in a thread of its own: a browser test's sync Playwright in this session may
    hold the main thread's event loop, and asyncio.run refuses to start inside a running loop."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
