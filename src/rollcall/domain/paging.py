"""Clever's list and single-record envelopes and its paging limits (clever-api.md §1.1, §4)."""

from __future__ import annotations

from typing import Final, Generic, Literal, TypeVar

import msgspec

T = TypeVar("T")

DEFAULT_LIMIT: Final = 100
MAX_LIMIT: Final = 10_000

LinkRel = str  # "self", "next", "prev" on lists; relation names (district, sections, …) on single records


class Link(msgspec.Struct, frozen=True, gc=False):
    """`{rel, uri}`: `uri` is a versioned path with its query, without the host."""

    rel: LinkRel
    uri: str


class ListItem(msgspec.Struct, Generic[T], gc=False):
    """One element of a list: the record under `data`, plus its canonical `uri`."""

    data: T
    uri: str | None = None


class ListEnvelope(msgspec.Struct, Generic[T], gc=False):
    """A list response: `{links, data: [{data, uri}]}`."""

    data: list[ListItem[T]]
    links: list[Link] = []

    def link(self, rel: Literal["self", "next", "prev"]) -> str | None:
        """The uri of the link with relation `rel`, if present."""
        return next((link.uri for link in self.links if link.rel == rel), None)


class SingleEnvelope(msgspec.Struct, Generic[T], gc=False):
    """A single-record response: `{data, links}`."""

    data: T
    links: list[Link] = []
