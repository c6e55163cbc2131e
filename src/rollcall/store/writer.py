"""Bulk writers, one per database: SQLite `executemany` of prepared upserts; PostgreSQL `COPY` into a
temporary staging table merged with one `INSERT … SELECT … ON CONFLICT`.
Child rows are replaced per batch of parents."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Protocol

import psycopg

from rollcall.store.rows import Rows


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


class BulkWriter(Protocol):
    """Writes batches inside the caller's open transaction; never commits."""

    def upsert(self, rows: Rows, key: Sequence[str], *, restore: bool) -> None:
        """Insert or update every row, matching existing rows on `key`."""
        ...

    def replace_children(self, rows: Rows, parent_column: str, parent_ids: Sequence[str]) -> None:
        """Delete every child row of `parent_ids`, then insert `rows` (which belong to those parents)."""
        ...


class SqliteWriter:
    """Prepared statements run with `executemany`: sqlite3 binds each tuple without re-parsing the SQL."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def upsert(self, rows: Rows, key: Sequence[str], *, restore: bool) -> None:
        if not rows.rows:
            return
        values = ", ".join("?" for _ in rows.columns)
        sql = upsert_sql(rows, key, source=f"VALUES ({values})", restore=restore)
        self._connection.executemany(sql, rows.rows)

    def replace_children(self, rows: Rows, parent_column: str, parent_ids: Sequence[str]) -> None:
        table = quote(rows.table)
        delete = f"DELETE FROM {table} WHERE {quote(parent_column)} = ?"
        self._connection.executemany(delete, [(parent,) for parent in parent_ids])
        if rows.rows:
            values = ", ".join("?" for _ in rows.columns)
            insert = f"INSERT INTO {table} ({_column_list(rows.columns)}) VALUES ({values})"
            self._connection.executemany(insert, rows.rows)


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

    def upsert(self, rows: Rows, key: Sequence[str], *, restore: bool) -> None:
        if not rows.rows:
            return
        stage = self._stage(rows.table)
        self._copy(stage, rows)
        columns = _column_list(rows.columns)
        merge = upsert_sql(rows, key, source=f"SELECT {columns} FROM {quote(stage)}", restore=restore)
        self._connection.execute(merge.encode())
        self._connection.execute(f"TRUNCATE {quote(stage)}".encode())

    def replace_children(self, rows: Rows, parent_column: str, parent_ids: Sequence[str]) -> None:
        delete = f"DELETE FROM {quote(rows.table)} WHERE {quote(parent_column)} = ANY(%s)"
        self._connection.execute(delete.encode(), (list(parent_ids),))
        if rows.rows:
            self._copy(rows.table, rows)
