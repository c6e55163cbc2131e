"""The HTTP shell: one httpx client per run, driving `request_flow` — the one retry/pacing step — for each
request. The blocking and the asyncio sessions differ only in how they take a slot, wait and send."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Generator
from typing import Final, TypeVar

import httpx

from rollcall.client.options import USER_AGENT, AsyncOptions, HttpOptions, SyncOptions
from rollcall.client.request_flow import (
    Decode,
    Done,
    Hold,
    Pacer,
    RateTracker,
    Reply,
    Send,
    Step,
    Wait,
    request_flow,
)
from rollcall.client.retry import TRANSPORT_EXCEPTIONS, TransportException
from rollcall.domain.timestamps import SystemClock

R = TypeVar("R")

HEADERS: Final = {"Accept": "application/json", "User-Agent": USER_AGENT}


class BearerAuth(httpx.Auth):
    """`Authorization: Bearer …` whose repr never shows the token."""

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("a bearer token cannot be empty")
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return "BearerAuth(<redacted>)"


class _SessionBase:
    """The pure half both sessions share: the pacer, and the flow of one request."""

    def __init__(self, options: HttpOptions[object, object], base_url: str) -> None:
        self.base_url = base_url
        clock = options.clock or SystemClock()
        self.pacer = Pacer(options.retry, clock, options.rng or random.Random(), RateTracker())

    @property
    def rate(self) -> RateTracker:
        return self.pacer.rate

    def flow(self, url: str, decode: Decode[R], body: bytes | None) -> Generator[Step, Reply, R]:
        """A request with a body is the single-use OAuth code exchange: a POST, never resent once it may
        have reached the server. Every other request is an idempotent GET."""
        send = Send("GET", url, None) if body is None else Send("POST", url, body)
        return request_flow(self.pacer, send, decode, base_url=self.base_url, idempotent=body is None)


def _headers(send: Send) -> dict[str, str]:
    """Every request asks for JSON; the one with a body (the code exchange) sends JSON too."""
    return HEADERS if send.content is None else {**HEADERS, "Content-Type": "application/json"}


def _answer(flow: Generator[Step, Reply, R], reply: Reply) -> Step | Done[R]:
    """The flow's next step, or `Done` with its result."""
    try:
        return flow.send(reply)
    except StopIteration as done:
        return Done(done.value)


class SyncSession(_SessionBase):
    """Blocking requests over one keep-alive `httpx.Client`."""

    def __init__(self, auth: httpx.Auth, options: SyncOptions, base_url: str = "") -> None:
        super().__init__(options, base_url)
        self.http = httpx.Client(
            base_url=base_url, auth=auth, transport=options.transport, timeout=options.timeout
        )
        self._sleep = options.sleep or time.sleep

    def request(self, url: str, decode: Decode[R], *, body: bytes | None = None) -> R:
        """Send until an answer decodes, a fatal failure, or the retry budget runs out."""
        flow = self.flow(url, decode, body)
        try:
            step = _answer(flow, None)
            while not isinstance(step, Done):
                reply: Reply = None
                if isinstance(step, Wait):
                    self._sleep(step.seconds)
                elif isinstance(step, Send):
                    reply = self._send(step)
                step = _answer(flow, reply)
            return step.result
        finally:
            flow.close()

    def _send(self, send: Send) -> httpx.Response | TransportException:
        try:
            return self.http.request(send.method, send.url, content=send.content, headers=_headers(send))
        except TRANSPORT_EXCEPTIONS as exc:
            return exc

    def close(self) -> None:
        self.http.close()


class AsyncSession(_SessionBase):
    """Concurrent requests over one keep-alive `httpx.AsyncClient`, at most `options.concurrency` at once:
    the gate is held from the flow's `Hold` to the answer of its `Send`, pacing pause included."""

    def __init__(self, auth: httpx.Auth, options: AsyncOptions, base_url: str = "") -> None:
        super().__init__(options, base_url)
        self.http = httpx.AsyncClient(
            base_url=base_url, auth=auth, transport=options.transport, timeout=options.timeout
        )
        self._sleep = options.sleep or asyncio.sleep
        self._gate = asyncio.Semaphore(options.concurrency)

    async def request(self, url: str, decode: Decode[R], *, body: bytes | None = None) -> R:
        """Send until an answer decodes, a fatal failure, or the retry budget runs out."""
        flow = self.flow(url, decode, body)
        holding = False
        try:
            step = _answer(flow, None)
            while not isinstance(step, Done):
                if isinstance(step, Hold):
                    await self._gate.acquire()
                    holding = True
                    step = _answer(flow, None)
                elif isinstance(step, Wait):
                    await self._sleep(step.seconds)
                    step = _answer(flow, None)
                else:
                    reply = await self._send(step)
                    self._gate.release()
                    holding = False
                    step = _answer(flow, reply)
            return step.result
        finally:
            if holding:
                self._gate.release()
            flow.close()

    async def _send(self, send: Send) -> httpx.Response | TransportException:
        try:
            return await self.http.request(
                send.method, send.url, content=send.content, headers=_headers(send)
            )
        except TRANSPORT_EXCEPTIONS as exc:
            return exc

    async def aclose(self) -> None:
        await self.http.aclose()
