"""A browser's keep-alive HTTP/1.1 GET of a small JSON answer, for virtual students.

The class room's students poll a JSON route from the browser (server.py), not over the
WebSocket; a virtual student does the same with one kept-alive connection, as Chromium does.
Only loopback servers (the caller checks), and every read has a timeout.
"""

from __future__ import annotations

import asyncio
import json
from urllib.parse import urlsplit


class JsonGetter:
    """GET `path` on the server at `base_url` over one kept-alive connection; reconnects once
    when the server closed it."""

    def __init__(self, base_url: str, timeout: float = 10.0):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._between_requests = True  # False while a request is out (or was cut off)

    async def get(self, path: str) -> tuple[int, object]:
        """(HTTP status, parsed JSON body or None)."""
        for attempt in range(2):
            try:
                return await asyncio.wait_for(self._get_once(path), self.timeout)
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def _get_once(self, path: str) -> tuple[int, object]:
        if not self._between_requests:  # the last one was cancelled mid-way: its answer is junk
            await self.close()
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        self._between_requests = False
        request = f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept: */*\r\n\r\n"
        self._writer.write(request.encode("ascii"))
        await self._writer.drain()
        head = await self._reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in lines[1:] if line)
        }
        body = await self._reader.readexactly(int(headers.get("content-length", "0")))
        self._between_requests = True
        if headers.get("connection", "").lower() == "close":
            await self.close()
        try:
            return status, json.loads(body) if body else None
        except ValueError:
            return status, None

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            try:
                await self._writer.wait_closed()
            except (ConnectionError, OSError):
                pass
        self._reader = self._writer = None
        self._between_requests = True
