"""`rollcall sync`: Clever → the store, for one district token or for every district connected to the app.
Plans first (`--dry-run` prints the plan and writes nothing), then applies with a progress bar per collection
and prints a summary (`--json` for machines)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import msgspec
import typer
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from rollcall.cli.console import err, out
from rollcall.cli.logs import configure_logging
from rollcall.client import DEFAULT_BASE_URL, CleverClient, list_district_tokens, oauth_base_for
from rollcall.domain.paging import MAX_LIMIT
from rollcall.domain.version import parse_api_version
from rollcall.errors import Interrupted, RollcallError, SyncError, UsageError
from rollcall.store import DEFAULT_URL, Store, parse_url
from rollcall.sync import SyncMode, SyncPlan, SyncSummary, apply_plan, plan_district, read_district


class RichReporter:
    """One Rich progress line per district and collection: records written so far and the rate. A line
    names its district by `names` (district id → name), by its id when the name is not known."""

    def __init__(self, progress: Progress, names: Mapping[str, str] | None = None) -> None:
        self._progress = progress
        self._names = dict(names or {})
        self._tasks: dict[tuple[str, str], TaskID] = {}
        self._written: dict[tuple[str, str], int] = {}

    def step_started(self, subject: str, step: str, total: int | None = None) -> None:
        label = f"{self._names.get(subject, subject)}: {step}"
        self._tasks[(subject, step)] = self._progress.add_task(label, total=total)

    def advanced(self, subject: str, step: str, count: int) -> None:
        key = (subject, step)
        self._written[key] = self._written.get(key, 0) + count
        self._progress.advance(self._tasks[key], count)

    def step_finished(self, subject: str, step: str) -> None:
        key = (subject, step)
        done = self._written.get(key, 0)
        self._progress.update(self._tasks[key], total=done, completed=done)


@contextmanager
def _reporter(show: bool, plan: SyncPlan) -> Iterator[RichReporter | None]:
    """Progress lines for applying `plan`, on stderr; the display stops when the block ends, before the
    summary is printed (a live display that is still running redraws over whatever is printed below it)."""
    if not show:
        yield None
        return
    columns = (
        SpinnerColumn(finished_text="✓"),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:>12,.0f} records"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, redirect_stderr=True) as progress:
        yield RichReporter(progress, {plan.district_id: plan.district_name})


def _open_store(url: str, *, dry_run: bool) -> Store | None:
    """The store; for a dry run it is only read, never created or migrated (None when it does not exist)."""
    if not dry_run:
        return Store.open(url)
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).exists():
        return None
    return Store.open(url, migrate=False)


def _check_options(token: str | None, all_districts: bool, client_id: str | None, secret: str | None) -> None:
    if all_districts:
        if token:
            raise UsageError("--all-districts lists the district tokens itself: drop --token")
        if not client_id or not secret:
            raise UsageError("--all-districts needs --client-id and --client-secret (the app's OAuth client)")
    elif not token:
        raise UsageError(
            "give a district-app token with --token (or ROLLCALL_CLEVER_TOKEN), or sync every connected "
            "district with --all-districts --client-id ID --client-secret SECRET"
        )


def sync(
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="ROLLCALL_CLEVER_TOKEN",
            metavar="TOKEN",
            help="District-app bearer token.",
            show_default=False,
        ),
    ] = None,
    clever_url: Annotated[
        str,
        typer.Option("--clever-url", envvar="ROLLCALL_CLEVER_URL", metavar="URL", help="Data API base URL."),
    ] = DEFAULT_BASE_URL,
    api: Annotated[
        str, typer.Option("--api", metavar="VERSION", help="API version to sync: v3.1 or v3.0.")
    ] = "v3.1",
    db: Annotated[
        str,
        typer.Option(
            "--db", envvar="ROLLCALL_DB_URL", metavar="URL", help="sqlite:///file.db or postgresql://…"
        ),
    ] = DEFAULT_URL,
    incremental: Annotated[
        bool,
        typer.Option(
            "--incremental", help="Apply events since the checkpoint (falls back to full when it cannot)."
        ),
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the plan; write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print plans and summaries as JSON.")] = False,
    all_districts: Annotated[
        bool, typer.Option("--all-districts", help="Sync every district connected to the app.")
    ] = False,
    client_id: Annotated[
        str | None,
        typer.Option("--client-id", envvar="ROLLCALL_CLIENT_ID", metavar="ID", help="OAuth client id."),
    ] = None,
    client_secret: Annotated[
        str | None,
        typer.Option(
            "--client-secret",
            envvar="ROLLCALL_CLIENT_SECRET",
            metavar="SECRET",
            help="OAuth client secret.",
            show_default=False,
        ),
    ] = None,
    oauth_url: Annotated[
        str | None,
        typer.Option(
            "--oauth-url",
            metavar="URL",
            help="OAuth base URL (default: https://clever.com for Clever's API, else the --clever-url host).",
            show_default=False,
        ),
    ] = None,
    district: Annotated[
        str | None,
        typer.Option("--district", metavar="ID", help="Only this district id (checked against the token)."),
    ] = None,
    page_size: Annotated[
        int, typer.Option("--page-size", metavar="N", help="Records per request (1–10000).")
    ] = MAX_LIMIT,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log every page written.")] = False,
) -> None:
    """Sync Clever into a SQL store. A full sync pulls everything and sweeps what vanished; with
    --incremental it applies the events since the last checkpoint. A killed sync resumes where it stopped."""
    configure_logging(verbose=verbose)
    _check_options(token, all_districts, client_id, client_secret)
    version = parse_api_version(api)
    if version == "v2.1":
        raise UsageError("rollcall stores v3 users: sync with --api v3.1 or --api v3.0")
    mode: SyncMode = "incremental" if incremental else "full"
    if all_districts:
        assert client_id is not None
        assert client_secret is not None
        oauth_url = oauth_url or oauth_base_for(clever_url)
        found = list_district_tokens(client_id, client_secret, oauth_url, district_id=district)
        if not found:
            which = f"district {district}" if district else "any district"
            raise SyncError(f"the app has no district token for {which} at {oauth_url}: is it connected?")
        targets: list[tuple[str, str | None]] = [
            (t.access_token, t.district_id) for t in sorted(found, key=lambda t: t.district_id)
        ]
    else:
        assert token is not None
        targets = [(token, district)]
    results: list[dict[str, object]] = []
    for district_token, district_id in targets:
        try:
            results.append(
                _sync_one(district_token, district_id, clever_url=clever_url, api=version, db=db,
                          mode=mode, dry_run=dry_run, page_size=page_size, as_json=as_json,
                          show_progress=not dry_run and not as_json and err.is_terminal)
            )  # fmt: skip
        except RollcallError as error:
            if all_districts and not isinstance(error, Interrupted):  # which district stopped the run
                err.print(f"sync of district {district_id} failed; the districts before it are synced")
            raise
    if as_json:
        typer.echo(msgspec.json.encode({"dry_run": dry_run, "districts": results}).decode())


def _sync_one(
    token: str,
    district_id: str | None,
    *,
    clever_url: str,
    api: str,
    db: str,
    mode: SyncMode,
    dry_run: bool,
    page_size: int,
    as_json: bool,
    show_progress: bool,
) -> dict[str, object]:
    plan: SyncPlan | None = None
    try:
        with CleverClient(token, api_version=api, base_url=clever_url, page_size=page_size) as client:
            # The token and the district are checked before the store is opened: a wrong one writes nothing.
            found_id, _ = read_district(client, district_id)
            store = _open_store(db, dry_run=dry_run)
            try:
                plan = plan_district(client, store, mode=mode, district_id=found_id)
                if dry_run or store is None:
                    _show_plan(plan, as_json)
                    return {"plan": plan.to_builtins(), "summary": None}
                with _reporter(show_progress, plan) as reporter:
                    summary = apply_plan(plan, client, store, reporter=reporter)
            finally:
                if store is not None:
                    store.close()
    except KeyboardInterrupt:
        raise Interrupted(interruption(plan, district_id, dry_run=dry_run)) from None
    _show_summary(summary, as_json)
    return {"plan": plan.to_builtins(), "summary": summary.to_builtins()}


def interruption(plan: SyncPlan | None, district_id: str | None, *, dry_run: bool) -> str:
    """The one line Ctrl-C leaves: what stopped, and what running the same command again does."""
    if plan is None or dry_run:
        which = f"district {district_id}" if district_id else "the district"
        return f"sync of {which} interrupted before it wrote anything"
    which = f"district {plan.district_name} ({plan.district_id})"
    if plan.kind == "full":
        return (
            f"full sync of {which} interrupted; its pages so far are saved: run the same command again to "
            f"resume run {plan.run_id} where it stopped"
        )
    return (
        f"incremental sync of {which} interrupted; the events applied so far are saved: run the same "
        "command again to continue after them"
    )


def _show_plan(plan: SyncPlan, as_json: bool) -> None:
    if not as_json:
        out.print(plan.render_text(), markup=False)


def _show_summary(summary: SyncSummary, as_json: bool) -> None:
    if not as_json:
        out.print(summary.render_text(), markup=False)
