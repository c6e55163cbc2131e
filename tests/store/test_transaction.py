from __future__ import annotations

import msgspec
import pytest
import sqlalchemy as sa

from rollcall.domain.user import Staff, StudentRelationship
from rollcall.errors import StoreError
from rollcall.store import RECORD_TYPES, Checkpoint, Store
from tests.factories import unit as records
from tests.factories.unit import DISTRICT, SCHOOL_A, SCHOOL_B, guardian_of_two, student, teacher_staff_admin

AT = "2026-11-25T10:00:00.000Z"


def rows(store: Store, sql: str) -> list[tuple[object, ...]]:
    with store.engine.connect() as connection:
        return [tuple(row) for row in connection.exec_driver_sql(sql)]


def load_district(store: Store, run_id: str = "run-1") -> None:
    with store.transaction() as tx:
        tx.upsert_district(records.district(), run_id=run_id)
        tx.upsert_schools(records.schools(), run_id=run_id)
        tx.upsert_terms([records.term()], run_id=run_id)
        tx.upsert_courses([records.course()], run_id=run_id)
        tx.upsert_sections([records.co_taught_section()], run_id=run_id)
        tx.upsert_users([teacher_staff_admin(), guardian_of_two(), student()], run_id=run_id)


def test_users_read_back_equal_to_what_was_written(store: Store) -> None:
    load_district(store)
    for user in (teacher_staff_admin(), guardian_of_two(), student()):
        assert store.find_user(user.id) == user
    assert list(store.iter_users(DISTRICT)) == sorted(
        [teacher_staff_admin(), guardian_of_two(), student()], key=lambda u: u.id
    )


def test_each_role_gets_one_row_with_its_ids_and_schools(store: Store) -> None:
    load_district(store)
    robin = teacher_staff_admin()
    columns = "role, legacy_id, sis_id, staff_id, title, school_id, staff_roles"
    assert rows(store, f"SELECT {columns} FROM user_roles WHERE user_id = '{robin.id}' ORDER BY role") == [
        ("district_admin", "5a0000000000000000000079", None, None, "Superintendent", None, None),
        ("staff", "5a0000000000000000000078", None, "S77", None, None, '["SchoolTechLead"]'),
        ("teacher", "5a0000000000000000000077", "T77", None, None, SCHOOL_A, None),
    ]
    assert rows(
        store, f"SELECT role, school_id FROM role_schools WHERE user_id = '{robin.id}' ORDER BY role"
    ) == [
        ("staff", SCHOOL_B),
        ("teacher", SCHOOL_A),
    ]


def test_a_role_is_read_whole_from_its_users_payload_not_from_user_roles(store: Store) -> None:
    load_district(store)
    robin = teacher_staff_admin()
    columns = {column["name"] for column in sa.inspect(store.engine).get_columns("user_roles")}
    assert "payload" not in columns
    found = store.find_user_by_legacy_id("5a0000000000000000000078")
    assert found is not None
    user, role = found
    assert role == "staff"
    assert user.roles.staff == robin.roles.staff


def test_a_contact_keeps_one_relationship_per_student(store: Store) -> None:
    load_district(store)
    assert rows(
        store, "SELECT student_id, relationship, type FROM contact_relationships ORDER BY student_id"
    ) == [
        (records.STUDENT_1, "Parent", "Primary"),
        (records.STUDENT_2, "Aunt/Uncle", "Family"),
    ]


def test_a_section_keeps_primary_and_co_teachers_in_order_and_its_students(store: Store) -> None:
    load_district(store)
    section = records.co_taught_section()
    assert store.find_section(section.id) == section
    assert rows(store, "SELECT teacher_id, position FROM section_teachers ORDER BY position") == [
        (records.TEACHER_2, 0),
        (records.TEACHER_3, 1),
        ("6a0000000000000000000001", 2),
    ]
    assert rows(store, "SELECT teacher_id FROM sections") == [(records.TEACHER_2,)]
    assert rows(store, "SELECT student_id FROM section_students ORDER BY student_id") == [
        (records.STUDENT_1,),
        (records.STUDENT_2,),
    ]


def test_legacy_ids_find_the_user_and_the_role(store: Store) -> None:
    load_district(store)
    robin = teacher_staff_admin()
    assert store.find_user_by_legacy_id("5a0000000000000000000078") == (robin, "staff")
    assert store.find_user_by_legacy_id("5a0000000000000000000079") == (robin, "district_admin")
    assert store.find_user_by_legacy_id(student().id) == (student(), "student")
    assert store.find_user_by_legacy_id("5a00000000000000000000ff") is None


