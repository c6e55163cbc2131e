"""`rollcall migrate plan|apply|verify|rollback|export-map|status`: the v2 → v3 account migration of a
vendor's database, driven by a TOML config. Text for people (Rich progress while applying), `--json` for
machines, `--html FILE` for a district's success manager; every mutating command has `--dry-run`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import msgspec
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from rollcall.cli.console import err, out
from rollcall.errors import MigrateError, UsageError
from rollcall.migrate import (
    MigrateConfig,
    MigrationPlan,
    VerifyReport,
    access_diffs,
    apply_plan,
    decode_plan,
    export_map,
    load_config,
    map_csv,
    migration_status,
    plan_migration,
    record_plan,
    render_html_report,
    rollback_migration,
    verify_migration,
)

app = typer.Typer(
    name="migrate",
    help="Migrate a vendor's v2 accounts to Clever v3 users: plan, apply, verify, roll back, export the map.",
    no_args_is_help=True,
)

ConfigOption = Annotated[
    Path, typer.Option("--config", "-c", help="The migration config (TOML, see docs/migrate.md).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Say what would be done; change nothing.")]
HtmlOption = Annotated[
    Path | None, typer.Option("--html", help="Also write the self-contained HTML report here.")
]


class BarReporter:
    """One Rich bar per step (planning, apply's batches, rollback's batches)."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[tuple[str, str], TaskID] = {}

    def step_started(self, subject: str, step: str, total: int | None = None) -> None:
        self._tasks[(subject, step)] = self._progress.add_task(step, total=total)

    def advanced(self, subject: str, step: str, count: int) -> None:
        self._progress.advance(self._tasks[(subject, step)], count)

    def step_finished(self, subject: str, step: str) -> None:
        task = self._tasks[(subject, step)]
        done = self._progress.tasks[task].completed
        self._progress.update(task, total=done, completed=done)


@contextmanager
def _bars(show: bool) -> Iterator[BarReporter | None]:
    if not show:
        yield None
        return
    columns = (TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=False) as progress:
        yield BarReporter(progress)


def _show(value: msgspec.Struct, as_json: bool, text: str, payload: object | None = None) -> None:
    if as_json:
        typer.echo(
            msgspec.json.encode(payload if payload is not None else msgspec.to_builtins(value)).decode()
        )
    else:
        out.print(text, markup=False)


def _read_plan(path: Path) -> MigrationPlan:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read the plan {path}: {error.strerror}") from error
    return decode_plan(data, str(path))


def _write(path: Path, text: str, what: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise MigrateError(f"cannot write the {what} to {path}: {error.strerror}") from error


def _html(path: Path | None, plan: MigrationPlan, config: MigrateConfig, verify: VerifyReport | None) -> None:
    if path is None:
        return
    # The access diffs build the access engine's index of the whole district: a minute at 1 M students.
    with err.status("comparing merged people's access for the HTML report", spinner="line"):
        diffs = access_diffs(plan, config)
    _write(path, render_html_report(plan, verify, diffs), "HTML report")
    err.print(f"HTML report: {path}")


@app.command("plan")
def plan_command(
    config: ConfigOption = Path("migrate.toml"),
    out_path: Annotated[Path | None, typer.Option("--out", help="Write the plan (JSON) here.")] = None,
    as_json: JsonOption = False,
    html: HtmlOption = None,
    record: Annotated[
        bool, typer.Option("--record/--no-record", help="Note the plan in the vendor database's ledger.")
    ] = True,
) -> None:
    """Plan the migration: match every legacy account to v3. Reads only (and notes the plan in the ledger)."""
    loaded = load_config(config)
    with _bars(not as_json and err.is_terminal) as reporter:
        plan = plan_migration(loaded, reporter)
    if out_path is not None:
        _write(out_path, plan.to_json(), "plan")
    if record:
        record_plan(plan, loaded)
    _html(html, plan, loaded, None)
    _show(plan, as_json, plan.render_text(), plan.summary())


@app.command("apply")
def apply_command(
    plan_path: Annotated[Path, typer.Argument(help="The plan written by `migrate plan --out`.")],
    config: ConfigOption = Path("migrate.toml"),
    dry_run: DryRunOption = False,
    as_json: JsonOption = False,
) -> None:
    """Apply a plan in batches under the ledger. Resumes an interrupted apply; refuses a stale plan."""
    loaded = load_config(config)
    plan = _read_plan(plan_path)
    with _bars(not dry_run and not as_json and err.is_terminal) as reporter:
        report = apply_plan(plan, loaded, reporter, dry_run=dry_run)
    _show(report, as_json, report.render_text(), report.to_builtins())


@app.command("verify")
def verify_command(
    config: ConfigOption = Path("migrate.toml"),
    as_json: JsonOption = False,
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write the HTML report (needs --plan).")
    ] = None,
    plan_path: Annotated[Path | None, typer.Option("--plan", help="The applied plan, for --html.")] = None,
) -> None:
    """Check every invariant of the applied migration. Exits 1 with the list when one fails."""
    if html is not None and plan_path is None:
        raise UsageError("--html needs --plan (the plan that was applied)")
    loaded = load_config(config)
    plan = _read_plan(plan_path) if html is not None and plan_path is not None else None
    with _bars(not as_json and err.is_terminal) as reporter:
        report = verify_migration(loaded, reporter)
    if plan is not None:
        _html(html, plan, loaded, report)
    _show(report, as_json, report.render_text(), report.to_builtins())
    if not report.ok:
        raise typer.Exit(1)


@app.command("rollback")
def rollback_command(
    config: ConfigOption = Path("migrate.toml"),
    dry_run: DryRunOption = False,
    as_json: JsonOption = False,
) -> None:
    """Undo the migration: every table as before apply. Also undoes an interrupted apply."""
    loaded = load_config(config)
    with _bars(not dry_run and not as_json and err.is_terminal) as reporter:
        report = rollback_migration(loaded, reporter, dry_run=dry_run)
    _show(report, as_json, report.render_text(), report.to_builtins())


@app.command("export-map")
def export_map_command(
    config: ConfigOption = Path("migrate.toml"),
    out_path: Annotated[
        Path | None, typer.Option("--out", help="Write the CSV here (default: stdout).")
    ] = None,
    wide: Annotated[
        bool,
        typer.Option(
            "--wide", help="Add the role and the account key columns (and, with per-role tables, its table)."
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Write the legacy → v3 id map of every role. Clever's role_id,user_id CSV, or --wide, or --json."""
    rows = export_map(load_config(config))
    if as_json:
        typer.echo(msgspec.json.encode(rows).decode())
        return
    text = map_csv(rows, wide=wide)
    if out_path is None:
        typer.echo(text, nl=False)
    else:
        _write(out_path, text, "map")
        err.print(f"{len(rows)} rows written to {out_path}")


@app.command("status")
def status_command(config: ConfigOption = Path("migrate.toml"), as_json: JsonOption = False) -> None:
    """Show where the migration stands. Not planned, planned, applying, applied or rolled back."""
    status = migration_status(load_config(config))
    text: str = status.state
    if status.plan_id:
        done = f"{status.batches_done}/{status.batches_total} batches"
        text += f" (plan {status.plan_id[:12]}, {done}, {status.last_event_at})"
    _show(status, as_json, text)
