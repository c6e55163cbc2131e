"""Domain records flattened into the row tuples of the SQL tables (pure: no database, no clock).

Each `*_rows` function returns `Rows`: a table, the columns in tuple order, and the tuples. Record rows end
with `last_seen_run`; payloads are msgspec-encoded JSON text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import repeat
from typing import Final, TypeVar

import msgspec

from rollcall.domain.district import Course, District, School, Section, Term
from rollcall.domain.user import RoleName, User

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


def section_teacher_ids(section: Section) -> list[str]:
    """The section's teachers, primary first and each once: `teacher`, then `teachers` in order."""
    ordered = [section.teacher] if section.teacher is not None else []
    ordered.extend(section.teachers)
    return list(dict.fromkeys(ordered))


def section_rows(sections: Sequence[Section], run_id: str) -> tuple[Rows, Rows, Rows]:
    """Rows for sections, section_teachers (position 0 = primary) and section_students."""
    records: list[Row] = []
    teachers: list[Row] = []
    students: list[Row] = []
    for s in sections:
        teacher_ids = section_teacher_ids(s)
        primary = teacher_ids[0] if teacher_ids else None
        records.append(
            (s.id, s.district, s.school, s.sis_id, s.name, s.term_id, s.course, primary, encode(s), run_id)
        )
        teachers.extend((s.id, teacher, position, s.district) for position, teacher in enumerate(teacher_ids))
        # zip/repeat build the tuples in C: a million-student district has ~9 M of these rows.
        enrolled = dict.fromkeys(s.students)
        students.extend(zip(repeat(s.id), enrolled, repeat(s.district)))
    return (
        Rows("sections", SECTION_COLUMNS, records),
        Rows("section_teachers", SECTION_TEACHER_COLUMNS, teachers),
        Rows("section_students", SECTION_STUDENT_COLUMNS, students),
    )


def _role_row(user: User, name: RoleName, legacy_id: str | None) -> tuple[Row, list[str]]:
    """One user_roles row and the role's schools (primary school first)."""
    role = getattr(user.roles, name)
    sis_id = getattr(role, "sis_id", None)
    staff_id = getattr(role, "staff_id", None)
    title = getattr(role, "title", None)
    school: str | None = getattr(role, "school", None)
    schools: list[str] = list(getattr(role, "schools", ()))
    staff_roles = encode(role.roles) if name == "staff" else None
    row: Row = (
        user.id, name, user.district, legacy_id, sis_id, staff_id, title, school, staff_roles,
    )  # fmt: skip
    ordered = [school] if school is not None else []
    ordered.extend(schools)
    return row, list(dict.fromkeys(ordered))


def user_rows(users: Sequence[User], run_id: str) -> tuple[Rows, Rows, Rows, Rows]:
    """Rows for users, user_roles (one per role held), role_schools and contact_relationships."""
    records: list[Row] = []
    roles: list[Row] = []
    schools: list[Row] = []
    relationships: list[Row] = []
    for u in users:
        name = u.name
        records.append(
            (u.id, u.district, name.first, name.middle, name.last, u.email, u.created, u.last_modified,
             encode(u), run_id)
        )  # fmt: skip
        legacy_ids = u.legacy_ids()
        for role_name in u.role_names():
            row, role_school_ids = _role_row(u, role_name, legacy_ids.get(role_name))
            roles.append(row)
            schools.extend((u.id, role_name, school, u.district) for school in role_school_ids)
        contact = u.roles.contact
        if contact is not None:
            by_student = {r.student: r for r in contact.student_relationships}
            relationships.extend(
                (u.id, r.student, r.relationship, r.type, u.district) for r in by_student.values()
            )
    return (
        Rows("users", USER_COLUMNS, records),
        Rows("user_roles", USER_ROLE_COLUMNS, roles),
        Rows("role_schools", ROLE_SCHOOL_COLUMNS, schools),
        Rows("contact_relationships", CONTACT_RELATIONSHIP_COLUMNS, relationships),
    )
