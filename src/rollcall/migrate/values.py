"""The values the migration works on: a legacy account as read from the vendor's table, a v3 person reduced to
what matching needs, and what became of each account. msgspec Structs, no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, Literal, TypeVar

import msgspec

from rollcall.domain.user import RoleName, User

Key = int | str  # an account's primary key, as the vendor's database holds it
T = TypeVar("T")
OutcomeKind = Literal["matched", "orphaned", "ambiguous"]


def key_order(key: Key) -> tuple[int, int, str]:
    """Sort keys the way a person expects: numbers numerically, then text (one column holds one kind)."""
    if isinstance(key, int):
        return (0, key, "")
    return (1, 0, key)


def account_label(table: str | None, key: Key) -> Key:
    """How an account is shown: its key, or with per-role account tables (where keys may repeat across
    tables) `table:key`."""
    return key if table is None else f"{table}:{key}"


# gc=False: these values hold only strings, numbers and tuples of them, never cycles; a district has a
# million of them, and keeping them out of the cyclic collector keeps planning fast.
class LegacyAccount(msgspec.Struct, frozen=True, array_like=True, gc=False):
    """One row of the vendor's accounts table; `last_login` as ISO text so it compares in time order. With
    per-role account tables, `table` is the table it lives in and `role_value` that table's role."""

    key: Key
    clever_id: str
    role_value: str
    email: str | None = None
    last_login: str | None = None
    table: str | None = None


class ContactInfo(msgspec.Struct, frozen=True, array_like=True, gc=False):
    """What a v3 contact becomes in the contacts tables."""

    name: str
    phone: str | None
    relationships: tuple[tuple[str, str | None, str | None], ...]  # (student id, relationship, type)


class V3Person(msgspec.Struct, frozen=True, array_like=True, gc=False):
    """A v3 user as matching sees it: id, email, and each held role with its legacy id (None: none)."""

    id: str
    email: str | None
    roles: tuple[tuple[RoleName, str | None], ...]
    contact: ContactInfo | None = None

    @classmethod
    def of(cls, user: User) -> V3Person:
        contact = None
        if (record := user.roles.contact) is not None:
            name = " ".join(part for part in (user.name.first, user.name.middle, user.name.last) if part)
            contact = ContactInfo(
                name=name,
                phone=record.phone,
                relationships=tuple(
                    (rel.student, rel.relationship, rel.type) for rel in record.student_relationships
                ),
            )
        roles = tuple((role, user.legacy_id(role)) for role in user.role_names())
        return cls(id=user.id, email=user.email, roles=roles, contact=contact)


class AccountOutcome(msgspec.Struct, frozen=True, array_like=True, gc=False):
    """What one legacy account ends as: matched to (user, role), or orphaned / ambiguous with a reason.
    `table`: the per-role account table it lives in (None with one accounts table)."""

    key: Key
    clever_id: str
    role_value: str
    outcome: OutcomeKind
    user_id: str | None = None
    role: RoleName | None = None
    reason: str | None = None
    table: str | None = None

    @property
    def label(self) -> Key:
        return account_label(self.table, self.key)


class PerUser(Generic[T]):
    """Items grouped by v3 user id, in the order given. Most people have one account, so `first` holds each
    user's first item and only the users with more get a list, in `several` (every item of theirs): a million
    one-item lists are never made."""

    def __init__(self, pairs: Iterable[tuple[str, T]]) -> None:
        first: dict[str, T] = {}
        several: dict[str, list[T]] = {}
        for user_id, item in pairs:
            if user_id not in first:
                first[user_id] = item
            elif user_id in several:
                several[user_id].append(item)
            else:
                several[user_id] = [first[user_id], item]
        self.first = first
        self.several = several

    def of(self, user_id: str) -> list[T]:
        """Every item of one user (none for a user without any)."""
        if (items := self.several.get(user_id)) is not None:
            return items
        return [self.first[user_id]] if user_id in self.first else []
