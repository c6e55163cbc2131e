"""`AsyncCleverClient`: the asyncio client, with the same endpoint table and the same verbs as
`CleverClient` (awaited), bounded concurrency, and `fetch_all`, which pulls a district's independent
collections at the same time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

import httpx

from rollcall.client.base_client import ClientBase, decode_events, first_district, latest_id
from rollcall.client.me import Me, MeIdentity
from rollcall.client.options import AsyncOptions, HttpOptions, decode_me
from rollcall.client.page_walk import Page, decode_list, decode_single
from rollcall.client.queries import ListQuery, SingleQuery
from rollcall.client.session import AsyncSession
from rollcall.domain.district import Course, District, School, Section, Term
from rollcall.domain.user import User
from rollcall.domain.v2 import V2Person, V2PersonType

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


class AsyncCleverClient(ClientBase[AsyncOptions, AsyncSession]):
    """The asyncio Clever client. At most `options.concurrency` requests are in flight at once; use it as an
    async context manager (one keep-alive connection pool per run)."""

    def _connect(self, auth: httpx.Auth, options: AsyncOptions | None) -> AsyncSession:
        return AsyncSession(auth, options or HttpOptions(), self.base_url)

    async def __aenter__(self) -> AsyncCleverClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._session.aclose()

    # ---- the generic verbs: every endpoint of `self.endpoints` goes through these -----------------------

    def iter_pages(
        self, query: ListQuery[T], *, limit: int | None = None, starting_after: str | None = None,
        resume_url: str | None = None,
    ) -> AsyncIterator[Page[T]]:  # fmt: skip
        """Every page of `query`, following `links[rel=next]` (see `CleverClient.iter_pages`)."""
        return self._walk(query, self._first_url(query, limit, starting_after, resume_url))

    async def _walk(self, query: ListQuery[T], url: str | None) -> AsyncIterator[Page[T]]:
        while url is not None:
            page = self._page(url, await self._session.request(url, partial(decode_list, query.kind)))
            yield page
            url = page.info.next_url

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
        return (await self._session.request(query.path, lambda body: decode_single(query.kind, body))).data

    # ---- verbs with a rule of their own -----------------------------------------------------------------

    async def get_district(self, district_id: str | None = None) -> District:
        """The district `district_id`, or (without an id) the one district the token reaches."""
        if district_id is not None:
            return await self.get(self.endpoints.district(district_id))
        districts = self.endpoints.districts()
        found = await anext(self.iter(districts), None)
        return first_district(found, self.base_url + districts.path)

    async def latest_event_id(self) -> str | None:
        """The newest event's id (`GET /events?ending_before=last&limit=1`), `None` when there are none."""
        return latest_id(await self._session.request(self._latest_event_url(), decode_events))

    async def me_identity(self) -> MeIdentity:
        """`/me` of this client's version: whose token this is (the SSO login context)."""
        return (await self._session.request(self._me_path(), decode_me)).data

    async def me(self) -> Me:
        """The signed-in person: `/me`, then `/users/{id}` for the full multi-role user (v3 only)."""
        identity = (await self._session.request(self._me_path(whole_user=True), decode_me)).data
        return Me(identity=identity, user=await self.get(self.endpoints.user(identity.id)))

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
        table = self.endpoints
        async with asyncio.TaskGroup() as group:
            district = group.create_task(self.get_district())
            schools = group.create_task(self.collect(table.schools()))
            terms = group.create_task(self.collect(table.terms()))
            courses = group.create_task(self.collect(table.courses()))
            sections = group.create_task(self.collect(table.sections()))
            people: dict[V2PersonType, asyncio.Task[list[V2Person]]] = {}
            users: asyncio.Task[list[User]] | None = None
            if self.api_version == "v2.1":
                people = {
                    "students": group.create_task(self._people(table.students())),
                    "teachers": group.create_task(self._people(table.teachers())),
                    "school_admins": group.create_task(self._people(table.school_admins())),
                    "district_admins": group.create_task(self._people(table.district_admins())),
                    "contacts": group.create_task(self._people(table.contacts())),
                }
            else:
                users = group.create_task(self.collect(table.users()))
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
