"""What the engine answers: a `Decision` for one check, the `Grant`s a user holds, and an `Explanation`
of a whole user (for `access explain`, a role switcher, a permissions diff)."""

from __future__ import annotations

import msgspec

from rollcall.access.policy import Combine
from rollcall.access.target import Action
from rollcall.domain.user import RoleName


class Decision(msgspec.Struct, frozen=True, gc=False):
    """The answer to one check. `role` is the role whose grant allowed it and `rule` that grant's policy
    line (both None when denied); `reason` is one sentence a person can read."""

    allowed: bool
    user_id: str
    action: Action
    target: str
    acting_as: RoleName | None
    role: RoleName | None
    rule: str | None
    reason: str

    def to_builtins(self) -> dict[str, object]:
        """The JSON shape of `access check --json` (`user` is the user's v3 id)."""
        return {
            "allowed": self.allowed, "user": self.user_id, "action": self.action, "target": self.target,
            "acting_as": self.acting_as, "role": self.role, "rule": self.rule, "reason": self.reason,
        }  # fmt: skip


class Grant(msgspec.Struct, frozen=True, gc=False):
    """One grant a user holds: `role` may do `actions` on targets of `target_kind` within `scope` (human
    words), which are `target_ids` (ids of that kind, sorted), `target_count` of them. `district_wide` grants
    cover every target of the kind in the district (`target_ids` still lists them). A summary
    (`AccessEngine.grants(…, with_ids=False)`) leaves `target_ids` empty and gives only the count."""

    role: RoleName
    rule: str
    actions: tuple[Action, ...]
    target_kind: str
    scope: str
    target_ids: tuple[str, ...]
    district_wide: bool = False
    target_count: int = 0


class Explanation(msgspec.Struct, frozen=True, gc=False):
    """Everything one user may do and why: every role held, the roles that count (by the policy's combine
    mode, or the one acted as), and the grants of those roles with their scopes."""

    user_id: str
    name: str
    roles: tuple[RoleName, ...]
    acting_as: RoleName | None
    grants: tuple[Grant, ...]
    counted_roles: tuple[RoleName, ...] = ()
    combine: Combine = "union"
    role_schools: dict[str, tuple[str, ...]] = {}
    staff_roles: tuple[str, ...] = ()
