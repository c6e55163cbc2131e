"""Clever's `X-RateLimit-*` headers as values, and the pure arithmetic of waiting on them (clever-api.md
§7.3): how long to pause before the next request so the budget lasts until the window resets, and how long
a 429 must wait."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Final

# A Reset value below this cannot be a Unix time of a live response (it is 2001-09-09); old fixtures and
# some proxies send "seconds until reset" instead, so such values are read as relative.
_UNIX_FLOOR: Final = 1_000_000_000.0

HEADER_BUCKET: Final = "x-ratelimit-bucket"
HEADER_LIMIT: Final = "x-ratelimit-limit"
HEADER_REMAINING: Final = "x-ratelimit-remaining"
HEADER_RESET: Final = "x-ratelimit-reset"


@dataclass(frozen=True, slots=True)
class Bucket:
    """One rate-limit bucket: `remaining` of `limit` requests are left until `reset` (Unix seconds)."""

    name: str
    limit: int
    remaining: int
    reset: float


@dataclass(frozen=True, slots=True)
class RateLimitState:
    """Every bucket one response reported. Clever sends one (`bearer`); the old SDK fixture shows several."""

    buckets: tuple[Bucket, ...]

    def spend(self, requests: int) -> RateLimitState:
        """The state after `requests` more requests were sent without seeing a fresher response."""
        if requests <= 0:
            return self
        return RateLimitState(
            tuple(replace(b, remaining=max(0, b.remaining - requests)) for b in self.buckets)
        )

    def exhausted(self) -> tuple[Bucket, ...]:
        """The buckets with nothing left."""
        return tuple(b for b in self.buckets if b.remaining <= 0)


def _split(value: str | None) -> list[str]:
    if value is None:
        return []
    return [part.strip() for part in value.split(",")]


def _int(text: str) -> int | None:
    try:
        number = int(text)
    except ValueError:
        return None
    return number if number >= 0 else None


def _reset(text: str, now: float) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    if number != number or number < 0 or number == float("inf"):  # NaN, negative, infinite
        return None
    return number if number >= _UNIX_FLOOR else now + number


def parse_rate_limit(headers: Mapping[str, str], now: float) -> RateLimitState | None:
    """The buckets described by a response's headers (case-insensitive names, comma-separated lists).

    A bucket is kept only when its limit, remaining and reset at the same list position all parse;
    malformed or missing positions are dropped rather than guessed. `None` when no bucket is usable.
    `now` (Unix seconds) anchors Reset values that are relative rather than absolute.
    """
    lowered = {key.lower(): value for key, value in headers.items()}
    limits = _split(lowered.get(HEADER_LIMIT))
    remainings = _split(lowered.get(HEADER_REMAINING))
    resets = _split(lowered.get(HEADER_RESET))
    names = _split(lowered.get(HEADER_BUCKET))
    buckets: list[Bucket] = []
    for index in range(min(len(limits), len(remainings), len(resets))):
        limit, remaining = _int(limits[index]), _int(remainings[index])
        reset = _reset(resets[index], now)
        if limit is None or remaining is None or reset is None:
            continue
        name = names[index] if index < len(names) and names[index] else f"bucket{index}"
        buckets.append(Bucket(name=name, limit=limit, remaining=min(remaining, limit), reset=reset))
    return RateLimitState(tuple(buckets)) if buckets else None


@dataclass(frozen=True, slots=True)
class PacingPolicy:
    """When to start spreading requests: once a bucket has at most `low_water` of its limit left.

    `margin` seconds are added to waits that end at a Reset, because Reset is second-granular and the
    server's clock may run slightly ahead of ours.
    """

    low_water: float = 0.2
    margin: float = 0.25
    enabled: bool = True


def _bucket_delay(bucket: Bucket, now: float, policy: PacingPolicy) -> float:
    left = bucket.reset - now
    if left <= 0:
        return 0.0  # the window has already reset
    if bucket.remaining <= 0:
        return left + policy.margin
    if bucket.remaining > bucket.limit * policy.low_water:
        return 0.0
    # Space the remaining requests evenly over what is left of the window.
    return left / (bucket.remaining + 1)


def pacing_delay(state: RateLimitState | None, now: float, policy: PacingPolicy = PacingPolicy()) -> float:
    """Seconds to pause before the next request so that no bucket runs dry before its Reset.

    Zero while every bucket has more than `low_water` of its limit left; then the remaining requests
    are spread evenly until Reset; an exhausted bucket waits for its Reset. The most restrictive
    bucket wins (the longest pause).
    """
    if state is None or not policy.enabled:
        return 0.0
    return max((_bucket_delay(bucket, now, policy) for bucket in state.buckets), default=0.0)


def reset_wait(state: RateLimitState | None, now: float, margin: float = 0.25) -> float | None:
    """How long a 429 must wait: until the latest Reset of the exhausted buckets (or, if the headers do
    not say which bucket ran dry, of the most restrictive one). `None` when the headers say nothing
    usable, so the caller falls back to backoff."""
    if state is None:
        return None
    exhausted = state.exhausted()
    if exhausted:
        latest = max(bucket.reset for bucket in exhausted)
    else:
        # A 429 while every bucket claims capacity: trust the bucket with the smallest share left.
        latest = min(state.buckets, key=lambda b: b.remaining / b.limit if b.limit else 0.0).reset
    return max(0.0, latest - now) + margin
