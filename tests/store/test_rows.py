from __future__ import annotations

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from rollcall.domain.district import Section
from rollcall.domain.record import Name
from rollcall.domain.user import (
    ROLE_NAMES,
    Contact,
    DistrictAdmin,
    Roles,
    Staff,
    Student,
    StudentRelationship,
    Teacher,
    User,
)
from rollcall.store.rows import encode, last_by_id, section_rows, user_rows
from tests.factories import unit as records
from tests.factories.unit import DISTRICT, SCHOOL_A, guardian_of_two, student, teacher_staff_admin


def test_payload_round_trips_through_msgspec() -> None:
    robin = teacher_staff_admin()
    assert msgspec.json.decode(encode(robin), type=User) == robin


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


# Small alphabets so that examples repeat ids: every dedupe rule gets exercised.
IDS = st.sampled_from(("a", "b", "c"))
ID_LISTS = st.lists(IDS, max_size=4)


def _primary_first_spec(primary: str | None, others: list[str]) -> list[str]:
    """The rule, spelled the slow obvious way: primary (when given), then the others, each once."""
    ordered: list[str] = []
    for item in ([] if primary is None else [primary]) + others:
        if item not in ordered:
            ordered.append(item)
    return ordered


def _section(teacher: str | None, teachers: list[str], students: list[str]) -> Section:
    return Section(
        id="s", district=DISTRICT, school=SCHOOL_A, sis_id="1", name="n", teacher=teacher, teachers=teachers,
        students=students,
    )  # fmt: skip


@given(teacher=st.none() | IDS, teachers=ID_LISTS, students=ID_LISTS)
def test_section_rows_list_the_primary_teacher_first_and_each_teacher_and_student_once(
    teacher: str | None, teachers: list[str], students: list[str]
) -> None:
    sections, teacher_rows, student_rows = section_rows([_section(teacher, teachers, students)], "r")
    expected_teachers = _primary_first_spec(teacher, teachers)
    assert teacher_rows.rows == [("s", t, position, DISTRICT) for position, t in enumerate(expected_teachers)]
    primary = sections.rows[0][sections.columns.index("teacher_id")]
    assert primary == (expected_teachers[0] if expected_teachers else None)
    assert student_rows.rows == [("s", s, DISTRICT) for s in _primary_first_spec(None, students)]
    assert _section(teacher, teachers, students).teacher_ids() == expected_teachers


def _user(roles: Roles) -> User:
    return User(id="u", district=DISTRICT, name=Name(first="F", last="L"), roles=roles)


@given(primary=IDS, schools=ID_LISTS, teacher_primary=IDS, teacher_schools=ID_LISTS, staff_schools=ID_LISTS)
def test_each_role_lists_its_primary_school_first_then_its_schools_each_once(
    primary: str,
    schools: list[str],
    teacher_primary: str,
    teacher_schools: list[str],
    staff_schools: list[str],
) -> None:
    user = _user(
        Roles(
            student=Student(sis_id="1", school=primary, schools=schools),
            teacher=Teacher(sis_id="T", school=teacher_primary, schools=teacher_schools),
            staff=Staff(staff_id="S", schools=staff_schools),
        )
    )
    _, _, role_schools, _ = user_rows([user], "r")
    assert role_schools.rows == [
        *[("u", "student", school, DISTRICT) for school in _primary_first_spec(primary, schools)],
        *[
            ("u", "teacher", school, DISTRICT)
            for school in _primary_first_spec(teacher_primary, teacher_schools)
        ],
        *[("u", "staff", school, DISTRICT) for school in _primary_first_spec(None, staff_schools)],
    ]


@given(ties=st.lists(st.tuples(IDS, st.sampled_from(("Parent", "Aunt/Uncle", None))), max_size=5))
def test_a_contact_has_one_relationship_per_student_the_last_winning_at_the_first_position(
    ties: list[tuple[str, str | None]],
) -> None:
    relationships = [StudentRelationship(student=s, relationship=r) for s, r in ties]
    user = _user(Roles(contact=Contact(student_relationships=relationships)))
    _, _, _, rows = user_rows([user], "r")
    first_seen = _primary_first_spec(None, [s for s, _ in ties])
    last = dict(ties)  # per student, the relationship given last
    assert rows.rows == [("u", s, last[s], None, DISTRICT) for s in first_seen]


def test_each_role_fills_its_own_columns_in_role_name_order() -> None:
    user = _user(
        Roles(
            student=Student(sis_id="st", school="a", legacy_id="L-st"),
            teacher=Teacher(sis_id="te", school="b", title="Ms", legacy_id="L-te"),
            staff=Staff(staff_id="sf", roles=["PortalOnly"], title="Clerk", legacy_id="L-sf"),
            district_admin=DistrictAdmin(title="Boss", legacy_id="L-da"),
            contact=Contact(sis_id="co", legacy_id="L-co"),
        )
    )
    _, roles, _, _ = user_rows([user], "r")
    assert roles.rows == [
        ("u", "student", DISTRICT, "L-st", "st", None, None, "a", None),
        ("u", "teacher", DISTRICT, "L-te", "te", None, "Ms", "b", None),
        ("u", "staff", DISTRICT, "L-sf", None, "sf", "Clerk", None, '["PortalOnly"]'),
        ("u", "district_admin", DISTRICT, "L-da", None, None, "Boss", None, None),
        ("u", "contact", DISTRICT, "L-co", "co", None, None, None, None),
    ]
    assert [row[1] for row in roles.rows] == list(ROLE_NAMES)


def test_user_rows_spell_out_every_role_a_user_can_hold() -> None:
    # user_rows names each role's fields explicitly: a new kind of role must be added there too.
    assert tuple(field.name for field in msgspec.structs.fields(Roles)) == ROLE_NAMES


def test_a_role_without_a_legacy_id_has_none_except_a_student_whose_legacy_id_is_the_user_id() -> None:
    user = _user(
        Roles(
            student=Student(sis_id="1", school="a"),
            teacher=Teacher(sis_id="T", school="a"),
            contact=Contact(),
        )
    )
    _, roles, _, _ = user_rows([user], "r")
    assert [(row[1], row[3]) for row in roles.rows] == [
        ("student", "u"),
        ("teacher", None),
        ("contact", None),
    ]
