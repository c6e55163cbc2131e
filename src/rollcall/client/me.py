"""Who a token belongs to: the `/me` answer (clever-api.md §6.3) and the signed-in person with every role.

`/me` names one login-context `type` only; the roles come from `/users/{id}`, never from `/me`.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from rollcall.domain.paging import Link
from rollcall.domain.user import User


class MeIdentity(msgspec.Struct, kw_only=True, frozen=True):
    """`/me` `data`: the user (v3) or role record (v2.1) id, its district, the login-context type."""

    id: str
    district: str
    type: str | None = None
    authorized_by: str | None = None


class MeResponse(msgspec.Struct, kw_only=True):
    """The whole `/me` body: top-level `type` is `"user"` in v3, the role name in v2.1."""

    data: MeIdentity
    type: str | None = None
    links: list[Link] = []

    def link(self, rel: str) -> str | None:
        return next((link.uri for link in self.links if link.rel == rel), None)


@dataclass(frozen=True, slots=True)
class Me:
    """The signed-in person: the `/me` identity and the full multi-role v3 user behind it."""

    identity: MeIdentity
    user: User
