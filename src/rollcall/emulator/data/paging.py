"""Clever's range paging over ascending ids: `limit`, `starting_after`, `ending_before` (and its `last`
value), and the `self`/`next`/`prev` links of a list page (clever-api.md §4)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlencode

from rollcall.domain.paging import DEFAULT_LIMIT, MAX_LIMIT
from rollcall.emulator.responses import ApiProblem

PAGING_PARAMS: Final = frozenset({"limit", "starting_after", "ending_before"})


@dataclass(frozen=True, slots=True)
class PageRequest:
    """What one list request asked for."""

    limit: int = DEFAULT_LIMIT
    starting_after: str | None = None
    ending_before: str | None = None


def parse_page_request(query: Sequence[tuple[str, str]]) -> PageRequest:
    """The paging parameters of a query; ApiProblem 400 / 413 for values Clever rejects."""
    values = {key: value for key, value in reversed(query) if key in PAGING_PARAMS}  # first one wins
    limit = DEFAULT_LIMIT
    if "limit" in values:
        text = values["limit"]
        try:
            limit = int(text)
        except ValueError:
            raise ApiProblem(400, f"limit must be an integer, got {text!r}") from None
        if limit < 1:
            raise ApiProblem(400, f"limit must be at least 1, got {limit}")
        if limit > MAX_LIMIT:
            raise ApiProblem(413, f"Request entity too large: limit {limit} is above {MAX_LIMIT}")
    after, before = values.get("starting_after"), values.get("ending_before")
    if after is not None and before is not None:
        raise ApiProblem(400, "starting_after and ending_before cannot be used together")
    if after == "" or before == "":
        raise ApiProblem(400, "starting_after and ending_before need a record id")
    return PageRequest(limit=limit, starting_after=after, ending_before=before)


def select_page(ids: Sequence[str], page: PageRequest) -> Sequence[str]:
    """The ids of the requested page, ascending. Cursors need not exist: they are positions."""
    if page.ending_before is not None:
        end = len(ids) if page.ending_before == "last" else bisect_left(ids, page.ending_before)
        return ids[max(0, end - page.limit) : end]
    start = 0 if page.starting_after is None else bisect_right(ids, page.starting_after)
    return ids[start : start + page.limit]


def _with_cursor(query: Sequence[tuple[str, str]], limit: int, cursor: tuple[str, str]) -> str:
    kept = [(k, v) for k, v in query if k not in PAGING_PARAMS]
    return urlencode([("limit", str(limit)), *kept, cursor])


def page_links(
    path: str, raw_query: str, query: Sequence[tuple[str, str]], page: PageRequest, ids: Sequence[str]
) -> list[tuple[str, str]]:
    """`self` (the request verbatim), `next` iff the page is full, `prev` iff `starting_after` was given.

    For `ending_before` pages (rule UNCONFIRMED at Clever): `prev` iff the page is full, `next` whenever
    the page is not empty.
    """
    links = [("self", f"{path}?{raw_query}" if raw_query else path)]
    full = len(ids) == page.limit
    if page.ending_before is not None:
        if ids:
            links.append(("next", f"{path}?{_with_cursor(query, page.limit, ('starting_after', ids[-1]))}"))
        if full:
            links.append(("prev", f"{path}?{_with_cursor(query, page.limit, ('ending_before', ids[0]))}"))
        return links
    if full:
        links.append(("next", f"{path}?{_with_cursor(query, page.limit, ('starting_after', ids[-1]))}"))
    if page.starting_after is not None:
        first = ids[0] if ids else "last"
        links.append(("prev", f"{path}?{_with_cursor(query, page.limit, ('ending_before', first))}"))
    return links
