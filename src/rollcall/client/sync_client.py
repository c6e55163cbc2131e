"""`CleverClient`: the blocking, typed Clever API client. Every endpoint of v2.1, v3.0 and v3.1 is a value of
`client.endpoints` (the one table, bound to the client's version); `iter`, `iter_pages` and `get` send them
and decode typed records. Events, the token's district and `/me` have verbs of their own."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TypeVar

import httpx

from rollcall.client.base_client import ClientBase, decode_events, first_district, latest_id
from rollcall.client.me import Me, MeIdentity
from rollcall.client.options import HttpOptions, SyncOptions, decode_me
from rollcall.client.page_walk import Page, decode_list, decode_single
from rollcall.client.queries import ListQuery, SingleQuery
from rollcall.client.session import SyncSession
from rollcall.domain.district import District

T = TypeVar("T")


class CleverClient(ClientBase[SyncOptions, SyncSession]):
    """A Clever API client for one token and one API version. Use it as a context manager (one keep-alive
    connection pool per run). `options=HttpOptions(transport=…)` is the seam the emulator plugs into for
    in-process tests.

        with CleverClient(token) as clever:
            for user in clever.iter(clever.endpoints.users(role="teacher")):
                ...
    """

    def _connect(self, auth: httpx.Auth, options: SyncOptions | None) -> SyncSession:
        return SyncSession(auth, options or HttpOptions(), self.base_url)

    def __enter__(self) -> CleverClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._session.close()

    # ---- the generic verbs: every endpoint of `self.endpoints` goes through these -----------------------

    def iter_pages(
        self, query: ListQuery[T], *, limit: int | None = None, starting_after: str | None = None,
        resume_url: str | None = None,
    ) -> Iterator[Page[T]]:  # fmt: skip
        """Every page of `query`, following `links[rel=next]`. `resume_url` restarts a walk from a stored
        `PageInfo.next_url` checkpoint. Stops on a page without `next` or with no records."""
        return self._walk(query, self._first_url(query, limit, starting_after, resume_url))

    def _walk(self, query: ListQuery[T], url: str | None) -> Iterator[Page[T]]:
        while url is not None:
            page = self._page(url, self._session.request(url, partial(decode_list, query.kind)))
            yield page
            url = page.info.next_url

    def iter(
        self, query: ListQuery[T], *, limit: int | None = None, starting_after: str | None = None
    ) -> Iterator[T]:
        """Every record of `query`, lazily across pages."""
        return _records(self.iter_pages(query, limit=limit, starting_after=starting_after))

    def get(self, query: SingleQuery[T]) -> T:
        """The one record of `query`; `NotFound` when it does not exist or is not shared."""
        return self._session.request(query.path, lambda body: decode_single(query.kind, body)).data

    # ---- verbs with a rule of their own -----------------------------------------------------------------

    def get_district(self, district_id: str | None = None) -> District:
        """The district `district_id`, or (without an id) the one district the token reaches."""
        if district_id is not None:
            return self.get(self.endpoints.district(district_id))
        districts = self.endpoints.districts()
        return first_district(next(self.iter(districts), None), self.base_url + districts.path)

    def latest_event_id(self) -> str | None:
        """The newest event's id (`GET /events?ending_before=last&limit=1`), `None` when there are none.
        Read it before a full sync, then poll `iter(endpoints.events(), starting_after=…)` from it."""
        return latest_id(self._session.request(self._latest_event_url(), decode_events))

    def me_identity(self) -> MeIdentity:
        """`/me` of this client's version: whose token this is (the SSO login context)."""
        return self._session.request(self._me_path(), decode_me).data

    def me(self) -> Me:
        """The signed-in person: `/me`, then `/users/{id}` for the full multi-role user (v3 only)."""
        identity = self._session.request(self._me_path(whole_user=True), decode_me).data
        return Me(identity=identity, user=self.get(self.endpoints.user(identity.id)))


def _records(pages: Iterator[Page[T]]) -> Iterator[T]:
    for page in pages:
        yield from page.records
