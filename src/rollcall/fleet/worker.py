"""A fleet worker process: prepare the database on first use, then run Procrastinate's worker on the sync
queue with the runtime every job needs. Start as many as you like, on as many machines as reach the
database; jobs, locks and heartbeats live in PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import socket

import structlog
from procrastinate import App

from rollcall.fleet.app import QUEUE, RUNTIME, fleet_app
from rollcall.fleet.config import FleetConfig
from rollcall.fleet.job import FleetRuntime
from rollcall.fleet.queue import prepare_database

log = structlog.get_logger("rollcall.fleet")


def worker_name() -> str:
    """host:pid, as the ledger and `fleet status` show where a job runs."""
    return f"{socket.gethostname()}:{os.getpid()}"


def run_worker(db_url: str, config: FleetConfig, *, concurrency: int = 1, name: str | None = None) -> None:
    """Run a worker until SIGINT/SIGTERM (graceful: running jobs finish) or a kill (its jobs are retried by
    others once it misses its heartbeats)."""
    name = name or worker_name()
    app = fleet_app(db_url, config, concurrency=concurrency)
    with app.open():
        store = prepare_database(db_url, app)
    try:
        runtime = FleetRuntime(config=config, store=store, worker=name)
        log.info("fleet.worker_started", worker=name, concurrency=concurrency, queue=QUEUE)
        asyncio.run(_run(app, runtime, concurrency))
    finally:
        store.close()


async def _run(app: App, runtime: FleetRuntime, concurrency: int) -> None:

    config = runtime.config
    async with app.open_async():
        await app.run_worker_async(
            queues=[QUEUE], name=runtime.worker, concurrency=concurrency,
            additional_context={RUNTIME: runtime}, update_heartbeat_interval=config.heartbeat_seconds,
            stalled_worker_timeout=config.stalled_after_seconds, install_signal_handlers=True,
            delete_jobs="successful",  # the ledger keeps the outcome; failed jobs stay for inspection
        )  # fmt: skip
