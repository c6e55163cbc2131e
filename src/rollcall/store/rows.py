"""Domain records flattened into the row tuples of the SQL tables (pure: no database, no clock).

Each `*_rows` function returns `Rows`: a table, the columns in tuple order, and the tuples. Record rows end
with `last_seen_run`; payloads are msgspec-encoded JSON text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import count, repeat
from typing import Final, TypeVar

import msgspec

from rollcall.domain.district import Course, District, School, Section, Term, primary_first
from rollcall.domain.user import User

Value = str | int | None
Row = tuple[Value, ...]

_ENCODER: Final = msgspec.json.Encoder()


class Rows(msgspec.Struct, frozen=True, gc=False):
    """Rows bound for one table, each tuple in `columns` order."""

    table: str
    columns: tuple[str, ...]
    rows: list[Row]


def encode(value: object) -> str:
    """Compact JSON text of a record (msgspec: fields in declaration order, defaults omitted)."""
    return _ENCODER.encode(value).decode()


R = TypeVar("R", District, School, Term, Course, Section, User)


def last_by_id(records: Iterable[R]) -> list[R]:
    """One record per id, the last given winning, in first-seen order (ON CONFLICT may touch a row once)."""
    return list({record.id: record for record in records}.values())


DISTRICT_COLUMNS: Final = ("id", "district_id", "name", "payload", "last_seen_run")
SCHOOL_COLUMNS: Final = ("id", "district_id", "name", "sis_id", "school_number", "payload", "last_seen_run")
TERM_COLUMNS: Final = ("id", "district_id", "name", "start_date", "end_date", "payload", "last_seen_run")
COURSE_COLUMNS: Final = ("id", "district_id", "name", "number", "payload", "last_seen_run")
SECTION_COLUMNS: Final = (
    "id", "district_id", "school_id", "sis_id", "name", "term_id", "course_id", "teacher_id",
    "payload", "last_seen_run",
)  # fmt: skip
SECTION_TEACHER_COLUMNS: Final = ("section_id", "teacher_id", "position", "district_id")
SECTION_STUDENT_COLUMNS: Final = ("section_id", "student_id", "district_id")
USER_COLUMNS: Final = (
    "id", "district_id", "name_first", "name_middle", "name_last", "email", "created", "last_modified",
    "payload", "last_seen_run",
)  # fmt: skip
USER_ROLE_COLUMNS: Final = (
    "user_id", "role", "district_id", "legacy_id", "sis_id", "staff_id", "title", "school_id",
    "staff_roles",
)  # fmt: skip
ROLE_SCHOOL_COLUMNS: Final = ("user_id", "role", "school_id", "district_id")
CONTACT_RELATIONSHIP_COLUMNS: Final = ("contact_id", "student_id", "relationship", "type", "district_id")


def district_rows(districts: Sequence[District], run_id: str) -> Rows:
    rows: list[Row] = [(d.id, d.id, d.name, encode(d), run_id) for d in districts]
    return Rows("districts", DISTRICT_COLUMNS, rows)


def school_rows(schools: Sequence[School], run_id: str) -> Rows:
    rows: list[Row] = [
        (s.id, s.district, s.name, s.sis_id, s.school_number, encode(s), run_id) for s in schools
    ]
    return Rows("schools", SCHOOL_COLUMNS, rows)


def term_rows(terms: Sequence[Term], run_id: str) -> Rows:
    rows: list[Row] = [(t.id, t.district, t.name, t.start_date, t.end_date, encode(t), run_id) for t in terms]
    return Rows("terms", TERM_COLUMNS, rows)


def course_rows(courses: Sequence[Course], run_id: str) -> Rows:
    rows: list[Row] = [(c.id, c.district, c.name, c.number, encode(c), run_id) for c in courses]
    return Rows("courses", COURSE_COLUMNS, rows)


def section_rows(sections: Sequence[Section], run_id: str) -> tuple[Rows, Rows, Rows]:
    """Rows for sections, section_teachers (position 0 = primary) and section_students."""
    records: list[Row] = []
    teachers: list[Row] = []
    students: list[Row] = []
    # Bound methods and zip/repeat/count build the tuples in C: this runs on the sync's hot path, and a
    # million-student district has ~9 M section_students rows.
    add_record, add_teacher, add_teachers = records.append, teachers.append, teachers.extend
    add_students = students.extend
    for s in sections:
        section_id, district = s.id, s.district
        teacher_ids = primary_first(s.teacher, s.teachers)
        primary = teacher_ids[0] if teacher_ids else None
        add_record(
            (section_id, district, s.school, s.sis_id, s.name, s.term_id, s.course, primary, encode(s),
             run_id)
        )  # fmt: skip
        if len(teacher_ids) == 1:
            add_teacher((section_id, primary, 0, district))
        else:
            add_teachers(zip(repeat(section_id), teacher_ids, count(), repeat(district)))
        add_students(zip(repeat(section_id), dict.fromkeys(s.students), repeat(district)))
    return (
        Rows("sections", SECTION_COLUMNS, records),
        Rows("section_teachers", SECTION_TEACHER_COLUMNS, teachers),
        Rows("section_students", SECTION_STUDENT_COLUMNS, students),
    )


def user_rows(users: Sequence[User], run_id: str) -> tuple[Rows, Rows, Rows, Rows]:
    """Rows for users, user_roles (one per role held, in `ROLE_NAMES` order), role_schools (a role's primary
    school first, then its schools, each once) and contact_relationships (one per student, the last given
    winning).

    Each role is spelled out rather than reached by name with getattr: every role has its own fields (only
    students and teachers have a primary school, staff alone has permission roles, a student's legacy id
    defaults to the user id), and this runs on the sync's hot path, once per user and role.
    """
    records: list[Row] = []
    roles: list[Row] = []
    schools: list[Row] = []
    relationships: list[Row] = []
    add_record, add_role = records.append, roles.append
    add_school, add_schools = schools.append, schools.extend
    add_relationship, add_relationships = relationships.append, relationships.extend
    for u in users:
        user_id, district, name, held = u.id, u.district, u.name, u.roles
        add_record(
            (user_id, district, name.first, name.middle, name.last, u.email, u.created, u.last_modified,
             encode(u), run_id)
        )  # fmt: skip
        student = held.student
        if student is not None:
            school = student.school
            add_role(
                (
                    user_id,
                    "student",
                    district,
                    u.legacy_id("student"),
                    student.sis_id,
                    None,
                    None,
                    school,
                    None,
                )
            )
            ids = student.schools
            if len(ids) == 1 and ids[0] == school:  # the usual shape: one tuple, no dict, no zip
                add_school((user_id, "student", school, district))
            else:
                add_schools(
                    zip(repeat(user_id), repeat("student"), primary_first(school, ids), repeat(district))
                )
        teacher = held.teacher
        if teacher is not None:
            school = teacher.school
            add_role(
                (user_id, "teacher", district, teacher.legacy_id, teacher.sis_id, None, teacher.title, school,
                 None)
            )  # fmt: skip
            ids = teacher.schools
            if len(ids) == 1 and ids[0] == school:
                add_school((user_id, "teacher", school, district))
            else:
                add_schools(
                    zip(repeat(user_id), repeat("teacher"), primary_first(school, ids), repeat(district))
                )
        staff = held.staff
        if staff is not None:
            add_role(
                (user_id, "staff", district, staff.legacy_id, None, staff.staff_id, staff.title, None,
                 encode(staff.roles))
            )  # fmt: skip
            add_schools(
                zip(repeat(user_id), repeat("staff"), primary_first(None, staff.schools), repeat(district))
            )
        admin = held.district_admin
        if admin is not None:
            add_role(
                (user_id, "district_admin", district, admin.legacy_id, None, None, admin.title, None, None)
            )
        contact = held.contact
        if contact is not None:
            add_role(
                (user_id, "contact", district, contact.legacy_id, contact.sis_id, None, None, None, None)
            )
            ties = contact.student_relationships
            if len(ties) == 1:
                tie = ties[0]
                add_relationship((user_id, tie.student, tie.relationship, tie.type, district))
            else:
                # One row per student: the last relationship given wins, at its student's first position.
                by_student = {tie.student: tie for tie in ties}
                add_relationships(
                    [(user_id, t.student, t.relationship, t.type, district) for t in by_student.values()]
                )
    return (
        Rows("users", USER_COLUMNS, records),
        Rows("user_roles", USER_ROLE_COLUMNS, roles),
        Rows("role_schools", ROLE_SCHOOL_COLUMNS, schools),
        Rows("contact_relationships", CONTACT_RELATIONSHIP_COLUMNS, relationships),
    )
