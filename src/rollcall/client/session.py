"""The HTTP shell: one httpx client per run, the retry loop, rate-limit pacing and logging. All decisions are
delegated to the pure functions of `retry`, `ratelimit` and `pages`; the sync and async sessions differ only
in how they wait and send."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Generator
from typing import Final, TypeVar

import httpx
import msgspec
import structlog

from rollcall.client.ratelimit import RateLimitState, pacing_delay, parse_rate_limit
from rollcall.client.retry import (
    TRANSPORT_EXCEPTIONS,
    Failure,
    RetryPolicy,
    content_length_mismatch,
    failure_for_body,
    failure_for_exception,
    failure_for_status,
    next_delay,
)
from rollcall.domain.timestamps import Clock, SystemClock
from rollcall.errors import CleverApiError

R = TypeVar("R")
Decode = Callable[[bytes], R]
Sleep = Callable[[float], None]
AsyncSleep = Callable[[float], Awaitable[None]]

DEFAULT_BASE_URL: Final = "https://api.clever.com"
DEFAULT_TIMEOUT: Final = httpx.Timeout(60.0, connect=10.0)
USER_AGENT: Final = "rollcall-client/0.1 (+https://github.com/rollcall)"

log = structlog.get_logger("rollcall.client")


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


class RateTracker:
    """The latest rate-limit headers seen, and how many requests have left since (concurrent callers)."""

    def __init__(self) -> None:
        self.state: RateLimitState | None = None
        self.in_flight = 0

    def observe(self, headers: httpx.Headers, now: float) -> RateLimitState | None:
        state = parse_rate_limit(headers, now)
        if state is not None:
            self.state = state
        return state

    def delay(self, now: float, policy: RetryPolicy) -> float:
        state = self.state.spend(self.in_flight) if self.state is not None else None
        return pacing_delay(state, now, policy.pacing)


def _bytes_on_wire(response: httpx.Response) -> int | None:
    """How many body bytes arrived before any content decoding; `None` when that cannot be known."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        return len(response.content)
    # Compressed: only the raw byte count is comparable, and in-process transports may not count it.
    return response.num_bytes_downloaded or None


def evaluate(
    response: httpx.Response,
    url: str,
    decode: Decode[R],
    rate_limit: RateLimitState | None,
    *,
    method: str = "GET",
    idempotent: bool = True,
) -> R | Failure:
    """The decoded answer, or the `Failure` to retry or raise. A body of the wrong shape is raised at once
    (retrying cannot fix it); a body that is not JSON or shorter than announced was damaged, so retried."""
    status = response.status_code
    body = response.content
    if not 200 <= status < 300:
        content_type = response.headers.get("content-type", "")
        return failure_for_status(
            status, url, content_type, body, rate_limit, method=method, idempotent=idempotent
        )
    damaged = content_length_mismatch(response.headers.get("content-length"), _bytes_on_wire(response))
    try:
        if damaged is None:
            return decode(body)
    except msgspec.ValidationError as exc:
        raise CleverApiError(
            f"{method} {url} → {status}: the answer does not have the expected shape: {exc}",
            status=status,
            url=url,
        ) from exc
    except msgspec.DecodeError as exc:
        damaged = str(exc)
    failure = failure_for_body(url, damaged, status=status, method=method)
    return failure if idempotent else Failure("fatal", failure.error)


def _log_retry(failure: Failure, url: str, attempt: int, delay: float) -> None:
    event = "client.rate_limited" if failure.kind == "rate_limited" else "client.retry"
    log.warning(
        event,
        url=url,
        status=failure.error.status,
        kind=failure.kind,
        attempt=attempt,
        delay=round(delay, 3),
        error=str(failure.error),
    )


