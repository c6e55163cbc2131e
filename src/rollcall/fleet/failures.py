"""Which failures of a district's sync are worth retrying, and the reason a person reads for each. Pure."""

from __future__ import annotations

from rollcall.errors import (
    BadRequest,
    DistrictSyncFailed,
    NotFound,
    RollcallError,
    RouteNotFound,
    Unauthorized,
    UsageError,
)

# Retrying cannot fix these: the token was revoked or the district is gone, or the request is wrong.
PERMANENT: tuple[type[RollcallError], ...] = (
    Unauthorized, BadRequest, NotFound, RouteNotFound, UsageError, DistrictSyncFailed,
)  # fmt: skip


def is_permanent(error: RollcallError) -> bool:
    """True when retrying the job cannot help; everything else (5xx and 429 past the client's own retries,
    resets, database hiccups, a stale plan) is retried with backoff."""
    return isinstance(error, PERMANENT)


def describe(error: RollcallError) -> str:
    """One line for the ledger and `fleet status`; never a token (the client's messages carry none)."""
    if isinstance(error, Unauthorized):
        return (
            "the district's token was refused (401): the district revoked it or disconnected the app; "
            "reconnect it in Clever, then schedule again"
        )
    return f"{type(error).__name__}: {error}"
