"""`rollback_migration`: undoes the active run batch by batch, newest first, each undo committed together
with the removal of the ledger entries it consumed (so a crash during a rollback resumes too). Restores old
values, puts removed duplicates back, deletes created contacts, drops the columns and tables apply added.
Afterwards only the run's row in `rollcall_migration_runs` says it happened."""

from __future__ import annotations

from collections import defaultdict

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rollcall.domain.progress import ProgressReporter, SilentReporter
from rollcall.domain.report import ReportStruct
from rollcall.errors import MigrateError
from rollcall.migrate import ddl
from rollcall.migrate.apply import Clock, utc_now
from rollcall.migrate.config import AccountTable, MigrateConfig
from rollcall.migrate.ledger import (
    Entry,
    Run,
    batch_entries,
    find_active_run,
    forget_batch,
    has_ledger,
    save_run,
    timestamp,
)
from rollcall.migrate.legacy import LegacyDatabase


class RollbackReport(ReportStruct, kw_only=True, frozen=True):
    """What a rollback undid (or, with dry_run, would undo)."""

    source: str
    plan_id: str | None
    state: str
    dry_run: bool = False
    batches_undone: int = 0
    values_restored: int = 0
    rows_reinserted: int = 0
    contacts_removed: int = 0
    schema_undone: list[str] = []

    def render_text(self) -> str:
        if self.plan_id is None:
            return f"no migration to roll back in {self.source}"
        verb = "would undo" if self.dry_run else "undid"
        lines = [
            f"rollback of plan {self.plan_id[:12]} in {self.source}: {self.state}",
            f"  batches:     {verb} {self.batches_undone}",
        ]
        if not self.dry_run:
            lines += [
                f"  restored:    {self.values_restored} values, {self.rows_reinserted} removed rows put back",
                f"  contacts:    {self.contacts_removed} created contacts deleted",
            ]
            lines += [f"  schema:      {change}" for change in self.schema_undone]
        return "\n".join(lines)


def _typed(column: sa.Column[object], value: object) -> object:
    """A key value back from the ledger's JSON in its column's Python type: dates, times, UUIDs and decimals
    were written as text, and a driver binds text to a DATE column wrongly or not at all."""
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return value
    if value is None or isinstance(value, kind) or kind in (int, str, float, bool):
        return value
    try:
        return msgspec.convert(value, kind, strict=False)
    except (msgspec.ValidationError, TypeError):
        return value


class _Undo:
    def __init__(self, database: LegacyDatabase) -> None:
        self.database = database
        self.restored = 0
        self.reinserted = 0
        self.contacts = 0
        self.schema: list[str] = []

    def batch(self, connection: Connection, entries: list[Entry]) -> None:
        """Undo one batch: old values first (grouped per table and column, one executemany each), then the
        removed rows back, then the created contacts, then the schema changes (newest first)."""
        tables: dict[str, sa.Table] = {}

        def reflect(name: str) -> sa.Table:
            if name not in tables:
                tables[name] = self.database.reflect(connection, name)
            return tables[name]

        restores: dict[tuple[str, str, str], list[Entry]] = defaultdict(list)
        for entry in entries:
            if entry.action in ("set", "repoint"):
                restores[(entry.action, entry.table_name, entry.column_name or "")].append(entry)
        for (action, table_name, column), group in restores.items():
            self._restore(connection, reflect(table_name), action, column, group)
        for entry in entries:
            if entry.action == "set_from_map" and entry.old_value is not None:
                # The map's name is recorded only for per-role account tables; one table's is the default.
                map_name = msgspec.json.decode(entry.new_value or "null", type=str | None) or ddl.ACCOUNT_MAP
                self._restore_from_map(connection, reflect(entry.table_name), entry, reflect(map_name))
        for table_name in dict.fromkeys(e.table_name for e in entries if e.action == "delete"):
            self._reinsert(connection, reflect(table_name), entries[0].batch)
        for entry in entries:
            if entry.action == "insert_contacts":
                self._drop_contacts(connection, entry)
        for entry in entries:
            if entry.action == "add_column":
                ddl.drop_column(connection, entry.table_name, entry.column_name or "")
                self.schema.append(f"dropped column {entry.table_name}.{entry.column_name}")
            elif entry.action == "create_table":
                ddl.drop_table(connection, entry.table_name)
                self.schema.append(f"dropped table {entry.table_name}")

    def _restore(
        self, connection: Connection, table: sa.Table, action: str, column: str, group: list[Entry]
    ) -> None:
        """Put the old values back, one executemany for the group."""
        keys = list(table.primary_key.columns) if action == "repoint" else [self._account_key(table)]
        where = sa.and_(*(key == sa.bindparam(f"rc_pk_{n}") for n, key in enumerate(keys)))
        statement = sa.update(table).where(where).values({column: sa.bindparam("rc_old")})
        params = []
        for entry in group:
            row_key = [
                _typed(key, value)
                for key, value in zip(keys, msgspec.json.decode(entry.row_key or "[]"), strict=True)
            ]
            if action == "repoint":  # a re-pointed column inside the primary key: the row's key moved with it
                moved = msgspec.json.decode(entry.new_value or "null")
                row_key = [
                    _typed(key, moved) if key.name == column else value
                    for key, value in zip(keys, row_key, strict=True)
                ]
            values = {f"rc_pk_{n}": value for n, value in enumerate(row_key)}
            params.append({**values, "rc_old": msgspec.json.decode(entry.old_value or "null")})
        connection.execute(statement, params)
        self.restored += len(group)

    def _restore_from_map(
        self, connection: Connection, accounts: sa.Table, entry: Entry, account_map: sa.Table
    ) -> None:
        """Put back the old values apply saved beside a batch's slice of the account map (one statement).
        Columns apply added need nothing: undoing the schema batch drops them."""
        start, end = msgspec.json.decode(entry.row_key or "[0, 0]", type=tuple[int, int])
        old = account_map.c[msgspec.json.decode(entry.old_value or "null", type=str)]
        column = entry.column_name or ""
        config = self._account_table(accounts)
        joined = [
            accounts.c[config.key] == account_map.c.account_key,
            account_map.c.seq >= start,
            account_map.c.seq < end,
        ]
        if column == config.merged_into:  # apply wrote only absorbed accounts
            joined.append(account_map.c.merged_into.is_not(None))
        restored = connection.execute(sa.update(accounts).where(*joined).values({column: old}))
        self.restored += restored.rowcount

    def _account_key(self, table: sa.Table) -> sa.Column[object]:
        return table.c[self._account_table(table).key]

    def _account_table(self, table: sa.Table) -> AccountTable:
        """The config's description of the accounts table the ledger names."""
        found = self.database.config.legacy.accounts.find_table(table.name)
        if found is None:
            raise MigrateError(
                f"the ledger restores accounts of table {table.name}, which {self.database.config.path} "
                "does not name as an accounts table: roll back with the config the migration was applied with"
            )
        return found

    def _reinsert(self, connection: Connection, table: sa.Table, batch: int) -> None:
        shadow = self.database.reflect(connection, ddl.shadow_name(table.name))
        names = [c.name for c in table.columns]
        kept = shadow.c[ddl.SHADOW_BATCH] == batch
        count = connection.execute(sa.select(sa.func.count()).select_from(shadow).where(kept)).scalar_one()
        connection.execute(
            sa.insert(table).from_select(names, sa.select(*(shadow.c[name] for name in names)).where(kept))
        )
        connection.execute(sa.delete(shadow).where(kept))
        self.reinserted += int(count)

    def _drop_contacts(self, connection: Connection, entry: Entry) -> None:
        user_ids = msgspec.json.decode(entry.row_key or "[]", type=list[str])
        names = set(self.database.table_names(connection))
        if entry.column_name and entry.column_name in names:
            relationships = self.database.reflect(connection, entry.column_name)
            connection.execute(sa.delete(relationships).where(relationships.c.contact_user_id.in_(user_ids)))
        if entry.table_name in names:
            contacts = self.database.reflect(connection, entry.table_name)
            connection.execute(sa.delete(contacts).where(contacts.c.user_id.in_(user_ids)))
        self.contacts += len(user_ids)


