"""The bulk writers' probe for stored ids, which decides between plain inserts and merging."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

import psycopg

from rollcall.store import Store
from rollcall.store.writer import BulkWriter, PostgresWriter, SqliteWriter
from tests.factories import unit as records


@contextmanager
def writer(store: Store) -> Iterator[BulkWriter]:
    raw = store.engine.raw_connection()
    try:
        driver = raw.driver_connection
        if store.dialect == "postgresql":
            yield PostgresWriter(cast(psycopg.Connection[tuple[object, ...]], driver))
        else:
            yield SqliteWriter(cast(sqlite3.Connection, driver))
    finally:
        raw.close()


def test_any_exists_sees_a_stored_id_and_only_a_stored_id(store: Store) -> None:
    schools = records.schools()
    stored = sorted(school.id for school in schools)
    with writer(store) as probe:
        assert not probe.any_exists("schools", stored)  # empty table
    with store.transaction() as tx:
        tx.upsert_schools(schools, run_id="run-1")
    below, between, above = "0" * 24, stored[0] + "0", "f" * 24
    assert stored[0] < between < stored[-1]
    with writer(store) as probe:
        assert probe.any_exists("schools", [stored[-1]])
        assert probe.any_exists("schools", [below, stored[0], above])
        assert not probe.any_exists("schools", [below, above])  # the range spans stored rows, no id is one
        assert not probe.any_exists("schools", [between])
        assert not probe.any_exists("schools", [above])