class _SessionBase:
    def __init__(self, *, policy: RetryPolicy, clock: Clock, rng: random.Random) -> None:
        self.policy = policy
        self.clock = clock
        self.rng = rng
        self.rate = RateTracker()

    def _now(self) -> float:
        return self.clock.now().timestamp()

    def _give_up(self, failure: Failure, attempt: int, started: float, url: str) -> float:
        """The delay before retrying `failure`, or raise its error when the budget is spent."""
        now = self._now()
        delay = next_delay(self.policy, failure, attempt, now - started, now, self.rng)
        if delay is None:
            if failure.retryable:
                log.error(
                    "client.gave_up",
                    url=url,
                    status=failure.error.status,
                    kind=failure.kind,
                    attempts=attempt,
                )
            raise failure.error
        _log_retry(failure, url, attempt, delay)
        return delay


class SyncSession(_SessionBase):
    """Blocking requests over one keep-alive `httpx.Client`."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        policy: RetryPolicy,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(policy=policy, clock=clock or SystemClock(), rng=rng or random.Random())
        self.http = http
        self._sleep = sleep or time.sleep

    def request(
        self,
        url: str,
        decode: Decode[R],
        *,
        method: str = "GET",
        content: bytes | None = None,
        idempotent: bool = True,
    ) -> R:
        """Send until an answer decodes, a fatal failure, or the retry budget runs out."""
        started = self._now()
        attempt = 0
        while True:
            attempt += 1
            pause = self.rate.delay(self._now(), self.policy)
            if pause > 0:
                log.debug("client.paced", url=url, delay=round(pause, 3))
                self._sleep(pause)
            self.rate.in_flight += 1
            try:
                response = self.http.request(method, url, content=content)
                state = self.rate.observe(response.headers, self._now())
                result = evaluate(response, url, decode, state, method=method, idempotent=idempotent)
            except TRANSPORT_EXCEPTIONS as exc:
                result = failure_for_exception(exc, url, method=method, idempotent=idempotent)
                cause: BaseException | None = exc
            else:
                cause = None
            finally:
                self.rate.in_flight -= 1
            if not isinstance(result, Failure):
                return result
            try:
                delay = self._give_up(result, attempt, started, url)
            except CleverApiError as error:
                raise error from cause
            self._sleep(delay)

    def close(self) -> None:
        self.http.close()


class AsyncSession(_SessionBase):
    """Concurrent requests over one keep-alive `httpx.AsyncClient`, at most `concurrency` at a time."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        policy: RetryPolicy,
        concurrency: int = 4,
        clock: Clock | None = None,
        sleep: AsyncSleep | None = None,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(policy=policy, clock=clock or SystemClock(), rng=rng or random.Random())
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.http = http
        self._sleep = sleep or asyncio.sleep
        self._gate = asyncio.Semaphore(concurrency)

    async def request(
        self,
        url: str,
        decode: Decode[R],
        *,
        method: str = "GET",
        content: bytes | None = None,
        idempotent: bool = True,
    ) -> R:
        """Send until an answer decodes, a fatal failure, or the retry budget runs out."""
        started = self._now()
        attempt = 0
        while True:
            attempt += 1
            async with self._gate:
                pause = self.rate.delay(self._now(), self.policy)
                self.rate.in_flight += 1
                try:
                    if pause > 0:
                        log.debug("client.paced", url=url, delay=round(pause, 3))
                        await self._sleep(pause)
                    response = await self.http.request(method, url, content=content)
                    state = self.rate.observe(response.headers, self._now())
                    result = evaluate(response, url, decode, state, method=method, idempotent=idempotent)
                except TRANSPORT_EXCEPTIONS as exc:
                    result = failure_for_exception(exc, url, method=method, idempotent=idempotent)
                    cause: BaseException | None = exc
                else:
                    cause = None
                finally:
                    self.rate.in_flight -= 1
            if not isinstance(result, Failure):
                return result
            try:
                delay = self._give_up(result, attempt, started, url)
            except CleverApiError as error:
                raise error from cause
            await self._sleep(delay)

    async def aclose(self) -> None:
        await self.http.aclose()
