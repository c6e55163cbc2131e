"""`CleverClient`: the blocking, typed Clever API client. Every collection and relation of v2.1, v3.0 and
v3.1 as lazy `iter_*` iterators and `get_*` lookups, page-level iteration for checkpoints, events, `/me`."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import TypeVar

import httpx

from rollcall.client import queries as q
from rollcall.client.identity import Me, MeIdentity
from rollcall.client.options import check_page_size, decode_me, resolve_version, start_url, v3_only
from rollcall.client.pages import (
    Page,
    decode_list,
    decode_single,
    first_page_url,
    make_page,
    next_page_url,
)
from rollcall.client.queries import ListQuery, SingleQuery
from rollcall.client.retry import RetryPolicy
from rollcall.client.session import (
    DEFAULT_BASE_URL,
    DEFAULT_TIMEOUT,
    USER_AGENT,
    BearerAuth,
    Sleep,
    SyncSession,
)
from rollcall.domain.district import Course, District, Resource, School, Section, Term
from rollcall.domain.event import Event
from rollcall.domain.paging import MAX_LIMIT
from rollcall.domain.timestamps import Clock
from rollcall.domain.user import User
from rollcall.domain.v2 import V2Contact, V2DistrictAdmin, V2SchoolAdmin, V2Student, V2Teacher
from rollcall.errors import NotFound

T = TypeVar("T")


class CleverClient:
    """A Clever API client for one token and one API version. Use it as a context manager (one keep-alive
    connection pool per run). `transport` is the seam the emulator plugs into for in-process tests."""

    def __init__(
        self,
        token: str,
        *,
        api_version: str = "v3.1",
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        page_size: int = MAX_LIMIT,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.api_version = resolve_version(api_version)
        self.page_size = check_page_size(page_size)
        self.base_url = base_url.rstrip("/")
        http = httpx.Client(
            base_url=self.base_url,
            auth=BearerAuth(token),
            transport=transport,
            timeout=timeout,
            headers={"Accept": "application/json", "User-Agent": USER_AGENT},
        )
        self._session = SyncSession(http, policy=retry or RetryPolicy(), clock=clock, sleep=sleep, rng=rng)

    def __repr__(self) -> str:
        return f"CleverClient(base_url={self.base_url!r}, api_version={self.api_version!r})"

    def __enter__(self) -> CleverClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._session.close()

    # ---- the generic layer ------------------------------------------------------------------------------

    def iter_pages(
        self,
        query: ListQuery[T],
        *,
        limit: int | None = None,
        starting_after: str | None = None,
        resume_url: str | None = None,
    ) -> Iterator[Page[T]]:
        """Every page of `query`, following `links[rel=next]`. `resume_url` restarts a walk from a stored
        `PageInfo.next_url` checkpoint. Stops on a page without `next` or with no records."""
        size = self.page_size if limit is None else limit
        return self._walk(query, start_url(self.base_url, query, size, starting_after, resume_url))

    def _walk(self, query: ListQuery[T], first: str) -> Iterator[Page[T]]:
        url: str | None = first
        while url is not None:
            envelope = self._session.request(url, lambda body: decode_list(query.kind, body))
            following = next_page_url(envelope, url, self.base_url)
            yield make_page(envelope, url, following)
            url = following

    def iter(
        self, query: ListQuery[T], *, limit: int | None = None, starting_after: str | None = None
    ) -> Iterator[T]:
        """Every record of `query`, lazily across pages."""
        return _records(self.iter_pages(query, limit=limit, starting_after=starting_after))

    def get(self, query: SingleQuery[T]) -> T:
        """The one record of `query`; `NotFound` when it does not exist or is not shared."""
        return self._session.request(query.path, lambda body: decode_single(query.kind, body)).data

    # ---- v3 users ---------------------------------------------------------------------------------------

    def iter_users(self, role: str | None = None) -> Iterator[User]:
        return self.iter(q.users(self.api_version, role))

    def get_user(self, user_id: str) -> User:
        return self.get(q.user(self.api_version, user_id))

    def get_user_district(self, user_id: str) -> District:
        return self.get(q.user_district(self.api_version, user_id))

    def iter_user_schools(self, user_id: str, primary: bool = False) -> Iterator[School]:
        return self.iter(q.user_schools(self.api_version, user_id, primary))

    def iter_user_sections(self, user_id: str) -> Iterator[Section]:
        return self.iter(q.user_sections(self.api_version, user_id))

    def iter_user_resources(self, user_id: str) -> Iterator[Resource]:
        return self.iter(q.user_resources(self.api_version, user_id))

    def iter_my_contacts(self, user_id: str) -> Iterator[User]:
        return self.iter(q.my_contacts(self.api_version, user_id))

    def iter_my_students(self, user_id: str) -> Iterator[User]:
        return self.iter(q.my_students(self.api_version, user_id))

    def iter_my_teachers(self, user_id: str) -> Iterator[User]:
        return self.iter(q.my_teachers(self.api_version, user_id))

    # ---- districts, schools, sections, terms, courses ----------------------------------------------------

    def iter_districts(self) -> Iterator[District]:
        return self.iter(q.districts(self.api_version))

    def get_district(self, district_id: str | None = None) -> District:
        """The district `district_id`, or (without an id) the one district the token reaches."""
        if district_id is not None:
            return self.get(q.district(self.api_version, district_id))
        for found in self.iter_districts():
            return found
        raise NotFound(f"GET /{self.api_version}/districts returned no district for this token")

    def iter_schools(self) -> Iterator[School]:
        return self.iter(q.schools(self.api_version))

    def get_school(self, school_id: str) -> School:
        return self.get(q.school(self.api_version, school_id))

    def get_school_district(self, school_id: str) -> District:
        return self.get(q.school_district(self.api_version, school_id))

    def iter_school_users(
        self, school_id: str, role: str | None = None, primary: bool = False
    ) -> Iterator[User]:
        return self.iter(q.school_users(self.api_version, school_id, role, primary))

    def iter_school_sections(self, school_id: str) -> Iterator[Section]:
        return self.iter(q.school_sections(self.api_version, school_id))

    def iter_school_terms(self, school_id: str) -> Iterator[Term]:
        return self.iter(q.school_terms(self.api_version, school_id))

    def iter_school_courses(self, school_id: str) -> Iterator[Course]:
        return self.iter(q.school_courses(self.api_version, school_id))

    def iter_sections(self) -> Iterator[Section]:
        return self.iter(q.sections(self.api_version))

    def get_section(self, section_id: str) -> Section:
        return self.get(q.section(self.api_version, section_id))

    def iter_section_users(self, section_id: str, role: str | None = None) -> Iterator[User]:
        return self.iter(q.section_users(self.api_version, section_id, role))

    def get_section_course(self, section_id: str) -> Course:
        return self.get(q.section_course(self.api_version, section_id))

    def get_section_district(self, section_id: str) -> District:
        return self.get(q.section_district(self.api_version, section_id))

    def get_section_school(self, section_id: str) -> School:
        return self.get(q.section_school(self.api_version, section_id))

    def get_section_term(self, section_id: str) -> Term:
        return self.get(q.section_term(self.api_version, section_id))

    def iter_section_resources(self, section_id: str) -> Iterator[Resource]:
        return self.iter(q.section_resources(self.api_version, section_id))

    def iter_terms(self) -> Iterator[Term]:
        return self.iter(q.terms(self.api_version))

    def get_term(self, term_id: str) -> Term:
        return self.get(q.term(self.api_version, term_id))

    def get_term_district(self, term_id: str) -> District:
        return self.get(q.term_district(self.api_version, term_id))

    def iter_term_schools(self, term_id: str) -> Iterator[School]:
        return self.iter(q.term_schools(self.api_version, term_id))

    def iter_term_sections(self, term_id: str) -> Iterator[Section]:
        return self.iter(q.term_sections(self.api_version, term_id))

    def iter_courses(self) -> Iterator[Course]:
        return self.iter(q.courses(self.api_version))

    def get_course(self, course_id: str) -> Course:
        return self.get(q.course(self.api_version, course_id))

    def get_course_district(self, course_id: str) -> District:
        return self.get(q.course_district(self.api_version, course_id))

    def iter_course_schools(self, course_id: str) -> Iterator[School]:
        return self.iter(q.course_schools(self.api_version, course_id))

    def iter_course_sections(self, course_id: str) -> Iterator[Section]:
        return self.iter(q.course_sections(self.api_version, course_id))

    def iter_course_resources(self, course_id: str) -> Iterator[Resource]:
        return self.iter(q.course_resources(self.api_version, course_id))

    # ---- v3 resources -----------------------------------------------------------------------------------

    def iter_resources(self) -> Iterator[Resource]:
        return self.iter(q.resources(self.api_version))

    def get_resource(self, resource_id: str) -> Resource:
        return self.get(q.resource(self.api_version, resource_id))

    def iter_resource_courses(self, resource_id: str) -> Iterator[Course]:
        return self.iter(q.resource_courses(self.api_version, resource_id))

    def iter_resource_sections(self, resource_id: str) -> Iterator[Section]:
        return self.iter(q.resource_sections(self.api_version, resource_id))

    def iter_resource_users(self, resource_id: str, role: str | None = None) -> Iterator[User]:
        return self.iter(q.resource_users(self.api_version, resource_id, role))

    # ---- v2.1 people ------------------------------------------------------------------------------------

    def iter_students(self) -> Iterator[V2Student]:
        return self.iter(q.students(self.api_version))

    def get_student(self, student_id: str) -> V2Student:
        return self.get(q.student(self.api_version, student_id))

    def iter_student_contacts(self, student_id: str) -> Iterator[V2Contact]:
        return self.iter(q.student_contacts(self.api_version, student_id))

    def get_student_district(self, student_id: str) -> District:
        return self.get(q.student_district(self.api_version, student_id))

    def get_student_school(self, student_id: str) -> School:
        return self.get(q.student_school(self.api_version, student_id))

    def iter_student_schools(self, student_id: str) -> Iterator[School]:
        return self.iter(q.student_schools(self.api_version, student_id))

    def iter_student_sections(self, student_id: str) -> Iterator[Section]:
        return self.iter(q.student_sections(self.api_version, student_id))

    def iter_student_teachers(self, student_id: str) -> Iterator[V2Teacher]:
        return self.iter(q.student_teachers(self.api_version, student_id))

    def iter_teachers(self) -> Iterator[V2Teacher]:
        return self.iter(q.teachers(self.api_version))

    def get_teacher(self, teacher_id: str) -> V2Teacher:
        return self.get(q.teacher(self.api_version, teacher_id))

    def get_teacher_district(self, teacher_id: str) -> District:
        return self.get(q.teacher_district(self.api_version, teacher_id))

    def get_teacher_school(self, teacher_id: str) -> School:
        return self.get(q.teacher_school(self.api_version, teacher_id))

    def iter_teacher_schools(self, teacher_id: str) -> Iterator[School]:
        return self.iter(q.teacher_schools(self.api_version, teacher_id))

    def iter_teacher_sections(self, teacher_id: str) -> Iterator[Section]:
        return self.iter(q.teacher_sections(self.api_version, teacher_id))

    def iter_teacher_students(self, teacher_id: str) -> Iterator[V2Student]:
        return self.iter(q.teacher_students(self.api_version, teacher_id))

    def iter_school_admins(self) -> Iterator[V2SchoolAdmin]:
        return self.iter(q.school_admins(self.api_version))

    def get_school_admin(self, admin_id: str) -> V2SchoolAdmin:
        return self.get(q.school_admin(self.api_version, admin_id))

    def get_school_admin_district(self, admin_id: str) -> District:
        return self.get(q.school_admin_district(self.api_version, admin_id))

    def iter_school_admin_schools(self, admin_id: str) -> Iterator[School]:
        return self.iter(q.school_admin_schools(self.api_version, admin_id))

    def iter_district_admins(self) -> Iterator[V2DistrictAdmin]:
        return self.iter(q.district_admins(self.api_version))

    def get_district_admin(self, admin_id: str) -> V2DistrictAdmin:
        return self.get(q.district_admin(self.api_version, admin_id))

    def get_district_admin_district(self, admin_id: str) -> District:
        return self.get(q.district_admin_district(self.api_version, admin_id))

    def iter_contacts(self) -> Iterator[V2Contact]:
        return self.iter(q.contacts(self.api_version))

    def get_contact(self, contact_id: str) -> V2Contact:
        return self.get(q.contact(self.api_version, contact_id))

    def get_contact_district(self, contact_id: str) -> District:
        return self.get(q.contact_district(self.api_version, contact_id))

    def iter_contact_students(self, contact_id: str) -> Iterator[V2Student]:
        return self.iter(q.contact_students(self.api_version, contact_id))

    def iter_school_students(self, school_id: str) -> Iterator[V2Student]:
        return self.iter(q.school_students(self.api_version, school_id))

    def iter_school_teachers(self, school_id: str) -> Iterator[V2Teacher]:
        return self.iter(q.school_teachers(self.api_version, school_id))

    def iter_section_students(self, section_id: str) -> Iterator[V2Student]:
        return self.iter(q.section_students(self.api_version, section_id))

    def get_section_teacher(self, section_id: str) -> V2Teacher:
        return self.get(q.section_teacher(self.api_version, section_id))

    def iter_section_teachers(self, section_id: str) -> Iterator[V2Teacher]:
        return self.iter(q.section_teachers(self.api_version, section_id))

    # ---- events -----------------------------------------------------------------------------------------

    def iter_event_pages(
        self,
        starting_after: str | None = None,
        record_types: Iterable[str] = (),
        school: str | None = None,
        *,
        limit: int | None = None,
    ) -> Iterator[Page[Event]]:
        """Pages of events after `starting_after`, oldest first; store `info.last_id` after applying each."""
        return self.iter_pages(
            q.events(self.api_version, record_types, school), limit=limit, starting_after=starting_after
        )

    def iter_events(
        self, starting_after: str | None = None, record_types: Iterable[str] = (), school: str | None = None
    ) -> Iterator[Event]:
        return _records(self.iter_event_pages(starting_after, record_types, school))

    def get_event(self, event_id: str) -> Event:
        return self.get(q.event(self.api_version, event_id))

    def latest_event_id(self) -> str | None:
        """The newest event's id (`GET /events?ending_before=last&limit=1`), `None` when there are none.
        Read it before a full sync, then poll `iter_events(starting_after=…)` from it."""
        query = q.events(self.api_version)
        url = first_page_url(query.path, (), 1, ending_before="last")
        envelope = self._session.request(url, lambda body: decode_list(Event, body))
        return envelope.data[-1].data.id if envelope.data else None

    # ---- identity ---------------------------------------------------------------------------------------

    def me_identity(self) -> MeIdentity:
        """`/me` of this client's version: whose token this is (the SSO login context)."""
        return self._session.request(f"/{self.api_version}/me", decode_me).data

    def me(self) -> Me:
        """The signed-in person: `/me`, then `/users/{id}` for the full multi-role user (v3 only)."""
        v3_only(self.api_version, "me()")
        identity = self.me_identity()
        return Me(identity=identity, user=self.get_user(identity.id))


def _records(pages: Iterator[Page[T]]) -> Iterator[T]:
    for page in pages:
        yield from page.records
