from __future__ import annotations

import msgspec

from rollcall.domain.district import Section
from rollcall.domain.user import Student, User
from rollcall.store.rows import encode, last_by_id, section_rows, section_teacher_ids, user_rows
from tests.domain.factories import DISTRICT, SCHOOL_A, guardian_of_two, student, teacher_staff_admin
from tests.store import records


def test_payload_round_trips_through_msgspec() -> None:
    robin = teacher_staff_admin()
    assert msgspec.json.decode(encode(robin), type=User) == robin


def test_primary_teacher_comes_first_and_each_teacher_once() -> None:
    section = Section(
        id="s",
        district=DISTRICT,
        school=SCHOOL_A,
        sis_id="1",
        name="n",
        teacher="b",
        teachers=["a", "b", "a", "c"],
    )
    assert section_teacher_ids(section) == ["b", "a", "c"]
    assert section_teacher_ids(msgspec.structs.replace(section, teacher=None, teachers=[])) == []


def test_section_rows_flatten_teachers_and_deduplicated_students() -> None:
    section = msgspec.structs.replace(records.co_taught_section(), students=["x", "y", "x"])
    sections, teachers, students = section_rows([section], "run-1")
    assert sections.rows[0][sections.columns.index("teacher_id")] == records.TEACHER_2
    assert sections.rows[0][-1] == "run-1"
    assert [row[1:3] for row in teachers.rows] == [
        (records.TEACHER_2, 0),
        (records.TEACHER_3, 1),
        (teacher_staff_admin().id, 2),
    ]
    assert [row[1] for row in students.rows] == ["x", "y"]


def test_user_rows_hold_one_row_per_role_and_school() -> None:
    users, roles, schools, relationships = user_rows(
        [teacher_staff_admin(), guardian_of_two(), student()], "r"
    )
    assert len(users.rows) == 3
    assert [(row[0][-1], row[1]) for row in roles.rows] == [
        ("1", "teacher"), ("1", "staff"), ("1", "district_admin"), ("2", "contact"), ("1", "student"),
    ]  # fmt: skip
    student_role = roles.rows[-1]
    assert student_role[roles.columns.index("legacy_id")] == student().id  # a student's v2 id is their id
    assert len(schools.rows) == 3
    assert len(relationships.rows) == 2


def test_a_students_primary_school_is_listed_among_its_schools_once() -> None:
    user = msgspec.structs.replace(
        student(),
        roles=msgspec.structs.replace(
            student().roles, student=Student(sis_id="1", school="p", schools=["q", "p"])
        ),
    )
    _, _, schools, _ = user_rows([user], "r")
    assert [row[2] for row in schools.rows] == ["p", "q"]


def test_last_by_id_keeps_the_last_version_in_first_seen_order() -> None:
    a, b = student(), teacher_staff_admin()
    newer = msgspec.structs.replace(a, email="new@x.org")
    assert last_by_id([a, b, newer]) == [newer, b]
