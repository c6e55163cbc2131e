"""The schema changes apply makes in the vendor database (and rollback undoes): a column added to the
accounts table, the contacts tables, and the tables that keep rows removed as duplicates."""

from __future__ import annotations

import sqlite3
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rollcall.errors import MigrateError
from rollcall.migrate.config import ACCOUNT_MAP as ACCOUNT_MAP  # re-exported: its home is the config

SHADOW_BATCH: Final = "rollcall_batch"
SQLITE_DROP_COLUMN: Final = (3, 35, 0)


def _quote(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)


def add_column(connection: Connection, table: str, column: str, kind: sa.types.TypeEngine[Any]) -> None:
    """`ALTER TABLE … ADD COLUMN` (nullable, no default: old rows read NULL, nothing is rewritten)."""
    type_sql = kind.compile(dialect=connection.dialect)
    connection.exec_driver_sql(
        f"ALTER TABLE {_quote(connection, table)} ADD COLUMN {_quote(connection, column)} {type_sql}"
    )


def drop_column(connection: Connection, table: str, column: str) -> None:
    """Undo `add_column`. SQLite learned `DROP COLUMN` in 3.35."""
    if connection.dialect.name == "sqlite" and sqlite3.sqlite_version_info < SQLITE_DROP_COLUMN:
        raise MigrateError(
            f"rolling back needs to drop column {column} of {table}, which SQLite {sqlite3.sqlite_version} "
            "cannot do (3.35 or newer can): run the rollback with a newer SQLite"
        )
    connection.exec_driver_sql(
        f"ALTER TABLE {_quote(connection, table)} DROP COLUMN {_quote(connection, column)}"
    )


def drop_table(connection: Connection, table: str) -> None:
    connection.exec_driver_sql(f"DROP TABLE {_quote(connection, table)}")


def contacts_table(name: str) -> sa.Table:
    """`rollcall_contacts(user_id, legacy_id, name, email, phone)`: one row per v3 contact user."""
    return sa.Table(
        name,
        sa.MetaData(),
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("legacy_id", sa.String(64), nullable=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("email", sa.Text, nullable=True),
        sa.Column("phone", sa.Text, nullable=True),
    )


def relationships_table(name: str, key_type: sa.types.TypeEngine[Any]) -> sa.Table:
    """`rollcall_contact_students(contact_user_id, student_id, student_account_key, relationship, type)`."""
    return sa.Table(
        name,
        sa.MetaData(),
        sa.Column("contact_user_id", sa.String(64), primary_key=True),
        sa.Column("student_id", sa.String(64), primary_key=True),
        sa.Column("student_account_key", key_type, nullable=True),
        sa.Column("relationship", sa.Text, nullable=True),
        sa.Column("type", sa.Text, nullable=True),
    )


def shadow_name(table: str) -> str:
    return f"rollcall_removed_{table}"


def shadow_table(source: sa.Table) -> sa.Table:
    """A table with the source's columns (no constraints) plus the batch that removed each row."""
    columns = [sa.Column(c.name, c.type, nullable=True) for c in source.columns]
    return sa.Table(shadow_name(source.name), sa.MetaData(), *columns, sa.Column(SHADOW_BATCH, sa.Integer))


def account_map_table(
    key_type: sa.types.TypeEngine[Any], v3_type: sa.types.TypeEngine[Any], name: str = ACCOUNT_MAP
) -> sa.Table:
    """`rollcall_account_map`: per matched account, in plan order (`seq`), the v3 id and survivor apply writes
    and, when the accounts table had those columns before apply, their old values (what rollback restores).
    Apply fills it a batch at a time and writes the accounts from it with one `UPDATE … FROM` per batch; it
    is part of the ledger, dropped by rollback. Per-role account tables get one map each
    (`rollcall_account_map_<role>`), typed like their own key: keys of two tables may differ in type."""
    return sa.Table(
        name,
        sa.MetaData(),
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("account_key", key_type, nullable=False),
        sa.Column("v3_id", sa.String(64), nullable=False),
        sa.Column("merged_into", key_type, nullable=True),
        sa.Column("old_v3_id", v3_type, nullable=True),
        sa.Column("old_merged_into", key_type, nullable=True),
    )
