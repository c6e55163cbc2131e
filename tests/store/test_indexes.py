"""A first load defers the secondary indexes of empty tables and builds them again; reads stay right."""

from __future__ import annotations

import threading
import time

import pytest

from rollcall.errors import StoreError
from rollcall.store import Store
from rollcall.store.schema import DISTRICT_TABLES
from tests.factories import unit as records
from tests.factories.unit import DISTRICT, teacher_staff_admin
from tests.store.conftest import postgres_schema
from tests.store.test_transaction import load_district

ALL_INDEXES = sorted(str(index.name) for table in DISTRICT_TABLES for index in table.indexes)


def test_a_migrated_store_has_every_index(store: Store) -> None:
    assert store.missing_indexes() == []


def test_deferring_on_an_empty_store_drops_every_secondary_index_and_ensuring_rebuilds(store: Store) -> None:
    with store.transaction() as tx:
        emptied = tx.defer_indexes()
    assert emptied == [table.name for table in DISTRICT_TABLES]
    assert sorted(store.missing_indexes()) == ALL_INDEXES
    load_district(store)
    robin = teacher_staff_admin()
    legacy = robin.legacy_ids()["teacher"]
    assert store.find_user_by_legacy_id(legacy) == (robin, "teacher")  # reads work without the indexes
    with store.transaction() as tx:
        assert sorted(tx.ensure_indexes()) == ALL_INDEXES
    assert store.missing_indexes() == []
    assert store.find_user_by_legacy_id(legacy) == (robin, "teacher")
    with store.transaction() as tx:
        assert tx.ensure_indexes() == []  # nothing left to build


def test_a_table_holding_rows_keeps_its_indexes(store: Store) -> None:
    with store.transaction() as tx:
        tx.upsert_schools(records.schools(), run_id="run-1")
    with store.transaction() as tx:
        emptied = tx.defer_indexes()
    assert "schools" not in emptied
    assert "users" in emptied
    missing = store.missing_indexes()
    assert "ix_schools_district_id" not in missing
    assert "ix_users_email" in missing


def test_a_rolled_back_deferral_leaves_the_indexes(store: Store) -> None:
    class Abort(Exception):
        pass

    try:
        with store.transaction() as tx:
            tx.defer_indexes()
            raise Abort
    except Abort:
        pass
    assert store.missing_indexes() == []
    assert store.counts(DISTRICT)["users"] == 0


@pytest.mark.postgres
def test_two_first_loads_finishing_at_once_build_the_indexes_without_a_deadlock() -> None:
    """Two full syncs' last transactions: each builds the missing indexes (SHARE locks), then sweeps (ROW
    EXCLUSIVE). Interleaved without a fence, each sweep waits on the other's SHARE lock: PostgreSQL kills one
    as a deadlock. With the fence, the second waits before taking any lock, then finds nothing to build."""
    with postgres_schema() as url, Store.open(url) as store:
        with store.transaction() as tx:
            tx.defer_indexes()
        load_district(store)
        outcome: dict[str, object] = {}

        def second() -> None:
            try:
                with store.transaction() as tx:
                    outcome["built"] = tx.ensure_indexes()
                    outcome["swept"] = tx.sweep(DISTRICT, run_id="run-1", at="2026-01-01T00:00:00.000Z")
            except StoreError as error:
                outcome["error"] = error

        with store.transaction() as tx:
            assert sorted(tx.ensure_indexes()) == ALL_INDEXES
            thread = threading.Thread(target=second)
            thread.start()
            time.sleep(0.5)  # the second transaction reaches its index build while this one holds its locks
            tx.sweep("other-district", run_id="run-2", at="2026-01-01T00:00:00.000Z")
        thread.join(timeout=30)
        assert not thread.is_alive()
        assert "error" not in outcome, outcome.get("error")
        assert outcome["built"] == []
        assert store.missing_indexes() == []
