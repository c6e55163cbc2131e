"""Clever's rate limits (clever-api.md §7.3): fixed windows per bearer token aligned to the clock's minute
boundaries, the `X-RateLimit-*` headers on every API response and a 429 once a bucket is spent.

`FixedWindowLimiter` is pure bookkeeping over an explicit `now`; `RateLimitMiddleware` is the ASGI shell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import msgspec
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rollcall.domain.timestamps import Clock
from rollcall.emulator.tokens import TokenRegistry

DEFAULT_LIMIT: Final = 1200
EXEMPT_PREFIXES: Final = ("/oauth/", "/_emulator", "/browser")


@dataclass(frozen=True, slots=True)
class Bucket:
    """One limit: `limit` requests per `window_seconds` per token, windows starting on multiples of it."""

    name: str = "bearer"
    limit: int = DEFAULT_LIMIT
    window_seconds: int = 60

    def __post_init__(self) -> None:
        if self.limit < 0 or self.window_seconds <= 0:
            raise ValueError(f"bucket {self.name}: limit must be >= 0 and window_seconds > 0")


@dataclass(frozen=True, slots=True)
class BucketState:
    """A bucket as the headers report it after a request."""

    bucket: Bucket
    remaining: int
    reset: int  # Unix seconds of the end of the current window


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether one request may pass, and every bucket's state for the headers."""

    allowed: bool
    states: tuple[BucketState, ...]

    def headers(self) -> list[tuple[str, str]]:
        """`X-RateLimit-*`; several buckets give the comma-separated parallel lists Clever's SDK parses."""
        joined = {
            "X-RateLimit-Bucket": ", ".join(s.bucket.name for s in self.states),
            "X-RateLimit-Limit": ", ".join(str(s.bucket.limit) for s in self.states),
            "X-RateLimit-Remaining": ", ".join(str(s.remaining) for s in self.states),
            "X-RateLimit-Reset": ", ".join(str(s.reset) for s in self.states),
        }
        return list(joined.items())


class FixedWindowLimiter:
    """Counts requests per (bucket, token) in fixed windows; a refused request is not counted."""

    def __init__(self, buckets: tuple[Bucket, ...] = (Bucket(),)) -> None:
        if not buckets:
            raise ValueError("a limiter needs at least one bucket")
        self.buckets = buckets
        # (bucket index, token) → (window start, requests counted in it)
        self._counts: dict[tuple[int, str], tuple[int, int]] = {}

    def _window(self, bucket: Bucket, now: float) -> int:
        return int(now // bucket.window_seconds) * bucket.window_seconds

    def _used(self, index: int, token: str, window: int) -> int:
        start, used = self._counts.get((index, token), (window, 0))
        return used if start == window else 0

    def peek(self, token: str, now: float) -> Decision:
        """The state a request would see, without counting one."""
        states = []
        allowed = True
        for index, bucket in enumerate(self.buckets):
            window = self._window(bucket, now)
            remaining = max(0, bucket.limit - self._used(index, token, window))
            allowed = allowed and remaining > 0
            states.append(BucketState(bucket, remaining, window + bucket.window_seconds))
        return Decision(allowed, tuple(states))

    def hit(self, token: str, now: float) -> Decision:
        """Count one request of `token` at `now` when every bucket has room; refuse it otherwise."""
        before = self.peek(token, now)
        if not before.allowed:
            return before
        after = []
        for index, state in enumerate(before.states):
            window = state.reset - state.bucket.window_seconds
            self._counts[(index, token)] = (window, self._used(index, token, window) + 1)
            after.append(BucketState(state.bucket, state.remaining - 1, state.reset))
        return Decision(True, tuple(after))

    def reset(self) -> None:
        """Forget every count (a control-plane reset)."""
        self._counts.clear()


def _bearer(scope: Scope) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            token = token.strip()
            return token if scheme.lower() == "bearer" and token else None
    return None


class RateLimitMiddleware:
    """Adds `X-RateLimit-*` to every API response and answers 429 once a token's bucket is spent.

    Paths under `exempt_prefixes` (OAuth, control plane, browser) and requests without a bearer token are
    neither counted nor given headers. With `tokens`, only tokens the registry knows are counted, so
    garbage tokens cannot grow the table (they get 401 downstream).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        clock: Clock,
        limiter: FixedWindowLimiter | None = None,
        tokens: TokenRegistry | None = None,
        exempt_prefixes: tuple[str, ...] = EXEMPT_PREFIXES,
    ) -> None:
        self.app = app
        self.clock = clock
        self.limiter = limiter or FixedWindowLimiter()
        self.tokens = tokens
        self.exempt_prefixes = exempt_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope["path"]).startswith(self.exempt_prefixes):
            await self.app(scope, receive, send)
            return
        token = _bearer(scope)
        if token is None or (self.tokens is not None and self.tokens.resolve(token) is None):
            await self.app(scope, receive, send)
            return
        decision = self.limiter.hit(token, self.clock.now().timestamp())
        extra = [
            (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in decision.headers()
        ]
        if not decision.allowed:
            body = msgspec.json.encode({"message": "Too Many Requests"})
            await send(
                {
                    "type": "http.response.start",
                    "status": 429,
                    "headers": [
                        (b"content-type", b"application/json; charset=utf-8"),
                        (b"content-length", str(len(body)).encode()),
                        *extra,
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
