"""Bulk writers, one per database: SQLite `executemany` of prepared upserts; PostgreSQL `COPY` into a
temporary staging table merged with one `INSERT … SELECT … ON CONFLICT`. Child rows of a batch of parents
are staged, the vanished ones deleted and the rest merged, so unchanged children are never rewritten.
Rows known to be new (a first load) skip all of that: plain `executemany` inserts, or `COPY` straight into
the table."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Protocol

import psycopg

from rollcall.store.rows import Rows, encode


def quote(identifier: str) -> str:
    """A double-quoted SQL identifier (`type` and `position` are keywords somewhere)."""
    return '"' + identifier.replace('"', '""') + '"'


def _column_list(columns: Sequence[str]) -> str:
    return ", ".join(quote(column) for column in columns)


def upsert_sql(rows: Rows, key: Sequence[str], *, source: str, restore: bool) -> str:
    """`INSERT … <source> ON CONFLICT (key) DO UPDATE SET` every other column from the new row;
    `restore` also clears `deleted_at`."""
    updates = [f"{quote(c)} = EXCLUDED.{quote(c)}" for c in rows.columns if c not in key]
    if restore:
        updates.append(f"{quote('deleted_at')} = NULL")
    return (
        f"INSERT INTO {quote(rows.table)} ({_column_list(rows.columns)}) {source} "
        f"ON CONFLICT ({_column_list(key)}) DO UPDATE SET {', '.join(updates)}"
    )


def delete_gone_sql(rows: Rows, key: Sequence[str], *, stage: str, of_parents: str) -> str:
    """Delete the children matched by `of_parents` (a predicate on the parent column) that `stage` lacks."""
    table = quote(rows.table)
    same = " AND ".join(f"{quote(stage)}.{quote(c)} = {table}.{quote(c)}" for c in key)
    return (
        f"DELETE FROM {table} WHERE {of_parents} AND NOT EXISTS (SELECT 1 FROM {quote(stage)} WHERE {same})"
    )


def merge_children_sql(rows: Rows, key: Sequence[str], *, stage: str, differs: str) -> str:
    """`INSERT … SELECT` from `stage` that touches an existing row only when a non-key value changed (no
    dead tuples or index churn for the unchanged majority). `differs` is the dialect's null-safe `<>`."""
    table, columns = quote(rows.table), _column_list(rows.columns)
    # `WHERE true` tells SQLite's parser the ON CONFLICT belongs to the INSERT, not to a join.
    insert = f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {quote(stage)} WHERE true "
    insert += f"ON CONFLICT ({_column_list(key)}) "
    others = [c for c in rows.columns if c not in key]
    if not others:
        return insert + "DO NOTHING"
    updates = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in others)
    changed = " OR ".join(f"{table}.{quote(c)} {differs} EXCLUDED.{quote(c)}" for c in others)
    return insert + f"DO UPDATE SET {updates} WHERE {changed}"


def insert_sql(rows: Rows, values: str) -> str:
    """A plain `INSERT … <values>` (no conflict handling: the caller knows every row is new)."""
    return f"INSERT INTO {quote(rows.table)} ({_column_list(rows.columns)}) {values}"


class BulkWriter(Protocol):
    """Writes batches inside the caller's open transaction; never commits."""

    def any_exists(self, table: str, ids: Sequence[str]) -> bool:
        """Whether `table` (a record table) already holds a row, live or soft-deleted, with one of `ids`."""
        ...

    def insert(self, rows: Rows) -> None:
        """Insert rows known to be new (no existing row shares a key with them): the first-load fast path."""
        ...

    def upsert(self, rows: Rows, key: Sequence[str], *, restore: bool) -> None:
        """Insert or update every row, matching existing rows on `key`."""
        ...

    def replace_children(
        self, rows: Rows, key: Sequence[str], parent_column: str, parent_ids: Sequence[str]
    ) -> None:
        """Make the children of `parent_ids` exactly `rows` (which belong to those parents; `key` is the
        child table's primary key)."""
        ...


