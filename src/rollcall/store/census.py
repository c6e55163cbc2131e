"""Whole-table reads of one district: row counts and stable fingerprints (hashes of every live row)."""

from __future__ import annotations

import hashlib
from typing import Final

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rollcall.store.schema import CHILD_TABLES, DISTRICT_TABLES, RECORD_TABLES

# Bookkeeping that differs between two runs writing the same data; fingerprints leave it out.
_RUN_COLUMNS: Final = frozenset({"deleted_at", "last_seen_run"})
_ENCODER: Final = msgspec.json.Encoder()
TABLE_NAMES: Final[tuple[str, ...]] = tuple(table.name for table in DISTRICT_TABLES)


def _scope(
    name: str, district_id: str, *, include_deleted: bool
) -> tuple[sa.Table, sa.FromClause, list[sa.ColumnElement[bool]]]:
    """The table, what to select from, and the filter keeping the district's (live) rows.
    A child row is live when its parent is."""
    if name in RECORD_TABLES:
        table = RECORD_TABLES[name]
        where = [table.c.district_id == district_id]
        if not include_deleted:
            where.append(table.c.deleted_at.is_(None))
        return table, table, where
    # Children are found through their parent: its district_id is indexed, theirs is not.
    table, parent_column, parent = CHILD_TABLES[name]
    joined = table.join(parent, table.c[parent_column] == parent.c.id)
    where = [parent.c.district_id == district_id]
    if not include_deleted:
        where.append(parent.c.deleted_at.is_(None))
    return table, joined, where


def count_rows(connection: Connection, district_id: str, *, include_deleted: bool) -> dict[str, int]:
    """Rows per table for the district (live only unless `include_deleted`)."""
    counts: dict[str, int] = {}
    for name in TABLE_NAMES:
        _, source, where = _scope(name, district_id, include_deleted=include_deleted)
        statement = sa.select(sa.func.count()).select_from(source).where(*where)
        counts[name] = int(connection.execute(statement).scalar_one())
    return counts


def fingerprint_table(connection: Connection, name: str, district_id: str) -> str:
    """SHA-256 over the district's live rows of one table in key order, run bookkeeping left out.
    Payloads are hashed as the database returns their text (JSONB normalises its own)."""
    table, source, where = _scope(name, district_id, include_deleted=False)
    columns = [
        sa.cast(column, sa.Text) if column.name == "payload" else column
        for column in table.columns
        if column.name not in _RUN_COLUMNS
    ]
    statement = sa.select(*columns).select_from(source).where(*where).order_by(*table.primary_key.columns)
    digest = hashlib.sha256()
    result = connection.execution_options(yield_per=10_000).execute(statement)
    for row in result:
        digest.update(_ENCODER.encode(tuple(row)))
        digest.update(b"\n")
    return digest.hexdigest()


def fingerprint(connection: Connection, district_id: str) -> dict[str, str]:
    """Per table, the fingerprint of the district's live rows."""
    return {name: fingerprint_table(connection, name, district_id) for name in TABLE_NAMES}
