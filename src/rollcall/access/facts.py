"""`AccessFacts`: what the engine reads about one district (its users with their roles, its sections with
their teachers and students, its schools), and how it learns what changed. The store satisfies it with
indexed reads; `facts_from_snapshot` builds it in memory."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from typing import Protocol, TypeVar

from rollcall.domain.district import District, School, Section
from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.user import User

T = TypeVar("T", User, Section)
# What changed since a version: (the version now, ids of users touched, ids of sections touched).
FactChanges = tuple[int, frozenset[str], frozenset[str]]


class AccessFacts(Protocol):
    """The facts of one district. `users(ids)`/`sections(ids)` return the live ones among `ids` (an id not
    returned was deleted); without ids, all of them. `version()` grows whenever the facts change;
    `changes_since(v)` names what changed after version `v`, or is None when it cannot tell (then the
    engine reads everything again)."""

    @property
    def district_id(self) -> str: ...

    def district(self) -> District | None: ...

    def schools(self) -> Iterable[School]: ...

    def users(self, ids: Collection[str] | None = None) -> Iterable[User]: ...

    def sections(self, ids: Collection[str] | None = None) -> Iterable[Section]: ...

    def version(self) -> int: ...

    def changes_since(self, version: int) -> FactChanges | None: ...


class MemoryFacts:
    """AccessFacts held in memory: a snapshot's records, changed with `put_*`/`remove_*` (each change bumps
    the version and is remembered, so an engine refreshes only what changed)."""

    def __init__(
        self,
        district: District,
        schools: Iterable[School],
        sections: Iterable[Section],
        users: Iterable[User],
    ) -> None:
        self._district = district
        self._schools = {school.id: school for school in schools}
        self._sections = {section.id: section for section in sections}
        self._users = {user.id: user for user in users}
        self._log: list[tuple[int, str, str]] = []  # (version, "user" | "section", id)
        self._version = 0

    @property
    def district_id(self) -> str:
        return self._district.id

    def district(self) -> District | None:
        return self._district

    def schools(self) -> Iterator[School]:
        return iter(list(self._schools.values()))

    def users(self, ids: Collection[str] | None = None) -> Iterator[User]:
        return _select(self._users, ids)

    def sections(self, ids: Collection[str] | None = None) -> Iterator[Section]:
        return _select(self._sections, ids)

    def version(self) -> int:
        return self._version

    def changes_since(self, version: int) -> FactChanges | None:
        if version > self._version:
            return None  # a version this history never had: read everything again
        users = frozenset(key for at, kind, key in self._log if at > version and kind == "user")
        sections = frozenset(key for at, kind, key in self._log if at > version and kind == "section")
        return self._version, users, sections

    def put_user(self, user: User) -> None:
        """Add or replace a user (a sync writing a changed user)."""
        self._users[user.id] = user
        self._touch("user", user.id)

    def remove_user(self, user_id: str) -> None:
        self._users.pop(user_id, None)
        self._touch("user", user_id)

    def put_section(self, section: Section) -> None:
        """Add or replace a section (new teachers, students, school)."""
        self._sections[section.id] = section
        self._touch("section", section.id)

    def remove_section(self, section_id: str) -> None:
        self._sections.pop(section_id, None)
        self._touch("section", section_id)

    def _touch(self, kind: str, key: str) -> None:
        self._version += 1
        self._log.append((self._version, kind, key))


def _select(records: dict[str, T], ids: Collection[str] | None) -> Iterator[T]:
    if ids is None:
        return iter(list(records.values()))
    return iter([records[key] for key in ids if key in records])


def facts_from_snapshot(snapshot: DistrictSnapshot) -> MemoryFacts:
    """The access facts of a district snapshot, in memory (tests, the demo, what-if checks)."""
    return MemoryFacts(
        snapshot.district,
        snapshot.schools.values(),
        snapshot.sections.values(),
        snapshot.users.values(),
    )
