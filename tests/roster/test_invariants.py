"""Clever's identity rules, checked as invariants over every record of a generated district (the reader's
own rules, seen from the snapshot it builds)."""

from __future__ import annotations

from collections import Counter

import pytest

from rollcall.domain.ids import object_id_time
from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.roster import generate_roster, load_roster
from rollcall.roster.record_ids import T0_UNIX, T1_UNIX


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> DistrictSnapshot:
    root = tmp_path_factory.mktemp("invariants")
    generate_roster(root, students=400, seed="invariants")
    return load_roster(root)


def test_every_id_is_unique_and_v3_ids_of_employees_and_contacts_are_new(snapshot: DistrictSnapshot) -> None:
    legacy = [legacy_id for user in snapshot.users.values() for legacy_id in user.legacy_ids().values()]
    students = {user.id for user in snapshot.users.values() if user.roles.student is not None}
    v2_only = [legacy_id for legacy_id in legacy if legacy_id not in students]
    assert len(set(legacy)) == len(legacy)
    assert set(v2_only).isdisjoint(snapshot.users)
    for user in snapshot.users.values():
        expected = T0_UNIX if user.roles.student is not None else T1_UNIX
        assert object_id_time(user.id) == expected
    assert all(object_id_time(legacy_id) == T0_UNIX for legacy_id in v2_only)


def test_students_and_contacts_hold_one_role_and_employees_one_of_each_kind(
    snapshot: DistrictSnapshot,
) -> None:
    employee_emails: Counter[tuple[str, str]] = Counter()
    for user in snapshot.users.values():
        roles = user.role_names()
        if "student" in roles or "contact" in roles:
            assert len(roles) == 1
        elif user.email:
            for role in roles:
                employee_emails[role, user.email.strip().lower()] += 1
    assert max(employee_emails.values()) == 1  # the generator plants no same-kind clash
    assert any(len(user.role_names()) > 1 for user in snapshot.users.values())


def test_primary_schools_are_among_the_schools_and_sections_agree_with_their_people(
    snapshot: DistrictSnapshot,
) -> None:
    users = snapshot.users
    for user in users.values():
        for role in (user.roles.student, user.roles.teacher):
            if role is not None:
                assert role.school in role.schools
                assert role.schools == sorted(role.schools)
    for section in snapshot.sections.values():
        assert section.teacher == section.teachers[0]
        for teacher_id in section.teachers:
            teacher = users[teacher_id].roles.teacher
            assert teacher is not None
            assert section.school in teacher.schools
        for student_id in section.students:
            student = users[student_id].roles.student
            assert student is not None
            assert section.school in student.schools


def test_contacts_point_at_students_once_each(snapshot: DistrictSnapshot) -> None:
    for user in snapshot.users.values():
        contact = user.roles.contact
        if contact is None:
            continue
        students = [relationship.student for relationship in contact.student_relationships]
        assert len(students) == len(set(students))
        assert all(snapshot.users[student].roles.student is not None for student in students)
        assert user.name.first is None
        assert user.name.last
