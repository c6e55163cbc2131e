"""The client wired to the in-process emulator: one clock for both (the client's sleeps move the emulator's
clock, so rate-limit windows pass without real waiting), and a transport wrapper that counts requests."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import httpx

from rollcall.client import AsyncCleverClient, CleverClient, RetryPolicy
from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.timestamps import Clock
from rollcall.emulator import Emulator

FAST_RETRIES = RetryPolicy(attempts=8, timeout=600.0, wait_initial=0.05, wait_max=1.0, wait_jitter=0.05)


class CountingTransport(httpx.BaseTransport):
    """Passes every request to the emulator's transport and remembers its path and answer status."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.seen: list[tuple[str, int]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = self.inner.handle_request(request)
        except Exception:
            self.seen.append((request.url.raw_path.decode(), -1))
            raise
        self.seen.append((request.url.raw_path.decode(), response.status_code))
        return response

    @property
    def paths(self) -> list[str]:
        return [path for path, _ in self.seen]


@dataclass
class Emulated:
    """An emulator serving one district, and ways to reach it."""

    emu: Emulator
    district_id: str
    snapshot: DistrictSnapshot
    slept: list[float] = field(default_factory=list)

    @property
    def clock(self) -> Clock:
        return self.emu.state.clock

    @property
    def token(self) -> str:
        return self.emu.district_token(self.district_id)

    def sleep(self, seconds: float) -> None:
        """The client's sleep: time passes on the emulator's clock instead of the wall clock."""
        self.slept.append(seconds)
        self.emu.advance_clock(dt.timedelta(seconds=seconds))

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def counting(self) -> CountingTransport:
        return CountingTransport(self.emu.sync_transport())

    def client(
        self,
        version: str = "v3.1",
        *,
        token: str | None = None,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy = FAST_RETRIES,
        page_size: int = 10_000,
        base_url: str | None = None,
    ) -> CleverClient:
        """A client on the in-process transport, or over real HTTP when `base_url` (of `serve_in_thread`)
        is given."""
        if base_url is None:
            transport = transport or self.emu.sync_transport()
        return CleverClient(
            token or self.token,
            api_version=version,
            base_url=base_url or self.emu.base_url,
            transport=transport,
            retry=retry,
            page_size=page_size,
            clock=self.clock,
            sleep=self.sleep,
            rng=random.Random(7),
        )

    def async_client(
        self,
        version: str = "v3.1",
        *,
        token: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy = FAST_RETRIES,
        concurrency: int = 4,
    ) -> AsyncCleverClient:
        return AsyncCleverClient(
            token or self.token,
            api_version=version,
            base_url=self.emu.base_url,
            transport=transport or self.emu.async_transport(),
            retry=retry,
            concurrency=concurrency,
            clock=self.clock,
            sleep=self.async_sleep,
            rng=random.Random(7),
        )
