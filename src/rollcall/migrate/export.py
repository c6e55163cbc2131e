"""`export_map`: the legacy → v3 map for every role (Clever's `role_id,user_id` CSV, plus the role and the
vendor's account key), and the migration's status for dashboards."""

from __future__ import annotations

import csv
import io
from typing import Literal

import msgspec

from rollcall.domain.collector import paused_collector
from rollcall.domain.progress import SilentReporter
from rollcall.domain.user import RoleName
from rollcall.migrate.apply import Clock, utc_now
from rollcall.migrate.config import MigrateConfig
from rollcall.migrate.ledger import (
    Run,
    ensure_ledger,
    find_active_run,
    find_latest_run,
    find_run,
    has_ledger,
    save_run,
    timestamp,
)
from rollcall.migrate.legacy import LegacyDatabase
from rollcall.migrate.matcher import match_accounts
from rollcall.migrate.plan import MigrationPlan
from rollcall.migrate.planner import read_facts
from rollcall.migrate.values import Key

StatusState = Literal["not_planned", "planned", "applying", "applied", "rolled_back", "rolling_back"]


class MapRow(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One role's legacy id and the v3 user it became; `account_key` is the vendor account matched to it
    (None: none). With per-role account tables, `account_table` is the role's table (where that key lives;
    omitted with one accounts table, so that form's JSON is as it was)."""

    role_id: str
    user_id: str
    role: RoleName
    account_key: Key | None
    account_table: str | None = None


@paused_collector()  # millions of acyclic values: see domain/collector.py
def export_map(config: MigrateConfig) -> list[MapRow]:
    """Every v3 role with a legacy id, by user id then role, with the account that matched it."""
    facts, database, _ = read_facts(config, SilentReporter())
    database.engine.dispose()
    outcomes = match_accounts(facts.accounts, facts.people, facts.role_of_value)
    account_of: dict[str, Key] = {}
    for outcome in outcomes:
        if outcome.outcome == "matched" and outcome.clever_id not in account_of:
            account_of[outcome.clever_id] = outcome.key
    # A matched account lives in the table of the role its Clever id belongs to, so the role names the table.
    table_of = {role: table.table for role, table in config.legacy.accounts.role_tables().items()}
    rows: list[MapRow] = []
    for person in facts.people:
        for role, legacy_id in person.roles:
            if legacy_id is not None:
                rows.append(
                    MapRow(
                        role_id=legacy_id, user_id=person.id, role=role,
                        account_key=account_of.get(legacy_id), account_table=table_of.get(role),
                    )
                )  # fmt: skip
    return rows


def map_csv(rows: list[MapRow], *, wide: bool = False) -> str:
    """The map as CSV: `role_id,user_id` like Clever's, or with `role,account_key` when `wide` (and
    `account_table` before the key when the rows come from per-role account tables)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    tables = wide and any(row.account_table is not None for row in rows)
    header = ["role_id", "user_id"]
    if wide:
        header += ["role", "account_table", "account_key"] if tables else ["role", "account_key"]
    writer.writerow(header)
    for row in rows:
        cells: list[object] = [row.role_id, row.user_id]
        if wide:
            cells.append(row.role)
            if tables:
                cells.append(row.account_table or "")
            cells.append("" if row.account_key is None else row.account_key)
        writer.writerow(cells)
    return buffer.getvalue()


class MigrationStatus(msgspec.Struct, frozen=True, kw_only=True):
    """Where the migration of one vendor database stands."""

    state: StatusState
    plan_id: str | None = None
    batches_done: int = 0
    batches_total: int = 0
    last_event_at: str | None = None


def migration_status(config: MigrateConfig) -> MigrationStatus:
    """The newest run's state, or `not_planned` when the database has no ledger yet."""
    with LegacyDatabase(config) as database, database.connect("read the ledger") as connection:
        run = find_latest_run(connection) if has_ledger(connection) else None
    if run is None:
        return MigrationStatus(state="not_planned")
    return MigrationStatus(
        state=run.state, plan_id=run.run_id, batches_done=run.batches_done, batches_total=run.batches_total,
        last_event_at=run.updated_at,
    )  # fmt: skip


def record_plan(plan: MigrationPlan, config: MigrateConfig, *, now: Clock = utc_now) -> MigrationStatus:
    """Note in the vendor database's ledger that `plan` exists (state `planned`), unless a run of it or an
    applied migration is there already; returns the status afterwards."""
    with LegacyDatabase(config) as database, database.begin("record the plan") as connection:
        ensure_ledger(connection)
        if find_run(connection, plan.plan_id) is None and find_active_run(connection) is None:
            at = timestamp(now())
            save_run(
                connection,
                Run(run_id=plan.plan_id, source=plan.source, multi_role=plan.multi_role, state="planned",
                    batches_total=len(plan.batches()), batches_done=0, planned_at=at, updated_at=at),
            )  # fmt: skip
    return migration_status(config)