class SqliteWriter:
    """Prepared statements run with `executemany`: sqlite3 binds each tuple without re-parsing the SQL.
    Staging tables are TEMP (in memory), keyed like their target, and emptied after each use."""

    _PARENTS = "rollcall_stage_parents"

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self._staged: set[str] = set()

    def _stage(self, rows: Rows, key: Sequence[str]) -> str:
        stage = f"rollcall_stage_{rows.table}"
        if stage not in self._staged:
            self._connection.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {quote(stage)} ({_column_list(rows.columns)}, "
                f"PRIMARY KEY ({_column_list(key)})) WITHOUT ROWID"
            )
            self._connection.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {quote(self._PARENTS)} (id PRIMARY KEY) WITHOUT ROWID"
            )
            self._staged.add(stage)
        return stage

    def any_exists(self, table: str, ids: Sequence[str]) -> bool:
        # The ids go over as one JSON array (no bound-variable limit). One range probe settles the usual
        # cases (a first load: nothing between the smallest and the largest id; a re-sync: the first id is
        # there); only a batch whose id range holds other rows needs a probe per id.
        wanted = (encode(list(ids)),)
        spanned = (
            f"SELECT 1 FROM {quote(table)} WHERE id BETWEEN (SELECT min(value) FROM json_each(?1)) "
            "AND (SELECT max(value) FROM json_each(?1)) LIMIT 1"
        )
        if self._connection.execute(spanned, wanted).fetchone() is None:
            return False
        exact = (
            f"SELECT 1 FROM json_each(?) AS wanted WHERE EXISTS "
            f"(SELECT 1 FROM {quote(table)} WHERE {quote(table)}.id = wanted.value) LIMIT 1"
        )
        return self._connection.execute(exact, wanted).fetchone() is not None

    def insert(self, rows: Rows) -> None:
        if rows.rows:
            values = ", ".join("?" for _ in rows.columns)
            self._connection.executemany(insert_sql(rows, f"VALUES ({values})"), rows.rows)

    def upsert(self, rows: Rows, key: Sequence[str], *, restore: bool) -> None:
        if not rows.rows:
            return
        values = ", ".join("?" for _ in rows.columns)
        sql = upsert_sql(rows, key, source=f"VALUES ({values})", restore=restore)
        self._connection.executemany(sql, rows.rows)

    def replace_children(
        self, rows: Rows, key: Sequence[str], parent_column: str, parent_ids: Sequence[str]
    ) -> None:
        stage, parents = self._stage(rows, key), quote(self._PARENTS)
        values = ", ".join("?" for _ in rows.columns)
        self._connection.executemany(f"INSERT INTO {quote(stage)} VALUES ({values})", rows.rows)
        self._connection.executemany(f"INSERT INTO {parents} VALUES (?)", [(p,) for p in parent_ids])
        of_parents = f"{quote(rows.table)}.{quote(parent_column)} IN (SELECT id FROM {parents})"
        self._connection.execute(delete_gone_sql(rows, key, stage=stage, of_parents=of_parents))
        if rows.rows:
            self._connection.execute(merge_children_sql(rows, key, stage=stage, differs="IS NOT"))
        self._connection.execute(f"DELETE FROM {quote(stage)}")
        self._connection.execute(f"DELETE FROM {parents}")


class PostgresWriter:
    """COPY then merge. Staging tables are temporary, dropped at commit, and emptied after each merge."""

    def __init__(self, connection: psycopg.Connection[tuple[object, ...]]) -> None:
        self._connection = connection
        self._staged: set[str] = set()

    def _stage(self, table: str) -> str:
        stage = f"rollcall_stage_{table}"
        if stage not in self._staged:
            self._connection.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {quote(stage)} "
                f"(LIKE {quote(table)} INCLUDING DEFAULTS) ON COMMIT DROP".encode()
            )
            self._staged.add(stage)
        return stage

    def _copy(self, table: str, rows: Rows) -> None:
        with (
            self._connection.cursor() as cursor,
            cursor.copy(f"COPY {quote(table)} ({_column_list(rows.columns)}) FROM STDIN".encode()) as copy,
        ):
            for row in rows.rows:
                copy.write_row(row)

    def any_exists(self, table: str, ids: Sequence[str]) -> bool:
        # As on SQLite: one range probe first, then one index probe per id. The bounds are scalar subqueries
        # (computed once, by the server, in the column's collation) so the range is an index scan: as a
        # join, the planner scanned the whole table for every first-load page. Never `id = ANY(…)` either:
        # the planner may answer that with a sequential scan comparing every row with every id.
        wanted = {"ids": list(ids)}
        spanned = (
            f"SELECT 1 FROM {quote(table)} WHERE id BETWEEN "
            "(SELECT min(id) FROM unnest(%(ids)s::text[]) AS wanted(id)) "
            "AND (SELECT max(id) FROM unnest(%(ids)s::text[]) AS wanted(id)) LIMIT 1"
        )
        if self._connection.execute(spanned.encode(), wanted).fetchone() is None:
            return False
        exact = (
            f"SELECT 1 FROM unnest(%(ids)s::text[]) AS wanted(id) WHERE EXISTS "
            f"(SELECT 1 FROM {quote(table)} WHERE {quote(table)}.id = wanted.id) LIMIT 1"
        )
        return self._connection.execute(exact.encode(), wanted).fetchone() is not None

    def insert(self, rows: Rows) -> None:
        if rows.rows:
            self._copy(rows.table, rows)

    def upsert(self, rows: Rows, key: Sequence[str], *, restore: bool) -> None:
        if not rows.rows:
            return
        stage = self._stage(rows.table)
        self._copy(stage, rows)
        columns = _column_list(rows.columns)
        merge = upsert_sql(rows, key, source=f"SELECT {columns} FROM {quote(stage)}", restore=restore)
        self._connection.execute(merge.encode())
        self._connection.execute(f"TRUNCATE {quote(stage)}".encode())

    def replace_children(
        self, rows: Rows, key: Sequence[str], parent_column: str, parent_ids: Sequence[str]
    ) -> None:
        """COPY into the staging table, delete the vanished children and merge the rest: a nightly full sync
        re-sending millions of unchanged enrollments then rewrites none of them (2.5-3x faster than DELETE +
        COPY). A first load never comes here: it inserts (see `StoreTransaction`)."""
        table, ids = quote(rows.table), (list(parent_ids),)
        of_parents = f"{table}.{quote(parent_column)} = ANY(%s)"
        stage = self._stage(rows.table)
        self._copy(stage, rows)
        self._connection.execute(delete_gone_sql(rows, key, stage=stage, of_parents=of_parents).encode(), ids)
        if rows.rows:
            merge = merge_children_sql(rows, key, stage=stage, differs="IS DISTINCT FROM")
            self._connection.execute(merge.encode())
        self._connection.execute(f"TRUNCATE {quote(stage)}".encode())
