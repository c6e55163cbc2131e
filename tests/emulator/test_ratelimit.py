"""Fixed-window rate limits per token: headers, 429 once spent, window reset on the injected clock."""

from __future__ import annotations

import datetime as dt

import pytest
from starlette.testclient import TestClient

from rollcall.client import CleverClient, HttpOptions
from rollcall.emulator.data.state import EmulatorState
from rollcall.emulator.ratelimit import Bucket, FixedWindowLimiter
from rollcall.emulator.transport import SyncAsgiTransport
from tests.emulator import identity_fixtures as served
from tests.factories import sign_in as fx

# served.START is 08:00:30 UTC, so the current window ends at 08:01:00.
NEXT_MINUTE = int(dt.datetime(2026, 9, 1, 8, 1, tzinfo=dt.UTC).timestamp())


def app_with(found: EmulatorState, *buckets: Bucket) -> TestClient:
    return TestClient(served.app(found, buckets=buckets or (Bucket(),))[0])


def bearer(found: EmulatorState, district: str = fx.DISTRICT) -> dict[str, str]:
    return {"Authorization": f"Bearer {found.tokens.district_token(district)}"}


def test_limiter_counts_down_then_refuses_without_counting_refusals() -> None:
    limiter = FixedWindowLimiter((Bucket(limit=2),))
    now = served.START.timestamp()
    first, second, third = (limiter.hit("t", now) for _ in range(3))
    assert (first.allowed, second.allowed, third.allowed) == (True, True, False)
    assert [d.states[0].remaining for d in (first, second, third)] == [1, 0, 0]
    assert first.states[0].reset == NEXT_MINUTE
    assert limiter.hit("other-token", now).allowed


def test_limiter_window_follows_the_clock_across_the_minute_boundary() -> None:
    limiter = FixedWindowLimiter((Bucket(limit=1),))
    assert limiter.hit("t", NEXT_MINUTE - 0.001).allowed
    assert not limiter.hit("t", NEXT_MINUTE - 0.0005).allowed
    fresh = limiter.hit("t", NEXT_MINUTE)
    assert fresh.allowed
    assert fresh.states[0].reset == NEXT_MINUTE + 60


def test_bucket_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="window_seconds"):
        Bucket(limit=5, window_seconds=0)
    with pytest.raises(ValueError, match="at least one bucket"):
        FixedWindowLimiter(())


def test_every_api_response_carries_rate_limit_headers() -> None:
    found = served.state()
    client = app_with(found)
    response = client.get("/v3.1/me", headers=bearer(found))
    assert response.status_code == 200
    assert response.headers["x-ratelimit-bucket"] == "bearer"
    assert response.headers["x-ratelimit-limit"] == "1200"
    assert response.headers["x-ratelimit-remaining"] == "1199"
    assert response.headers["x-ratelimit-reset"] == str(NEXT_MINUTE)
    assert client.get("/v3.1/me", headers=bearer(found)).headers["x-ratelimit-remaining"] == "1198"


def test_429_once_spent_and_a_fresh_window_after_the_minute() -> None:
    found = served.state()
    client = app_with(found, Bucket(limit=3))
    statuses = [client.get("/v3.0/me", headers=bearer(found)).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    refused = client.get("/v3.0/me", headers=bearer(found))
    assert refused.status_code == 429
    assert refused.json() == {"message": "Too Many Requests"}
    assert refused.headers["x-ratelimit-remaining"] == "0"
    assert refused.headers["x-ratelimit-reset"] == str(NEXT_MINUTE)
    # Tokens are counted separately.
    assert client.get("/v3.0/me", headers=bearer(found, fx.OTHER_DISTRICT)).status_code == 200
    found.advance_clock(dt.timedelta(seconds=30))
    again = client.get("/v3.0/me", headers=bearer(found))
    assert again.status_code == 200
    assert again.headers["x-ratelimit-remaining"] == "2"
    assert again.headers["x-ratelimit-reset"] == str(NEXT_MINUTE + 60)


def test_oauth_routes_and_tokenless_requests_are_neither_counted_nor_labelled() -> None:
    found = served.state()
    client = app_with(found, Bucket(limit=1))
    token = found.tokens.district_token(fx.DISTRICT)
    info = client.get("/oauth/tokeninfo", headers={"Authorization": f"Bearer {token}"})
    assert info.status_code == 200
    assert "x-ratelimit-limit" not in info.headers
    anonymous = client.get("/v3.1/me")
    assert anonymous.status_code == 401
    assert "x-ratelimit-limit" not in anonymous.headers
    unknown = client.get("/v3.1/me", headers={"Authorization": "Bearer not-a-token"})
    assert unknown.status_code == 401
    assert client.get("/v3.1/me", headers=bearer(found)).status_code == 200
    assert client.get("/v3.1/me", headers=bearer(found)).status_code == 429


def test_second_bucket_gives_the_comma_separated_multi_bucket_headers() -> None:
    found = served.state()
    client = app_with(found, Bucket("bearer", 1200), Bucket("all", 2, window_seconds=3600))
    first = client.get("/v3.1/me", headers=bearer(found))
    assert first.headers["x-ratelimit-bucket"] == "bearer, all"
    assert first.headers["x-ratelimit-limit"] == "1200, 2"
    assert first.headers["x-ratelimit-remaining"] == "1199, 1"
    hour_end = int(dt.datetime(2026, 9, 1, 9, tzinfo=dt.UTC).timestamp())
    assert first.headers["x-ratelimit-reset"] == f"{NEXT_MINUTE}, {hour_end}"
    client.get("/v3.1/me", headers=bearer(found))
    refused = client.get("/v3.1/me", headers=bearer(found))
    assert refused.status_code == 429
    assert refused.headers["x-ratelimit-remaining"] == "1198, 0"  # the spent bucket is the one at 0


def test_rollcalls_client_waits_for_the_window_reset_on_the_emulator_clock() -> None:
    found = served.state()
    app, _ = served.app(found, buckets=(Bucket(limit=2),))
    slept: list[float] = []

    def sleep(seconds: float) -> None:  # the client's pause moves the emulator's clock instead of waiting
        slept.append(seconds)
        found.advance_clock(dt.timedelta(seconds=seconds))

    transport = SyncAsgiTransport(app)
    try:
        token = found.tokens.district_token(fx.DISTRICT)
        with CleverClient(
            token,
            base_url="http://clever.test",
            options=HttpOptions(transport=transport, clock=found.clock, sleep=sleep),
            page_size=2,
        ) as client:
            ids = [user.id for user in client.iter(client.endpoints.users())]
    finally:
        transport.close()
    assert sorted(ids) == sorted(u.id for u in fx.people())  # 3 pages of 2 with a limit of 2 per minute
    assert slept
    assert found.clock.now() >= served.START + dt.timedelta(seconds=30)  # it waited into the next window
