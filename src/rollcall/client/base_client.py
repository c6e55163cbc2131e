"""What `CleverClient` and `AsyncCleverClient` share, all of it pure (as httpx's `BaseClient`): the API
version and the endpoint table bound to it, the page size, the base URL, and the URL each verb starts from.
The two clients add only the verbs — the parts that send and wait."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Generic, TypeVar

import httpx

from rollcall.client.options import (
    DEFAULT_BASE_URL,
    api_base_url,
    check_page_size,
    resolve_version,
    start_url,
    v3_only,
)
from rollcall.client.page_walk import Page, decode_list, first_page_url, make_page, next_page_url
from rollcall.client.queries import Endpoints, ListQuery
from rollcall.client.session import BearerAuth
from rollcall.domain.district import District
from rollcall.domain.event import Event
from rollcall.domain.paging import MAX_LIMIT, ListEnvelope
from rollcall.errors import NotFound

T = TypeVar("T")
OptionsT = TypeVar("OptionsT")
SessionT = TypeVar("SessionT")


class ClientBase(ABC, Generic[OptionsT, SessionT]):
    """The client's options and every step between them and a request or a result. Each client says only
    how to open its session (`_connect`) and how to send and wait (its verbs)."""

    def __init__(
        self,
        token: str,
        *,
        api_version: str = "v3.1",
        base_url: str = DEFAULT_BASE_URL,
        page_size: int = MAX_LIMIT,
        options: OptionsT | None = None,
    ) -> None:
        self.api_version = resolve_version(api_version)
        self.endpoints = Endpoints(self.api_version)
        self.page_size = check_page_size(page_size)
        self.base_url = api_base_url(base_url, self.api_version)
        self._session = self._connect(BearerAuth(token), options)

    @abstractmethod
    def _connect(self, auth: httpx.Auth, options: OptionsT | None) -> SessionT:
        """The session (one keep-alive connection pool) the verbs send through."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, api_version={self.api_version!r})"

    def _first_url(
        self, query: ListQuery[T], limit: int | None, starting_after: str | None, resume_url: str | None
    ) -> str:
        """Where a walk of `query` begins (the client's page size unless `limit` says otherwise)."""
        size = self.page_size if limit is None else limit
        return start_url(self.base_url, query, size, starting_after, resume_url)

    def _page(self, url: str, envelope: ListEnvelope[T]) -> Page[T]:
        """The page fetched from `url`; its `info.next_url` is where the walk goes next (`None`: the end)."""
        return make_page(envelope, url, next_page_url(envelope, url, self.base_url))

    def _latest_event_url(self) -> str:
        """`/events?limit=1&ending_before=last`: the newest event only."""
        return first_page_url(self.endpoints.events().path, (), 1, ending_before="last")

    def _me_path(self, *, whole_user: bool = False) -> str:
        """`/me` of this version; the full multi-role user behind it (`whole_user`) exists only in v3."""
        if whole_user:
            v3_only(self.api_version, "me()")
        return f"/{self.api_version}/me"


def latest_id(envelope: ListEnvelope[Event]) -> str | None:
    """The newest event's id in the answer to `_latest_event_url`, `None` when there are no events."""
    return envelope.data[-1].data.id if envelope.data else None


def decode_events(body: bytes) -> ListEnvelope[Event]:
    return decode_list(Event, body)


def first_district(found: District | None, url: str) -> District:
    """The one district a token reaches (the first of `url`'s list); `NotFound` when the list is empty."""
    if found is None:
        raise NotFound(f"GET {url} returned no district for this token", url=url)
    return found