def rollback_migration(
    config: MigrateConfig,
    reporter: ProgressReporter | None = None,
    *,
    dry_run: bool = False,
    now: Clock = utc_now,
) -> RollbackReport:
    """Undo the applied (or half-applied, or half-rolled-back) migration; nothing to do is not an error."""
    reporter = reporter or SilentReporter()
    with LegacyDatabase(config) as database:
        with database.connect("read the ledger") as connection:
            run = find_active_run(connection) if has_ledger(connection) else None
        if run is None:
            return RollbackReport(
                source=database.where, plan_id=None, state="nothing to roll back", dry_run=dry_run
            )
        if dry_run:
            return RollbackReport(
                source=database.where, plan_id=run.run_id, state=run.state, dry_run=True,
                batches_undone=run.batches_done,
            )  # fmt: skip
        return _undo_all(database, run, reporter, now)


def _undo_all(database: LegacyDatabase, run: Run, reporter: ProgressReporter, now: Clock) -> RollbackReport:
    undo = _Undo(database)
    step = "rollback"
    reporter.step_started(database.where, step, run.batches_done)
    undone = 0
    for batch in range(run.batches_done - 1, -1, -1):
        with database.begin(f"undo batch {batch}") as connection:
            undo.batch(connection, batch_entries(connection, run.run_id, batch))
            forget_batch(connection, run.run_id, batch)
            last = batch == 0
            at = timestamp(now())
            run = msgspec.structs.replace(
                run, batches_done=batch, state="rolled_back" if last else "rolling_back", updated_at=at,
                finished_at=at if last else None,
            )  # fmt: skip
            save_run(connection, run)
        undone += 1
        reporter.advanced(database.where, step, 1)
    if run.batches_done == 0 and run.state != "rolled_back":
        with database.begin("close the run") as connection:
            save_run(
                connection, msgspec.structs.replace(run, state="rolled_back", updated_at=timestamp(now()))
            )
        run = msgspec.structs.replace(run, state="rolled_back")
    reporter.step_finished(database.where, step)
    if run.state != "rolled_back":
        raise MigrateError(f"rollback of plan {run.run_id[:12]} stopped at batch {run.batches_done}")
    return RollbackReport(
        source=database.where, plan_id=run.run_id, state=run.state, batches_undone=undone,
        values_restored=undo.restored, rows_reinserted=undo.reinserted, contacts_removed=undo.contacts,
        schema_undone=undo.schema,
    )  # fmt: skip
