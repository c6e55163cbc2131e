"""The fleet's Procrastinate app: jobs live in the store's PostgreSQL database (no broker). One task syncs a
district, under a queueing lock (one waiting job per district) and a lock (one running job per district);
periodic tasks re-list the districts for incremental and full syncs and retry the jobs of dead workers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, cast

import procrastinate
import structlog
from procrastinate import JobContext, RetryStrategy
from procrastinate.exceptions import UniqueViolation
from procrastinate.jobs import Status

from rollcall.errors import DistrictBusy, SyncRetryable, UsageError
from rollcall.fleet.config import DEFAULT_MAX_ATTEMPTS, FleetConfig
from rollcall.fleet.job import FleetRuntime, run_sync_job
from rollcall.store.engine import display, parse_url
from rollcall.sync import SyncMode

log = structlog.get_logger("rollcall.fleet")

QUEUE: Final = "rollcall-sync"
SYNC_TASK: Final = "rollcall.fleet.sync_district"
RUNTIME: Final = "rollcall_fleet"  # the key of the FleetRuntime in a job's additional context
MODES: Final[dict[str, SyncMode]] = {"full": "full", "incremental": "incremental"}


def district_lock(district_id: str) -> str:
    """The lock and queueing lock of a district's sync jobs."""
    return f"rollcall-district:{district_id}"


def conninfo(db_url: str) -> str:
    """The libpq URI Procrastinate connects with, from the store's URL; the fleet needs PostgreSQL."""
    url = parse_url(db_url)
    if url.get_backend_name() != "postgresql":
        raise UsageError(
            f"the fleet keeps its jobs in PostgreSQL, next to the synced rows: give --db postgresql://…, "
            f"not {display(url)}"
        )
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def runtime_of(context: JobContext) -> FleetRuntime:
    """The worker's runtime, handed to every job through Procrastinate's additional context."""
    return cast(FleetRuntime, context.additional_context[RUNTIME])


def fleet_app(db_url: str, config: FleetConfig | None = None, *, concurrency: int = 1) -> procrastinate.App:
    """The Procrastinate app over `db_url`. With `config` (a worker), the periodic tasks are registered too:
    incremental and full re-listing on their crons, and the stalled-job sweep. Its connection pool is sized
    for `concurrency` jobs (plus the LISTEN connection and the heartbeat): PostgreSQL's connection limit is
    the first thing many workers run into (docs/fleet.md)."""
    connector = procrastinate.PsycopgConnector(
        conninfo=conninfo(db_url), min_size=1, max_size=concurrency + 2
    )
    app = procrastinate.App(connector=connector)
    max_attempts = config.max_attempts if config is not None else DEFAULT_MAX_ATTEMPTS
    retry = RetryStrategy(
        max_attempts=max_attempts, wait=1, exponential_wait=2, retry_exceptions={SyncRetryable, DistrictBusy}
    )

    @app.task(name=SYNC_TASK, queue=QUEUE, retry=retry, pass_context=True)
    def sync_district_job(context: JobContext, district_id: str, mode: str) -> None:
        job = context.job
        sync_mode = MODES.get(mode)
        if sync_mode is None:
            raise UsageError(f"unknown sync mode {mode!r} in job {job.id}")
        run_sync_job(
            runtime_of(context), district_id, sync_mode, job_id=job.id, attempt=job.attempts,
            final=job.attempts >= max_attempts,
        )  # fmt: skip

    if config is not None:
        _register_periodic(app, config)
    return app


def _relister(mode: SyncMode) -> Callable[[JobContext, int], None]:
    """The periodic task that re-lists the districts and queues a `mode` sync for each."""
    # Imported here: schedule imports this module for the task name and locks.
    from rollcall.fleet.schedule import schedule_syncs

    def relist(context: JobContext, timestamp: int) -> None:
        runtime = runtime_of(context)
        result = schedule_syncs(context.app, runtime.store, runtime.config, mode)
        log.info("fleet.scheduled", kind=mode, queued=len(result.queued), already=len(result.already_queued))

    return relist


def _register_periodic(app: procrastinate.App, config: FleetConfig) -> None:
    modes: tuple[tuple[SyncMode, str], ...] = (
        ("incremental", config.incremental_cron), ("full", config.full_cron),
    )  # fmt: skip
    for mode, cron in modes:
        task = app.task(
            name=f"rollcall.fleet.schedule_{mode}", queue=QUEUE, pass_context=True,
            queueing_lock=f"rollcall-schedule-{mode}",
        )(_relister(mode))  # fmt: skip
        app.periodic(cron=cron, periodic_id=mode)(task)

    async def retry_stalled(context: JobContext, timestamp: int) -> None:
        # A worker that stopped heartbeating (killed, lost its host) leaves its jobs `doing` forever: put them
        # back in the queue. The district fence keeps a job of a merely slow worker from running twice.
        manager = context.app.job_manager
        for job in await manager.get_stalled_jobs(
            queue=QUEUE, seconds_since_heartbeat=config.stalled_after_seconds
        ):
            log.warning("fleet.job_stalled", job=job.id, task=job.task_name, lock=job.lock)
            try:
                await manager.retry_job(job)
            except UniqueViolation:
                # A newer job of the district already waits (its queueing lock is taken): that one will
                # sync it, from the dead job's resume point. This one ends failed rather than twice queued.
                assert job.id is not None
                await manager.finish_job_by_id_async(job.id, status=Status.FAILED, delete_job=False)

    stalled = app.task(
        name="rollcall.fleet.retry_stalled", queue=QUEUE, pass_context=True,
        queueing_lock="rollcall-retry-stalled",
    )(retry_stalled)  # fmt: skip
    app.periodic(cron=config.stalled_cron, periodic_id="stalled")(stalled)
