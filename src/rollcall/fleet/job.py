"""One district's sync job as a worker runs it: hold the district's fence, fetch its token, sync, and leave
the ledger saying how it went. Procrastinate calls it (fleet.app); everything it needs arrives as a
`FleetRuntime` built once per worker process."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import structlog

from rollcall.client import CleverClient, list_district_tokens
from rollcall.domain.timestamps import Clock, SystemClock, format_timestamp
from rollcall.errors import DistrictBusy, DistrictSyncFailed, RollcallError, SyncRetryable, Unauthorized
from rollcall.fleet.config import FleetConfig
from rollcall.fleet.failures import describe, is_permanent
from rollcall.store import AttemptOutcome, Store, SyncAttempt
from rollcall.sync import SyncMode, SyncSummary, sync_district

log = structlog.get_logger("rollcall.fleet")


@dataclass(frozen=True)
class FleetRuntime:
    """A worker's long-lived parts: its config, its store (one connection pool shared by its job threads) and
    its name (host:pid) as the ledger records it."""

    config: FleetConfig
    store: Store
    worker: str
    clock: Clock = field(default_factory=SystemClock)

    def now(self) -> str:
        return format_timestamp(self.clock.now())


def fetch_district_token(config: FleetConfig, district_id: str) -> str:
    """The district's app token, asked of `/oauth/tokens` now (tokens live nowhere else: not in job
    arguments, not in the database, not in logs)."""
    try:
        found = list_district_tokens(
            config.client_id, config.client_secret, config.oauth_url, district_id=district_id
        )
    except Unauthorized as error:
        raise DistrictSyncFailed(
            f"the app's OAuth client credentials were refused at {config.oauth_url}: check "
            "ROLLCALL_CLIENT_ID and ROLLCALL_CLIENT_SECRET"
        ) from error
    tokens = [token.access_token for token in found if token.district_id == district_id]
    if not tokens:
        raise DistrictSyncFailed(
            f"the app has no token for district {district_id}: the district disconnected the app"
        )
    return tokens[0]


def _sync(runtime: FleetRuntime, district_id: str, mode: SyncMode) -> SyncSummary:
    config = runtime.config
    token = fetch_district_token(config, district_id)
    with CleverClient(
        token, api_version=config.api_version, base_url=config.clever_url, page_size=config.page_size
    ) as client:
        return sync_district(client, runtime.store, mode=mode, district_id=district_id)


def run_sync_job(
    runtime: FleetRuntime, district_id: str, mode: SyncMode, *, job_id: int | None, attempt: int, final: bool
) -> SyncSummary:
    """Sync one district under its fence. DistrictBusy when another process holds the fence; SyncRetryable
    for a failure worth retrying (unless `final`); DistrictSyncFailed for one that is not. The ledger says
    which, with the reason, before the error leaves."""
    store = runtime.store
    with store.district_fence(district_id) as held:
        if not held:
            log.info("fleet.district_busy", district=district_id, job=job_id, attempt=attempt)
            raise DistrictBusy(f"district {district_id}: another sync holds its fence; retried later")
        attempt_id = f"attempt-{uuid.uuid4().hex}"
        store.start_attempt(
            SyncAttempt(
                attempt_id=attempt_id, district_id=district_id, job_id=job_id, attempt=attempt, kind=mode,
                worker=runtime.worker, started_at=runtime.now(),
            )
        )  # fmt: skip
        store.set_district_state(district_id, "running", at=runtime.now(), worker=runtime.worker)
        log.info("fleet.sync_started", district=district_id, kind=mode, job=job_id, attempt=attempt)
        try:
            summary = _sync(runtime, district_id, mode)
        except RollcallError as error:
            permanent = is_permanent(error)
            reason = describe(error)
            outcome: AttemptOutcome = "failed" if permanent or final else "retrying"
            store.finish_attempt(attempt_id, at=runtime.now(), outcome=outcome, reason=reason)
            store.set_district_state(
                district_id,
                "failed" if outcome == "failed" else "retrying",
                at=runtime.now(),
                reason=reason,
                worker=runtime.worker,
            )
            log.warning(
                "fleet.sync_failed", district=district_id, job=job_id, attempt=attempt, outcome=outcome,
                reason=reason,
            )  # fmt: skip
            if permanent:
                raise DistrictSyncFailed(f"district {district_id}: {reason}") from error
            raise SyncRetryable(f"district {district_id}: {reason}") from error
        at = runtime.now()
        store.finish_attempt(attempt_id, at=at, outcome="succeeded", run_id=summary.run_id)
        store.set_district_state(district_id, "ok", at=at, worker=runtime.worker, name=summary.district_name)
        log.info(
            "fleet.sync_finished", district=district_id, kind=summary.kind, run_id=summary.run_id,
            records=summary.records_written, seconds=round(summary.seconds, 2),
        )  # fmt: skip
        return summary
