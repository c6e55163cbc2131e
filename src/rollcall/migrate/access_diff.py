"""The access diff of a merged (or linked) person, from the access engine: what each of their separate v2
accounts could do (the v3 user acting as that one role) against what the one multi-role v3 user can do."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

import msgspec

from rollcall.access import AccessEngine, AccessFacts, Grant, MemoryFacts
from rollcall.client import CleverClient
from rollcall.domain.user import RoleName, User
from rollcall.migrate.config import MigrateConfig
from rollcall.migrate.plan import MigrationPlan
from rollcall.migrate.truth import find_users
from rollcall.store import Store

MAX_DIFFS: Final = 200  # a report lists this many people; past it the page stops being readable anyway


class AccessDiff(msgspec.Struct, frozen=True, kw_only=True):
    """What one person's separate accounts could do before (per role) and the one v3 user after."""

    user_id: str
    name: str
    before: dict[str, list[str]]
    after: list[str]

    @property
    def gained(self) -> list[str]:
        had = {grant for grants in self.before.values() for grant in grants}
        return sorted(set(self.after) - had)

    @property
    def lost(self) -> list[str]:
        had = {grant for grants in self.before.values() for grant in grants}
        return sorted(had - set(self.after))


def describe(grant: Grant) -> str:
    """A grant in a few words, without its role (so one capability reads the same before and after)."""
    actions = "/".join(grant.actions)
    where = "the whole district" if grant.district_wide else f"{grant.scope} ({grant.target_count})"
    return f"{actions} {grant.target_kind}s: {where}"


def diff_person(engine: AccessEngine, user: User, roles: list[RoleName]) -> AccessDiff:
    """One person's diff: before per role held by a separate account, after as the one user."""
    before: dict[str, list[str]] = {
        role: sorted({describe(g) for g in engine.grants(user.id, acting_as=role, with_ids=False)})
        for role in roles
    }
    after = sorted({describe(g) for g in engine.grants(user.id, with_ids=False)})
    name = " ".join(part for part in (user.name.first, user.name.last) if part)
    return AccessDiff(user_id=user.id, name=name or user.id, before=before, after=after)


@contextmanager
def _district_facts(config: MigrateConfig) -> Iterator[dict[str, AccessFacts]]:
    """Every district of the v3 truth as access facts, by district id: a store's are read from it as the
    engine builds its index (nothing held twice), the live API's are fetched into memory."""
    clever = config.clever
    if clever.store is not None:
        with Store.open(clever.store, migrate=False) as store:
            yield {district_id: store.access_facts(district_id) for district_id in store.district_ids()}
        return
    assert clever.url is not None
    assert clever.token is not None
    with CleverClient(clever.token, api_version=clever.api, base_url=clever.url) as client:
        district = client.get_district()
        fetched = MemoryFacts(
            district,
            client.iter(client.endpoints.schools()),
            client.iter(client.endpoints.sections()),
            client.iter(client.endpoints.users()),
        )
    yield {district.id: fetched}


def access_diffs(plan: MigrationPlan, config: MigrateConfig, *, limit: int = MAX_DIFFS) -> list[AccessDiff]:
    """The access diff of the first `limit` merged (or linked) people, by user id."""
    people = [(merge.user_id, merge.roles) for merge in plan.merges] + [
        (link.user_id, link.roles) for link in plan.links
    ]
    people = sorted(people)[:limit]
    if not people:
        return []
    users = find_users(config, [user_id for user_id, _ in people])
    by_district: dict[str, list[tuple[User, list[RoleName]]]] = defaultdict(list)
    for user_id, roles in people:
        if (user := users.get(user_id)) is not None:
            by_district[user.district].append((user, roles))
    diffs: list[AccessDiff] = []
    with _district_facts(config) as facts:
        for district_id, members in sorted(by_district.items()):
            if district_id not in facts:
                continue
            engine = AccessEngine(facts[district_id])
            diffs += [diff_person(engine, user, roles) for user, roles in members]
    return sorted(diffs, key=lambda diff: diff.user_id)
