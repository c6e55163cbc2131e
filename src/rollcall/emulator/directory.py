"""The people an emulator serves, as the identity layer sees them: the `Directory` seam onto the emulator's
state, finding a person by any of their ids, and bounded page scans over a district.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Final, Generic, Protocol, TypeVar

from rollcall.domain.district import District
from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.timestamps import Clock
from rollcall.domain.user import RoleName, User, as_role_name
from rollcall.emulator.tokens import TokenRegistry

# How many records one filtered page may read: the sign-in page and the data browser stay quick on a
# million-user district, and say so when a search stopped early.
SCAN_BUDGET: Final = 50_000
T = TypeVar("T")


class Directory(Protocol):
    """What the identity layer, rate limits and the data browser need from the emulator's state."""

    @property
    def tokens(self) -> TokenRegistry: ...

    @property
    def clock(self) -> Clock: ...

    def district_ids(self) -> list[str]:
        """Every loaded district's id."""
        ...

    def district(self, district_id: str) -> District:
        """The district record of a loaded district."""
        ...

    def snapshot(self, district_id: str) -> DistrictSnapshot:
        """Every record of a loaded district."""
        ...

    def find_user(self, user_id: str) -> tuple[str, User] | None:
        """(district id, user) of the v3 user `user_id`, in any district."""
        ...

    def find_by_legacy_id(self, legacy_id: str) -> tuple[str, User, str] | None:
        """(district id, user, role name) of the role whose pre-v3 id is `legacy_id`."""
        ...


def find_person(directory: Directory, any_id: str) -> tuple[str, User, RoleName | None] | None:
    """(district, user, role) for a v3 user id (role None) or for any role's legacy id (that role)."""
    found = directory.find_user(any_id)
    if found is not None:
        return found[0], found[1], None
    legacy = directory.find_by_legacy_id(any_id)
    if legacy is None:
        return None
    district_id, user, role = legacy
    return district_id, user, as_role_name(role)


def search_text(user: User) -> str:
    """Everything a search looks in, case-folded, fields separated so a match never spans two of them."""
    name, roles = user.name, user.roles
    legacy = (
        getattr(role, "legacy_id", None)
        for role in (roles.student, roles.teacher, roles.staff, roles.district_admin, roles.contact)
        if role is not None
    )
    fields = (
        " ".join(filter(None, (name.first, name.middle, name.last))),
        " ".join(filter(None, (name.first, name.last))),
        user.email,
        user.id,
        *legacy,
    )
    return "\x1f".join(filter(None, fields)).casefold()


@dataclass(frozen=True, slots=True)
class ScanPage(Generic[T]):
    """One page of a scan over a district's records: positions are indexes in the mapping's order.

    `scanned_to` is where a filtered scan stopped; `cut_short` says it stopped because its budget ran out
    (not because the page was full or the records ended), so `next_start` continues the search.
    """

    items: list[T]
    start: int
    next_start: int | None
    prev_start: int | None
    scanned_to: int = 0
    cut_short: bool = False


def _matching(values: Iterator[T], keep: Callable[[T], bool], want: int) -> tuple[list[tuple[int, T]], int]:
    """(offset, value) of the first `want` values `keep` accepts, and how many values were read."""
    found: list[tuple[int, T]] = []
    read = 0
    for offset, value in enumerate(values):
        read = offset + 1
        if keep(value):
            found.append((offset, value))
            if len(found) == want:
                break
    return found, read


def scan_page(
    records: dict[str, T],
    start: int,
    size: int,
    keep: Callable[[T], bool] | None = None,
    *,
    budget: int = SCAN_BUDGET,
) -> ScanPage[T]:
    """Up to `size` records from position `start` (those `keep` accepts), and where the pages around start.

    Without a filter this touches `size + 1` records (skipping to `start` happens in C). With one it reads
    at most `budget` records each way and stops as soon as the page is full, so no request reads a million
    users: a full filtered page offers a next page that may turn out empty, and a scan that spent its
    budget offers to continue where it stopped.
    """
    total = len(records)
    start = max(0, min(start, total))
    if keep is None:
        window = list(islice(records.values(), start, start + size + 1))
        return ScanPage(
            items=window[:size],
            start=start,
            next_start=start + size if len(window) > size else None,
            prev_start=max(0, start - size) if start > 0 else None,
            scanned_to=start + len(window[:size]),
        )
    ahead, read = _matching(islice(records.values(), start, start + budget), keep, size)
    scanned_to = start + read
    full = len(ahead) == size
    cut_short = not full and scanned_to < total
    prev_start: int | None = None
    if start > 0:
        # Walk backwards from just before `start` to find where the previous page of matches begins.
        behind_values = islice(reversed(records.values()), total - start, total - start + budget)
        behind, behind_read = _matching(behind_values, keep, size)
        if len(behind) == size:
            prev_start = start - 1 - behind[-1][0]
        else:
            prev_start = max(0, start - behind_read) if behind_read < start else 0
    return ScanPage(
        items=[value for _, value in ahead],
        start=start,
        next_start=scanned_to if (full or cut_short) and scanned_to < total else None,
        prev_start=prev_start,
        scanned_to=scanned_to,
        cut_short=cut_short,
    )
