"""A v3 user: one person with a `roles` map (student, teacher, staff, district_admin, contact), shaped as
Clever's v3.1 wire sends it (clever-api.md §3.2, §3.3). v3.0 is the same minus the v3.1 additions."""

from __future__ import annotations

from typing import Final, Literal

import msgspec

from rollcall.domain.record import Credentials, JsonObject, LmsStatus, Location, Name, Record

RoleName = Literal["student", "teacher", "staff", "district_admin", "contact"]
ROLE_NAMES: Final[tuple[RoleName, ...]] = ("student", "teacher", "staff", "district_admin", "contact")
EMPLOYEE_ROLES: Final[frozenset[RoleName]] = frozenset({"teacher", "staff", "district_admin"})


class SchoolEnrollment(Record):
    """A span during which a student attends a school."""

    school: str
    start_date: str | None = None
    end_date: str | None = None


class Disability(Record):
    """v3.1 only."""

    disability_code: str | None = None
    disability_status: str | None = None
    disability_type: str | None = None


class PreferredName(Record):
    """v3.1 only."""

    first: str | None = None
    middle: str | None = None
    last: str | None = None


class Student(Record):
    """`roles.student`. A student's user id is the same in every API version."""

    sis_id: str
    school: str
    schools: list[str] = []
    student_number: str | None = None
    state_id: str | None = None
    legacy_id: str | None = None
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
    # v3.1 additions (clever-api.md §3.6); dropped when rendering v3.0.
    disability: Disability | None = None
    frl_status: str | None = None
    gifted_status: str | None = None
    section_504_status: str | None = None
    home_language: str | None = None
    home_language_code: str | None = None
    iep_status: str | None = None
    preferred_name: PreferredName | None = None


STUDENT_V31_FIELDS: Final = (
    "disability", "frl_status", "gifted_status", "section_504_status",
    "home_language", "home_language_code", "iep_status", "preferred_name",
)  # fmt: skip


class Teacher(Record):
    """`roles.teacher`: `school` is the primary school, `schools` every school with the teacher's sections."""

    sis_id: str
    school: str
    schools: list[str] = []
    legacy_id: str | None = None
    teacher_number: str | None = None
    state_id: str | None = None
    title: str | None = None
    credentials: Credentials | None = None
    ext: JsonObject = {}


class Staff(Record):
    """`roles.staff` (v2 school admin): no primary `school`, only `schools`.

    `roles` holds Clever permission roles: `PortalOnly` or `SchoolTechLead`.
    """

    staff_id: str
    schools: list[str] = []
    roles: list[str] = []
    legacy_id: str | None = None
    title: str | None = None
    department: str | None = None
    credentials: Credentials | None = None
    ext: JsonObject = {}


class DistrictAdmin(Record):
    """`roles.district_admin`: district-wide, no schools."""

    legacy_id: str | None = None
    title: str | None = None


class StudentRelationship(Record):
    """One contact's tie to one student."""

    student: str
    relationship: str | None = None
    type: str | None = None


class Contact(Record):
    """`roles.contact`: one relationship per student (v2 had one relationship per contact)."""

    student_relationships: list[StudentRelationship] = []
    legacy_id: str | None = None
    sis_id: str | None = None
    phone: str | None = None
    phone_type: str | None = None


class Roles(Record):
    """The roles a user holds; an absent key means the user lacks that role."""

    student: Student | None = None
    teacher: Teacher | None = None
    staff: Staff | None = None
    district_admin: DistrictAdmin | None = None
    contact: Contact | None = None

    def names(self) -> tuple[RoleName, ...]:
        """The role names held, in Clever's canonical order."""
        return tuple(name for name in ROLE_NAMES if getattr(self, name) is not None)


class User(Record):
    """One person in one district, with every role they hold."""

    id: str
    district: str
    name: Name
    roles: Roles
    email: str | None = None
    created: str | None = None
    last_modified: str | None = None
    lms_status: LmsStatus | None = None

    def role_names(self) -> tuple[RoleName, ...]:
        """The role names held, in Clever's canonical order."""
        return self.roles.names()

    def legacy_ids(self) -> dict[RoleName, str]:
        """Each role's pre-v3 id. Students keep their id, so their legacy id is the user id."""
        found: dict[RoleName, str] = {}
        for name in self.role_names():
            role = getattr(self.roles, name)
            legacy = role.legacy_id
            if legacy is None and name == "student":
                legacy = self.id
            if legacy is not None:
                found[name] = legacy
        return found

    def school_ids(self) -> frozenset[str]:
        """Every school any of the user's roles is tied to."""
        roles = self.roles
        found: set[str] = set()
        for role in (roles.student, roles.teacher, roles.staff):
            if role is not None:
                found.update(role.schools)
        return frozenset(found)


def role_key(role_names: tuple[RoleName, ...] | list[RoleName]) -> str:
    """`staff+teacher`: the role names sorted and joined by `+` (the `by_roles` key of `roster inspect`)."""
    return "+".join(sorted(role_names))


def to_v30(user: User) -> User:
    """The same user as v3.0 shows it: no `lms_status`, no v3.1 student fields."""
    student = user.roles.student
    roles = user.roles
    if student is not None:
        stripped = msgspec.structs.replace(student, **dict.fromkeys(STUDENT_V31_FIELDS))
        roles = msgspec.structs.replace(roles, student=stripped)
    if roles is user.roles and user.lms_status is None:
        return user
    return msgspec.structs.replace(user, roles=roles, lms_status=None)
