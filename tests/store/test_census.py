from __future__ import annotations

import msgspec

from rollcall.store import Store
from tests.factories import unit as records
from tests.factories.unit import DISTRICT, guardian_of_two, student, teacher_staff_admin

AT = "2026-11-25T10:00:00.000Z"


def reload(store: Store, run_id: str, *, with_guardian: bool) -> None:
    users = [teacher_staff_admin(), student(), *([guardian_of_two()] if with_guardian else [])]
    with store.transaction() as tx:
        tx.purge_district(DISTRICT)
        tx.upsert_sections([records.co_taught_section()], run_id=run_id)
        tx.upsert_users(users, run_id=run_id)


def test_fingerprints_ignore_which_run_wrote_the_rows(store: Store) -> None:
    reload(store, "run-1", with_guardian=True)
    first = store.table_fingerprint(DISTRICT)
    reload(store, "run-2", with_guardian=True)
    assert store.table_fingerprint(DISTRICT) == first


def test_soft_deleted_rows_leave_the_fingerprint_as_if_never_written(store: Store) -> None:
    reload(store, "clean", with_guardian=False)
    clean = store.table_fingerprint(DISTRICT)
    reload(store, "run-1", with_guardian=True)
    with store.transaction() as tx:
        tx.delete("users", guardian_of_two().id, at=AT)
    assert store.table_fingerprint(DISTRICT) == clean


def test_any_changed_value_changes_its_tables_fingerprint_only(store: Store) -> None:
    reload(store, "run-1", with_guardian=True)
    before = store.table_fingerprint(DISTRICT)
    robin = teacher_staff_admin()
    with store.transaction() as tx:
        tx.upsert_users([msgspec.structs.replace(robin, email="robin@elsewhere.org")], run_id="run-2")
    after = store.table_fingerprint(DISTRICT)
    assert {name for name in before if before[name] != after[name]} == {"users"}


def test_counts_include_soft_deleted_rows_only_when_asked(store: Store) -> None:
    reload(store, "run-1", with_guardian=True)
    with store.transaction() as tx:
        tx.delete("sections", records.SECTION, at=AT)
    live, every = store.counts(DISTRICT), store.counts(DISTRICT, include_deleted=True)
    assert (live["sections"], live["section_students"], live["section_teachers"]) == (0, 0, 0)
    assert (every["sections"], every["section_students"], every["section_teachers"]) == (1, 2, 3)
