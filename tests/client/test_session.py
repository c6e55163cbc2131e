from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from structlog.testing import capture_logs

from rollcall.client import PacingPolicy, RetryPolicy
from rollcall.client.queries import Endpoints
from rollcall.client.session import BearerAuth
from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.emulator.ratelimit import Bucket
from rollcall.errors import RateLimited, ServerError, TransportError
from tests.client.emulated import Emulated, emulate


def test_bearer_auth_sets_the_header_and_hides_the_token() -> None:
    auth = BearerAuth("s3cret-token")
    request = next(auth.auth_flow(httpx.Request("GET", "https://api.clever.com/me")))
    assert request.headers["Authorization"] == "Bearer s3cret-token"
    assert "s3cret" not in repr(auth)
    with pytest.raises(ValueError, match="empty"):
        BearerAuth("")


@pytest.fixture
def limited(snapshot: DistrictSnapshot) -> Iterator[Emulated]:
    """The test district behind a rate limit of 25 requests a minute."""
    emulated = emulate(snapshot, rate_limit=25)
    with emulated.emu:
        yield emulated


def _walk(emulated: Emulated, limit: int = 10, **kwargs: object) -> tuple[list[str], list[tuple[str, int]]]:
    """Every user id of a paged walk, and each request the transport saw (path, status; -1 for a reset)."""
    transport = emulated.counting()
    with emulated.client(transport=transport, **kwargs) as clever:  # type: ignore[arg-type]
        ids = [
            user.id
            for page in clever.iter_pages(Endpoints("v3.1").users(), limit=limit)
            for user in page.records
        ]
    return ids, transport.seen


def _walk_over_http(emulated: Emulated, limit: int = 10) -> list[str]:
    """The same walk over a real loopback socket (in-process, a truncated body trips httpx's ASGI transport
    itself, so truncation is only observable on a real connection)."""
    with emulated.emu.serve_in_thread() as base_url, emulated.client(base_url=base_url) as clever:
        return [
            user.id
            for page in clever.iter_pages(Endpoints("v3.1").users(), limit=limit)
            for user in page.records
        ]


@pytest.mark.parametrize(
    "spec",
    [
        "500@/v3.1/users:count=2",
        "502@/v3.1/users:count=2",
        "503@/v3.1/users:count=3",
        "reset@/v3.1/users:count=2",
    ],
)
def test_transient_failures_are_retried_and_the_walk_yields_the_same_records(
    emulated: Emulated, spec: str
) -> None:
    emulated.faults(spec)
    with capture_logs() as logs:
        ids, seen = _walk(emulated)
    assert ids == sorted(emulated.snapshot.users)
    retries = [entry for entry in logs if entry["event"] == "client.retry"]
    assert len(retries) == int(spec.rsplit("=", 1)[1])
    assert all(emulated.token not in str(entry) for entry in logs)
    assert len(seen) == len(retries) + len({path for path, status in seen if status == 200})


@pytest.mark.parametrize("spec", ["truncate@/v3.1/users:count=2", "reset@/v3.1/users:count=2"])
def test_truncated_bodies_and_dropped_connections_over_real_http_are_retried(
    emulated: Emulated, spec: str
) -> None:
    emulated.faults(spec)
    with capture_logs() as logs:
        ids = _walk_over_http(emulated)
    assert ids == sorted(emulated.snapshot.users)
    assert [entry["event"] for entry in logs if entry["log_level"] == "warning"] == ["client.retry"] * 2


def test_a_429_storm_waits_for_the_window_reset_and_loses_nothing(emulated: Emulated) -> None:
    emulated.faults("429@/v3.1/users:count=3")
    before = emulated.clock.now().timestamp()
    with capture_logs() as logs:
        ids, seen = _walk(emulated)
    assert ids == sorted(emulated.snapshot.users)
    assert [status for _, status in seen[:4]] == [429, 429, 429, 200]
    rate_limited = [entry for entry in logs if entry["event"] == "client.rate_limited"]
    assert len(rate_limited) == 3
    # The first 429 arrives 30 s before the minute ends: the client waits for Reset, not a backoff step.
    assert rate_limited[0]["delay"] == pytest.approx(30 + PacingPolicy().margin, abs=0.01)
    assert emulated.clock.now().timestamp() - before >= 30


