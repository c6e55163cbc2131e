"""Scheduling: list the districts the app is connected to (`/oauth/tokens`), remember them in the ledger, and
defer one sync job per district. A district that already has a waiting job keeps it (its queueing lock):
scheduling twice queues nothing twice."""

from __future__ import annotations

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued

from rollcall.client import list_district_tokens
from rollcall.domain.report import ReportStruct
from rollcall.domain.timestamps import SystemClock, format_timestamp
from rollcall.errors import FleetError, Unauthorized
from rollcall.fleet.app import SYNC_TASK, district_lock
from rollcall.fleet.config import FleetConfig
from rollcall.store import Store
from rollcall.sync import SyncMode


class ScheduleResult(ReportStruct, kw_only=True, frozen=True):
    """What one scheduling pass found and queued."""

    kind: SyncMode
    dry_run: bool
    districts: list[str]
    new: list[str]
    queued: list[str]
    already_queued: list[str]

    def render_text(self) -> str:
        verb = "would queue" if self.dry_run else "queued"
        lines = [
            f"{len(self.districts)} districts connected ({len(self.new)} new): {verb} {len(self.queued)} "
            f"{self.kind} syncs; {len(self.already_queued)} already had a waiting job"
        ]
        lines += [f"  {verb}: {district}" for district in self.queued]
        return "\n".join(lines)


def list_districts(config: FleetConfig) -> list[str]:
    """The ids of every district the app has a token for, sorted; FleetError when the app's credentials are
    refused (nothing is scheduled then)."""
    try:
        tokens = list_district_tokens(config.client_id, config.client_secret, config.oauth_url)
    except Unauthorized as error:
        raise FleetError(
            f"the app's OAuth client credentials were refused at {config.oauth_url}: check "
            "ROLLCALL_CLIENT_ID and ROLLCALL_CLIENT_SECRET"
        ) from error
    return sorted({token.district_id for token in tokens})


def defer_sync(app: procrastinate.App, district_id: str, mode: SyncMode) -> bool:
    """Queue one sync of the district; False when it already has a waiting job."""
    lock = district_lock(district_id)
    deferrer = app.configure_task(name=SYNC_TASK, lock=lock, queueing_lock=lock)
    try:
        deferrer.defer(district_id=district_id, mode=mode)
    except AlreadyEnqueued:
        return False
    return True


def waiting_districts(app: procrastinate.App) -> set[str]:
    """Districts with a sync job waiting in the queue."""
    waiting = app.job_manager.list_jobs(task=SYNC_TASK, status="todo")
    return {str(job.task_kwargs["district_id"]) for job in waiting}


def schedule_syncs(
    app: procrastinate.App, store: Store, config: FleetConfig, mode: SyncMode, *, dry_run: bool = False
) -> ScheduleResult:
    """List the districts, remember them, and queue a `mode` sync for each without a waiting job (a dry run
    lists and reports only)."""
    districts = list_districts(config)
    if dry_run:
        known = {district.district_id for district in store.fleet_districts()}
        waiting = waiting_districts(app)
        return ScheduleResult(
            kind=mode, dry_run=True, districts=districts, new=[d for d in districts if d not in known],
            queued=[d for d in districts if d not in waiting],
            already_queued=[d for d in districts if d in waiting],
        )  # fmt: skip
    new = store.record_fleet_districts(districts, at=format_timestamp(SystemClock().now()))
    queued: list[str] = []
    already: list[str] = []
    for district_id in districts:
        (queued if defer_sync(app, district_id, mode) else already).append(district_id)
    return ScheduleResult(
        kind=mode, dry_run=False, districts=districts, new=new, queued=queued, already_queued=already
    )
