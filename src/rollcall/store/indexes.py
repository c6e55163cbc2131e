"""Secondary indexes of the district tables during a first load: dropped while a table is empty, built again
in one sorted pass at the end. Loading 1.7 M rows without them and then building each index took 9 s where
updating them row by row, in random key order, took 13 s (SQLite, 100 k students)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rollcall.store.schema import DISTRICT_TABLES


def _ordered(table: sa.Table) -> list[sa.Index]:
    return sorted(table.indexes, key=lambda index: str(index.name))


def is_empty(connection: Connection, table: sa.Table) -> bool:
    """Whether `table` holds no row at all, of any district."""
    return connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first() is None


def drop_on_empty_tables(connection: Connection) -> list[str]:
    """Drop the secondary indexes of every district table that holds no row; returns those tables' names.
    Primary keys stay, so upserts and lookups by id keep working."""
    emptied: list[str] = []
    for table in DISTRICT_TABLES:
        if not is_empty(connection, table):
            continue
        for index in _ordered(table):
            connection.execute(sa.schema.DropIndex(index, if_exists=True))
        emptied.append(table.name)
    return emptied


def missing(connection: Connection) -> list[sa.Index]:
    """The schema's secondary indexes of district tables that the database lacks."""
    inspector = sa.inspect(connection)
    absent: list[sa.Index] = []
    for table in DISTRICT_TABLES:
        present = {index["name"] for index in inspector.get_indexes(table.name)}
        absent.extend(index for index in _ordered(table) if index.name not in present)
    return absent


def build_missing(connection: Connection) -> list[str]:
    """Create every missing secondary index; returns their names."""
    absent = missing(connection)
    if absent and connection.dialect.name == "postgresql":
        # Sort a million-row index in memory rather than in temporary files (this transaction only).
        connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
    for index in absent:
        # IF NOT EXISTS: another sync into the same database may have built it since `missing` looked.
        connection.execute(sa.schema.CreateIndex(index, if_not_exists=True))
    return [str(index.name) for index in absent]
