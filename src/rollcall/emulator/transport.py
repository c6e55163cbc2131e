"""In-process HTTP for the emulator: httpx transports that hand requests straight to the ASGI app.

The async one is httpx's own `ASGITransport`. The sync one drives that same transport on an event loop
of the calling thread (one per thread, kept for the transport's life): no socket and no thread hop. When
the caller is itself inside a running event loop (sync code called from async code), it falls back to a
private loop in a daemon thread.
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
    """A synchronous httpx transport over an ASGI app."""

    def __init__(self, app: ASGIApp) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self._local = threading.local()
        self._loops: list[asyncio.AbstractEventLoop] = []
        self._background: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    async def _send(self, request: httpx.Request) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        response = await self._inner.handle_async_request(request)
        body = await response.aread()
        return response.status_code, response.headers.raw, body

    def _thread_loop(self) -> asyncio.AbstractEventLoop:
        loop: asyncio.AbstractEventLoop | None = getattr(self._local, "loop", None)
        if loop is None or loop.is_closed():
            loop = asyncio.new_event_loop()
            self._local.loop = loop
            with self._lock:
                self._loops.append(loop)
        return loop

    def _background_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._background is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=loop.run_forever, name="rollcall-asgi", daemon=True)
                thread.start()
                self._background, self._thread = loop, thread
            return self._background

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        copy = httpx.Request(request.method, request.url, headers=request.headers, content=request.read())
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # the usual case: plain synchronous code
            status, headers, body = self._thread_loop().run_until_complete(self._send(copy))
        else:
            future = asyncio.run_coroutine_threadsafe(self._send(copy), self._background_loop())
            status, headers, body = future.result(timeout=REQUEST_TIMEOUT_SECONDS)
        return httpx.Response(status, headers=headers, content=body, request=request)

    def close(self) -> None:
        with self._lock:
            loops, self._loops = self._loops, []
            background, thread = self._background, self._thread
            self._background = self._thread = None
        for loop in loops:
            if not loop.is_running() and not loop.is_closed():
                loop.close()
        if background is not None and thread is not None:
            background.call_soon_threadsafe(background.stop)
            thread.join(timeout=5)
            background.close()
