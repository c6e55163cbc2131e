"""Many districts on many machines: district syncs as Procrastinate jobs in the store's PostgreSQL database,
one waiting and one running job per district (queueing lock, lock, and an advisory-lock fence in the job),
retried with backoff when the failure may pass, re-scheduled by periodic tasks, reported by `read_status`.

    app = fleet_app(db_url, config)                      # the Procrastinate app (tasks, periodic tasks)
    with app.open():
        store = prepare_database(db_url, app)            # store migrations + queue schema, once
        schedule_syncs(app, store, config, "full")       # one job per connected district
        read_status(app, store).to_json()                # per district: state, reason, last sync
    run_worker(db_url, config, concurrency=2)            # a worker process (blocks)
"""

from rollcall.fleet.app import QUEUE, SYNC_TASK, district_lock, fleet_app
from rollcall.fleet.config import DEFAULT_MAX_ATTEMPTS, EVERY_MINUTE, HOURLY, NIGHTLY, FleetConfig
from rollcall.fleet.job import FleetRuntime, run_sync_job
from rollcall.fleet.queue import prepare_database
from rollcall.fleet.schedule import ScheduleResult, schedule_syncs
from rollcall.fleet.settings import FleetSettings
from rollcall.fleet.status import FleetStatus, build_status, read_status
from rollcall.fleet.worker import run_worker

__all__ = [
    "DEFAULT_MAX_ATTEMPTS",
    "EVERY_MINUTE",
    "HOURLY",
    "NIGHTLY",
    "QUEUE",
    "SYNC_TASK",
    "FleetConfig",
    "FleetRuntime",
    "FleetSettings",
    "FleetStatus",
    "ScheduleResult",
    "build_status",
    "district_lock",
    "fleet_app",
    "prepare_database",
    "read_status",
    "run_sync_job",
    "run_worker",
    "schedule_syncs",
]
