"""`AsyncCleverClient`: the asyncio twin of `CleverClient` (same methods, awaited), with bounded concurrency
and `fetch_all`, which pulls a district's independent collections at the same time."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import TypeVar

import httpx

from rollcall.client import queries as q
from rollcall.client.identity import Me, MeIdentity
from rollcall.client.options import check_page_size, decode_me, resolve_version, start_url, v3_only
from rollcall.client.pages import Page, decode_list, decode_single, first_page_url, make_page, next_page_url
from rollcall.client.queries import ListQuery, SingleQuery
from rollcall.client.retry import RetryPolicy
from rollcall.client.session import (
    DEFAULT_BASE_URL,
    DEFAULT_TIMEOUT,
    USER_AGENT,
    AsyncSession,
    AsyncSleep,
    BearerAuth,
)
from rollcall.domain.district import Course, District, Resource, School, Section, Term
from rollcall.domain.event import Event
from rollcall.domain.paging import MAX_LIMIT
from rollcall.domain.timestamps import Clock
from rollcall.domain.user import User
from rollcall.domain.v2 import (
    V2Contact,
    V2DistrictAdmin,
    V2Person,
    V2PersonType,
    V2SchoolAdmin,
    V2Student,
    V2Teacher,
)
from rollcall.errors import NotFound

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class DistrictPull:
    """Everything a full sync reads, fetched concurrently: v3 `users`, or the v2.1 people by collection."""

    district: District
    schools: list[School]
    terms: list[Term]
    courses: list[Course]
    sections: list[Section]
    users: list[User] = field(default_factory=list)
    v2_people: dict[V2PersonType, list[V2Person]] = field(default_factory=dict)


class AsyncCleverClient:
    """The asyncio Clever client. At most `concurrency` requests are in flight at once; use it as an async
    context manager (one keep-alive connection pool per run)."""

    def __init__(
        self,
        token: str,
        *,
        api_version: str = "v3.1",
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        page_size: int = MAX_LIMIT,
        concurrency: int = 4,
        clock: Clock | None = None,
        sleep: AsyncSleep | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.api_version = resolve_version(api_version)
        self.page_size = check_page_size(page_size)
        self.base_url = base_url.rstrip("/")
        http = httpx.AsyncClient(
            base_url=self.base_url,
            auth=BearerAuth(token),
            transport=transport,
            timeout=timeout,
            headers={"Accept": "application/json", "User-Agent": USER_AGENT},
        )
        self._session = AsyncSession(
            http, policy=retry or RetryPolicy(), concurrency=concurrency, clock=clock, sleep=sleep, rng=rng
        )

    def __repr__(self) -> str:
        return f"AsyncCleverClient(base_url={self.base_url!r}, api_version={self.api_version!r})"

    async def __aenter__(self) -> AsyncCleverClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._session.aclose()

    # ---- the generic layer ------------------------------------------------------------------------------

    def iter_pages(
        self,
        query: ListQuery[T],
        *,
        limit: int | None = None,
        starting_after: str | None = None,
        resume_url: str | None = None,
    ) -> AsyncIterator[Page[T]]:
        """Every page of `query`, following `links[rel=next]` (see `CleverClient.iter_pages`)."""
        size = self.page_size if limit is None else limit
        return self._walk(query, start_url(self.base_url, query, size, starting_after, resume_url))

    async def _walk(self, query: ListQuery[T], first: str) -> AsyncIterator[Page[T]]:
        url: str | None = first
        while url is not None:
            envelope = await self._session.request(url, lambda body: decode_list(query.kind, body))
            following = next_page_url(envelope, url, self.base_url)
            yield make_page(envelope, url, following)
            url = following

    def iter(
        self, query: ListQuery[T], *, limit: int | None = None, starting_after: str | None = None
    ) -> AsyncIterator[T]:
        """Every record of `query`, lazily across pages."""
        return _records(self.iter_pages(query, limit=limit, starting_after=starting_after))

    async def collect(self, query: ListQuery[T]) -> list[T]:
        """Every record of `query` in a list."""
        return [record async for record in self.iter(query)]

    async def get(self, query: SingleQuery[T]) -> T:
        """The one record of `query`; `NotFound` when it does not exist or is not shared."""
        envelope = await self._session.request(query.path, lambda body: decode_single(query.kind, body))
        return envelope.data

    # ---- v3 users ---------------------------------------------------------------------------------------

    def iter_users(self, role: str | None = None) -> AsyncIterator[User]:
        return self.iter(q.users(self.api_version, role))

    async def get_user(self, user_id: str) -> User:
        return await self.get(q.user(self.api_version, user_id))

    async def get_user_district(self, user_id: str) -> District:
        return await self.get(q.user_district(self.api_version, user_id))

    def iter_user_schools(self, user_id: str, primary: bool = False) -> AsyncIterator[School]:
        return self.iter(q.user_schools(self.api_version, user_id, primary))

    def iter_user_sections(self, user_id: str) -> AsyncIterator[Section]:
        return self.iter(q.user_sections(self.api_version, user_id))

    def iter_user_resources(self, user_id: str) -> AsyncIterator[Resource]:
        return self.iter(q.user_resources(self.api_version, user_id))

    def iter_my_contacts(self, user_id: str) -> AsyncIterator[User]:
        return self.iter(q.my_contacts(self.api_version, user_id))

    def iter_my_students(self, user_id: str) -> AsyncIterator[User]:
        return self.iter(q.my_students(self.api_version, user_id))

    def iter_my_teachers(self, user_id: str) -> AsyncIterator[User]:
        return self.iter(q.my_teachers(self.api_version, user_id))

    # ---- districts, schools, sections, terms, courses ----------------------------------------------------

    def iter_districts(self) -> AsyncIterator[District]:
        return self.iter(q.districts(self.api_version))

    async def get_district(self, district_id: str | None = None) -> District:
        """The district `district_id`, or (without an id) the one district the token reaches."""
        if district_id is not None:
            return await self.get(q.district(self.api_version, district_id))
        found = await self.collect(q.districts(self.api_version))
        if found:
            return found[0]
        raise NotFound(f"GET /{self.api_version}/districts returned no district for this token")

    def iter_schools(self) -> AsyncIterator[School]:
        return self.iter(q.schools(self.api_version))

    async def get_school(self, school_id: str) -> School:
        return await self.get(q.school(self.api_version, school_id))

    async def get_school_district(self, school_id: str) -> District:
        return await self.get(q.school_district(self.api_version, school_id))

    def iter_school_users(
        self, school_id: str, role: str | None = None, primary: bool = False
    ) -> AsyncIterator[User]:
        return self.iter(q.school_users(self.api_version, school_id, role, primary))

    def iter_school_sections(self, school_id: str) -> AsyncIterator[Section]:
        return self.iter(q.school_sections(self.api_version, school_id))

    def iter_school_terms(self, school_id: str) -> AsyncIterator[Term]:
        return self.iter(q.school_terms(self.api_version, school_id))

    def iter_school_courses(self, school_id: str) -> AsyncIterator[Course]:
        return self.iter(q.school_courses(self.api_version, school_id))

    def iter_sections(self) -> AsyncIterator[Section]:
        return self.iter(q.sections(self.api_version))

    async def get_section(self, section_id: str) -> Section:
        return await self.get(q.section(self.api_version, section_id))

    def iter_section_users(self, section_id: str, role: str | None = None) -> AsyncIterator[User]:
        return self.iter(q.section_users(self.api_version, section_id, role))

    async def get_section_course(self, section_id: str) -> Course:
        return await self.get(q.section_course(self.api_version, section_id))

    async def get_section_district(self, section_id: str) -> District:
        return await self.get(q.section_district(self.api_version, section_id))

    async def get_section_school(self, section_id: str) -> School:
        return await self.get(q.section_school(self.api_version, section_id))

    async def get_section_term(self, section_id: str) -> Term:
        return await self.get(q.section_term(self.api_version, section_id))

    def iter_section_resources(self, section_id: str) -> AsyncIterator[Resource]:
        return self.iter(q.section_resources(self.api_version, section_id))

    def iter_terms(self) -> AsyncIterator[Term]:
        return self.iter(q.terms(self.api_version))

    async def get_term(self, term_id: str) -> Term:
        return await self.get(q.term(self.api_version, term_id))

    async def get_term_district(self, term_id: str) -> District:
        return await self.get(q.term_district(self.api_version, term_id))

    def iter_term_schools(self, term_id: str) -> AsyncIterator[School]:
        return self.iter(q.term_schools(self.api_version, term_id))

    def iter_term_sections(self, term_id: str) -> AsyncIterator[Section]:
        return self.iter(q.term_sections(self.api_version, term_id))

    def iter_courses(self) -> AsyncIterator[Course]:
        return self.iter(q.courses(self.api_version))

    async def get_course(self, course_id: str) -> Course:
        return await self.get(q.course(self.api_version, course_id))

    async def get_course_district(self, course_id: str) -> District:
        return await self.get(q.course_district(self.api_version, course_id))

    def iter_course_schools(self, course_id: str) -> AsyncIterator[School]:
        return self.iter(q.course_schools(self.api_version, course_id))

    def iter_course_sections(self, course_id: str) -> AsyncIterator[Section]:
        return self.iter(q.course_sections(self.api_version, course_id))

    def iter_course_resources(self, course_id: str) -> AsyncIterator[Resource]:
        return self.iter(q.course_resources(self.api_version, course_id))

    # ---- v3 resources -----------------------------------------------------------------------------------

    def iter_resources(self) -> AsyncIterator[Resource]:
        return self.iter(q.resources(self.api_version))

    async def get_resource(self, resource_id: str) -> Resource:
        return await self.get(q.resource(self.api_version, resource_id))

    def iter_resource_courses(self, resource_id: str) -> AsyncIterator[Course]:
        return self.iter(q.resource_courses(self.api_version, resource_id))

    def iter_resource_sections(self, resource_id: str) -> AsyncIterator[Section]:
        return self.iter(q.resource_sections(self.api_version, resource_id))

    def iter_resource_users(self, resource_id: str, role: str | None = None) -> AsyncIterator[User]:
        return self.iter(q.resource_users(self.api_version, resource_id, role))

    # ---- v2.1 people ------------------------------------------------------------------------------------

    def iter_students(self) -> AsyncIterator[V2Student]:
        return self.iter(q.students(self.api_version))

    async def get_student(self, student_id: str) -> V2Student:
        return await self.get(q.student(self.api_version, student_id))

    def iter_student_contacts(self, student_id: str) -> AsyncIterator[V2Contact]:
        return self.iter(q.student_contacts(self.api_version, student_id))

    async def get_student_district(self, student_id: str) -> District:
        return await self.get(q.student_district(self.api_version, student_id))

    async def get_student_school(self, student_id: str) -> School:
        return await self.get(q.student_school(self.api_version, student_id))

    def iter_student_schools(self, student_id: str) -> AsyncIterator[School]:
        return self.iter(q.student_schools(self.api_version, student_id))

    def iter_student_sections(self, student_id: str) -> AsyncIterator[Section]:
        return self.iter(q.student_sections(self.api_version, student_id))

    def iter_student_teachers(self, student_id: str) -> AsyncIterator[V2Teacher]:
        return self.iter(q.student_teachers(self.api_version, student_id))

    def iter_teachers(self) -> AsyncIterator[V2Teacher]:
        return self.iter(q.teachers(self.api_version))

    async def get_teacher(self, teacher_id: str) -> V2Teacher:
        return await self.get(q.teacher(self.api_version, teacher_id))

    async def get_teacher_district(self, teacher_id: str) -> District:
        return await self.get(q.teacher_district(self.api_version, teacher_id))

    async def get_teacher_school(self, teacher_id: str) -> School:
        return await self.get(q.teacher_school(self.api_version, teacher_id))

    def iter_teacher_schools(self, teacher_id: str) -> AsyncIterator[School]:
        return self.iter(q.teacher_schools(self.api_version, teacher_id))

    def iter_teacher_sections(self, teacher_id: str) -> AsyncIterator[Section]:
        return self.iter(q.teacher_sections(self.api_version, teacher_id))

    def iter_teacher_students(self, teacher_id: str) -> AsyncIterator[V2Student]:
        return self.iter(q.teacher_students(self.api_version, teacher_id))

    def iter_school_admins(self) -> AsyncIterator[V2SchoolAdmin]:
        return self.iter(q.school_admins(self.api_version))

    async def get_school_admin(self, admin_id: str) -> V2SchoolAdmin:
        return await self.get(q.school_admin(self.api_version, admin_id))

    async def get_school_admin_district(self, admin_id: str) -> District:
        return await self.get(q.school_admin_district(self.api_version, admin_id))

    def iter_school_admin_schools(self, admin_id: str) -> AsyncIterator[School]:
        return self.iter(q.school_admin_schools(self.api_version, admin_id))

    def iter_district_admins(self) -> AsyncIterator[V2DistrictAdmin]:
        return self.iter(q.district_admins(self.api_version))

    async def get_district_admin(self, admin_id: str) -> V2DistrictAdmin:
        return await self.get(q.district_admin(self.api_version, admin_id))

    async def get_district_admin_district(self, admin_id: str) -> District:
        return await self.get(q.district_admin_district(self.api_version, admin_id))

    def iter_contacts(self) -> AsyncIterator[V2Contact]:
        return self.iter(q.contacts(self.api_version))

    async def get_contact(self, contact_id: str) -> V2Contact:
        return await self.get(q.contact(self.api_version, contact_id))

    async def get_contact_district(self, contact_id: str) -> District:
        return await self.get(q.contact_district(self.api_version, contact_id))

    def iter_contact_students(self, contact_id: str) -> AsyncIterator[V2Student]:
        return self.iter(q.contact_students(self.api_version, contact_id))

    def iter_school_students(self, school_id: str) -> AsyncIterator[V2Student]:
        return self.iter(q.school_students(self.api_version, school_id))

    def iter_school_teachers(self, school_id: str) -> AsyncIterator[V2Teacher]:
        return self.iter(q.school_teachers(self.api_version, school_id))

    def iter_section_students(self, section_id: str) -> AsyncIterator[V2Student]:
        return self.iter(q.section_students(self.api_version, section_id))

    async def get_section_teacher(self, section_id: str) -> V2Teacher:
        return await self.get(q.section_teacher(self.api_version, section_id))

    def iter_section_teachers(self, section_id: str) -> AsyncIterator[V2Teacher]:
        return self.iter(q.section_teachers(self.api_version, section_id))

    # ---- events -----------------------------------------------------------------------------------------

    def iter_event_pages(
        self,
        starting_after: str | None = None,
        record_types: Iterable[str] = (),
        school: str | None = None,
        *,
        limit: int | None = None,
    ) -> AsyncIterator[Page[Event]]:
        """Pages of events after `starting_after`, oldest first; store `info.last_id` after applying each."""
        return self.iter_pages(
            q.events(self.api_version, record_types, school), limit=limit, starting_after=starting_after
        )

    def iter_events(
        self, starting_after: str | None = None, record_types: Iterable[str] = (), school: str | None = None
    ) -> AsyncIterator[Event]:
        return _records(self.iter_event_pages(starting_after, record_types, school))

    async def get_event(self, event_id: str) -> Event:
        return await self.get(q.event(self.api_version, event_id))

    async def latest_event_id(self) -> str | None:
        """The newest event's id (`GET /events?ending_before=last&limit=1`), `None` when there are none."""
        query = q.events(self.api_version)
        url = first_page_url(query.path, (), 1, ending_before="last")
        envelope = await self._session.request(url, lambda body: decode_list(Event, body))
        return envelope.data[-1].data.id if envelope.data else None

    # ---- identity ---------------------------------------------------------------------------------------

    async def me_identity(self) -> MeIdentity:
        """`/me` of this client's version: whose token this is (the SSO login context)."""
        return (await self._session.request(f"/{self.api_version}/me", decode_me)).data

    async def me(self) -> Me:
        """The signed-in person: `/me`, then `/users/{id}` for the full multi-role user (v3 only)."""
        v3_only(self.api_version, "me()")
        identity = await self.me_identity()
        return Me(identity=identity, user=await self.get_user(identity.id))

    # ---- the whole district -------------------------------------------------------------------------------

    async def fetch_all(self) -> DistrictPull:
        """The district and all its schools, terms, courses, sections and people, the collections fetched
        concurrently (each collection still walks its pages in order)."""
        try:
            return await self._fetch_all()
        except ExceptionGroup as failed:
            # Callers (and the CLI) handle rollcall's errors, not groups of them: the first failure stands
            # for the pull; the others were cancelled along with it or failed the same way.
            raise _first_leaf(failed) from failed

    async def _fetch_all(self) -> DistrictPull:
        version = self.api_version
        async with asyncio.TaskGroup() as group:
            district = group.create_task(self.get_district())
            schools = group.create_task(self.collect(q.schools(version)))
            terms = group.create_task(self.collect(q.terms(version)))
            courses = group.create_task(self.collect(q.courses(version)))
            sections = group.create_task(self.collect(q.sections(version)))
            people: dict[V2PersonType, asyncio.Task[list[V2Person]]] = {}
            users: asyncio.Task[list[User]] | None = None
            if version == "v2.1":
                people = {
                    "students": group.create_task(self._people(q.students(version))),
                    "teachers": group.create_task(self._people(q.teachers(version))),
                    "school_admins": group.create_task(self._people(q.school_admins(version))),
                    "district_admins": group.create_task(self._people(q.district_admins(version))),
                    "contacts": group.create_task(self._people(q.contacts(version))),
                }
            else:
                users = group.create_task(self.collect(q.users(version)))
        v2_people: dict[V2PersonType, list[V2Person]] = {kind: task.result() for kind, task in people.items()}
        return DistrictPull(
            district=district.result(),
            schools=schools.result(),
            terms=terms.result(),
            courses=courses.result(),
            sections=sections.result(),
            users=users.result() if users is not None else [],
            v2_people=v2_people,
        )

    async def _people(self, query: ListQuery[T]) -> list[V2Person]:
        return [record async for record in self.iter(query) if isinstance(record, V2Person)]


async def _records(pages: AsyncIterator[Page[T]]) -> AsyncIterator[T]:
    async for page in pages:
        for record in page.records:
            yield record


def _first_leaf(group: BaseExceptionGroup[Exception]) -> Exception:
    first = group.exceptions[0]
    return _first_leaf(first) if isinstance(first, BaseExceptionGroup) else first
