"""The v2.1 shapes of people (one record per role, each with its own id) and the conversion from a v3 user.

In v2.1 a teacher who is also staff is two records: a teacher and a school admin, each id being the
`legacy_id` of the matching v3 role. Students keep one id in both versions. A v2.1 contact carries one
`relationship`/`type` for all its students (v3 keeps one per student).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, Literal

import msgspec

from rollcall.domain.record import Credentials, JsonObject, Location, Name, Record, sent_when_empty
from rollcall.domain.user import RoleName, SchoolEnrollment, User

V2PersonType = Literal["students", "teachers", "school_admins", "district_admins", "contacts"]
V2_PERSON_TYPES: Final[tuple[V2PersonType, ...]] = (
    "students", "teachers", "school_admins", "district_admins", "contacts",
)  # fmt: skip

# The one map between v3 role names and v2.1 person collections (v2.1 called staff "school admins").
V2_COLLECTION_OF_ROLE: Final[dict[RoleName, V2PersonType]] = {
    "student": "students", "teacher": "teachers", "staff": "school_admins",
    "district_admin": "district_admins", "contact": "contacts",
}  # fmt: skip
ROLE_OF_V2_COLLECTION: Final[dict[V2PersonType, RoleName]] = {v: k for k, v in V2_COLLECTION_OF_ROLE.items()}
# A role in v2.1's singular words: the `type` of v2.1 `/me` (`school_admin` for staff).
V2_TYPE_OF_ROLE: Final[dict[RoleName, str]] = {
    "student": "student", "teacher": "teacher", "staff": "school_admin",
    "district_admin": "district_admin", "contact": "contact",
}  # fmt: skip


class AdminName(Record):
    """v2.1 admins have a first and last name only."""

    first: str | None = None
    last: str | None = None


class V2Student(Record):
    """A v2.1 student (same id as the v3 user)."""

    id: str
    district: str
    school: str
    sis_id: str
    name: Name
    schools: list[str] = []
    student_number: str | None = None
    state_id: str | None = None
    email: str | None = None
    credentials: Credentials | None = None
    dob: str | None = None
    gender: str | None = None
    grade: str | None = None
    graduation_year: str | None = None
    race: str | None = None
    hispanic_ethnicity: str | None = None
    ell_status: str | None = None
    enrollments: list[SchoolEnrollment] = []
    location: Location | None = None
    ext: JsonObject = {}
    created: str | None = None
    last_modified: str | None = None


class V2Teacher(Record):
    """A v2.1 teacher; its id is the v3 teacher role's `legacy_id`."""

    id: str
    district: str
    school: str
    sis_id: str
    name: Name
    schools: list[str] = []
    teacher_number: str | None = None
    state_id: str | None = None
    email: str | None = None
    title: str | None = None
    credentials: Credentials | None = None
    ext: JsonObject = {}
    created: str | None = None
    last_modified: str | None = None


class V2SchoolAdmin(Record):
    """A v2.1 school admin (v3 staff); its id is the v3 staff role's `legacy_id`."""

    id: str
    district: str
    staff_id: str
    name: AdminName
    schools: list[str] = []
    email: str | None = None
    title: str | None = None
    department: str | None = None
    credentials: Credentials | None = None
    ext: JsonObject = {}


class V2DistrictAdmin(Record):
    """A v2.1 district admin; its id is the v3 district_admin role's `legacy_id`."""

    id: str
    district: str
    name: AdminName
    email: str | None = None
    title: str | None = None


class V2Contact(Record):
    """A v2.1 contact: every student it is tied to, with one relationship and type for all of them."""

    id: str
    district: str
    name: str
    students: list[str] = msgspec.field(default_factory=sent_when_empty)
    sis_id: str | None = None
    email: str | None = None
    phone: str | None = None
    phone_type: str | None = None
    relationship: str | None = None
    type: str | None = None


V2Person = V2Student | V2Teacher | V2SchoolAdmin | V2DistrictAdmin | V2Contact
# The v2.1 record type each v3 role was (one role, one record, one id: the role's legacy id).
V2_RECORD_OF_ROLE: Final[dict[RoleName, type[V2Person]]] = {
    "student": V2Student, "teacher": V2Teacher, "staff": V2SchoolAdmin,
    "district_admin": V2DistrictAdmin, "contact": V2Contact,
}  # fmt: skip


