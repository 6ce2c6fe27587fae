"""The WebSocket flood guard of server.py: a token bucket per tab, counted as messages arrive.
(A real server and a real flood: tests/bench/test_protocol_load.py.)"""

import asyncio

from app_pages.flood_guard import CLOSE_CODE, FloodGuard, TokenBucket
from tests.asyncio_helpers import run_async


def test_the_bucket_allows_a_burst_then_the_rate():
    now = [0.0]
    bucket = TokenBucket(rate=10.0, burst=3, clock=lambda: now[0])
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    now[0] += 0.1  # one token back
    assert [bucket.take(), bucket.take()] == [True, False]
    now[0] += 100.0  # never more than the burst
    assert sum(bucket.take() for _ in range(10)) == 3


def _run_guard(scope: dict, incoming: list[dict], rate: float, burst: int):
    """Feed `incoming` to FloodGuard around an app that reads until disconnect and answers
    each message; return (what the app read, what reached the client)."""
    read, sent = [], []

    async def app(scope, receive, send):
        while True:
            message = await receive()
            read.append(message)
            if message["type"] == "websocket.disconnect":
                await send({"type": "websocket.send", "bytes": b"late"})  # after the close
                return
            if message["type"] == "websocket.receive":
                await send({"type": "websocket.send", "bytes": b"ok"})

    async def main():
        queue: asyncio.Queue = asyncio.Queue()
        for message in incoming:
            queue.put_nowait(message)

        async def send(message):
            sent.append(message)

        await asyncio.wait_for(FloodGuard(app, rate, burst)(scope, queue.get, send), 5)

    run_async(main())
    return read, sent


STREAM = {"type": "websocket", "path": "/_stcore/stream"}
CONNECT = {"type": "websocket.connect"}
BYE = {"type": "websocket.disconnect", "code": 1000}


def _messages(n: int) -> list[dict]:
    return [{"type": "websocket.receive", "bytes": bytes([i % 256])} for i in range(n)]


def test_a_tab_within_its_budget_passes_untouched():
    incoming = [CONNECT, *_messages(5), BYE]
    read, sent = _run_guard(STREAM, incoming, rate=1.0, burst=5)
    assert read == incoming
    assert [m["bytes"] for m in sent] == [b"ok"] * 5 + [b"late"]


def test_a_flood_is_closed_with_1008_and_never_run():
    read, sent = _run_guard(STREAM, [CONNECT, *_messages(50), BYE], rate=1.0, burst=5)
    assert read[-1] == {"type": "websocket.disconnect", "code": CLOSE_CODE}
    assert len(read) <= 1 + 5 + 1  # connect, at most the burst, then the disconnect
    closes = [m for m in sent if m["type"] == "websocket.close"]
    assert closes == [
        {"type": "websocket.close", "code": CLOSE_CODE, "reason": "too many messages"}
    ]
    assert sent[-1] == closes[0]  # nothing reaches the client after the close


def test_other_connections_and_paths_are_not_counted():
    incoming = [CONNECT, *_messages(50), BYE]
    read, _ = _run_guard({"type": "websocket", "path": "/other"}, incoming, rate=1.0, burst=5)
    assert read == incoming
