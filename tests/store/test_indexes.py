"""A first load defers the secondary indexes of empty tables and builds them again; reads stay right."""

from __future__ import annotations

from rollcall.store import Store
from rollcall.store.schema import DISTRICT_TABLES
from tests.factories import unit as records
from tests.factories.unit import DISTRICT, teacher_staff_admin
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