class MissingLegacyId(ValueError):
    """A non-student role has no `legacy_id`, so it has no v2.1 record to become."""


def _legacy(user: User, role: RoleName) -> str:
    legacy_id = user.legacy_id(role)
    if legacy_id is None:
        raise MissingLegacyId(f"user {user.id}: role {role} has no legacy_id")
    return legacy_id


def _admin_name(name: Name) -> AdminName:
    return AdminName(first=name.first, last=name.last)


def _contact_name(name: Name) -> str:
    parts = (name.first, name.middle, name.last)
    return " ".join(part for part in parts if part)


def to_v2_records(user: User) -> list[tuple[V2PersonType, V2Person]]:
    """The v2.1 records that one v3 user is, one per role, each tagged with its v2.1 collection."""
    roles = user.roles
    out: list[tuple[V2PersonType, V2Person]] = []
    if (student := roles.student) is not None:
        out.append(
            (
                V2_COLLECTION_OF_ROLE["student"],
                V2Student(
                    id=user.id, district=user.district, school=student.school, sis_id=student.sis_id,
                    name=user.name, schools=student.schools, student_number=student.student_number,
                    state_id=student.state_id, email=user.email, credentials=student.credentials,
                    dob=student.dob, gender=student.gender, grade=student.grade,
                    graduation_year=student.graduation_year, race=student.race,
                    hispanic_ethnicity=student.hispanic_ethnicity, ell_status=student.ell_status,
                    enrollments=student.enrollments, location=student.location, ext=student.ext,
                    created=user.created, last_modified=user.last_modified,
                ),
            )
        )  # fmt: skip
    if (teacher := roles.teacher) is not None:
        out.append(
            (
                V2_COLLECTION_OF_ROLE["teacher"],
                V2Teacher(
                    id=_legacy(user, "teacher"), district=user.district,
                    school=teacher.school, sis_id=teacher.sis_id, name=user.name, schools=teacher.schools,
                    teacher_number=teacher.teacher_number, state_id=teacher.state_id, email=user.email,
                    title=teacher.title, credentials=teacher.credentials, ext=teacher.ext,
                    created=user.created, last_modified=user.last_modified,
                ),
            )
        )  # fmt: skip
    if (staff := roles.staff) is not None:
        out.append(
            (
                V2_COLLECTION_OF_ROLE["staff"],
                V2SchoolAdmin(
                    id=_legacy(user, "staff"), district=user.district,
                    staff_id=staff.staff_id, name=_admin_name(user.name), schools=staff.schools,
                    email=user.email, title=staff.title, department=staff.department,
                    credentials=staff.credentials, ext=staff.ext,
                ),
            )
        )  # fmt: skip
    if (admin := roles.district_admin) is not None:
        out.append(
            (
                V2_COLLECTION_OF_ROLE["district_admin"],
                V2DistrictAdmin(
                    id=_legacy(user, "district_admin"), district=user.district,
                    name=_admin_name(user.name), email=user.email, title=admin.title,
                ),
            )
        )  # fmt: skip
    if (contact := roles.contact) is not None:
        first = contact.student_relationships[0] if contact.student_relationships else None
        out.append(
            (
                V2_COLLECTION_OF_ROLE["contact"],
                V2Contact(
                    id=_legacy(user, "contact"), district=user.district,
                    name=_contact_name(user.name),
                    students=[rel.student for rel in contact.student_relationships],
                    sis_id=contact.sis_id, email=user.email, phone=contact.phone,
                    phone_type=contact.phone_type,
                    relationship=first.relationship if first else None,
                    type=first.type if first else None,
                ),
            )
        )  # fmt: skip
    return out


def split_into_v2(users: Iterable[User]) -> dict[V2PersonType, dict[str, V2Person]]:
    """Every v2.1 person record of `users`, by collection and id."""
    people: dict[V2PersonType, dict[str, V2Person]] = {kind: {} for kind in V2_PERSON_TYPES}
    for user in users:
        for kind, record in to_v2_records(user):
            people[kind][record.id] = record
    return people
