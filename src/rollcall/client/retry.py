"""What to do when a request fails: the retry budget, jittered exponential backoff (stamina's formula), and
the classification of every status, body and transport exception into "retry" or "raise now"
(clever-api.md §7).

The loop itself is `request_flow`; everything here is a pure function of values, so each decision is tested
without a server or a clock. rollcall does not use stamina (it is not a dependency): a 429 must wait until
`X-RateLimit-Reset`, not a backoff step; the clock and the sleep are injected; and the one loop is a
sans-I/O generator that the blocking and the asyncio sessions both drive — stamina's `retry_context` would
own the loop and the sleeping, so each session would need its own copy again.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Final, Literal

import httpx
import msgspec

from rollcall.client.ratelimit import PacingPolicy, RateLimitState, reset_wait
from rollcall.errors import (
    BadRequest,
    CleverApiError,
    LimitTooLarge,
    NotFound,
    NotImplementedByApi,
    RateLimited,
    RouteNotFound,
    ServerError,
    TransportError,
    Unauthorized,
)

RETRYABLE_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
ROUTE_NOT_FOUND_HINT: Final = (
    "this path does not exist or your token may not use it "
    "(SSO tokens reach only /me, /users/{own id}, /districts/{id})"
)
_MESSAGE_CHARS: Final = 200

FailureKind = Literal["rate_limited", "server", "transport", "unreachable", "fatal"]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """The retry budget (attempts AND total seconds, whichever runs out first) and the backoff shape.

    Backoff after attempt n is `min(wait_max, wait_initial * wait_exp_base ** (n-1) + U(0, wait_jitter))`,
    stamina's formula. A 429 with usable headers waits until Reset instead.
    """

    attempts: int = 10
    timeout: float = 120.0
    wait_initial: float = 0.1
    wait_max: float = 5.0
    wait_jitter: float = 1.0
    wait_exp_base: float = 2.0
    pacing: PacingPolicy = field(default_factory=PacingPolicy)
    # A refused connection or an unknown host is tried this often, `wait_initial` apart: a server that is not
    # there does not appear within a backoff budget, and the user should hear so at once.
    connect_attempts: int = 2

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.connect_attempts < 1:
            raise ValueError("a retry policy needs at least one attempt")
        if self.timeout < 0 or self.wait_initial < 0 or self.wait_max < 0 or self.wait_jitter < 0:
            raise ValueError("retry waits and the timeout cannot be negative")
        if self.wait_exp_base < 1:
            raise ValueError("wait_exp_base below 1 would shrink the backoff")


NO_RETRIES: Final = RetryPolicy(attempts=1, timeout=0.0)


@dataclass(frozen=True, slots=True)
class Failure:
    """One failed attempt: how to treat it, and the error to raise if no retry follows."""

    kind: FailureKind
    error: CleverApiError
    rate_limit: RateLimitState | None = None

    @property
    def retryable(self) -> bool:
        return self.kind != "fatal"


def backoff_delay(policy: RetryPolicy, attempt: int, rng: random.Random) -> float:
    """Seconds to wait after the `attempt`-th failed attempt (1-based)."""
    exponent = max(0, attempt - 1)
    try:
        base = policy.wait_initial * policy.wait_exp_base**exponent
    except OverflowError:
        base = policy.wait_max
    return min(policy.wait_max, base + rng.uniform(0.0, policy.wait_jitter))


def next_delay(
    policy: RetryPolicy,
    failure: Failure,
    attempts_made: int,
    elapsed: float,
    now: float,
    rng: random.Random,
) -> float | None:
    """Seconds to wait before the next attempt, or `None` to give up and raise `failure.error`.

    Gives up on fatal failures, when the attempts are spent, and when the wait would overrun the
    total budget (waiting for a Reset we will not be allowed to use helps nobody).
    """
    if not failure.retryable or attempts_made >= policy.attempts:
        return None
    if failure.kind == "unreachable":
        return policy.wait_initial if attempts_made < policy.connect_attempts else None
    delay: float | None = None
    if failure.kind == "rate_limited":
        delay = reset_wait(failure.rate_limit, now, policy.pacing.margin)
    if delay is None:
        delay = backoff_delay(policy, attempts_made, rng)
    if elapsed + delay > policy.timeout:
        return None
    return delay


class _MessageBody(msgspec.Struct):
    message: str | None = None
    error: str | None = None
    error_description: str | None = None


_message_decoder: Final = msgspec.json.Decoder(_MessageBody)


def body_message(body: bytes) -> str | None:
    """The human text of a JSON error body (`{"message"}`, or the OAuth `{"error", "error_description"}`)."""
    try:
        parsed = _message_decoder.decode(body)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    parts = [part for part in (parsed.message, parsed.error, parsed.error_description) if part]
    return "; ".join(parts)[:_MESSAGE_CHARS] if parts else None


def is_html(content_type: str, body: bytes) -> bool:
    """True for the Express "Cannot GET …" pages Clever serves on unknown routes and wrong-token routes."""
    if "html" in content_type.lower():
        return True
    return body.lstrip()[:1] == b"<"


def error_for_status(
    status: int, url: str, content_type: str, body: bytes, *, method: str = "GET"
) -> CleverApiError:
    """The rollcall error for a non-2xx answer (never containing the token: only method, URL, status)."""
    message = body_message(body)
    where = f"{method} {url} → {status}"
    detail = f": {message}" if message else ""
    if status == 400:
        return BadRequest(f"{where} bad request{detail}", status=status, url=url)
    if status == 401:
        return Unauthorized(
            f"{where} unauthorized: the token is wrong, revoked or missing", status=status, url=url
        )
    if status == 404:
        if is_html(content_type, body):
            return RouteNotFound(f"{where}: {ROUTE_NOT_FOUND_HINT}", status=status, url=url)
        return NotFound(
            f"{where} not found{detail or ': no such record, or not shared with this app'}",
            status=status,
            url=url,
        )
    if status == 413:
        return LimitTooLarge(f"{where}: the page size (limit) is above 10000", status=status, url=url)
    if status == 429:
        return RateLimited(f"{where}: rate limited past the retry budget", status=status, url=url)
    if status == 501:
        return NotImplementedByApi(f"{where}: not implemented by the API{detail}", status=status, url=url)
    if status >= 500:
        return ServerError(f"{where}: server error{detail}", status=status, url=url)
    return CleverApiError(f"{where}: unexpected answer{detail}", status=status, url=url)


def failure_for_status(
    status: int,
    url: str,
    content_type: str,
    body: bytes,
    rate_limit: RateLimitState | None,
    *,
    method: str = "GET",
    idempotent: bool = True,
) -> Failure:
    """How to treat a non-2xx answer: 429 and 500/502/503/504 are retried, everything else raised at once.

    A non-idempotent request (the single-use OAuth code exchange) is retried only after a 429, which
    refuses the request before it is processed; a 5xx may already have spent the code.
    """
    error = error_for_status(status, url, content_type, body, method=method)
    if status == 429:
        return Failure("rate_limited", error, rate_limit)
    if status in RETRYABLE_STATUSES and idempotent:
        return Failure("server", error, rate_limit)
    return Failure("fatal", error, rate_limit)


# Exceptions after which the same request may well succeed: the connection broke or timed out.
_RETRYABLE_EXCEPTIONS: Final = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
    httpx.DecodingError,
    ConnectionResetError,
    ConnectionAbortedError,
    BrokenPipeError,
    ConnectionRefusedError,
)


# Exceptions raised before a single byte of the request left: safe to retry even a non-idempotent request.
_NOT_SENT_EXCEPTIONS: Final = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    ConnectionRefusedError,
)

# Nobody answers at that address (connection refused, unknown host): not a transient fault.
_UNREACHABLE_EXCEPTIONS: Final = (httpx.ConnectError, ConnectionRefusedError)


TRANSPORT_EXCEPTIONS: Final = (httpx.HTTPError, ConnectionError)
TransportException = httpx.HTTPError | ConnectionError


def failure_for_exception(
    exc: httpx.HTTPError | ConnectionError, url: str, *, method: str = "GET", idempotent: bool = True
) -> Failure:
    """Connection resets, timeouts and broken bodies are retried; a bad URL or protocol is not. A
    non-idempotent request is retried only when it never reached the server.

    Besides httpx's own exceptions, a bare `ConnectionError` counts as a reset: in-process transports
    (an ASGI app behind the transport seam) surface the socket-level error unwrapped."""
    if isinstance(exc, _UNREACHABLE_EXCEPTIONS):
        reason = str(exc) or type(exc).__name__
        message = f"cannot reach {url} ({reason}): is the server running, and is the URL right?"
        return Failure("unreachable", TransportError(message, url=url))
    error = TransportError(f"{method} {url}: {type(exc).__name__}: {exc}", url=url)
    retryable = _RETRYABLE_EXCEPTIONS if idempotent else _NOT_SENT_EXCEPTIONS
    return Failure("transport" if isinstance(exc, retryable) else "fatal", error)


def failure_for_body(url: str, reason: str, *, status: int = 200, method: str = "GET") -> Failure:
    """A 2xx whose body is truncated or not JSON: the bytes were damaged in flight, so retry."""
    return Failure(
        "transport",
        TransportError(
            f"{method} {url} → {status}: truncated or undecodable body ({reason})", status=status, url=url
        ),
    )


def content_length_mismatch(declared: str | None, received: int | None) -> str | None:
    """A reason when fewer/more bytes arrived than `Content-Length` announced, else `None` (also when
    either number is unknown)."""
    if declared is None or received is None:
        return None
    try:
        expected = int(declared)
    except ValueError:
        return f"unreadable Content-Length {declared!r}"
    if expected != received:
        return f"Content-Length {expected} but {received} bytes received"
    return None
