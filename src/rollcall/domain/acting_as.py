"""`ActingAs`: one person acting in one of the roles they hold (a signed-in session's current role, an access
check narrowed to one role). Clever names no primary role: the role is always chosen, never implied."""

from __future__ import annotations

from dataclasses import dataclass

from rollcall.domain.user import RoleName, User
from rollcall.domain.v2 import V2_TYPE_OF_ROLE


@dataclass(frozen=True, slots=True)
class ActingAs:
    """A user and the one role they act in. Building one for a role the user does not hold fails: acting as
    a role narrows what a person may do, it never widens it."""

    user: User
    role: RoleName

    def __post_init__(self) -> None:
        if getattr(self.user.roles, self.role) is None:
            raise ValueError(f"user {self.user.id} does not hold the {self.role} role")

    @property
    def district_id(self) -> str:
        """The district of the user (one v3 user belongs to exactly one district)."""
        return self.user.district

    @property
    def legacy_id(self) -> str | None:
        """The pre-v3 id of the role acted in: v2.1's id for this person in this role (None for a role
        created after the switch to v3, which has no v2.1 record)."""
        return self.user.legacy_id(self.role)

    @property
    def v2_type(self) -> str:
        """The role in v2.1 words (`school_admin` for staff)."""
        return V2_TYPE_OF_ROLE[self.role]

    @property
    def schools(self) -> list[str]:
        """The schools of the role acted in (none for district admins and contacts)."""
        return self.user.role_schools(self.role)

    @property
    def other_roles(self) -> tuple[RoleName, ...]:
        """The user's other roles, in Clever's order: what a role switcher offers."""
        return tuple(role for role in self.user.role_names() if role != self.role)
