"""The one endpoint table: every Clever endpoint the client reads, as a value: the versioned path, its filters
and the record type it decodes into (clever-api.md §2.1, §3.1, §5.1). `Endpoints(version)` binds the table to
one API version once; asking for a path that version lacks, or for a filter value Clever rejects, raises
`UsageError` here — before any request is sent. Both clients send these values through the same three
generic verbs (`iter`, `iter_pages`, `get`), so no endpoint is written twice."""

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


class Endpoints:
    """Every endpoint of the Data API, bound to one version: each method returns the query value (path,
    filters, record type) and refuses, before any request, a path or filter the version lacks. The clients
    hold one as `client.endpoints`; `client.iter(...)`, `client.get(...)` and `client.iter_pages(...)` send
    what it builds."""

    __slots__ = ("version",)

    def __init__(self, version: ApiVersion) -> None:
        self.version: ApiVersion = version

    def __repr__(self) -> str:
        return f"Endpoints({self.version!r})"

    def _list(
        self,
        allowed: tuple[ApiVersion, ...],
        path: str,
        kind: type[T],
        params: tuple[tuple[str, str], ...] = (),
    ) -> ListQuery[T]:
        _need(self.version, allowed, path)
        return ListQuery(f"/{self.version}{path}", kind, params)

    def _one(self, allowed: tuple[ApiVersion, ...], path: str, kind: type[T]) -> SingleQuery[T]:
        _need(self.version, allowed, path)
        return SingleQuery(f"/{self.version}{path}", kind)

    # ---- v3.0 / v3.1 users ---------------------------------------------------------------------------

    def users(self, role: str | None = None) -> ListQuery[User]:
        return self._list(V3, "/users", User, _role(role, USER_ROLES, "/users"))

    def user(self, user_id: str) -> SingleQuery[User]:
        return self._one(V3, f"/users/{_segment(user_id)}", User)

    def user_district(self, user_id: str) -> SingleQuery[District]:
        return self._one(V3, f"/users/{_segment(user_id)}/district", District)

    def user_schools(self, user_id: str, primary: bool = False) -> ListQuery[School]:
        return self._list(V3, f"/users/{_segment(user_id)}/schools", School, _primary(primary))

    def user_sections(self, user_id: str) -> ListQuery[Section]:
        return self._list(V3, f"/users/{_segment(user_id)}/sections", Section)

    def user_resources(self, user_id: str) -> ListQuery[Resource]:
        return self._list(V3, f"/users/{_segment(user_id)}/resources", Resource)

    def my_contacts(self, user_id: str) -> ListQuery[User]:
        return self._list(V3, f"/users/{_segment(user_id)}/mycontacts", User)

    def my_students(self, user_id: str) -> ListQuery[User]:
        return self._list(V3, f"/users/{_segment(user_id)}/mystudents", User)

    def my_teachers(self, user_id: str) -> ListQuery[User]:
        return self._list(V3, f"/users/{_segment(user_id)}/myteachers", User)

    # ---- districts, schools, sections, terms, courses (every version unless marked) ------------------

    def districts(self) -> ListQuery[District]:
        return self._list(ALL, "/districts", District)

    def district(self, district_id: str) -> SingleQuery[District]:
        return self._one(ALL, f"/districts/{_segment(district_id)}", District)

    def schools(self) -> ListQuery[School]:
        return self._list(ALL, "/schools", School)

    def school(self, school_id: str) -> SingleQuery[School]:
        return self._one(ALL, f"/schools/{_segment(school_id)}", School)

    def school_district(self, school_id: str) -> SingleQuery[District]:
        return self._one(ALL, f"/schools/{_segment(school_id)}/district", District)

    def school_users(self, school_id: str, role: str | None = None, primary: bool = False) -> ListQuery[User]:
        params = _role(role, SCHOOL_USER_ROLES, "/schools/{id}/users") + _primary(primary)
        return self._list(V3, f"/schools/{_segment(school_id)}/users", User, params)

    def school_sections(self, school_id: str) -> ListQuery[Section]:
        return self._list(ALL, f"/schools/{_segment(school_id)}/sections", Section)

    def school_terms(self, school_id: str) -> ListQuery[Term]:
        return self._list(V3, f"/schools/{_segment(school_id)}/terms", Term)

    def school_courses(self, school_id: str) -> ListQuery[Course]:
        return self._list(V3, f"/schools/{_segment(school_id)}/courses", Course)

    def sections(self) -> ListQuery[Section]:
        return self._list(ALL, "/sections", Section)

    def section(self, section_id: str) -> SingleQuery[Section]:
        return self._one(ALL, f"/sections/{_segment(section_id)}", Section)

    def section_users(self, section_id: str, role: str | None = None) -> ListQuery[User]:
        params = _role(role, SECTION_USER_ROLES, "/sections/{id}/users")
        return self._list(V3, f"/sections/{_segment(section_id)}/users", User, params)

    def section_course(self, section_id: str) -> SingleQuery[Course]:
        return self._one(ALL, f"/sections/{_segment(section_id)}/course", Course)

    def section_district(self, section_id: str) -> SingleQuery[District]:
        return self._one(ALL, f"/sections/{_segment(section_id)}/district", District)

    def section_school(self, section_id: str) -> SingleQuery[School]:
        return self._one(ALL, f"/sections/{_segment(section_id)}/school", School)

    def section_term(self, section_id: str) -> SingleQuery[Term]:
        return self._one(ALL, f"/sections/{_segment(section_id)}/term", Term)

    def section_resources(self, section_id: str) -> ListQuery[Resource]:
        return self._list(V3, f"/sections/{_segment(section_id)}/resources", Resource)

    def terms(self) -> ListQuery[Term]:
        return self._list(ALL, "/terms", Term)

    def term(self, term_id: str) -> SingleQuery[Term]:
        return self._one(ALL, f"/terms/{_segment(term_id)}", Term)

    def term_district(self, term_id: str) -> SingleQuery[District]:
        return self._one(ALL, f"/terms/{_segment(term_id)}/district", District)

    def term_schools(self, term_id: str) -> ListQuery[School]:
        return self._list(V3, f"/terms/{_segment(term_id)}/schools", School)

    def term_sections(self, term_id: str) -> ListQuery[Section]:
        return self._list(ALL, f"/terms/{_segment(term_id)}/sections", Section)

    def courses(self) -> ListQuery[Course]:
        return self._list(ALL, "/courses", Course)

    def course(self, course_id: str) -> SingleQuery[Course]:
        return self._one(ALL, f"/courses/{_segment(course_id)}", Course)

    def course_district(self, course_id: str) -> SingleQuery[District]:
        return self._one(ALL, f"/courses/{_segment(course_id)}/district", District)

    def course_schools(self, course_id: str) -> ListQuery[School]:
        return self._list(V3, f"/courses/{_segment(course_id)}/schools", School)

    def course_sections(self, course_id: str) -> ListQuery[Section]:
        return self._list(ALL, f"/courses/{_segment(course_id)}/sections", Section)

    def course_resources(self, course_id: str) -> ListQuery[Resource]:
        return self._list(V3, f"/courses/{_segment(course_id)}/resources", Resource)

    # ---- v3 resources --------------------------------------------------------------------------------

    def resources(self) -> ListQuery[Resource]:
        return self._list(V3, "/resources", Resource)

    def resource(self, resource_id: str) -> SingleQuery[Resource]:
        return self._one(V3, f"/resources/{_segment(resource_id)}", Resource)

    def resource_courses(self, resource_id: str) -> ListQuery[Course]:
        return self._list(V3, f"/resources/{_segment(resource_id)}/courses", Course)

    def resource_sections(self, resource_id: str) -> ListQuery[Section]:
        return self._list(V3, f"/resources/{_segment(resource_id)}/sections", Section)

    def resource_users(self, resource_id: str, role: str | None = None) -> ListQuery[User]:
        params = _role(role, SECTION_USER_ROLES, "/resources/{id}/users")
        return self._list(V3, f"/resources/{_segment(resource_id)}/users", User, params)

    # ---- v2.1 people ---------------------------------------------------------------------------------

    def students(self) -> ListQuery[V2Student]:
        return self._list(V2, "/students", V2Student)

    def student(self, student_id: str) -> SingleQuery[V2Student]:
        return self._one(V2, f"/students/{_segment(student_id)}", V2Student)

    def student_contacts(self, student_id: str) -> ListQuery[V2Contact]:
        return self._list(V2, f"/students/{_segment(student_id)}/contacts", V2Contact)

    def student_district(self, student_id: str) -> SingleQuery[District]:
        return self._one(V2, f"/students/{_segment(student_id)}/district", District)

    def student_school(self, student_id: str) -> SingleQuery[School]:
        return self._one(V2, f"/students/{_segment(student_id)}/school", School)

    def student_schools(self, student_id: str) -> ListQuery[School]:
        return self._list(V2, f"/students/{_segment(student_id)}/schools", School)

    def student_sections(self, student_id: str) -> ListQuery[Section]:
        return self._list(V2, f"/students/{_segment(student_id)}/sections", Section)

    def student_teachers(self, student_id: str) -> ListQuery[V2Teacher]:
        return self._list(V2, f"/students/{_segment(student_id)}/teachers", V2Teacher)

    def teachers(self) -> ListQuery[V2Teacher]:
        return self._list(V2, "/teachers", V2Teacher)

    def teacher(self, teacher_id: str) -> SingleQuery[V2Teacher]:
        return self._one(V2, f"/teachers/{_segment(teacher_id)}", V2Teacher)

    def teacher_district(self, teacher_id: str) -> SingleQuery[District]:
        return self._one(V2, f"/teachers/{_segment(teacher_id)}/district", District)

    def teacher_school(self, teacher_id: str) -> SingleQuery[School]:
        return self._one(V2, f"/teachers/{_segment(teacher_id)}/school", School)

    def teacher_schools(self, teacher_id: str) -> ListQuery[School]:
        return self._list(V2, f"/teachers/{_segment(teacher_id)}/schools", School)

    def teacher_sections(self, teacher_id: str) -> ListQuery[Section]:
        return self._list(V2, f"/teachers/{_segment(teacher_id)}/sections", Section)

    def teacher_students(self, teacher_id: str) -> ListQuery[V2Student]:
        return self._list(V2, f"/teachers/{_segment(teacher_id)}/students", V2Student)

    def school_admins(self) -> ListQuery[V2SchoolAdmin]:
        return self._list(V2, "/school_admins", V2SchoolAdmin)

    def school_admin(self, admin_id: str) -> SingleQuery[V2SchoolAdmin]:
        return self._one(V2, f"/school_admins/{_segment(admin_id)}", V2SchoolAdmin)

    def school_admin_district(self, admin_id: str) -> SingleQuery[District]:
        return self._one(V2, f"/school_admins/{_segment(admin_id)}/district", District)

    def school_admin_schools(self, admin_id: str) -> ListQuery[School]:
        return self._list(V2, f"/school_admins/{_segment(admin_id)}/schools", School)

    def district_admins(self) -> ListQuery[V2DistrictAdmin]:
        return self._list(V2, "/district_admins", V2DistrictAdmin)

    def district_admin(self, admin_id: str) -> SingleQuery[V2DistrictAdmin]:
        return self._one(V2, f"/district_admins/{_segment(admin_id)}", V2DistrictAdmin)

    def district_admin_district(self, admin_id: str) -> SingleQuery[District]:
        return self._one(V2, f"/district_admins/{_segment(admin_id)}/district", District)

    def contacts(self) -> ListQuery[V2Contact]:
        return self._list(V2, "/contacts", V2Contact)

    def contact(self, contact_id: str) -> SingleQuery[V2Contact]:
        return self._one(V2, f"/contacts/{_segment(contact_id)}", V2Contact)

    def contact_district(self, contact_id: str) -> SingleQuery[District]:
        return self._one(V2, f"/contacts/{_segment(contact_id)}/district", District)

    def contact_students(self, contact_id: str) -> ListQuery[V2Student]:
        return self._list(V2, f"/contacts/{_segment(contact_id)}/students", V2Student)

    def school_students(self, school_id: str) -> ListQuery[V2Student]:
        return self._list(V2, f"/schools/{_segment(school_id)}/students", V2Student)

    def school_teachers(self, school_id: str) -> ListQuery[V2Teacher]:
        return self._list(V2, f"/schools/{_segment(school_id)}/teachers", V2Teacher)

    def section_students(self, section_id: str) -> ListQuery[V2Student]:
        return self._list(V2, f"/sections/{_segment(section_id)}/students", V2Student)

    def section_teacher(self, section_id: str) -> SingleQuery[V2Teacher]:
        return self._one(V2, f"/sections/{_segment(section_id)}/teacher", V2Teacher)

    def section_teachers(self, section_id: str) -> ListQuery[V2Teacher]:
        return self._list(V2, f"/sections/{_segment(section_id)}/teachers", V2Teacher)

    # ---- events --------------------------------------------------------------------------------------

    def events(self, record_types: Iterable[str] = (), school: str | None = None) -> ListQuery[Event]:
        """`/events`, filtered by record types (`users`, … in v3; `students`, … in v2.1) and by school."""
        known = EVENT_RECORD_TYPES[self.version]
        params: list[tuple[str, str]] = []
        if school is not None:
            if not school.strip():
                raise UsageError("a school id cannot be empty")
            params.append(("school", school))
        for record_type in record_types:
            if record_type not in known:
                expected = ", ".join(known)
                raise UsageError(
                    f"record type {record_type!r} has no events in API {self.version}; "
                    f"expected one of {expected}"
                )
            params.append(("record_type", record_type))
        return ListQuery(f"/{self.version}/events", Event, tuple(params))

    def event(self, event_id: str) -> SingleQuery[Event]:
        return self._one(ALL, f"/events/{_segment(event_id)}", Event)

    # ---- compositions of the endpoints above (not endpoints themselves) ------------------------------

    def v2_person(self, role: RoleName, legacy_id: str) -> SingleQuery[V2Person]:
        """The v2.1 record one role of a person was: `/v2.1/<the role's collection>/<its legacy id>`."""
        kind: type[V2Person] = V2_RECORD_OF_ROLE[role]
        return self._one(V2, f"/{V2_COLLECTION_OF_ROLE[role]}/{_segment(legacy_id)}", kind)
