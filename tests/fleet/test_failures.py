"""Which sync failures the fleet retries, and what it tells a person about them."""

from __future__ import annotations

from rollcall.errors import (
    DistrictBusy,
    NotFound,
    ServerError,
    StoreError,
    SyncError,
    TransportError,
    Unauthorized,
)
from rollcall.fleet.failures import describe, is_permanent


def test_a_refused_token_or_a_missing_record_is_not_retried() -> None:
    assert is_permanent(Unauthorized("GET /v3.1/districts unauthorized", status=401))
    assert is_permanent(NotFound("no such district", status=404))


def test_passing_failures_are_retried() -> None:
    for error in (
        ServerError("503 past the retry budget", status=503), TransportError("connection reset"),
        StoreError("deadlock detected"), SyncError("the plan is stale"), DistrictBusy("busy"),
    ):  # fmt: skip
        assert not is_permanent(error), error


def test_a_revoked_token_is_described_with_what_to_do() -> None:
    reason = describe(Unauthorized("unauthorized", status=401))
    assert "401" in reason
    assert "revoked" in reason
    assert "reconnect" in reason
    assert describe(ServerError("503 at /v3.1/users")) == "ServerError: 503 at /v3.1/users"