def test_counts_cover_every_table(store: Store) -> None:
    load_district(store)
    assert store.counts(DISTRICT) == {
        "districts": 1, "schools": 2, "terms": 1, "courses": 1, "sections": 1, "users": 3,
        "section_teachers": 3, "section_students": 2, "user_roles": 5, "role_schools": 3,
        "contact_relationships": 2,
    }  # fmt: skip
    assert store.counts("someone-else")["users"] == 0


def test_gaining_and_losing_roles_changes_exactly_those_rows(store: Store) -> None:
    teacher = records.teacher(records.TEACHER_2, "T2")
    with store.transaction() as tx:
        tx.upsert_users([teacher], run_id="run-1")
    gained = msgspec.structs.replace(
        teacher, roles=msgspec.structs.replace(teacher.roles, staff=Staff(staff_id="S2", schools=[SCHOOL_B]))
    )
    with store.transaction() as tx:
        tx.upsert_users([gained], run_id="run-2")
    assert rows(store, "SELECT user_id, role FROM user_roles ORDER BY role") == [
        (records.TEACHER_2, "staff"),
        (records.TEACHER_2, "teacher"),
    ]
    lost = msgspec.structs.replace(gained, roles=msgspec.structs.replace(gained.roles, teacher=None))
    with store.transaction() as tx:
        tx.upsert_users([lost], run_id="run-3")
    assert rows(store, "SELECT user_id, role FROM user_roles") == [(records.TEACHER_2, "staff")]
    assert rows(store, "SELECT user_id, role, school_id FROM role_schools") == [
        (records.TEACHER_2, "staff", SCHOOL_B)
    ]
    assert rows(store, "SELECT id FROM users") == [(records.TEACHER_2,)]
    assert store.find_user(records.TEACHER_2) == lost


def test_a_contact_losing_a_student_loses_that_relationship_only(store: Store) -> None:
    load_district(store)
    grace = guardian_of_two()
    contact = grace.roles.contact
    assert contact is not None
    fewer = msgspec.structs.replace(
        contact, student_relationships=[StudentRelationship(student=records.STUDENT_2, relationship="Other")]
    )
    with store.transaction() as tx:
        tx.upsert_users(
            [msgspec.structs.replace(grace, roles=msgspec.structs.replace(grace.roles, contact=fewer))],
            run_id="r2",
        )
    assert rows(store, "SELECT student_id, relationship, type FROM contact_relationships") == [
        (records.STUDENT_2, "Other", None)
    ]


def test_applying_the_same_batches_twice_leaves_identical_rows(store: Store) -> None:
    load_district(store, "run-1")
    first = store.table_fingerprint(DISTRICT)
    load_district(store, "run-2")
    assert store.table_fingerprint(DISTRICT) == first
    assert store.counts(DISTRICT)["section_students"] == 2


def test_a_batch_naming_one_record_twice_keeps_the_last(store: Store) -> None:
    robin = teacher_staff_admin()
    renamed = msgspec.structs.replace(robin, email="robin@new.example.org")
    with store.transaction() as tx:
        assert tx.upsert_users([robin, student(), renamed], run_id="run-1") == 2
    assert store.find_user(robin.id) == renamed


def test_sweep_soft_deletes_what_the_run_did_not_see_and_reappearance_restores(store: Store) -> None:
    load_district(store, "run-1")
    with store.transaction() as tx:
        tx.upsert_district(records.district(), run_id="run-2")
        tx.upsert_schools(records.schools()[:1], run_id="run-2")
        tx.upsert_users([teacher_staff_admin(), student()], run_id="run-2")
        swept = tx.sweep(DISTRICT, run_id="run-2", at=AT)
    assert swept == {"districts": 0, "schools": 1, "terms": 1, "courses": 1, "sections": 1, "users": 1}
    assert store.find_user(guardian_of_two().id) is None
    assert store.find_user(guardian_of_two().id, include_deleted=True) == guardian_of_two()
    live = store.counts(DISTRICT)
    assert (live["users"], live["contact_relationships"], live["sections"], live["section_students"]) == (
        2,
        0,
        0,
        0,
    )
    assert store.counts(DISTRICT, include_deleted=True)["contact_relationships"] == 2
    assert rows(store, f"SELECT deleted_at FROM users WHERE id = '{guardian_of_two().id}'") == [(AT,)]

    load_district(store, "run-3")
    with store.transaction() as tx:
        assert set(tx.sweep(DISTRICT, run_id="run-3", at=AT).values()) == {0}
    assert store.find_user(guardian_of_two().id) == guardian_of_two()
    assert store.counts(DISTRICT) == store.counts(DISTRICT, include_deleted=True)


