"""Re-pointing one reference column from absorbed accounts to their survivors without breaking a unique
constraint: rows that would collide with a row already pointing at the survivor are removed instead (and
kept in the ledger so a rollback puts them back). The resolution is pure; the reads are small helpers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from rollcall.migrate.legacy import as_key
from rollcall.migrate.values import Key, key_order

READ_CHUNK = 1_000  # keys per IN list: far below every database's bound-parameter limit

RowKey = tuple[object, ...]  # a row's primary key values


class RefRow(msgspec.Struct, frozen=True):
    """A row that points at an account: its primary key, the account key, and per unique constraint that
    holds the reference column, the constraint's values (the reference column's own slot left as None)."""

    pk: RowKey
    value: Key
    uniques: tuple[tuple[object, ...], ...]


class Resolution(msgspec.Struct, frozen=True):
    updates: list[tuple[RowKey, Key, Key]]  # (pk, old key, new key)
    deletes: list[tuple[RowKey, Key]]  # (pk, key it pointed at)


def unique_sets(table: sa.Table, column: str) -> list[tuple[str, ...]]:
    """The column sets of every unique constraint (primary key and unique indexes too) holding `column`."""
    sets: list[tuple[str, ...]] = []
    for constraint in table.constraints:
        if isinstance(constraint, sa.PrimaryKeyConstraint | sa.UniqueConstraint):
            names = tuple(c.name for c in constraint.columns)
            if column in names and names not in sets:
                sets.append(names)
    for index in table.indexes:
        if index.unique:
            names = tuple(c.name for c in index.columns if isinstance(c, sa.Column))
            if column in names and names not in sets:
                sets.append(names)
    return sets


def resolve(rows: Iterable[RefRow], mapping: dict[Key, Key]) -> Resolution:
    """Which rows move to their survivor and which are dropped as duplicates. Rows already on a survivor
    are kept first; moving rows follow in primary-key order, so the outcome does not depend on read order.
    A constraint with a NULL in it never collides (SQL's rule)."""
    listed = list(rows)
    staying = [row for row in listed if row.value not in mapping]
    moving = sorted((row for row in listed if row.value in mapping), key=lambda row: repr(row.pk))
    seen: set[tuple[int, Key, tuple[object, ...]]] = set()
    updates: list[tuple[RowKey, Key, Key]] = []
    deletes: list[tuple[RowKey, Key]] = []
    for row in [*staying, *moving]:
        target = mapping.get(row.value, row.value)
        signatures = [
            (number, target, values)
            for number, values in enumerate(row.uniques)
            if all(value is not None for value in values)
        ]
        if any(signature in seen for signature in signatures):
            deletes.append((row.pk, row.value))
            continue
        seen.update(signatures)
        if target != row.value:
            updates.append((row.pk, row.value, target))
    return Resolution(updates=updates, deletes=deletes)


def read_rows(connection: Connection, table: sa.Table, column: str, keys: Sequence[Key]) -> list[RefRow]:
    """The rows of `table` whose `column` holds one of `keys`."""
    sets = unique_sets(table, column)
    pk = list(table.primary_key.columns)
    others = [[table.c[name] for name in names if name != column] for names in sets]
    selected = [*pk, table.c[column], *(c for group in others for c in group)]
    found: list[RefRow] = []
    ordered = sorted(set(keys), key=key_order)
    for start in range(0, len(ordered), READ_CHUNK):
        chunk = ordered[start : start + READ_CHUNK]
        for row in connection.execute(sa.select(*selected).where(table.c[column].in_(chunk))):
            values = tuple(row)
            at = len(pk) + 1
            uniques: list[tuple[object, ...]] = []
            for group in others:
                uniques.append(tuple(values[at : at + len(group)]))
                at += len(group)
            found.append(RefRow(pk=values[: len(pk)], value=as_key(values[len(pk)]), uniques=tuple(uniques)))
    return found
