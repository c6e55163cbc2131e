"""What a fleet worker or scheduler needs to know: the app's OAuth client, where Clever (or the emulator)
answers, how jobs are retried and noticed dead, and the schedules. Plain values; `fleet.settings` reads them
from the environment at the worker's entry."""

from __future__ import annotations

from typing import Final

import msgspec

from rollcall.client import DEFAULT_BASE_URL
from rollcall.client.oauth import CLEVER_OAUTH_BASE
from rollcall.domain.paging import MAX_LIMIT

HOURLY: Final = "0 * * * *"
NIGHTLY: Final = "30 2 * * *"
EVERY_MINUTE: Final = "* * * * *"
DEFAULT_MAX_ATTEMPTS: Final = 5


class FleetConfig(msgspec.Struct, kw_only=True, frozen=True, repr_omit_defaults=True):
    """A fleet's settings. `client_secret` is never logged or shown (see `__repr__`)."""

    client_id: str
    client_secret: str
    clever_url: str = DEFAULT_BASE_URL
    oauth_url: str = CLEVER_OAUTH_BASE
    api_version: str = "v3.1"
    page_size: int = MAX_LIMIT
    incremental_cron: str = HOURLY  # Procrastinate periodic task: re-list districts, defer incremental syncs
    full_cron: str = NIGHTLY  # … and full syncs (mark and sweep catches what events missed)
    stalled_cron: str = EVERY_MINUTE  # how often a worker looks for jobs of dead workers
    heartbeat_seconds: float = 10.0  # a worker's heartbeat interval
    stalled_after_seconds: float = 30.0  # no heartbeat for this long: the worker is dead, its jobs retried
    max_attempts: int = (
        DEFAULT_MAX_ATTEMPTS  # retries of a transient failure (5xx, reset, busy fence) before `failed`
    )

    def __repr__(self) -> str:
        return f"FleetConfig(client_id={self.client_id!r}, clever_url={self.clever_url!r}, …)"
