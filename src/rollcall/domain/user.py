"""A v3 user: one person with a `roles` map (student, teacher, staff, district_admin, contact), shaped as
Clever's v3.1 wire sends it (clever-api.md §3.2, §3.3). v3.0 is the same minus the v3.1 additions."""

from __future__ import annotations

from typing import Final, Literal

import msgspec

from rollcall.domain.record import (
    Credentials,
    JsonObject,
    LmsStatus,
    Location,
    Name,
    Record,
    sent_when_empty,
)

RoleName = Literal["student", "teacher", "staff", "district_admin", "contact"]
ROLE_NAMES: Final[tuple[RoleName, ...]] = ("student", "teacher", "staff", "district_admin", "contact")
EMPLOYEE_ROLES: Final[frozenset[RoleName]] = frozenset({"teacher", "staff", "district_admin"})
# The employee roles in Clever's canonical order: the roles one person may hold together (students and
# contacts never hold a second role).
EMPLOYEE_ORDER: Final[tuple[RoleName, ...]] = tuple(r for r in ROLE_NAMES if r in EMPLOYEE_ROLES)


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

    student_relationships: list[StudentRelationship] = msgspec.field(default_factory=sent_when_empty)
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

    def legacy_id(self, role: RoleName) -> str | None:
        """The pre-v3 (v2.1) id of one role the user holds, or None when that role has none.

        The one rule: a student keeps their id in every API version, so without a `legacy_id` a student's
        legacy id is the user id. Every other role without a `legacy_id` has no v2.1 record at all (it was
        created after the v3 switch): it must never be given the v3 user id, which no v2.1 path knows.
        """
        record: Student | Teacher | Staff | DistrictAdmin | Contact | None = getattr(self.roles, role)
        if record is None:
            raise ValueError(f"user {self.id} does not hold the {role} role")
        if record.legacy_id is None and role == "student":
            return self.id
        return record.legacy_id

    def legacy_ids(self) -> dict[RoleName, str]:
        """Each held role's pre-v3 id (roles without one are left out; see `legacy_id`)."""
        found: dict[RoleName, str] = {}
        for name in self.role_names():
            legacy = self.legacy_id(name)
            if legacy is not None:
                found[name] = legacy
        return found

    def role_schools(self, role: RoleName) -> list[str]:
        """The schools one held role is tied to (district admins and contacts have none)."""
        record = getattr(self.roles, role)
        if record is None:
            raise ValueError(f"user {self.id} does not hold the {role} role")
        schools: list[str] = getattr(record, "schools", [])
        return list(schools)

    def school_ids(self) -> frozenset[str]:
        """Every school any of the user's roles is tied to."""
        roles = self.roles
        found: set[str] = set()
        for role in (roles.student, roles.teacher, roles.staff):
            if role is not None:
                found.update(role.schools)
        return frozenset(found)


def as_role_name(text: str) -> RoleName | None:
    """`text` as a v3 role name, or None when it is not one."""
    for role in ROLE_NAMES:
        if role == text:
            return role
    return None


def default_login_role(user: User) -> RoleName:
    """The role a person signs in as unless they pick another: their first employee role (in Clever's order:
    teacher, staff, district admin), else their only role. Clever names no primary role; this is only the
    pre-selection of a chooser, never a reason to drop the other roles."""
    held = user.role_names()
    for role in EMPLOYEE_ORDER:
        if role in held:
            return role
    if not held:
        raise ValueError(f"user {user.id} holds no role")
    return held[0]


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
