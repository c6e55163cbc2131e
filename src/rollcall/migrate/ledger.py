"""The ledger apply keeps in the vendor's own database: `rollcall_migration_runs` (one row per plan applied,
with its state and how many batches are committed) and `rollcall_migration_ledger` (every change a batch
made, with the old value, committed in the same transaction as the change). Resume skips the batches a run
has; rollback undoes them in reverse."""

from __future__ import annotations

import datetime as dt
from typing import Final, Literal

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Connection

RunState = Literal["planned", "applying", "applied", "rolling_back", "rolled_back"]
ACTIVE_STATES: Final[frozenset[str]] = frozenset({"applying", "applied", "rolling_back"})
# "set_from_map": a batch's slice of rollcall_account_map written into one accounts column (row_key holds the
# [start, end) seq range; old_value names the map column holding the old values, null when apply added the
# column). "set" (one row's old value) is what earlier versions recorded; rollback still undoes it.
LedgerAction = Literal[
    "add_column", "create_table", "set", "set_from_map", "repoint", "delete", "insert_contacts"
]

metadata = sa.MetaData()
runs = sa.Table(
    "rollcall_migration_runs",
    metadata,
    sa.Column("run_id", sa.String(64), primary_key=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("multi_role", sa.String(20), nullable=False),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("batches_total", sa.Integer, nullable=False),
    sa.Column("batches_done", sa.Integer, nullable=False),
    sa.Column("counts_before", sa.Text, nullable=True),
    sa.Column("planned_at", sa.String(40), nullable=True),
    sa.Column("started_at", sa.String(40), nullable=True),
    sa.Column("updated_at", sa.String(40), nullable=False),
    sa.Column("finished_at", sa.String(40), nullable=True),
)
ledger = sa.Table(
    "rollcall_migration_ledger",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(64), nullable=False),
    sa.Column("batch", sa.Integer, nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("table_name", sa.Text, nullable=False),
    sa.Column("column_name", sa.Text, nullable=True),
    sa.Column("row_key", sa.Text, nullable=True),
    sa.Column("old_value", sa.Text, nullable=True),
    sa.Column("new_value", sa.Text, nullable=True),
    sa.Index("rollcall_migration_ledger_batch", "run_id", "batch"),
)


class Run(msgspec.Struct, frozen=True, kw_only=True):
    """One plan's life in the vendor database."""

    run_id: str
    source: str
    multi_role: str
    state: RunState
    batches_total: int
    batches_done: int
    counts_before: str | None = None
    planned_at: str | None = None
    started_at: str | None = None
    updated_at: str
    finished_at: str | None = None

    def row_counts_before(self) -> dict[str, int]:
        if self.counts_before is None:
            return {}
        return msgspec.json.decode(self.counts_before, type=dict[str, int])


class Entry(msgspec.Struct, frozen=True, kw_only=True):
    """One ledger row: what a batch changed and what was there before (JSON values)."""

    batch: int
    action: LedgerAction
    table_name: str
    column_name: str | None = None
    row_key: str | None = None
    old_value: str | None = None
    new_value: str | None = None


def timestamp(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).isoformat(timespec="milliseconds")


def encode(value: object) -> str:
    return msgspec.json.encode(value).decode()


def ensure_ledger(connection: Connection) -> None:
    """Create the ledger tables when missing (they stay after a rollback: the record that it happened)."""
    metadata.create_all(connection, checkfirst=True)


def has_ledger(connection: Connection) -> bool:
    return sa.inspect(connection).has_table(runs.name)


def _run(row: sa.Row[tuple[object, ...]] | None) -> Run | None:
    if row is None:
        return None
    return msgspec.convert({str(k): v for k, v in row._asdict().items()}, Run)


def find_run(connection: Connection, run_id: str) -> Run | None:
    return _run(connection.execute(sa.select(runs).where(runs.c.run_id == run_id)).first())


def find_active_run(connection: Connection) -> Run | None:
    """The run applying, applied or rolling back, if any (there is at most one)."""
    statement = (
        sa.select(runs).where(runs.c.state.in_(sorted(ACTIVE_STATES))).order_by(runs.c.updated_at.desc())
    )
    return _run(connection.execute(statement).first())


def find_latest_run(connection: Connection) -> Run | None:
    statement = sa.select(runs).order_by(runs.c.updated_at.desc(), runs.c.run_id).limit(1)
    return _run(connection.execute(statement).first())


def save_run(connection: Connection, run: Run) -> None:
    values = msgspec.to_builtins(run)
    if find_run(connection, run.run_id) is None:
        connection.execute(sa.insert(runs).values(values))
    else:
        connection.execute(sa.update(runs).where(runs.c.run_id == run.run_id).values(values))


def record(connection: Connection, run_id: str, entries: list[Entry]) -> None:
    if entries:
        rows = [{"run_id": run_id, **msgspec.structs.asdict(entry)} for entry in entries]
        connection.execute(sa.insert(ledger), rows)


def batch_entries(connection: Connection, run_id: str, batch: int) -> list[Entry]:
    """A batch's entries, newest first (the order to undo them in)."""
    statement = (
        sa.select(ledger)
        .where(ledger.c.run_id == run_id, ledger.c.batch == batch)
        .order_by(ledger.c.id.desc())
    )
    found: list[Entry] = []
    for row in connection.execute(statement):
        values = {str(k): v for k, v in row._asdict().items() if k not in ("id", "run_id")}
        found.append(msgspec.convert(values, Entry))
    return found


def forget_batch(connection: Connection, run_id: str, batch: int) -> None:
    connection.execute(sa.delete(ledger).where(ledger.c.run_id == run_id, ledger.c.batch == batch))


def run_entries(connection: Connection, run_id: str, action: LedgerAction) -> list[Entry]:
    statement = (
        sa.select(ledger).where(ledger.c.run_id == run_id, ledger.c.action == action).order_by(ledger.c.id)
    )
    return [
        msgspec.convert({str(k): v for k, v in row._asdict().items() if k not in ("id", "run_id")}, Entry)
        for row in connection.execute(statement)
    ]
