"""The client wired to the in-process emulator: one clock for both (the client's sleeps move the clock the
emulator's rate-limit windows follow, so windows pass without real waiting), and a transport wrapper that
counts requests."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import httpx

from rollcall.client import AsyncCleverClient, CleverClient, HttpOptions, RetryPolicy
from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.timestamps import FixedClock
from rollcall.emulator import Emulator
from rollcall.emulator.faults import parse_fault_plan

# Mid-minute, so the first rate-limit window has 30 s left.
START = dt.datetime(2026, 9, 1, 8, 0, 30, tzinfo=dt.UTC)

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


def emulate(snapshot: DistrictSnapshot, *, rate_limit: int = 1_200) -> Emulated:
    """An emulator serving `snapshot` whose rate-limit windows follow a clock the client's sleeps move."""
    clock = FixedClock(START)
    emu = Emulator(seed="client-tests", rate_limit=rate_limit, limit_clock=clock)
    return Emulated(emu, emu.load_snapshot(snapshot), snapshot, clock)


@dataclass
class Emulated:
    """An emulator serving one district, the clock its rate limits follow, and ways to reach it."""

    emu: Emulator
    district_id: str
    snapshot: DistrictSnapshot
    clock: FixedClock
    slept: list[float] = field(default_factory=list)

    def faults(self, *specs: str, seed: int = 0) -> None:
        """Install a fault plan of `--fault` specs, e.g. `503@/v3.1/users:count=2`."""
        self.emu.set_faults(parse_fault_plan(list(specs), seed=seed))

    @property
    def token(self) -> str:
        return self.emu.district_token(self.district_id)

    def sleep(self, seconds: float) -> None:
        """The client's sleep: time passes on the rate-limit clock instead of the wall clock."""
        self.slept.append(seconds)
        self.clock.advance(dt.timedelta(seconds=seconds))

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
            page_size=page_size,
            options=HttpOptions(
                transport=transport, retry=retry, clock=self.clock, sleep=self.sleep, rng=random.Random(7)
            ),
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
            options=HttpOptions(
                transport=transport or self.emu.async_transport(),
                retry=retry,
                clock=self.clock,
                sleep=self.async_sleep,
                rng=random.Random(7),
                concurrency=concurrency,
            ),
        )
