"""In-process HTTP for the emulator: httpx transports that hand requests straight to the ASGI app.

The async one is httpx's own `ASGITransport`. The sync one runs that same transport on a private event
loop in a daemon thread, so a plain `httpx.Client` can talk to the app without a socket.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Final

import httpx
from starlette.types import ASGIApp

# Generous: a 10 000-record page of a million-user district still answers in well under a second.
REQUEST_TIMEOUT_SECONDS: Final = 300.0


def async_transport(app: ASGIApp) -> httpx.AsyncBaseTransport:
    """For `httpx.AsyncClient(transport=…, base_url=…)`."""
    return httpx.ASGITransport(app=app)


class SyncAsgiTransport(httpx.BaseTransport):
    """A synchronous httpx transport over an ASGI app, via a background event loop."""

    def __init__(self, app: ASGIApp) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=loop.run_forever, name="rollcall-asgi", daemon=True)
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    async def _send(self, request: httpx.Request) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        response = await self._inner.handle_async_request(request)
        body = await response.aread()
        return response.status_code, response.headers.raw, body

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        copy = httpx.Request(request.method, request.url, headers=request.headers, content=request.read())
        future = asyncio.run_coroutine_threadsafe(self._send(copy), self._running_loop())
        status, headers, body = future.result(timeout=REQUEST_TIMEOUT_SECONDS)
        return httpx.Response(status, headers=headers, content=body, request=request)

    def close(self) -> None:
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is not None and thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=5)
            loop.close()
