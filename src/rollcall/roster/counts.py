"""How many of each record a roster holds, for `rollcall roster inspect` (also when the roster has errors)."""

from __future__ import annotations

import msgspec

from rollcall.domain.snapshot import DistrictSnapshot


class RosterCounts(msgspec.Struct, kw_only=True, frozen=True):
    """Record counts of one read. `users_by_roles` is keyed like `staff+teacher` (`role_key`)."""

    schools: int
    terms: int
    courses: int
    sections: int
    enrollments: int
    users: int
    users_by_roles: dict[str, int]
    contacts: int
    multi_role_users: int

    @classmethod
    def of(cls, snapshot: DistrictSnapshot, users_by_roles: dict[str, int] | None = None) -> RosterCounts:
        """Count the records of `snapshot`; `users_by_roles`, when the caller knows it, saves a pass over
        every user."""
        by_roles = snapshot.users_by_roles() if users_by_roles is None else users_by_roles
        return cls(
            schools=len(snapshot.schools),
            terms=len(snapshot.terms),
            courses=len(snapshot.courses),
            sections=len(snapshot.sections),
            enrollments=snapshot.enrollment_count(),
            users=len(snapshot.users),
            users_by_roles=by_roles,
            contacts=sum(count for key, count in by_roles.items() if "contact" in key.split("+")),
            multi_role_users=sum(count for key, count in by_roles.items() if "+" in key),
        )
