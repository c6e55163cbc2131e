"""`apply_plan`: executes a plan in batches, each committed together with its ledger entries, so a crash at
any instant leaves a database that `apply` resumes (skipping committed batches) or `rollback` undoes.
A fresh apply refuses a stale plan; applying an applied plan again changes nothing."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any, Final

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rollcall.domain.collector import paused_collector
from rollcall.domain.progress import ProgressReporter, SilentReporter
from rollcall.domain.report import ReportStruct, stale_reason
from rollcall.errors import MigrateError, StalePlanError
from rollcall.migrate import ddl
from rollcall.migrate.config import AccountTable, MigrateConfig
from rollcall.migrate.ledger import (
    Entry,
    Run,
    encode,
    ensure_ledger,
    find_active_run,
    find_run,
    has_ledger,
    record,
    run_entries,
    save_run,
    timestamp,
)
from rollcall.migrate.legacy import LegacyDatabase, insert_rows
from rollcall.migrate.plan import Batch, ContactRow, MigrationPlan, RelationshipRow
from rollcall.migrate.planner import current_basis
from rollcall.migrate.repoint import read_rows, resolve
from rollcall.migrate.values import Key

# Test hook (crash tests only): sleep after committing this batch number so a test can SIGKILL the process.
PAUSE_AFTER_BATCH: Final = "ROLLCALL_MIGRATE_TEST_PAUSE_AFTER_BATCH"
Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class RemovedRow(msgspec.Struct, frozen=True, kw_only=True):
    """A row removed because re-pointing it would have broken a unique constraint (kept in the ledger)."""

    table: str
    column: str
    row_key: list[object]
    pointed_at: Key


class ApplyReport(ReportStruct, kw_only=True, frozen=True):
    """What an apply did (or, with dry_run, would do)."""

    plan_id: str
    source: str
    state: str
    dry_run: bool = False
    resumed: bool = False
    already_applied: bool = False
    batches_total: int
    batches_run: int
    accounts_updated: int = 0
    rows_repointed: int = 0
    rows_deduplicated: int = 0
    removed: list[RemovedRow] = []
    contacts_created: int = 0
    relationships_created: int = 0
    schema_changes: list[str] = []

    def render_text(self) -> str:
        if self.already_applied:
            return f"plan {self.plan_id[:12]} is already applied to {self.source}: nothing to do"
        verb = "would run" if self.dry_run else "ran"
        lines = [
            f"apply of plan {self.plan_id[:12]} to {self.source}: {self.state}"
            + (" (resumed)" if self.resumed else ""),
            f"  batches:     {verb} {self.batches_run} of {self.batches_total}",
        ]
        if not self.dry_run:
            lines += [
                f"  accounts:    {self.accounts_updated} updated",
                f"  references:  {self.rows_repointed} rows re-pointed, "
                f"{self.rows_deduplicated} duplicates removed",
                f"  contacts:    {self.contacts_created} created, {self.relationships_created} relationships",
            ]
            lines += [f"  schema:      {change}" for change in self.schema_changes]
            for removed in self.removed[:20]:
                lines.append(
                    f"  removed duplicate {removed.table} {removed.row_key} (pointed at {removed.pointed_at})"
                )
        return "\n".join(lines)


class _Tally:
    def __init__(self) -> None:
        self.accounts = 0
        self.repointed = 0
        self.removed: list[RemovedRow] = []
        self.contacts = 0
        self.relationships = 0
        self.schema: list[str] = []


def check_fresh(plan: MigrationPlan, config: MigrateConfig) -> None:
    """StalePlanError when the source moved since the plan was made (names the part that moved)."""
    basis, where = current_basis(config)
    for part in sorted(set(plan.basis) | set(basis)):
        reason = stale_reason(
            "migration", plan.basis.get(part, ""), basis.get(part, ""), where=f"{part} ({where})"
        )
        if reason is not None:
            raise StalePlanError(reason)


def _start(
    plan: MigrationPlan, config: MigrateConfig, database: LegacyDatabase, now: Clock
) -> tuple[Run, bool]:
    """The run to continue (resumed=True) or a fresh one after the stale check."""
    with database.begin("prepare the ledger") as connection:
        ensure_ledger(connection)
        active = find_active_run(connection)
        existing = find_run(connection, plan.plan_id)
    if active is not None and active.run_id != plan.plan_id:
        raise MigrateError(
            f"another migration (plan {active.run_id[:12]}) is {active.state} in {database.where}: "
            "roll it back (rollcall migrate rollback) before applying a new plan"
        )
    if existing is not None and existing.state == "rolling_back":
        raise MigrateError(
            f"a rollback of plan {plan.plan_id[:12]} is under way: finish it with rollcall migrate rollback"
        )
    if existing is not None and existing.state in ("applying", "applied"):
        return existing, existing.state == "applying"
    check_fresh(plan, config)
    with database.begin("start the run") as connection:
        at = timestamp(now())
        run = Run(
            run_id=plan.plan_id, source=plan.source, multi_role=plan.multi_role, state="applying",
            batches_total=len(plan.batches()), batches_done=0,
            counts_before=encode(database.row_counts(connection)),
            planned_at=existing.planned_at if existing else None, started_at=at, updated_at=at,
        )  # fmt: skip
        save_run(connection, run)
    return run, False


@paused_collector()  # millions of acyclic values: see domain/collector.py
def apply_plan(
    plan: MigrationPlan,
    config: MigrateConfig,
    reporter: ProgressReporter | None = None,
    *,
    dry_run: bool = False,
    now: Clock = utc_now,
) -> ApplyReport:
    """Apply `plan` to the vendor database `config` names (see the module docstring)."""
    reporter = reporter or SilentReporter()
    batches = plan.batches()
    with LegacyDatabase(config) as database:
        if dry_run:
            return _dry_run(plan, config, database, batches)
        run, resumed = _start(plan, config, database, now)
        if run.state == "applied":
            return ApplyReport(
                plan_id=plan.plan_id, source=database.where, state="applied", already_applied=True,
                batches_total=len(batches), batches_run=0,
            )  # fmt: skip
        tally = _Tally()
        applier = _Applier(plan, config, database, run.run_id, tally)
        pause = os.environ.get(PAUSE_AFTER_BATCH)
        step = "apply"
        reporter.step_started(database.where, step, len(batches))
        reporter.advanced(database.where, step, run.batches_done)
        ran = 0
        for batch in batches[run.batches_done :]:
            with database.begin(f"apply batch {batch.number} ({batch.kind})") as connection:
                applier.run(connection, batch)
                last = batch.number == len(batches) - 1
                at = timestamp(now())
                run = msgspec.structs.replace(
                    run, batches_done=batch.number + 1, state="applied" if last else "applying",
                    updated_at=at, finished_at=at if last else None,
                )  # fmt: skip
                save_run(connection, run)
            ran += 1
            reporter.advanced(database.where, step, 1)
            if pause is not None and pause == str(batch.number):
                time.sleep(3600)
        reporter.step_finished(database.where, step)
        return ApplyReport(
            plan_id=plan.plan_id, source=database.where, state=run.state, resumed=resumed,
            batches_total=len(batches), batches_run=ran,
            accounts_updated=tally.accounts, rows_repointed=tally.repointed,
            rows_deduplicated=len(tally.removed), removed=tally.removed, contacts_created=tally.contacts,
            relationships_created=tally.relationships, schema_changes=tally.schema,
        )  # fmt: skip


def _dry_run(
    plan: MigrationPlan, config: MigrateConfig, database: LegacyDatabase, batches: list[Batch]
) -> ApplyReport:
    with database.connect("read the ledger") as connection:
        existing = find_run(connection, plan.plan_id) if has_ledger(connection) else None
    if existing is not None and existing.state == "applied":
        return ApplyReport(
            plan_id=plan.plan_id, source=database.where, state="applied", dry_run=True, already_applied=True,
            batches_total=len(batches), batches_run=0,
        )  # fmt: skip
    done = existing.batches_done if existing is not None and existing.state == "applying" else 0
    if done == 0:
        check_fresh(plan, config)
    return ApplyReport(
        plan_id=plan.plan_id, source=database.where, state=existing.state if existing else "planned",
        dry_run=True, resumed=done > 0, batches_total=len(batches), batches_run=len(batches) - done,
    )  # fmt: skip


def _pk_where(table: sa.Table) -> sa.ColumnElement[bool]:
    """`pk = :rc_pk_0 AND …`: the bound form executemany fills row by row."""
    return sa.and_(*(c == sa.bindparam(f"rc_pk_{n}") for n, c in enumerate(table.primary_key.columns)))


def _pk_params(row_key: tuple[object, ...] | list[object]) -> dict[str, object]:
    return {f"rc_pk_{n}": value for n, value in enumerate(row_key)}


def _pk_in(table: sa.Table, keys: list[tuple[object, ...]]) -> sa.ColumnElement[bool]:
    columns = list(table.primary_key.columns)
    if len(columns) == 1:
        return columns[0].in_([key[0] for key in keys])
    return sa.tuple_(*columns).in_(keys)


class _Applier:
    """Runs one batch of each kind inside the transaction it is given."""

    def __init__(
        self, plan: MigrationPlan, config: MigrateConfig, database: LegacyDatabase, run_id: str, tally: _Tally
    ) -> None:
        self.plan = plan
        self.config = config
        self.database = database
        self.run_id = run_id
        self.tally = tally
        self._writes = plan.account_writes()
        self._segments = plan.account_segments()
        self._relationships: dict[str, list[RelationshipRow]] = defaultdict(list)
        for row in plan.relationships:
            self._relationships[row.contact_user_id].append(row)
        self._added: set[tuple[str, str]] | None = None

    def run(self, connection: Connection, batch: Batch) -> None:
        if batch.kind == "schema":
            self._schema(connection, batch)
        elif batch.kind == "accounts":
            self._accounts(connection, batch)
        elif batch.kind == "repoint":
            self._repoint(connection, batch)
        else:
            self._contacts(connection, batch)

    def added_columns(self, connection: Connection) -> set[tuple[str, str]]:
        """Columns this run added: their old values are all NULL, so no per-row ledger is needed."""
        if self._added is None:
            self._added = {
                (entry.table_name, entry.column_name or "")
                for entry in run_entries(connection, self.run_id, "add_column")
            }
        return self._added

    def _schema(self, connection: Connection, batch: Batch) -> None:
        """Per accounts table: the v3 id (and, to consolidate, merged into) columns when missing, and the
        account map apply writes it from; then the contacts tables when missing."""
        entries: list[Entry] = []
        existing = set(self.database.table_names(connection))
        key_types: dict[str, sa.types.TypeEngine[Any]] = {}
        for account_table in self.config.legacy.accounts.tables():
            accounts = self.database.reflect(connection, account_table.table)
            key_type = accounts.c[account_table.key].type
            key_types[account_table.table] = key_type
            wanted: list[tuple[str, sa.types.TypeEngine[Any]]] = [(account_table.v3_id, sa.String(64))]
            if self.plan.multi_role == "consolidate":
                wanted.append((account_table.merged_into, key_type))
            for column, kind in wanted:
                if column not in accounts.c:
                    ddl.add_column(connection, accounts.name, column, kind)
                    entries.append(
                        Entry(batch=batch.number, action="add_column", table_name=str(accounts.name),
                              column_name=column)
                    )  # fmt: skip
                    self.tally.schema.append(f"added column {accounts.name}.{column}")
            if account_table.v3_id in accounts.c:
                v3_type = accounts.c[account_table.v3_id].type
            else:
                v3_type = sa.String(64)
            account_map = ddl.account_map_table(key_type, v3_type, account_table.map_table)
            if account_map.name in existing:
                raise MigrateError(
                    f"{self.database.where} already has a table {account_map.name}, which apply keeps its "
                    "ledger in and no migration run recorded: drop or rename it, then apply again"
                )
            account_map.create(connection)
            entries.append(Entry(batch=batch.number, action="create_table", table_name=account_map.name))
            self.tally.schema.append(
                f"created table {account_map.name} (the account map apply writes {accounts.name} from; "
                "kept with the ledger until rollback)"
            )
        contacts = self.config.legacy.contacts
        for table in (
            ddl.contacts_table(contacts.table),
            ddl.relationships_table(contacts.relationships, self._student_key_type(key_types)),
        ):
            if table.name not in existing:
                table.create(connection)
                entries.append(Entry(batch=batch.number, action="create_table", table_name=str(table.name)))
                self.tally.schema.append(f"created table {table.name}")
        record(connection, self.run_id, entries)

    def _student_key_type(self, key_types: dict[str, sa.types.TypeEngine[Any]]) -> sa.types.TypeEngine[Any]:
        """The type of `student_account_key`: the students' account key (the one accounts table's, or the
        student table's; text when no table holds students)."""
        for account_table in self.config.legacy.accounts.tables():
            if account_table.role in (None, "student"):
                return key_types[account_table.table]
        return sa.String(64)

    def _accounts(self, connection: Connection, batch: Batch) -> None:
        """The batch's slice of the plan into its table's account map, the old values beside it when the
        columns predate apply, then one `UPDATE … FROM` per column: the database joins, nothing goes row by
        row. A batch holds accounts of one table (`MigrationPlan.account_segments`)."""
        config = self._table_of(batch)
        accounts = self.database.reflect(connection, config.table)
        account_map = self.database.reflect(connection, config.map_table)
        writes = self._writes[batch.start : batch.end]
        insert_rows(
            connection,
            account_map,
            ["seq", "account_key", "v3_id", "merged_into"],
            [(seq, *write) for seq, write in enumerate(writes, start=batch.start)],
        )
        key = accounts.c[config.key]
        in_batch = [account_map.c.seq >= batch.start, account_map.c.seq < batch.end]
        added = self.added_columns(connection)
        columns = [(config.v3_id, "v3_id", "old_v3_id")]
        if self.plan.multi_role == "consolidate":
            columns.append((config.merged_into, "merged_into", "old_merged_into"))
        # The map's name is in the ledger only when it is not the one-table form's rollcall_account_map, so
        # that form's ledger reads as it always did (rollback takes a missing name for that map).
        map_name = None if config.map_table == ddl.ACCOUNT_MAP else encode(config.map_table)
        entries: list[Entry] = []
        for column, new, old in columns:
            kept = (config.table, column) not in added
            if kept:
                current = sa.select(accounts.c[column]).where(key == account_map.c.account_key)
                connection.execute(
                    sa.update(account_map).where(*in_batch).values({old: current.scalar_subquery()})
                )
            joined = [key == account_map.c.account_key, *in_batch]
            if new == "merged_into":  # only absorbed accounts get a survivor; the others keep their value
                joined.append(account_map.c.merged_into.is_not(None))
            connection.execute(sa.update(accounts).where(*joined).values({column: account_map.c[new]}))
            entries.append(
                Entry(batch=batch.number, action="set_from_map", table_name=config.table, column_name=column,
                      row_key=encode([batch.start, batch.end]), old_value=encode(old) if kept else None,
                      new_value=map_name)
            )  # fmt: skip
        record(connection, self.run_id, entries)
        self.tally.accounts += len(writes)

    def _table_of(self, batch: Batch) -> AccountTable:
        """The accounts table a batch writes (its segment of the plan's account writes)."""
        accounts = self.config.legacy.accounts
        for name, start, end in self._segments:
            if start <= batch.start < end:
                if name is None:  # the plan was made from one accounts table
                    found = None if accounts.per_role else accounts.tables()[0]
                else:
                    found = accounts.find_table(name) if accounts.per_role else None
                if found is None:
                    raise MigrateError(
                        f"the plan writes the accounts of {name or 'one accounts table'}, which "
                        f"{self.config.path} does not describe that way: plan again with this config"
                    )
                return found
        raise MigrateError(f"batch {batch.number} of the plan writes no accounts")  # plans never make one

    def _repoint(self, connection: Connection, batch: Batch) -> None:
        merges = self.plan.merges[batch.start : batch.end]
        mapping = self.plan.repoint_map(merges)
        keys = [key for merge in merges for key in (merge.survivor, *merge.absorbed)]
        for ref in self.config.legacy.references:
            table = self.database.reflect(connection, ref.table)
            resolution = resolve(read_rows(connection, table, ref.column, keys), mapping)
            entries: list[Entry] = []
            if resolution.deletes:
                entries += self._remove(connection, table, ref.column, resolution.deletes, batch)
            if resolution.updates:
                statement = (
                    sa.update(table).where(_pk_where(table)).values({ref.column: sa.bindparam("rc_new")})
                )
                connection.execute(
                    statement, [{**_pk_params(pk), "rc_new": new} for pk, _, new in resolution.updates]
                )
                entries += [
                    Entry(batch=batch.number, action="repoint", table_name=ref.table, column_name=ref.column,
                          row_key=encode(list(pk)), old_value=encode(old), new_value=encode(new))
                    for pk, old, new in resolution.updates
                ]  # fmt: skip
                self.tally.repointed += len(resolution.updates)
            record(connection, self.run_id, entries)

    def _remove(
        self,
        connection: Connection,
        table: sa.Table,
        column: str,
        deletes: list[tuple[tuple[object, ...], Key]],
        batch: Batch,
    ) -> list[Entry]:
        """Copy the duplicate rows, whole, into the table's shadow, then delete them."""
        entries: list[Entry] = []
        shadow = ddl.shadow_table(table)
        if not sa.inspect(connection).has_table(shadow.name):
            shadow.create(connection)
            entries.append(Entry(batch=batch.number, action="create_table", table_name=str(shadow.name)))
        pks = [pk for pk, _ in deletes]
        names = [c.name for c in table.columns]
        copied = sa.select(*table.columns, sa.literal(batch.number).label(ddl.SHADOW_BATCH)).where(
            _pk_in(table, pks)
        )
        connection.execute(sa.insert(shadow).from_select([*names, ddl.SHADOW_BATCH], copied))
        connection.execute(sa.delete(table).where(_pk_in(table, pks)))
        for pk, pointed in deletes:
            entries.append(
                Entry(batch=batch.number, action="delete", table_name=str(table.name), column_name=column,
                      row_key=encode(list(pk)), old_value=encode(pointed))
            )  # fmt: skip
            self.tally.removed.append(
                RemovedRow(table=str(table.name), column=column, row_key=list(pk), pointed_at=pointed)
            )
        return entries

    def _contacts(self, connection: Connection, batch: Batch) -> None:
        contacts_config = self.config.legacy.contacts
        contacts = self.database.reflect(connection, contacts_config.table)
        relationships = self.database.reflect(connection, contacts_config.relationships)
        rows = self.plan.contacts[batch.start : batch.end]
        insert_rows(
            connection,
            contacts,
            list(ContactRow.__struct_fields__),
            [msgspec.structs.astuple(row) for row in rows],
        )
        related = [rel for row in rows for rel in self._relationships[row.user_id]]
        insert_rows(
            connection,
            relationships,
            list(RelationshipRow.__struct_fields__),
            [msgspec.structs.astuple(rel) for rel in related],
        )
        entry = Entry(
            batch=batch.number, action="insert_contacts", table_name=contacts_config.table,
            column_name=contacts_config.relationships, row_key=encode([row.user_id for row in rows]),
        )  # fmt: skip
        record(connection, self.run_id, [entry])
        self.tally.contacts += len(rows)
        self.tally.relationships += len(related)
