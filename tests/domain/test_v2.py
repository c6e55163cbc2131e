from __future__ import annotations

import pytest
from msgspec import structs

from rollcall.domain.user import Roles, Teacher
from rollcall.domain.v2 import MissingLegacyId, V2Contact, V2SchoolAdmin, split_into_v2, to_v2_records
from tests.factories.unit import guardian_of_two, student, teacher_staff_admin


def test_a_multi_role_person_is_one_v2_record_per_role_with_the_legacy_ids() -> None:
    records = to_v2_records(teacher_staff_admin())
    assert [(kind, record.id) for kind, record in records] == [
        ("teachers", "5a0000000000000000000077"),
        ("school_admins", "5a0000000000000000000078"),
        ("district_admins", "5a0000000000000000000079"),
    ]
    admin = records[1][1]
    assert isinstance(admin, V2SchoolAdmin)
    assert admin.schools == ["5f00000000000000000000b1"]
    assert admin.name.first == "Robin"


def test_a_student_keeps_its_id_in_v2() -> None:
    [(kind, record)] = to_v2_records(student())
    assert (kind, record.id) == ("students", "5b0000000000000000000001")


def test_a_v2_contact_has_all_students_but_a_single_relationship() -> None:
    [(kind, record)] = to_v2_records(guardian_of_two())
    assert kind == "contacts"
    assert isinstance(record, V2Contact)
    assert record.students == ["5b0000000000000000000001", "5b0000000000000000000002"]
    assert (record.relationship, record.type) == ("Parent", "Primary")
    assert record.name == "Grace Hopper"


def test_a_non_student_role_without_legacy_id_cannot_become_v2() -> None:
    user = structs.replace(
        teacher_staff_admin(), roles=Roles(teacher=Teacher(sis_id="1", school="5f00000000000000000000a1"))
    )
    with pytest.raises(MissingLegacyId, match="teacher"):
        to_v2_records(user)


def test_split_into_v2_files_every_record_under_its_collection() -> None:
    people = split_into_v2([teacher_staff_admin(), student(), guardian_of_two()])
    assert {kind: len(records) for kind, records in people.items()} == {
        "students": 1, "teachers": 1, "school_admins": 1, "district_admins": 1, "contacts": 1,
    }  # fmt: skip
