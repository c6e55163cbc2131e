"""Pages of a Clever list: typed envelope decoders (built once per record type), the first page's URL, and
link following — the next page is whatever `links[rel=next]` says, never a URL we build (clever-api.md §4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Generic, NamedTuple, TypeVar, cast
from urllib.parse import urlencode, urlsplit

import msgspec

from rollcall.domain.paging import ListEnvelope, SingleEnvelope
from rollcall.errors import CleverApiError

T = TypeVar("T")

Params = Sequence[tuple[str, str]]

_DECODERS: Final[dict[tuple[object, object], msgspec.json.Decoder[object]]] = {}


def _cached(envelope: Any, kind: object) -> msgspec.json.Decoder[object]:
    """The decoder of `envelope[kind]`, built once per pair (building one costs more than decoding a page)."""
    decoder = _DECODERS.get((envelope, kind))
    if decoder is None:
        decoder = cast(msgspec.json.Decoder[object], msgspec.json.Decoder(envelope[kind]))
        _DECODERS[(envelope, kind)] = decoder
    return decoder


def list_decoder(kind: type[T]) -> msgspec.json.Decoder[ListEnvelope[T]]:
    """The decoder of `{links, data: [{data, uri}]}` whose records are `kind`."""
    return cast(msgspec.json.Decoder[ListEnvelope[T]], _cached(ListEnvelope, kind))


def single_decoder(kind: type[T]) -> msgspec.json.Decoder[SingleEnvelope[T]]:
    """The decoder of `{data, links}` whose record is `kind`."""
    return cast(msgspec.json.Decoder[SingleEnvelope[T]], _cached(SingleEnvelope, kind))


class _BareResources(msgspec.Struct):
    """Clever's quirk for districts without content mappings: `{"resources": []}`, no `data`, no `links`."""

    resources: list[msgspec.Raw]


_bare_resources: Final = msgspec.json.Decoder(_BareResources)


def decode_list(kind: type[T], body: bytes) -> ListEnvelope[T]:
    """A list page. Raises `msgspec.ValidationError` for a body of the wrong shape and `msgspec.DecodeError`
    for bytes that are not JSON at all (a truncated body)."""
    try:
        return list_decoder(kind).decode(body)
    except msgspec.ValidationError:
        try:
            bare = _bare_resources.decode(body)
        except msgspec.DecodeError:
            bare = None
        if bare is not None and not bare.resources:
            return ListEnvelope(data=[], links=[])
        raise


def decode_single(kind: type[T], body: bytes) -> SingleEnvelope[T]:
    """A single-record answer; raises like `decode_list`."""
    return single_decoder(kind).decode(body)


def build_url(path: str, params: Params) -> str:
    """`path?k=v&…` with the parameters in the order given (repeated keys stay repeated)."""
    return f"{path}?{urlencode(list(params))}" if params else path


def first_page_url(
    path: str, params: Params, limit: int, starting_after: str | None = None, ending_before: str | None = None
) -> str:
    """The only URL of a walk the client builds: `limit` first (as Clever echoes it), then the cursors,
    then the filters."""
    query: list[tuple[str, str]] = [("limit", str(limit))]
    if starting_after is not None:
        query.append(("starting_after", starting_after))
    if ending_before is not None:
        query.append(("ending_before", ending_before))
    query.extend(params)
    return build_url(path, query)


def same_origin_path(base_url: str, uri: str) -> str:
    """The path-and-query to request for a link `uri`. Clever sends host-less paths; an absolute link is
    accepted only on the base URL's own origin, so the bearer token never travels to another host."""
    parts = urlsplit(uri)
    if not parts.scheme and not parts.netloc:
        if not uri.startswith("/"):
            raise CleverApiError(f"link {uri!r} is not a path", url=uri)
        return uri
    base = urlsplit(base_url)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        raise CleverApiError(
            f"refusing to follow link {uri!r}: it leaves {base.scheme}://{base.netloc}", url=uri
        )
    return parts.path + (f"?{parts.query}" if parts.query else "")


def next_page_url(envelope: ListEnvelope[T], current: str, base_url: str) -> str | None:
    """Where the walk goes after the page fetched from `current`: `None` when the page is empty or has no
    `next` link."""
    return follow_next(envelope.link("next") if envelope.data else None, current, base_url)


def follow_next(uri: str | None, current: str, base_url: str) -> str | None:
    """The path a `next` link `uri` of the page fetched from `current` leads to (`None` without one). A
    `next` that points back at the same page would loop forever, so it is an error naming the full URL."""
    if uri is None:
        return None
    target = same_origin_path(base_url, uri)
    if target == current:
        where = base_url.rstrip("/") + current
        raise CleverApiError(f"the next link of {where} points at the same page; stopping", url=where)
    return target


@dataclass(frozen=True, slots=True)
class PageInfo:
    """Where a page came from and where the walk goes next (the checkpoint a sync stores per page)."""

    url: str
    next_url: str | None
    count: int
    first_id: str | None
    last_id: str | None


class Page(NamedTuple, Generic[T]):
    """One page of records with its `PageInfo`; unpacks as `records, info`."""

    records: list[T]
    info: PageInfo


def record_id(record: object) -> str | None:
    """The `id` of a decoded record, if it has one."""
    value = getattr(record, "id", None)
    return value if isinstance(value, str) else None


def make_page(envelope: ListEnvelope[T], url: str, next_url: str | None) -> Page[T]:
    """The records of one envelope and their `PageInfo`."""
    records = [item.data for item in envelope.data]
    first = record_id(records[0]) if records else None
    last = record_id(records[-1]) if records else None
    return Page(
        records, PageInfo(url=url, next_url=next_url, count=len(records), first_id=first, last_id=last)
    )
