"""`rollcall worker` and `rollcall fleet schedule|status`: district syncs as Procrastinate jobs in PostgreSQL,
run by as many worker processes as you start, on as many machines as reach the database (docs/fleet.md).
The app's OAuth client comes from ROLLCALL_CLIENT_ID / ROLLCALL_CLIENT_SECRET; Clever's address from
ROLLCALL_CLEVER_URL (and ROLLCALL_OAUTH_URL when it is not Clever's)."""

from __future__ import annotations

from typing import Annotated

import typer

from rollcall.cli.console import out
from rollcall.cli.logs import configure_logging
from rollcall.fleet import (
    DEFAULT_MAX_ATTEMPTS,
    EVERY_MINUTE,
    HOURLY,
    NIGHTLY,
    FleetSettings,
    fleet_app,
    prepare_database,
    read_status,
    run_worker,
    schedule_syncs,
)
from rollcall.store import Store
from rollcall.sync import SyncMode

app = typer.Typer(
    help="Sync many districts on many machines: queue sync jobs and watch the workers run them.",
    no_args_is_help=True,
)

DbOption = Annotated[
    str,
    typer.Option(
        "--db", envvar="ROLLCALL_DB_URL", help="postgresql://… holding the synced rows and the job queue."
    ),
]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Log info events to stderr.")]


def worker(
    db: DbOption,
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, help="Jobs at once in this process.")
    ] = 1,
    name: Annotated[str | None, typer.Option("--name", help="Worker name (default host:pid).")] = None,
    api: Annotated[str, typer.Option("--api", help="API version to sync: v3.1 or v3.0.")] = "v3.1",
    page_size: Annotated[int, typer.Option("--page-size", min=1, max=10_000, help="Records per request.")] = (
        10_000
    ),
    incremental_cron: Annotated[
        str, typer.Option("--incremental-cron", help="When to re-list and queue incremental syncs.")
    ] = HOURLY,
    full_cron: Annotated[str, typer.Option("--full-cron", help="When to queue full syncs.")] = NIGHTLY,
    stalled_cron: Annotated[
        str, typer.Option("--stalled-cron", help="When to look for jobs of dead workers (6 fields: seconds).")
    ] = EVERY_MINUTE,
    heartbeat: Annotated[float, typer.Option("--heartbeat", help="Seconds between heartbeats.")] = 10.0,
    stalled_after: Annotated[
        float, typer.Option("--stalled-after", help="Seconds without a heartbeat before a worker is dead.")
    ] = 30.0,
    max_attempts: Annotated[
        int, typer.Option("--max-attempts", min=0, help="Retries of a transient failure before giving up.")
    ] = DEFAULT_MAX_ATTEMPTS,
    verbose: VerboseOption = False,
) -> None:
    """Run sync jobs until interrupted. Prepares an empty database itself (the store's migrations and the
    queue's schema); start as many workers as you like."""
    configure_logging(verbose=verbose)
    config = FleetSettings().config(
        api_version=api, page_size=page_size, incremental_cron=incremental_cron, full_cron=full_cron,
        stalled_cron=stalled_cron, heartbeat_seconds=heartbeat, stalled_after_seconds=stalled_after,
        max_attempts=max_attempts,
    )  # fmt: skip
    run_worker(db, config, concurrency=concurrency, name=name)


@app.command(short_help="Queue one sync job per connected district.")
def schedule(
    db: DbOption,
    full: Annotated[
        bool,
        typer.Option("--full/--incremental", help="Queue full syncs, or incremental ones (the default)."),
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List and report; queue nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    verbose: VerboseOption = False,
) -> None:
    """List the districts connected to the app and queue one sync job for each (a district that already has
    a waiting job keeps it). An incremental sync of a district never synced runs as a full one."""
    configure_logging(verbose=verbose)
    config = FleetSettings().config()
    mode: SyncMode = "full" if full else "incremental"
    queue = fleet_app(db)
    with queue.open(), prepare_database(db, queue) as store:
        result = schedule_syncs(queue, store, config, mode, dry_run=dry_run)
    if as_json:
        typer.echo(result.to_json())
    else:
        out.print(result.render_text(), markup=False)


@app.command(short_help="Show each district's state, failure and last sync.")
def status(
    db: DbOption,
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
    verbose: VerboseOption = False,
) -> None:
    """Per district: state (ok, queued, running, retrying, failed, never), the reason of a failure, where it
    runs, and its last sync; totals first."""
    configure_logging(verbose=verbose)
    queue = fleet_app(db)
    with Store.open(db, migrate=False) as store, queue.open():  # a read: never migrates or installs
        report = read_status(queue, store)
    if as_json:
        typer.echo(report.to_json())
    else:
        out.print(report.render_text(), markup=False)