def test_sweeping_twice_sweeps_nothing_more(store: Store) -> None:
    load_district(store, "run-1")
    with store.transaction() as tx:
        tx.upsert_users([student()], run_id="run-2")
        assert tx.sweep(DISTRICT, run_id="run-2", at=AT)["users"] == 2
        assert tx.sweep(DISTRICT, run_id="run-2", at="2026-11-26T00:00:00.000Z")["users"] == 0
    assert rows(store, "SELECT DISTINCT deleted_at FROM users WHERE deleted_at IS NOT NULL") == [(AT,)]


def test_delete_soft_deletes_one_record_and_upsert_restores_it(store: Store) -> None:
    load_district(store)
    robin = teacher_staff_admin()
    with store.transaction() as tx:
        assert tx.delete("users", robin.id, at=AT) is True
        assert tx.delete("users", robin.id, at=AT) is False
        assert tx.delete("sections", records.SECTION, at=AT) is True
        assert tx.delete("schools", "no-such-school", at=AT) is False
    assert store.find_user(robin.id) is None
    assert store.find_user_by_legacy_id("5a0000000000000000000077") is None
    assert store.find_section(records.SECTION) is None
    assert robin.id not in {user.id for user in store.iter_users(DISTRICT)}
    with store.transaction() as tx:
        tx.upsert_users([robin], run_id="event-run")
    assert store.find_user(robin.id) == robin


def test_deleting_an_unknown_record_type_is_a_store_error(store: Store) -> None:
    assert "resources" not in RECORD_TYPES
    with (
        pytest.raises(
            StoreError, match=r"cannot delete resources r1: the store keeps only districts, schools"
        ),
        store.transaction() as tx,
    ):
        tx.delete("resources", "r1", at=AT)


def test_checkpoint_commits_with_its_data(store: Store) -> None:
    checkpoint = Checkpoint(
        district_id=DISTRICT,
        api_version="v3.1",
        updated_at=AT,
        last_event_id="e1",
        last_full_sync_run_id="run-1",
    )
    with store.transaction() as tx:
        tx.upsert_users([student()], run_id="run-1")
        tx.save_checkpoint(checkpoint)
    assert store.find_checkpoint(DISTRICT, "v3.1") == checkpoint
    assert store.find_checkpoint(DISTRICT, "v3.0") is None
    moved = msgspec.structs.replace(checkpoint, last_event_id="e2")
    with store.transaction() as tx:
        tx.save_checkpoint(moved)
    assert store.find_checkpoint(DISTRICT, "v3.1") == moved


def test_an_error_inside_the_transaction_leaves_neither_data_nor_checkpoint(store: Store) -> None:
    class Interrupted(Exception):
        pass

    def interrupted_sync() -> None:
        with store.transaction() as tx:
            tx.upsert_users([teacher_staff_admin(), student()], run_id="run-1")
            tx.upsert_sections([records.co_taught_section()], run_id="run-1")
            tx.save_checkpoint(
                Checkpoint(district_id=DISTRICT, api_version="v3.1", updated_at=AT, last_event_id="e9")
            )
            raise Interrupted

    with pytest.raises(Interrupted):
        interrupted_sync()
    assert store.find_checkpoint(DISTRICT, "v3.1") is None
    assert set(store.counts(DISTRICT, include_deleted=True).values()) == {0}


def test_a_database_error_rolls_back_the_whole_transaction(store: Store) -> None:
    broken = msgspec.structs.replace(student(), district=None)  # type: ignore[arg-type]  # NOT NULL column

    def failing_sync() -> None:
        with store.transaction() as tx:
            tx.upsert_schools(records.schools(), run_id="run-1")
            tx.upsert_users([broken], run_id="run-1")

    with pytest.raises(StoreError, match=r"(insert|upsert) on table users failed at"):
        failing_sync()
    assert store.counts(DISTRICT)["schools"] == 0


