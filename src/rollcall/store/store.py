"""The `Store`: opens (and migrates) a database, hands out write transactions, and answers the reads the
sync, the migration engine and the tests need. Reads see live rows only unless they say otherwise."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any, Final, TypeVar, cast

import msgspec
import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from rollcall.domain.district import District, School, Section
from rollcall.domain.user import RoleName, User
from rollcall.store import census, fleet_ledger, indexes
from rollcall.store import engine as engines
from rollcall.store.access_facts import StoreAccessFacts
from rollcall.store.change_log import current_version
from rollcall.store.failure import DRIVER_ERRORS, translated
from rollcall.store.fleet_ledger import AttemptOutcome, DistrictState, FleetDistrict, SyncAttempt
from rollcall.store.revision import ensure_revision
from rollcall.store.schema import (
    districts,
    schools,
    sections,
    sync_checkpoints,
    sync_resume_points,
    sync_runs,
    user_roles,
    users,
)
from rollcall.store.sync_state import Checkpoint, ResumePoint, SyncRun
from rollcall.store.transaction import StoreTransaction
from rollcall.store.writer import BulkWriter, PostgresWriter, SqliteWriter

PAGE_SIZE: Final = 5_000
_MIGRATION_LOCK: Final = 0x726F6C6C  # "roll": one process at a time migrates a PostgreSQL schema
_DISTRICT_FENCE: Final = 0x666C6574  # "flet": one sync of a district at a time, whichever process runs it
_EXCLUSIVE: Final = 0x6F6E6365  # "once": one process at a time does a named piece of set-up
T = TypeVar("T", User, Section, District, School)
K = TypeVar("K")  # a keyset page's key: an id, or (user id, role)


def _first_column(row: Sequence[Any]) -> str:
    return str(row[0])


def _decode(payload: str, kind: type[T]) -> T:
    return msgspec.json.decode(payload, type=kind)


def _plain(row: dict[str, object]) -> dict[str, object]:
    """Column names as plain `str`: SQLAlchemy hands out `quoted_name`, which msgspec refuses as keys."""
    return {str(key): value for key, value in row.items()}


class Store:
    """A rollcall database. Make one with `Store.open(url)`; close it when done (or use it as a context
    manager)."""

    def __init__(self, engine: Engine, *, where: str) -> None:
        self._engine = engine
        self.where = where  # the URL with any password masked: safe for messages and logs

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> Store:
        """Connect to `url` (sqlite:///file.db or postgresql://…), bring the schema to the newest revision
        when `migrate` (else require it), and return the store. StoreError says what is wrong and what to do.
        """
        parsed = engines.parse_url(url)
        where = engines.display(parsed)
        engine = engines.create_engine(parsed)
        try:
            with (
                translated("open the database", where=where),
                engine.connect().execution_options(**{engines.WRITE_OPTION: True}) as connection,
                connection.begin(),
            ):
                if connection.dialect.name == "postgresql":
                    schema_key = sa.func.hashtext(sa.func.current_schema())
                    connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_MIGRATION_LOCK, schema_key)))
                ensure_revision(connection, migrate=migrate, where=where)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, where=where)

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, for tooling and tests that need plain SQL."""
        return self._engine

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self._engine.dialect.name

    def close(self) -> None:
        """Release every pooled connection."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _writer(self, connection: Connection) -> BulkWriter:
        raw = connection.connection.driver_connection
        if self.dialect == "postgresql":
            return PostgresWriter(cast(psycopg.Connection[tuple[object, ...]], raw))
        return SqliteWriter(cast(sqlite3.Connection, raw))

    @contextmanager
    def transaction(self) -> Iterator[StoreTransaction]:
        """One database transaction: committed when the block ends, rolled back if it raises."""
        with translated("begin a transaction", where=self.where):
            connection = self._engine.connect().execution_options(**{engines.WRITE_OPTION: True})
        try:
            with translated("begin a transaction", where=self.where):
                outer = connection.begin()
            try:
                transaction = StoreTransaction(connection, self._writer(connection), where=self.where)
                yield transaction
                transaction.log_changes()
            except BaseException:
                # A failed rollback (dead connection) must not hide the error that caused it.
                with suppress(*DRIVER_ERRORS):
                    outer.rollback()
                raise
            with translated("commit", where=self.where):
                outer.commit()
        finally:
            connection.close()

    @contextmanager
    def _reading(self, action: str, table: str | None = None) -> Iterator[Connection]:
        with translated(action, where=self.where, table=table), self._engine.connect() as connection:
            yield connection

    def counts(self, district_id: str, *, include_deleted: bool = False) -> dict[str, int]:
        """Rows per table (record and child tables) of the district; live rows only unless asked."""
        with self._reading("count rows") as connection:
            return census.count_rows(connection, district_id, include_deleted=include_deleted)

    def table_fingerprint(self, district_id: str) -> dict[str, str]:
        """Per table, a stable hash of the district's live rows (run bookkeeping excluded): two stores that
        hold the same data have equal fingerprints, whatever runs wrote it."""
        with self._reading("fingerprint tables") as connection:
            return census.fingerprint(connection, district_id)

    def missing_indexes(self) -> list[str]:
        """Secondary indexes the schema wants but the database lacks (a first load still in progress or
        interrupted: its full sync builds them when it finishes)."""
        with self._reading("inspect indexes") as connection:
            return [str(index.name) for index in indexes.missing(connection)]

    def _find(self, table: sa.Table, record_id: str, kind: type[T], *, include_deleted: bool) -> T | None:
        statement = sa.select(sa.cast(table.c.payload, sa.Text)).where(table.c.id == record_id)
        if not include_deleted:
            statement = statement.where(table.c.deleted_at.is_(None))
        with self._reading("read", table.name) as connection:
            payload = connection.execute(statement).scalar_one_or_none()
        return None if payload is None else _decode(payload, kind)

    def find_user(self, user_id: str, *, include_deleted: bool = False) -> User | None:
        """The user as last written, or None when absent (or soft-deleted, unless `include_deleted`)."""
        return self._find(users, user_id, User, include_deleted=include_deleted)

    def find_section(self, section_id: str, *, include_deleted: bool = False) -> Section | None:
        """The section as last written, or None."""
        return self._find(sections, section_id, Section, include_deleted=include_deleted)

    def find_district(self, district_id: str) -> District | None:
        """The live district record, or None."""
        return self._find(districts, district_id, District, include_deleted=False)

    def district_ids(self) -> list[str]:
        """The ids of every live district in the store, in id order."""
        statement = sa.select(districts.c.id).where(districts.c.deleted_at.is_(None)).order_by(districts.c.id)
        with self._reading("list districts", "districts") as connection:
            return [str(value) for value in connection.execute(statement).scalars()]

    def change_version(self, district_id: str) -> int:
        """The district's change version: bumped by every write transaction that touches its users, sections
        or schools (0 before any). Equal versions, unchanged records: a cheap staleness check."""
        with self._reading("read the change version", "change_versions") as connection:
            return current_version(connection, district_id)

    def find_user_by_legacy_id(self, legacy_id: str) -> tuple[User, RoleName] | None:
        """The live user whose role had `legacy_id` before v3 (a student's legacy id is their user id), and
        that role's name; None when no live user has it."""
        statement = (
            sa.select(sa.cast(users.c.payload, sa.Text), user_roles.c.role)
            .join(user_roles, user_roles.c.user_id == users.c.id)
            .where(user_roles.c.legacy_id == legacy_id, users.c.deleted_at.is_(None))
            .order_by(users.c.id, user_roles.c.role)
            .limit(1)
        )
        with self._reading("find by legacy id", "user_roles") as connection:
            row = connection.execute(statement).first()
        if row is None:
            return None
        return _decode(row[0], User), cast(RoleName, row[1])

    def access_facts(self, district_id: str) -> StoreAccessFacts:
        """The district's facts as the access engine reads them (`rollcall.access.AccessFacts`): users,
        sections and schools by indexed reads, and the change log's version for incremental refreshes."""
        return StoreAccessFacts(self._reading, district_id)

    def find_users_by_login(self, text: str) -> list[User]:
        """The live users a person may mean by `text`: the user with that v3 id; else those whose role had it
        as legacy (v2) id; else those with that email (case-insensitive; a teacher who is also a parent is
        two users sharing one). In id order; [] when none."""
        found = self.find_user(text)
        if found is not None:
            return [found]
        payload = sa.cast(users.c.payload, sa.Text)
        by_legacy = (
            sa.select(payload)
            .where(
                users.c.id.in_(sa.select(user_roles.c.user_id).where(user_roles.c.legacy_id == text)),
                users.c.deleted_at.is_(None),
            )
            .order_by(users.c.id)
        )
        by_email = (
            sa.select(payload)
            .where(sa.func.lower(users.c.email) == text.strip().lower(), users.c.deleted_at.is_(None))
            .order_by(users.c.id)
        )
        with self._reading("find users by login", "users") as connection:
            rows = connection.execute(by_legacy).scalars().all()
            if not rows and "@" in text:
                rows = connection.execute(by_email).scalars().all()
        return [_decode(row, User) for row in rows]

    def _keyset(
        self,
        what: tuple[str, str],
        query: Callable[[K], sa.Select[Any]],
        first: K,
        key_of: Callable[[Sequence[Any]], K],
        page_size: int,
    ) -> Iterator[Sequence[Any]]:
        """The rows of `query(after)`, ordered by its key, `page_size` at a time: each page starts after the
        key of the last row read (keyset paging) and is read on its own connection, so no cursor stays open.
        `what` is the (action, table) a failure names."""
        after = first
        while True:
            with self._reading(*what) as connection:
                page = connection.execute(query(after).limit(page_size)).all()
            yield from page
            if len(page) < page_size:
                return
            after = key_of(page[-1])

    def _iter(self, table: sa.Table, district_id: str, kind: type[T], page_size: int) -> Iterator[T]:
        """Live records of the district in id order."""

        def query(after: str) -> sa.Select[Any]:
            return (
                sa.select(table.c.id, sa.cast(table.c.payload, sa.Text))
                .where(table.c.district_id == district_id, table.c.deleted_at.is_(None), table.c.id > after)
                .order_by(table.c.id)
            )

        for _, payload in self._keyset(("read", table.name), query, "", _first_column, page_size):
            yield _decode(payload, kind)

    def iter_role_legacy_ids(
        self, district_id: str, *, page_size: int = PAGE_SIZE
    ) -> Iterator[tuple[str, str | None, RoleName, str | None]]:
        """Every role of every live user of the district as (user id, email, role, legacy id), by user id
        then role, read from the indexed columns (no payload decoded): what matching legacy accounts needs.
        A student's legacy id is their user id; another role without one has None."""

        def query(after: tuple[str, str]) -> sa.Select[Any]:
            return (
                sa.select(users.c.id, users.c.email, user_roles.c.role, user_roles.c.legacy_id)
                .select_from(user_roles)
                .join(users, users.c.id == user_roles.c.user_id)
                .where(user_roles.c.district_id == district_id, users.c.deleted_at.is_(None))
                .where(sa.tuple_(user_roles.c.user_id, user_roles.c.role) > sa.tuple_(*after))
                .order_by(user_roles.c.user_id, user_roles.c.role)
            )

        def key_of(row: Sequence[Any]) -> tuple[str, str]:
            return (row[0], row[2])

        rows = self._keyset(("read roles", "user_roles"), query, ("", ""), key_of, page_size)
        # The rows as read (they unpack as the tuples named above): a million rows are not rebuilt one by one.
        return cast(Iterator[tuple[str, str | None, RoleName, str | None]], rows)

    def iter_users_with_role(
        self, district_id: str, role: RoleName, *, page_size: int = PAGE_SIZE
    ) -> Iterator[User]:
        """Every live user of the district holding `role`, by id, read `page_size` at a time. Each page walks
        the (district, user, role) index from where the last one stopped and joins the users it finds: an
        `id IN (holders of the role)` filter had SQLite rebuild the whole holder list for every page (at
        1 M students: 24 scans of 1.2 M roles to read 120 k contacts, 1.8 s instead of 0.2 s)."""

        def query(after: str) -> sa.Select[Any]:
            return (
                sa.select(user_roles.c.user_id, sa.cast(users.c.payload, sa.Text))
                .select_from(user_roles)
                .join(users, users.c.id == user_roles.c.user_id)
                .where(user_roles.c.district_id == district_id, user_roles.c.user_id > after)
                .where(user_roles.c.role == role, users.c.deleted_at.is_(None))
                .order_by(user_roles.c.user_id)
            )

        for _, payload in self._keyset(("read", "users"), query, "", _first_column, page_size):
            yield _decode(payload, User)

    def iter_users(self, district_id: str, *, page_size: int = PAGE_SIZE) -> Iterator[User]:
        """Every live user of the district, by id, read `page_size` at a time."""
        return self._iter(users, district_id, User, page_size)

    def iter_schools(self, district_id: str, *, page_size: int = PAGE_SIZE) -> Iterator[School]:
        """Every live school of the district, by id, read `page_size` at a time."""
        return self._iter(schools, district_id, School, page_size)

    def iter_sections(self, district_id: str, *, page_size: int = PAGE_SIZE) -> Iterator[Section]:
        """Every live section of the district, by id, read `page_size` at a time."""
        return self._iter(sections, district_id, Section, page_size)

    def find_checkpoint(self, district_id: str, api_version: str) -> Checkpoint | None:
        """The district's saved checkpoint for one API version, or None before the first save."""
        statement = sa.select(sync_checkpoints).where(
            sync_checkpoints.c.district_id == district_id, sync_checkpoints.c.api_version == api_version
        )
        with self._reading("read checkpoint", "sync_checkpoints") as connection:
            row = connection.execute(statement).first()
        return None if row is None else msgspec.convert(_plain(row._asdict()), Checkpoint)

    def find_resume_point(self, district_id: str, api_version: str) -> ResumePoint | None:
        """Where the district's unfinished full sync for one API version resumes, or None."""
        statement = sa.select(sync_resume_points).where(
            sync_resume_points.c.district_id == district_id, sync_resume_points.c.api_version == api_version
        )
        with self._reading("read resume point", "sync_resume_points") as connection:
            row = connection.execute(statement).first()
        return None if row is None else msgspec.convert(_plain(row._asdict()), ResumePoint)

    def find_run(self, run_id: str) -> SyncRun | None:
        """A sync run's record, or None."""
        with self._reading("read run", "sync_runs") as connection:
            row = connection.execute(sa.select(sync_runs).where(sync_runs.c.run_id == run_id)).first()
        if row is None:
            return None
        values = _plain(row._asdict())
        counts = values["counts"]
        values["counts"] = msgspec.json.decode(counts, type=dict[str, int]) if isinstance(counts, str) else {}
        return msgspec.convert(values, SyncRun)

    # ---- the fleet's ledger and locks (rollcall.fleet) ----------------------------------------------------

    @contextmanager
    def _writing(self, action: str, table: str) -> Iterator[Connection]:
        with (
            translated(action, where=self.where, table=table),
            self._engine.connect().execution_options(**{engines.WRITE_OPTION: True}) as connection,
            connection.begin(),
        ):
            yield connection

    def record_fleet_districts(self, district_ids: Iterable[str], *, at: str) -> list[str]:
        """Remember the districts a token listing found; returns the ids seen for the first time."""
        with self._writing("record districts", "fleet_districts") as connection:
            return fleet_ledger.record_districts(connection, district_ids, at=at)

    def set_district_state(
        self, district_id: str, state: DistrictState, *, at: str, reason: str | None = None,
        worker: str | None = None, name: str | None = None,
    ) -> None:  # fmt: skip
        """Record the state a sync job leaves the district in."""
        with self._writing("record district state", "fleet_districts") as connection:
            fleet_ledger.set_state(
                connection, district_id, state, at=at, reason=reason, worker=worker, name=name
            )

    def start_attempt(self, attempt: SyncAttempt) -> None:
        """Record a sync job attempt that has just acquired its district's fence."""
        with self._writing("record attempt", "sync_attempts") as connection:
            fleet_ledger.start_attempt(connection, attempt)

    def finish_attempt(
        self, attempt_id: str, *, at: str, outcome: AttemptOutcome, reason: str | None = None,
        run_id: str | None = None,
    ) -> None:  # fmt: skip
        """Record how a sync job attempt ended."""
        with self._writing("record attempt", "sync_attempts") as connection:
            fleet_ledger.finish_attempt(
                connection, attempt_id, at=at, outcome=outcome, reason=reason, run_id=run_id
            )

    def fleet_districts(self) -> list[FleetDistrict]:
        """Every district of the fleet's ledger, by id."""
        with self._reading("read districts", "fleet_districts") as connection:
            return fleet_ledger.read_districts(connection)

    def sync_attempts(self, district_id: str | None = None) -> list[SyncAttempt]:
        """Sync job attempts (of one district, or all) in the order they acquired their fence."""
        with self._reading("read attempts", "sync_attempts") as connection:
            return fleet_ledger.read_attempts(connection, district_id)

    def latest_runs(self) -> dict[str, SyncRun]:
        """Per district, its most recently started sync run."""
        with self._reading("read runs", "sync_runs") as connection:
            return fleet_ledger.latest_runs(connection)

    def _lock_key(self, name: str) -> sa.ColumnElement[int]:
        return sa.func.hashtext(sa.func.current_schema() + ":" + name)

    @contextmanager
    def district_fence(self, district_id: str) -> Iterator[bool]:
        """Try to hold the district's fence (a PostgreSQL session advisory lock on a connection of its own)
        for the block; yields False, at once, when another process holds it. The lock dies with its
        connection, so a killed worker's fence is released when PostgreSQL notices the socket closed. On
        SQLite (one writer per file anyway) the fence is always granted."""
        if self.dialect != "postgresql":
            yield True
            return
        key = self._lock_key(district_id)
        with translated("take the district fence", where=self.where), self._engine.connect() as connection:
            held = bool(
                connection.execute(sa.select(sa.func.pg_try_advisory_lock(_DISTRICT_FENCE, key))).scalar()
            )
            connection.commit()  # the session lock outlives the transaction; never sit idle in one
            try:
                yield held
            finally:
                if held:
                    with suppress(*DRIVER_ERRORS):
                        connection.execute(sa.select(sa.func.pg_advisory_unlock(_DISTRICT_FENCE, key)))
                        connection.commit()

    @contextmanager
    def exclusively(self, purpose: str) -> Iterator[None]:
        """Run the block while no other process runs a block of the same `purpose` on this PostgreSQL schema
        (a transaction-level advisory lock); SQLite runs it as is."""
        if self.dialect != "postgresql":
            yield
            return
        with self._writing(f"wait for {purpose}", "pg_locks") as connection:
            connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_EXCLUSIVE, self._lock_key(purpose))))
            yield

    def has_table(self, name: str) -> bool:
        """Whether the database (the current PostgreSQL schema) has a table `name`."""
        with self._reading("inspect tables", name) as connection:
            return sa.inspect(connection).has_table(name)
