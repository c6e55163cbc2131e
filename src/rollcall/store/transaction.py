"""One database transaction of writes: bulk upserts of records (restoring soft-deleted ones), soft deletes,
the sweep of a full sync, checkpoints and run bookkeeping. `Store.transaction` commits or rolls back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

import msgspec
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from rollcall.domain.district import Course, District, School, Section, Term
from rollcall.domain.user import User
from rollcall.errors import StoreError
from rollcall.store import indexes
from rollcall.store import rows as flat
from rollcall.store.batch import (
    Batch,
    course_batch,
    district_batch,
    school_batch,
    section_batch,
    term_batch,
    user_batch,
)
from rollcall.store.change_log import ChangeRecorder
from rollcall.store.failure import translated
from rollcall.store.schema import (
    CHILD_TABLES,
    DISTRICT_TABLES,
    RECORD_TABLES,
    sync_checkpoints,
    sync_resume_points,
    sync_runs,
)
from rollcall.store.sync_state import Checkpoint, ResumePoint, RunKind, RunStatus
from rollcall.store.writer import BulkWriter

_ID: Final = ("id",)


class StoreTransaction:
    """Writes inside one open transaction. Every upsert is idempotent, marks rows seen in `run_id`, and
    restores a soft-deleted row (Clever certification: a record that reappears is live again)."""

    def __init__(self, connection: Connection, writer: BulkWriter, *, where: str) -> None:
        self._connection = connection
        self._writer = writer
        self._where = where
        self._changes = ChangeRecorder()

    def write(self, batch: Batch) -> int:
        """Write a batch (see `rollcall.store.batch`): its records and exactly their children; returns how
        many records it held. When none of its ids is stored yet (a first load, or new records) nothing can
        conflict and no child can have vanished, so every row is plainly inserted; otherwise records are
        upserted and each child table is made to match."""
        ids, table = batch.ids(), batch.records.table
        records = batch.records.rows  # every record row starts (id, district_id, …)
        self._changes.touch(table, ((str(row[1]), str(row[0])) for row in records), len(records))
        with translated("look up existing rows", where=self._where, table=table):
            known = self._writer.any_exists(table, ids)
        if not known:
            for rows in (batch.records, *batch.children):
                with translated("insert", where=self._where, table=rows.table):
                    self._writer.insert(rows)
            return len(ids)
        with translated("upsert", where=self._where, table=table):
            self._writer.upsert(batch.records, _ID, restore=True)
        for children in batch.children:
            child, parent_column, _ = CHILD_TABLES[children.table]
            key = [column.name for column in child.primary_key.columns]
            with translated("replace child rows", where=self._where, table=children.table):
                self._writer.replace_children(children, key, parent_column, ids)
        return len(ids)

    def upsert_district(self, district: District, *, run_id: str) -> None:
        """Insert or update the district record."""
        self.write(district_batch([district], run_id))

    def upsert_schools(self, rows: Sequence[School], *, run_id: str) -> int:
        """Insert or update schools; returns how many distinct records were written."""
        return self.write(school_batch(rows, run_id))

    def upsert_terms(self, rows: Sequence[Term], *, run_id: str) -> int:
        """Insert or update terms; returns how many distinct records were written."""
        return self.write(term_batch(rows, run_id))

    def upsert_courses(self, rows: Sequence[Course], *, run_id: str) -> int:
        """Insert or update courses; returns how many distinct records were written."""
        return self.write(course_batch(rows, run_id))

    def upsert_sections(self, rows: Sequence[Section], *, run_id: str) -> int:
        """Insert or update sections and replace their teachers and students exactly."""
        return self.write(section_batch(rows, run_id))

    def upsert_users(self, rows: Sequence[User], *, run_id: str) -> int:
        """Insert or update users and replace their roles, role schools and contact relationships exactly:
        a role the user lost leaves no row behind; the user's id never changes."""
        return self.write(user_batch(rows, run_id))

    def delete(self, record_type: str, record_id: str, *, at: str) -> bool:
        """Soft-delete one record (an event's `<record_type>.deleted`); False when no live row had that id.
        `record_type` is the event prefix: districts, schools, terms, courses, sections or users."""
        table = RECORD_TABLES.get(record_type)
        if table is None:
            known = ", ".join(RECORD_TABLES)
            raise StoreError(f"cannot delete {record_type} {record_id}: the store keeps only {known}")
        statement = (
            table.update()
            .where(table.c.id == record_id, table.c.deleted_at.is_(None))
            .values(deleted_at=at)
            .returning(table.c.district_id)
        )
        with translated("soft delete", where=self._where, table=table.name):
            districts = list(self._connection.execute(statement).scalars())
        self._changes.touch(record_type, ((district, record_id) for district in districts), len(districts))
        return bool(districts)

    def sweep(self, district_id: str, *, run_id: str, at: str) -> dict[str, int]:
        """Soft-delete every live record of the district that run `run_id` did not write (mark and sweep);
        returns the number swept per record table."""
        swept: dict[str, int] = {}
        for name, table in RECORD_TABLES.items():
            statement = (
                table.update()
                .where(
                    table.c.district_id == district_id,
                    table.c.deleted_at.is_(None),
                    table.c.last_seen_run != run_id,
                )
                .values(deleted_at=at)
            )
            with translated("sweep", where=self._where, table=name):
                swept[name] = self._connection.execute(statement).rowcount
        if any(swept.get(name) for name in ("districts", "schools", "sections", "users")):
            self._changes.reset(district_id)
        return swept

    def purge_district(self, district_id: str) -> dict[str, int]:
        """Physically remove every row of the district, its checkpoints and runs included (a district that
        disconnected the app must leave no data behind); returns rows removed per table."""
        removed: dict[str, int] = {}
        for table in [*DISTRICT_TABLES, sync_checkpoints, sync_resume_points, sync_runs]:
            with translated("purge", where=self._where, table=table.name):
                statement = sa.delete(table).where(table.c.district_id == district_id)
                removed[table.name] = self._connection.execute(statement).rowcount
        self._changes.reset(district_id)
        return removed

    def log_changes(self) -> None:
        """Record in the change log what this transaction touched (`Store.transaction` calls it last, just
        before committing, so the log commits or rolls back with the data it describes)."""
        with translated("write the change log", where=self._where, table="change_log"):
            self._changes.write(self._connection)

    def defer_indexes(self) -> list[str]:
        """Drop the secondary indexes of every district table that holds no row at all, of any district, and
        return those tables: a first load then writes no index entry row by row, and `ensure_indexes` builds
        each index in one sorted pass. A full sync calls that in its last transaction, so an interrupted
        first load only leaves slower reads until its resumed run finishes."""
        with translated("defer indexes", where=self._where):
            return indexes.drop_on_empty_tables(self._connection)

    def ensure_indexes(self) -> list[str]:
        """Create every secondary index of the district tables that is missing; returns their names."""
        with translated("build indexes", where=self._where):
            return indexes.build_missing(self._connection)

    def _merge(self, table: sa.Table, values: Mapping[str, object], key: Sequence[str]) -> None:
        """Insert one row or update it in place, in this dialect's ON CONFLICT syntax."""
        dialect_insert = postgresql.insert if self._connection.dialect.name == "postgresql" else sqlite.insert
        insert = dialect_insert(table).values(**values)
        updates = {column: insert.excluded[column] for column in values if column not in key}
        statement = insert.on_conflict_do_update(index_elements=list(key), set_=updates)
        with translated("write", where=self._where, table=table.name):
            self._connection.execute(statement)

    def save_checkpoint(self, cp: Checkpoint) -> None:
        """Record how far the district's sync got; commits (or rolls back) with the data it covers."""
        self._merge(sync_checkpoints, msgspec.structs.asdict(cp), ("district_id", "api_version"))

    def save_resume_point(self, point: ResumePoint) -> None:
        """Record where the district's unfinished full sync resumes; commits with the page it follows."""
        self._merge(sync_resume_points, msgspec.structs.asdict(point), ("district_id", "api_version"))

    def clear_resume_point(self, district_id: str, api_version: str) -> bool:
        """Forget the resume point (the full sync finished, or is abandoned); False when there was none."""
        statement = sa.delete(sync_resume_points).where(
            sync_resume_points.c.district_id == district_id, sync_resume_points.c.api_version == api_version
        )
        with translated("clear resume point", where=self._where, table="sync_resume_points"):
            return self._connection.execute(statement).rowcount > 0

    def start_run(self, run_id: str, *, district_id: str, kind: RunKind, api_version: str, at: str) -> None:
        """Record that a sync run began (status `running`)."""
        values = {
            "run_id": run_id, "district_id": district_id, "kind": kind, "api_version": api_version,
            "status": "running", "started_at": at, "finished_at": None, "counts": None,
        }  # fmt: skip
        self._merge(sync_runs, values, ("run_id",))

    def finish_run(
        self, run_id: str, *, at: str, counts: Mapping[str, int], status: RunStatus = "succeeded"
    ) -> None:
        """Record how a run ended and what it wrote; StoreError when the run was never started."""
        statement = (
            sync_runs.update()
            .where(sync_runs.c.run_id == run_id)
            .values(status=status, finished_at=at, counts=flat.encode(dict(counts)))
        )
        with translated("finish run", where=self._where, table="sync_runs"):
            updated = self._connection.execute(statement).rowcount
        if updated == 0:
            raise StoreError(f"cannot finish sync run {run_id}: it was never started in {self._where}")
