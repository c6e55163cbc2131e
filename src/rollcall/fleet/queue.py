"""Preparing a PostgreSQL database for the fleet on first use: the store's migrations, then Procrastinate's
schema, each once however many workers and schedulers start at the same moment."""

from __future__ import annotations

from typing import Final

import procrastinate
import structlog

from rollcall.errors import FleetError
from rollcall.store import Store

log = structlog.get_logger("rollcall.fleet")

QUEUE_TABLE: Final = "procrastinate_jobs"


def prepare_database(db_url: str, app: procrastinate.App) -> Store:
    """Open (and migrate) the store, install the queue's schema when it is missing, and return the store.
    `app` must be open (sync use)."""
    store = Store.open(db_url)
    try:
        with store.exclusively("the job queue's schema"):
            if not store.has_table(QUEUE_TABLE):
                try:
                    app.schema_manager.apply_schema()
                except procrastinate.exceptions.ConnectorException as error:
                    raise FleetError(
                        f"cannot install the job queue's schema at {store.where}: {error}"
                    ) from error
                log.info("fleet.queue_schema_installed", where=store.where)
    except BaseException:
        store.close()
        raise
    return store
