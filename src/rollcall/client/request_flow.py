"""One request from first attempt to answer or error, sans I/O: a generator that says what to do next (take a
sending slot, wait, send) and is told what came back. Pacing, evaluation, the retry decision and logging all
happen here, once; the blocking and the asyncio sessions only drive it — they differ in how they wait and
send, nothing else (the shape of httpx's `Auth.auth_flow`, which both httpx clients drive).

The driver protocol: `Hold` → take a sending slot (the async session's concurrency gate; the blocking session
has one slot) and send back `None`; `Wait` → sleep, send back `None`; `Send` → send the request and send
back the `httpx.Response` or the transport exception, releasing the slot. The generator returns the decoded
answer or raises the `CleverApiError` to give up with. A driver that stops early closes the generator."""

from __future__ import annotations

import random
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

import httpx
import msgspec
import structlog

from rollcall.client.ratelimit import RateLimitState, pacing_delay, parse_rate_limit
from rollcall.client.retry import (
    Failure,
    RetryPolicy,
    TransportException,
    content_length_mismatch,
    failure_for_body,
    failure_for_exception,
    failure_for_status,
    next_delay,
)
from rollcall.domain.timestamps import Clock
from rollcall.errors import CleverApiError

R = TypeVar("R")
Decode = Callable[[bytes], R]

log = structlog.get_logger("rollcall.client")


@dataclass(frozen=True, slots=True)
class Hold:
    """Take a sending slot before the pacing check, so concurrent requests see each other's spending."""


@dataclass(frozen=True, slots=True)
class Wait:
    """Sleep `seconds` (a pacing pause while holding the slot, or a backoff between attempts)."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Send:
    """Send this request; reply with the response or the transport exception, and release the slot."""

    method: str
    url: str
    content: bytes | None


@dataclass(frozen=True, slots=True)
class Done(Generic[R]):
    """Not a step: what a session's helper turns the flow's return value into, so drivers loop on steps."""

    result: R


Step = Hold | Wait | Send
Reply = httpx.Response | TransportException | None

HOLD: Final = Hold()


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


def full_url(base_url: str, url: str) -> str:
    """The URL an error names: a path joined to the session's base URL; an absolute URL as it is."""
    return base_url.rstrip("/") + url if url.startswith("/") else url


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


@dataclass(frozen=True, slots=True)
class Pacer:
    """What every request of one session shares: the retry budget, the rate-limit state, the clock the
    budget and the Reset waits are measured by, and the randomness of the backoff jitter."""

    policy: RetryPolicy
    clock: Clock
    rng: random.Random
    rate: RateTracker

    def now(self) -> float:
        return self.clock.now().timestamp()


def request_flow(
    pacer: Pacer,
    send: Send,
    decode: Decode[R],
    *,
    base_url: str = "",
    idempotent: bool = True,
) -> Generator[Step, Reply, R]:
    """Attempt `send` until its answer decodes, a fatal failure, or the retry budget runs out."""
    where = full_url(base_url, send.url)
    started = pacer.now()
    attempt = 0
    while True:
        attempt += 1
        yield HOLD
        pause = pacer.rate.delay(pacer.now(), pacer.policy)
        if pause > 0:
            log.debug("client.paced", url=where, delay=round(pause, 3))
            yield Wait(pause)
        pacer.rate.in_flight += 1
        try:
            reply = yield send
        finally:
            pacer.rate.in_flight -= 1
        if isinstance(reply, httpx.Response):
            state = pacer.rate.observe(reply.headers, pacer.now())
            result = evaluate(reply, where, decode, state, method=send.method, idempotent=idempotent)
        elif reply is not None:
            result = failure_for_exception(reply, where, method=send.method, idempotent=idempotent)
        else:
            raise RuntimeError("a session answered a Send step with nothing")
        if not isinstance(result, Failure):
            return result
        yield Wait(_retry_delay(pacer, result, attempt, started, where, reply))


def _retry_delay(
    pacer: Pacer, failure: Failure, attempt: int, started: float, where: str, reply: Reply
) -> float:
    """The wait before the next attempt, or raise the failure's error (chained to the transport exception)
    when the budget is spent or the failure is fatal."""
    now = pacer.now()
    delay = next_delay(pacer.policy, failure, attempt, now - started, now, pacer.rng)
    cause = reply if isinstance(reply, BaseException) else None
    # Nobody answering is said once, by the error itself: no warning per attempt, no "gave up" line.
    quiet = failure.kind == "unreachable"
    if delay is None:
        if failure.retryable and not quiet:
            log.error(
                "client.gave_up", url=where, status=failure.error.status, kind=failure.kind, attempts=attempt
            )
        raise failure.error from cause
    (log.debug if quiet else log.warning)(
        "client.rate_limited" if failure.kind == "rate_limited" else "client.retry",
        url=where,
        status=failure.error.status,
        kind=failure.kind,
        attempt=attempt,
        delay=round(delay, 3),
        error=str(failure.error),
    )
    return delay
