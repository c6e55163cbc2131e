"""`Engines`: one access engine per district, built from the store on first use and refreshed on every
request (a refresh reads only what a sync changed since, so a role change shows on the next page load)."""

from __future__ import annotations

import threading

import msgspec

from rollcall.access import AccessEngine, Decision, Policy
from rollcall.domain.user import RoleName
from rollcall.store import Store


class Engines:
    """The access engines of one web app, keyed by district id."""

    def __init__(self, store: Store, policy: Policy) -> None:
        self._store = store
        self._policy = policy
        self._engines: dict[str, AccessEngine] = {}
        self._building = threading.Lock()

    def find(self, district_id: str) -> AccessEngine | None:
        """The district's engine, up to date with the store; None when the district was never synced."""
        with self._building:
            engine = self._engines.get(district_id)
            if engine is None:
                if self._store.find_district(district_id) is None:
                    return None
                engine = AccessEngine(self._store.access_facts(district_id), self._policy)
                self._engines[district_id] = engine
        engine.refresh()
        return engine


def visible_ids(
    engine: AccessEngine, user_id: str, kind: str, roles: tuple[RoleName, ...]
) -> tuple[str, ...]:
    """What `user_id` may view of `kind` acting in `roles` (one role, or every role in the combined view)."""
    return tuple(sorted(visible_set(engine, user_id, kind, roles)))


def visible_set(engine: AccessEngine, user_id: str, kind: str, roles: tuple[RoleName, ...]) -> set[str]:
    """`visible_ids` unsorted, for a page that orders them itself."""
    if len(roles) == 1:  # the engine's set is the request's own: no copy (a district admin's is the district)
        return engine.visible_set(user_id, kind, acting_as=roles[0])
    found: set[str] = set()
    for role in roles:
        found.update(engine.visible_set(user_id, kind, acting_as=role))
    return found


def decide(
    engine: AccessEngine, user_id: str, action: str, target: str, roles: tuple[RoleName, ...]
) -> Decision:
    """The engine's decision acting in `roles`: the first role that allows it; otherwise a denial naming what
    each role lacks (the combined view is the union of the roles)."""
    if len(roles) == 1:
        return engine.check(user_id, action, target, acting_as=roles[0])
    denials: list[Decision] = []
    for role in roles:
        decision = engine.check(user_id, action, target, acting_as=role)
        if decision.allowed:
            return decision
        denials.append(decision)
    if not denials:
        return engine.check(user_id, action, target, acting_as=None)
    reason = "; ".join(dict.fromkeys(d.reason for d in denials))
    return msgspec.structs.replace(denials[0], acting_as=None, reason=reason)