def test_a_random_mix_of_faults_over_a_long_walk_changes_nothing(emulated: Emulated) -> None:
    emulated.faults("503@/v3.1/*:p=0.15", "reset@/v3.1/*:p=0.1", "429@/v3.1/*:p=0.05", seed=11)
    ids, seen = _walk(emulated, limit=3)
    assert ids == sorted(emulated.snapshot.users)
    assert {status for _, status in seen} >= {200, 503, 429, -1}
    emulated.faults("503@/v3.1/*:p=0.15", "reset@/v3.1/*:p=0.1", "truncate@/v3.1/*:p=0.15", seed=12)
    with capture_logs() as logs:
        assert _walk_over_http(emulated, limit=3) == ids
    assert any(
        "truncated" in entry.get("error", "") or "RemoteProtocolError" in entry.get("error", "")
        for entry in logs
    )


def test_persistent_server_errors_end_as_server_error_after_the_attempt_budget(
    emulated: Emulated,
) -> None:
    emulated.faults("503@/v3.1/users")
    transport = emulated.counting()
    policy = RetryPolicy(attempts=4, wait_initial=0.01, wait_jitter=0.01)
    with emulated.client(transport=transport, retry=policy) as clever, pytest.raises(ServerError) as info:
        list(clever.iter(clever.endpoints.users()))
    assert info.value.status == 503
    assert [status for _, status in transport.seen] == [503] * 4
    assert len(emulated.slept) == 3


def test_persistent_resets_end_as_transport_error_chained_to_the_cause(
    emulated: Emulated,
) -> None:
    emulated.faults("reset@/v3.1/users")
    with pytest.raises(TransportError) as info:
        _walk(emulated, retry=RetryPolicy(attempts=3, wait_initial=0.01, wait_jitter=0.01))
    assert isinstance(info.value.__cause__, ConnectionError)


def test_a_429_that_outlasts_the_time_budget_ends_as_rate_limited_without_waiting(
    emulated: Emulated,
) -> None:
    emulated.faults("429@/v3.1/users")
    with pytest.raises(RateLimited) as info:
        _walk(emulated, retry=RetryPolicy(attempts=10, timeout=5.0))
    assert info.value.status == 429
    assert emulated.slept == []  # the 30 s wait would overrun the 5 s budget: give up at once


def test_pacing_keeps_a_long_walk_under_the_limit_without_a_429(limited: Emulated) -> None:
    start = limited.clock.now().timestamp()
    ids, seen = _walk(limited, limit=1)  # one user per request: far more requests than one window allows
    assert ids == sorted(limited.snapshot.users)
    assert len(seen) > 2 * 25
    assert all(status == 200 for _, status in seen)
    assert limited.clock.now().timestamp() - start >= 60 * (len(seen) // 25 - 1)
    assert sum(limited.slept) > 0


def test_without_pacing_the_same_walk_meets_429s_but_still_completes(limited: Emulated) -> None:
    unpaced = RetryPolicy(attempts=5, timeout=600, pacing=PacingPolicy(enabled=False))
    ids, seen = _walk(limited, limit=1, retry=unpaced)
    assert ids == sorted(limited.snapshot.users)
    assert any(status == 429 for _, status in seen)


def test_multi_bucket_limits_are_paced_by_the_tightest_bucket(emulated: Emulated) -> None:
    # Two buckets give the comma-separated header lists of Clever's old SDK fixture.
    emulated.emu.extras.limiter.buckets = (
        Bucket("all", limit=200),
        Bucket("burst", limit=10, window_seconds=10),
    )
    ids, seen = _walk(emulated, limit=2)
    assert ids == sorted(emulated.snapshot.users)
    assert all(status == 200 for _, status in seen)
    assert len(seen) > 2 * 10
    assert sum(emulated.slept) >= 10  # the 10-second burst bucket had to be waited out at least once


def test_the_async_client_rides_out_the_same_faults(emulated: Emulated) -> None:
    emulated.faults("503@/v3.1/*:p=0.2", "reset@/v3.1/*:p=0.1", "429@/v3.1/*:p=0.05", seed=5)

    async def scenario() -> list[str]:
        async with emulated.async_client() as clever:
            pull = await clever.fetch_all()
            return [u.id for u in pull.users]

    assert asyncio.run(scenario()) == sorted(emulated.snapshot.users)
