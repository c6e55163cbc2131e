"""Every Clever endpoint the client reads, as a value: the versioned path, its filters and the record type it
decodes into (clever-api.md §2.1, §3.1, §5.1). Asking for a path the client's version lacks, or for a filter
value Clever rejects, raises `UsageError` here — before any request is sent."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Generic, TypeVar
from urllib.parse import quote

from rollcall.domain.district import Course, District, Resource, School, Section, Term
from rollcall.domain.event import EVENT_RECORD_TYPES, Event
from rollcall.domain.user import RoleName, User
from rollcall.domain.v2 import (
    V2_COLLECTION_OF_ROLE,
    V2_RECORD_OF_ROLE,
    V2Contact,
    V2DistrictAdmin,
    V2Person,
    V2SchoolAdmin,
    V2Student,
    V2Teacher,
)
from rollcall.domain.version import API_VERSIONS, ApiVersion
from rollcall.errors import UsageError

T = TypeVar("T")

V3: Final[tuple[ApiVersion, ...]] = ("v3.0", "v3.1")
V2: Final[tuple[ApiVersion, ...]] = ("v2.1",)
ALL: Final[tuple[ApiVersion, ...]] = API_VERSIONS

USER_ROLES: Final = ("contact", "district_admin", "staff", "student", "teacher")
SCHOOL_USER_ROLES: Final = ("staff", "student", "teacher")
SECTION_USER_ROLES: Final = ("student", "teacher")


@dataclass(frozen=True, slots=True)
class ListQuery(Generic[T]):
    """A list endpoint: `path` (versioned, no query), filters, and the type of each record."""

    path: str
    kind: type[T]
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class SingleQuery(Generic[T]):
    """A single-record endpoint and the type of its record."""

    path: str
    kind: type[T]


def _need(version: ApiVersion, allowed: tuple[ApiVersion, ...], what: str) -> None:
    if version not in allowed:
        raise UsageError(f"{what} exists only in API {' and '.join(allowed)}; this client speaks {version}")


def _segment(record_id: str) -> str:
    if not record_id or not record_id.strip():
        raise UsageError("a record id cannot be empty")
    return quote(record_id, safe="")


def _role(role: str | None, allowed: tuple[str, ...], where: str) -> tuple[tuple[str, str], ...]:
    if role is None:
        return ()
    if role not in allowed:
        raise UsageError(f"role {role!r} is not a filter of {where}; expected one of {', '.join(allowed)}")
    return (("role", role),)


def _primary(primary: bool) -> tuple[tuple[str, str], ...]:
    return (("primary", "true"),) if primary else ()


def _list(
    version: ApiVersion,
    allowed: tuple[ApiVersion, ...],
    path: str,
    kind: type[T],
    params: tuple[tuple[str, str], ...] = (),
) -> ListQuery[T]:
    _need(version, allowed, path)
    return ListQuery(f"/{version}{path}", kind, params)


def _one(version: ApiVersion, allowed: tuple[ApiVersion, ...], path: str, kind: type[T]) -> SingleQuery[T]:
    _need(version, allowed, path)
    return SingleQuery(f"/{version}{path}", kind)


# ---- v3.0 / v3.1 users -------------------------------------------------------------------------------


def users(version: ApiVersion, role: str | None = None) -> ListQuery[User]:
    return _list(version, V3, "/users", User, _role(role, USER_ROLES, "/users"))


def user(version: ApiVersion, user_id: str) -> SingleQuery[User]:
    return _one(version, V3, f"/users/{_segment(user_id)}", User)


def user_district(version: ApiVersion, user_id: str) -> SingleQuery[District]:
    return _one(version, V3, f"/users/{_segment(user_id)}/district", District)


def user_schools(version: ApiVersion, user_id: str, primary: bool = False) -> ListQuery[School]:
    return _list(version, V3, f"/users/{_segment(user_id)}/schools", School, _primary(primary))


def user_sections(version: ApiVersion, user_id: str) -> ListQuery[Section]:
    return _list(version, V3, f"/users/{_segment(user_id)}/sections", Section)


def user_resources(version: ApiVersion, user_id: str) -> ListQuery[Resource]:
    return _list(version, V3, f"/users/{_segment(user_id)}/resources", Resource)


def my_contacts(version: ApiVersion, user_id: str) -> ListQuery[User]:
    return _list(version, V3, f"/users/{_segment(user_id)}/mycontacts", User)


def my_students(version: ApiVersion, user_id: str) -> ListQuery[User]:
    return _list(version, V3, f"/users/{_segment(user_id)}/mystudents", User)


def my_teachers(version: ApiVersion, user_id: str) -> ListQuery[User]:
    return _list(version, V3, f"/users/{_segment(user_id)}/myteachers", User)


# ---- districts, schools, sections, terms, courses (every version unless marked) ------------------------


def districts(version: ApiVersion) -> ListQuery[District]:
    return _list(version, ALL, "/districts", District)


def district(version: ApiVersion, district_id: str) -> SingleQuery[District]:
    return _one(version, ALL, f"/districts/{_segment(district_id)}", District)


def schools(version: ApiVersion) -> ListQuery[School]:
    return _list(version, ALL, "/schools", School)


def school(version: ApiVersion, school_id: str) -> SingleQuery[School]:
    return _one(version, ALL, f"/schools/{_segment(school_id)}", School)


def school_district(version: ApiVersion, school_id: str) -> SingleQuery[District]:
    return _one(version, ALL, f"/schools/{_segment(school_id)}/district", District)


def school_users(
    version: ApiVersion, school_id: str, role: str | None = None, primary: bool = False
) -> ListQuery[User]:
    params = _role(role, SCHOOL_USER_ROLES, "/schools/{id}/users") + _primary(primary)
    return _list(version, V3, f"/schools/{_segment(school_id)}/users", User, params)


def school_sections(version: ApiVersion, school_id: str) -> ListQuery[Section]:
    return _list(version, ALL, f"/schools/{_segment(school_id)}/sections", Section)


def school_terms(version: ApiVersion, school_id: str) -> ListQuery[Term]:
    return _list(version, V3, f"/schools/{_segment(school_id)}/terms", Term)


def school_courses(version: ApiVersion, school_id: str) -> ListQuery[Course]:
    return _list(version, V3, f"/schools/{_segment(school_id)}/courses", Course)


def sections(version: ApiVersion) -> ListQuery[Section]:
    return _list(version, ALL, "/sections", Section)


def section(version: ApiVersion, section_id: str) -> SingleQuery[Section]:
    return _one(version, ALL, f"/sections/{_segment(section_id)}", Section)


def section_users(version: ApiVersion, section_id: str, role: str | None = None) -> ListQuery[User]:
    params = _role(role, SECTION_USER_ROLES, "/sections/{id}/users")
    return _list(version, V3, f"/sections/{_segment(section_id)}/users", User, params)


def section_course(version: ApiVersion, section_id: str) -> SingleQuery[Course]:
    return _one(version, ALL, f"/sections/{_segment(section_id)}/course", Course)


def section_district(version: ApiVersion, section_id: str) -> SingleQuery[District]:
    return _one(version, ALL, f"/sections/{_segment(section_id)}/district", District)


def section_school(version: ApiVersion, section_id: str) -> SingleQuery[School]:
    return _one(version, ALL, f"/sections/{_segment(section_id)}/school", School)


def section_term(version: ApiVersion, section_id: str) -> SingleQuery[Term]:
    return _one(version, ALL, f"/sections/{_segment(section_id)}/term", Term)


def section_resources(version: ApiVersion, section_id: str) -> ListQuery[Resource]:
    return _list(version, V3, f"/sections/{_segment(section_id)}/resources", Resource)


def terms(version: ApiVersion) -> ListQuery[Term]:
    return _list(version, ALL, "/terms", Term)


def term(version: ApiVersion, term_id: str) -> SingleQuery[Term]:
    return _one(version, ALL, f"/terms/{_segment(term_id)}", Term)


def term_district(version: ApiVersion, term_id: str) -> SingleQuery[District]:
    return _one(version, ALL, f"/terms/{_segment(term_id)}/district", District)


def term_schools(version: ApiVersion, term_id: str) -> ListQuery[School]:
    return _list(version, V3, f"/terms/{_segment(term_id)}/schools", School)


def term_sections(version: ApiVersion, term_id: str) -> ListQuery[Section]:
    return _list(version, ALL, f"/terms/{_segment(term_id)}/sections", Section)


def courses(version: ApiVersion) -> ListQuery[Course]:
    return _list(version, ALL, "/courses", Course)


def course(version: ApiVersion, course_id: str) -> SingleQuery[Course]:
    return _one(version, ALL, f"/courses/{_segment(course_id)}", Course)


def course_district(version: ApiVersion, course_id: str) -> SingleQuery[District]:
    return _one(version, ALL, f"/courses/{_segment(course_id)}/district", District)


def course_schools(version: ApiVersion, course_id: str) -> ListQuery[School]:
    return _list(version, V3, f"/courses/{_segment(course_id)}/schools", School)


def course_sections(version: ApiVersion, course_id: str) -> ListQuery[Section]:
    return _list(version, ALL, f"/courses/{_segment(course_id)}/sections", Section)


def course_resources(version: ApiVersion, course_id: str) -> ListQuery[Resource]:
    return _list(version, V3, f"/courses/{_segment(course_id)}/resources", Resource)


# ---- v3 resources -------------------------------------------------------------------------------------


def resources(version: ApiVersion) -> ListQuery[Resource]:
    return _list(version, V3, "/resources", Resource)


def resource(version: ApiVersion, resource_id: str) -> SingleQuery[Resource]:
    return _one(version, V3, f"/resources/{_segment(resource_id)}", Resource)


def resource_courses(version: ApiVersion, resource_id: str) -> ListQuery[Course]:
    return _list(version, V3, f"/resources/{_segment(resource_id)}/courses", Course)


def resource_sections(version: ApiVersion, resource_id: str) -> ListQuery[Section]:
    return _list(version, V3, f"/resources/{_segment(resource_id)}/sections", Section)


def resource_users(version: ApiVersion, resource_id: str, role: str | None = None) -> ListQuery[User]:
    params = _role(role, SECTION_USER_ROLES, "/resources/{id}/users")
    return _list(version, V3, f"/resources/{_segment(resource_id)}/users", User, params)


# ---- v2.1 people --------------------------------------------------------------------------------------


def students(version: ApiVersion) -> ListQuery[V2Student]:
    return _list(version, V2, "/students", V2Student)


def student(version: ApiVersion, student_id: str) -> SingleQuery[V2Student]:
    return _one(version, V2, f"/students/{_segment(student_id)}", V2Student)


def student_contacts(version: ApiVersion, student_id: str) -> ListQuery[V2Contact]:
    return _list(version, V2, f"/students/{_segment(student_id)}/contacts", V2Contact)


def student_district(version: ApiVersion, student_id: str) -> SingleQuery[District]:
    return _one(version, V2, f"/students/{_segment(student_id)}/district", District)


def student_school(version: ApiVersion, student_id: str) -> SingleQuery[School]:
    return _one(version, V2, f"/students/{_segment(student_id)}/school", School)


def student_schools(version: ApiVersion, student_id: str) -> ListQuery[School]:
    return _list(version, V2, f"/students/{_segment(student_id)}/schools", School)


def student_sections(version: ApiVersion, student_id: str) -> ListQuery[Section]:
    return _list(version, V2, f"/students/{_segment(student_id)}/sections", Section)


def student_teachers(version: ApiVersion, student_id: str) -> ListQuery[V2Teacher]:
    return _list(version, V2, f"/students/{_segment(student_id)}/teachers", V2Teacher)


def teachers(version: ApiVersion) -> ListQuery[V2Teacher]:
    return _list(version, V2, "/teachers", V2Teacher)


def teacher(version: ApiVersion, teacher_id: str) -> SingleQuery[V2Teacher]:
    return _one(version, V2, f"/teachers/{_segment(teacher_id)}", V2Teacher)


def teacher_district(version: ApiVersion, teacher_id: str) -> SingleQuery[District]:
    return _one(version, V2, f"/teachers/{_segment(teacher_id)}/district", District)


def teacher_school(version: ApiVersion, teacher_id: str) -> SingleQuery[School]:
    return _one(version, V2, f"/teachers/{_segment(teacher_id)}/school", School)


def teacher_schools(version: ApiVersion, teacher_id: str) -> ListQuery[School]:
    return _list(version, V2, f"/teachers/{_segment(teacher_id)}/schools", School)


def teacher_sections(version: ApiVersion, teacher_id: str) -> ListQuery[Section]:
    return _list(version, V2, f"/teachers/{_segment(teacher_id)}/sections", Section)


def teacher_students(version: ApiVersion, teacher_id: str) -> ListQuery[V2Student]:
    return _list(version, V2, f"/teachers/{_segment(teacher_id)}/students", V2Student)


def school_admins(version: ApiVersion) -> ListQuery[V2SchoolAdmin]:
    return _list(version, V2, "/school_admins", V2SchoolAdmin)


def school_admin(version: ApiVersion, admin_id: str) -> SingleQuery[V2SchoolAdmin]:
    return _one(version, V2, f"/school_admins/{_segment(admin_id)}", V2SchoolAdmin)


def school_admin_district(version: ApiVersion, admin_id: str) -> SingleQuery[District]:
    return _one(version, V2, f"/school_admins/{_segment(admin_id)}/district", District)


def school_admin_schools(version: ApiVersion, admin_id: str) -> ListQuery[School]:
    return _list(version, V2, f"/school_admins/{_segment(admin_id)}/schools", School)


def district_admins(version: ApiVersion) -> ListQuery[V2DistrictAdmin]:
    return _list(version, V2, "/district_admins", V2DistrictAdmin)


def district_admin(version: ApiVersion, admin_id: str) -> SingleQuery[V2DistrictAdmin]:
    return _one(version, V2, f"/district_admins/{_segment(admin_id)}", V2DistrictAdmin)


def district_admin_district(version: ApiVersion, admin_id: str) -> SingleQuery[District]:
    return _one(version, V2, f"/district_admins/{_segment(admin_id)}/district", District)


def contacts(version: ApiVersion) -> ListQuery[V2Contact]:
    return _list(version, V2, "/contacts", V2Contact)


def contact(version: ApiVersion, contact_id: str) -> SingleQuery[V2Contact]:
    return _one(version, V2, f"/contacts/{_segment(contact_id)}", V2Contact)


def contact_district(version: ApiVersion, contact_id: str) -> SingleQuery[District]:
    return _one(version, V2, f"/contacts/{_segment(contact_id)}/district", District)


def contact_students(version: ApiVersion, contact_id: str) -> ListQuery[V2Student]:
    return _list(version, V2, f"/contacts/{_segment(contact_id)}/students", V2Student)


def school_students(version: ApiVersion, school_id: str) -> ListQuery[V2Student]:
    return _list(version, V2, f"/schools/{_segment(school_id)}/students", V2Student)


def school_teachers(version: ApiVersion, school_id: str) -> ListQuery[V2Teacher]:
    return _list(version, V2, f"/schools/{_segment(school_id)}/teachers", V2Teacher)


def section_students(version: ApiVersion, section_id: str) -> ListQuery[V2Student]:
    return _list(version, V2, f"/sections/{_segment(section_id)}/students", V2Student)


def section_teacher(version: ApiVersion, section_id: str) -> SingleQuery[V2Teacher]:
    return _one(version, V2, f"/sections/{_segment(section_id)}/teacher", V2Teacher)


def section_teachers(version: ApiVersion, section_id: str) -> ListQuery[V2Teacher]:
    return _list(version, V2, f"/sections/{_segment(section_id)}/teachers", V2Teacher)


# ---- events -------------------------------------------------------------------------------------------


def events(
    version: ApiVersion, record_types: Iterable[str] = (), school: str | None = None
) -> ListQuery[Event]:
    """`/events`, filtered by record types (`users`, … in v3; `students`, … in v2.1) and by school."""
    known = EVENT_RECORD_TYPES[version]
    params: list[tuple[str, str]] = []
    if school is not None:
        if not school.strip():
            raise UsageError("a school id cannot be empty")
        params.append(("school", school))
    for record_type in record_types:
        if record_type not in known:
            expected = ", ".join(known)
            raise UsageError(
                f"record type {record_type!r} has no events in API {version}; expected one of {expected}"
            )
        params.append(("record_type", record_type))
    return ListQuery(f"/{version}/events", Event, tuple(params))


def event(version: ApiVersion, event_id: str) -> SingleQuery[Event]:
    return _one(version, ALL, f"/events/{_segment(event_id)}", Event)


# ---- compositions of the endpoints above (not endpoints themselves) ------------------------------------


def v2_person(version: ApiVersion, role: RoleName, legacy_id: str) -> SingleQuery[V2Person]:
    """The v2.1 record one role of a person was: `/v2.1/<the role's collection>/<the role's legacy id>`."""
    kind: type[V2Person] = V2_RECORD_OF_ROLE[role]
    return _one(version, V2, f"/{V2_COLLECTION_OF_ROLE[role]}/{_segment(legacy_id)}", kind)