def test_runs_record_start_and_finish(store: Store) -> None:
    with store.transaction() as tx:
        tx.start_run("run-1", district_id=DISTRICT, kind="full", api_version="v3.1", at=AT)
    run = store.find_run("run-1")
    assert run is not None
    assert (run.status, run.kind, run.finished_at, run.counts) == ("running", "full", None, {})
    with store.transaction() as tx:
        tx.finish_run("run-1", at="2026-11-25T10:05:00.000Z", counts={"users": 3})
    run = store.find_run("run-1")
    assert run is not None
    assert (run.status, run.finished_at, run.counts) == (
        "succeeded",
        "2026-11-25T10:05:00.000Z",
        {"users": 3},
    )
    assert store.find_run("run-2") is None
    with pytest.raises(StoreError, match="cannot finish sync run run-2: it was never started"):
        finish(store, "run-2")


def finish(store: Store, run_id: str) -> None:
    with store.transaction() as tx:
        tx.finish_run(run_id, at=AT, counts={})


def test_district_reads_back(store: Store) -> None:
    load_district(store)
    assert store.find_district(DISTRICT) == records.district()


def test_purging_a_district_removes_its_rows_and_nothing_else(store: Store) -> None:
    load_district(store)
    other = msgspec.structs.replace(
        student(), id="5b00000000000000000000ff", district="5f00000000000000000000ff"
    )
    with store.transaction() as tx:
        tx.upsert_users([other], run_id="other-run")
        tx.start_run("run-9", district_id=DISTRICT, kind="full", api_version="v3.1", at=AT)
        tx.save_checkpoint(Checkpoint(district_id=DISTRICT, api_version="v3.1", updated_at=AT))
        tx.delete("users", student().id, at=AT)
    with store.transaction() as tx:
        removed = tx.purge_district(DISTRICT)
    assert (removed["users"], removed["section_students"], removed["sync_runs"]) == (3, 2, 1)
    assert set(store.counts(DISTRICT, include_deleted=True).values()) == {0}
    assert store.find_checkpoint(DISTRICT, "v3.1") is None
    assert store.find_user(other.id) == other


def test_a_swept_section_hides_its_enrollments_until_it_reappears(store: Store) -> None:
    load_district(store, "run-1")
    with store.transaction() as tx:
        tx.sweep(DISTRICT, run_id="run-2", at=AT)
    assert (store.counts(DISTRICT)["section_teachers"], store.counts(DISTRICT)["section_students"]) == (0, 0)
    moved = msgspec.structs.replace(records.co_taught_section(), students=[records.STUDENT_2], teachers=[])
    with store.transaction() as tx:
        tx.upsert_sections([moved], run_id="run-3")
    assert store.find_section(records.SECTION) == moved
    assert rows(store, "SELECT student_id FROM section_students") == [(records.STUDENT_2,)]
    assert rows(store, "SELECT teacher_id, position FROM section_teachers") == [(records.TEACHER_2, 0)]


def test_iter_users_pages_through_every_live_user_in_id_order(store: Store) -> None:
    many = [records.teacher(f"6a00000000000000000001{n:02d}", f"T{n}") for n in range(7)]
    with store.transaction() as tx:
        tx.upsert_users(many, run_id="run-1")
        tx.delete("users", many[3].id, at=AT)
    expected = [user for user in many if user.id != many[3].id]
    assert list(store.iter_users(DISTRICT, page_size=2)) == expected
    assert list(store.iter_users(DISTRICT, page_size=6)) == expected


def test_reapplying_children_leaves_unchanged_rows_untouched_on_postgresql(store: Store) -> None:
    if store.dialect != "postgresql":
        pytest.skip("row versions (xmin) are PostgreSQL's; SQLite has no equivalent to observe")
    section = records.co_taught_section()
    with store.transaction() as tx:
        tx.upsert_sections([section], run_id="run-1")
    versions = "SELECT student_id, CAST(xmin AS TEXT) FROM section_students ORDER BY student_id"
    before = dict(rows(store, versions))
    moved = msgspec.structs.replace(section, students=[records.STUDENT_1, "5b00000000000000000000ee"])
    with store.transaction() as tx:
        tx.upsert_sections([moved], run_id="run-2")
    after = dict(rows(store, versions))
    assert set(after) == {records.STUDENT_1, "5b00000000000000000000ee"}
    assert after[records.STUDENT_1] == before[records.STUDENT_1]
    assert after["5b00000000000000000000ee"] != before[records.STUDENT_1]
