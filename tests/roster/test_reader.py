from __future__ import annotations

import shutil
from pathlib import Path

import msgspec

from rollcall.domain.ids import IdFactory, is_object_id
from rollcall.domain.v2 import split_into_v2
from rollcall.roster import load_roster, read_roster
from rollcall.roster.record_ids import T0_UNIX
from tests.roster.rosters import FIXTURES, user_by_sis

LINCOLN = FIXTURES / "lincoln"


def test_the_lincoln_fixture_loads_with_the_expected_people_and_one_warning() -> None:
    report = read_roster(LINCOLN)
    assert report.snapshot is not None
    snapshot = report.snapshot
    assert snapshot.users_by_roles() == {
        "contact": 2, "district_admin": 1, "district_admin+staff+teacher": 1, "staff": 1, "student": 3,
        "teacher": 2,
    }  # fmt: skip
    assert [problem.render() for problem in report.problems] == [
        "teachers.csv:5:Teacher_email warning: teacher T3 has no email; it cannot be merged with other roles"
    ]
    assert report.row_counts == {
        "schools.csv": 2, "teachers.csv": 4, "staff.csv": 3, "district_admins.csv": 2, "sections.csv": 4,
        "students.csv": 4, "enrollments.csv": 6,
    }  # fmt: skip
    assert report.counts is not None
    assert report.counts.enrollments == snapshot.enrollment_count() == 6
    school = {record.sis_id: record for record in snapshot.schools.values()}
    lincoln = school["S1"]
    assert (lincoln.name, lincoln.school_number, lincoln.low_grade, lincoln.high_grade) == (
        "Lincoln Elementary", "101", "Kindergarten", "5",
    )  # fmt: skip
    assert lincoln.principal is not None
    assert lincoln.principal.email == "pat.lee@example.org"
    assert lincoln.location is not None
    assert lincoln.location.zip == "62701"
    robin = user_by_sis(snapshot, "teacher", "T1")
    assert robin.role_names() == ("teacher", "staff", "district_admin")


def test_ids_follow_the_documented_keys_and_times() -> None:
    snapshot = load_roster(LINCOLN, seed="s1", district_name="Lincoln USD")
    factory = IdFactory(namespace="s1/Lincoln USD")
    assert snapshot.district.id == factory.make(T0_UNIX, "district", "Lincoln USD")
    assert snapshot.district.name == "Lincoln USD"
    school_ids = {school.sis_id: school.id for school in snapshot.schools.values()}
    assert school_ids["S1"] == factory.make(T0_UNIX, "school", "S1")
    amy = user_by_sis(snapshot, "student", "1001")
    assert amy.id == factory.make(T0_UNIX, "student", "1001")
    robin = user_by_sis(snapshot, "teacher", "T1")
    assert robin.roles.teacher is not None
    assert robin.roles.teacher.legacy_id == factory.make(T0_UNIX, "teacher", "T1")
    all_ids = [
        *snapshot.users, *snapshot.schools, *snapshot.sections, *snapshot.terms, *snapshot.courses,
        *(legacy for user in snapshot.users.values() for legacy in user.legacy_ids().values()),
    ]  # fmt: skip
    assert all(is_object_id(value) for value in all_ids)


def test_the_district_name_defaults_to_the_directory_name_and_the_seed_changes_every_id(
    tmp_path: Path,
) -> None:
    copy = tmp_path / "Springfield"
    shutil.copytree(LINCOLN, copy)
    first, other_seed = load_roster(copy), load_roster(copy, seed="other")
    assert first.district.name == "Springfield"
    assert first.district.sis_type == "sftp"
    assert first.district.state == "success"
    assert first.district.launch_date == "2024-08-01"
    assert set(first.users).isdisjoint(other_seed.users)


def test_loading_is_deterministic_to_the_byte() -> None:
    first = msgspec.json.encode(load_roster(LINCOLN))
    second = msgspec.json.encode(load_roster(LINCOLN))
    assert first == second


def test_every_role_becomes_its_v2_record_under_its_legacy_id() -> None:
    snapshot = load_roster(LINCOLN)
    people = split_into_v2(snapshot.users.values())
    counts = {kind: len(records) for kind, records in people.items()}
    assert counts == {"students": 3, "teachers": 3, "school_admins": 2, "district_admins": 2, "contacts": 2}
    v2_ids = {record_id for records in people.values() for record_id in records}
    v3_only = {user.id for user in snapshot.users.values() if user.roles.student is None}
    assert v2_ids.isdisjoint(v3_only)
