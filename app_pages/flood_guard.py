"""A guard on the WebSocket of each browser tab: a session that floods the server with messages
is closed, so it cannot freeze the replica for everyone else on it.

Streamlit runs every rerun request it receives; hundreds sent at once by one tab (a script,
a stuck key) kept a replica busy for about 50 s in the load test's fault mode, and every other
student on it waited. This ASGI middleware (server.py installs it) counts the messages each
`/_stcore/stream` connection sends with a token bucket: RATE per second on average, BURST at
once. A tab over the limit has its connection closed with code 1008 ("policy violation"), and
Streamlit's front end reconnects it as a new session. People never come near it: a click is
one message, a held arrow key about 30 a second, the lab's Play one every chunk.
"""

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

RATE = 30.0  # messages per second a tab may send on average
BURST = 90  # messages a tab may send at once
CLOSE_CODE = 1008  # WebSocket "policy violation"
STREAM_PATH = "/_stcore/stream"

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class TokenBucket:
    """`rate` tokens a second up to `burst`; `take()` spends one, False when none is left."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic):
        self.rate, self.burst, self.clock = rate, burst, clock
        self.tokens, self.last = float(burst), clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True


class FloodGuard:
    """ASGI middleware: close a `/_stcore/stream` WebSocket that sends more than its bucket
    allows; every other request passes untouched."""

    def __init__(self, app, rate: float = RATE, burst: int = BURST):
        self.app, self.rate, self.burst = app, rate, burst

    async def __call__(self, scope: Message, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket" or not scope.get("path", "").endswith(STREAM_PATH):
            await self.app(scope, receive, send)
            return
        # Streamlit reads a tab's next message only when it has handled the last one, so a
        # flood waits in the socket and is read at the server's pace. Read every message as it
        # arrives instead (a pump into a queue) and count it then.
        bucket = TokenBucket(self.rate, self.burst)
        arrived: asyncio.Queue[Message] = asyncio.Queue()
        closed = False

        async def pump() -> None:
            nonlocal closed
            while True:
                message = await receive()
                if message["type"] == "websocket.receive" and not bucket.take():
                    closed = True
                    while not arrived.empty():  # what the flood queued is never run
                        arrived.get_nowait()
                    await arrived.put({"type": "websocket.disconnect", "code": CLOSE_CODE})
                    await send({"type": "websocket.close", "code": CLOSE_CODE,
                                "reason": "too many messages"})  # fmt: skip
                    return
                await arrived.put(message)
                if message["type"] == "websocket.disconnect":
                    return

        async def guarded_send(message: Message) -> None:
            if not closed:  # the app may still write to the socket it has not seen close
                await send(message)

        pumping = asyncio.create_task(pump())
        try:
            await self.app(scope, arrived.get, guarded_send)
        finally:
            pumping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pumping
