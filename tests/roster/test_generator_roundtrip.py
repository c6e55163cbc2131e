"""A generated district read back by the roster reader: no problems at all, and every identity the
generator plants (multi-role employees, multi-school teachers, shared contacts, teacher-parents) survives."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.roster import generate_roster, load_roster, read_roster

STUDENTS = 2000


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("generated")
    generate_roster(root, students=STUDENTS, seed="round trip")
    return root


@pytest.fixture(scope="module")
def snapshot(generated: Path) -> DistrictSnapshot:
    return load_roster(generated)


def _rows(root: Path, name: str) -> list[dict[str, str]]:
    with (root / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_reader_finds_no_error_and_no_warning_in_a_generated_district(generated: Path) -> None:
    report = read_roster(generated)
    assert [problem.render() for problem in report.problems] == []
    assert report.snapshot is not None


def test_the_expected_multi_role_users_exist(snapshot: DistrictSnapshot) -> None:
    by_roles = snapshot.users_by_roles()
    for key in ("staff+teacher", "district_admin+teacher", "district_admin+staff+teacher"):
        assert by_roles.get(key, 0) >= 1, (key, by_roles)
    assert by_roles["student"] == STUDENTS
    assert {"teacher", "staff", "district_admin", "contact"} <= set(by_roles)


def test_sections_and_enrollments_survive_the_read(generated: Path, snapshot: DistrictSnapshot) -> None:
    assert len(snapshot.sections) == len(_rows(generated, "sections.csv"))
    assert snapshot.enrollment_count() == len(_rows(generated, "enrollments.csv"))
    assert len(snapshot.schools) == len(_rows(generated, "schools.csv"))
    assert len(snapshot.terms) == 3


def test_a_teacher_at_several_schools_is_one_user_with_those_schools(
    generated: Path, snapshot: DistrictSnapshot
) -> None:
    schools_of = Counter(row["Teacher_id"] for row in _rows(generated, "teachers.csv"))
    travelling = {teacher_id for teacher_id, count in schools_of.items() if count >= 2}
    assert travelling
    found = [
        user.roles.teacher
        for user in snapshot.users.values()
        if user.roles.teacher is not None and user.roles.teacher.sis_id in travelling
    ]
    assert len(found) == len(travelling)
    assert all(len(teacher.schools) >= 2 for teacher in found)


def test_a_teacher_who_is_a_parent_stays_a_separate_contact_user(
    generated: Path, snapshot: DistrictSnapshot
) -> None:
    teacher_emails = {row["Teacher_email"] for row in _rows(generated, "teachers.csv")}
    parent_emails = {row["Contact_email"] for row in _rows(generated, "students.csv")} & teacher_emails
    assert parent_emails
    for email in parent_emails:
        holders = [user for user in snapshot.users.values() if user.email == email]
        assert sorted(user.role_names() != ("contact",) for user in holders) == [False, True]
        assert any(user.roles.contact is not None and user.roles.teacher is None for user in holders)


def test_siblings_share_one_contact_user_with_a_relationship_per_child(snapshot: DistrictSnapshot) -> None:
    contacts = [user.roles.contact for user in snapshot.users.values() if user.roles.contact is not None]
    shared = [contact for contact in contacts if len(contact.student_relationships) >= 2]
    assert shared
    assert any(len({r.relationship for r in contact.student_relationships}) >= 2 for contact in shared)
    assert all(len(contact.student_relationships) <= 3 for contact in contacts)
