"""The same decisions from facts built in memory and read from SQLite and PostgreSQL; the change log that
lets an engine over a store refresh only what sync changed."""

from __future__ import annotations

from collections.abc import Collection, Iterable

import msgspec

from rollcall.access import ACTIONS, AccessEngine, facts_from_snapshot
from rollcall.domain.district import Section
from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.user import Roles, Staff, User
from rollcall.store import Store
from rollcall.store.access_facts import StoreAccessFacts
from tests.access.district import (
    ALGEBRA_9,
    ANN,
    CAL,
    DANNY,
    DISTRICT,
    OAK,
    OLIVE,
    SCIENCE_7,
    TERRY,
    TERRY_PARENT,
    snapshot,
)

RUN = "run-1"


def write(store: Store, district: DistrictSnapshot) -> None:
    with store.transaction() as tx:
        tx.upsert_district(district.district, run_id=RUN)
        tx.upsert_schools(list(district.schools.values()), run_id=RUN)
        tx.upsert_sections(list(district.sections.values()), run_id=RUN)
        tx.upsert_users(list(district.users.values()), run_id=RUN)


def every_question(district: DistrictSnapshot) -> list[tuple[str, str, str, str | None]]:
    targets = [f"district:{DISTRICT}", *(f"school:{s}" for s in district.schools)]
    targets += [f"section:{s}" for s in district.sections] + [f"user:{u}" for u in district.users]
    roles: list[str | None] = [None, "student", "teacher", "staff", "district_admin", "contact"]
    return [
        (user, action, target, role)
        for user in [*district.users, "u-unknown"]
        for action in ACTIONS
        for target in targets
        for role in roles
    ]


def test_store_facts_decide_exactly_as_facts_in_memory(store: Store) -> None:
    district = snapshot()
    write(store, district)
    memory = AccessEngine(facts_from_snapshot(district))
    stored = AccessEngine(store.access_facts(DISTRICT))
    questions = every_question(district)
    assert len(questions) > 5000
    for user, action, target, role in questions:
        assert stored.check(user, action, target, role) == memory.check(user, action, target, role)
    for user in district.users:
        assert stored.explain(user) == memory.explain(user)


class CountingFacts:
    """Store facts that remember which ids each read asked for (to see a refresh read only changes)."""

    def __init__(self, inner: StoreAccessFacts) -> None:
        self.inner = inner
        self.asked: list[tuple[str, Collection[str] | None]] = []
        self.district_id = inner.district_id
        self.district = inner.district
        self.schools = inner.schools
        self.version = inner.version
        self.changes_since = inner.changes_since

    def users(self, ids: Collection[str] | None = None) -> Iterable[User]:
        self.asked.append(("users", None if ids is None else sorted(ids)))
        return self.inner.users(ids)

    def sections(self, ids: Collection[str] | None = None) -> Iterable[Section]:
        self.asked.append(("sections", None if ids is None else sorted(ids)))
        return self.inner.sections(ids)


def test_refresh_reads_only_what_a_transaction_changed(store: Store) -> None:
    district = snapshot()
    write(store, district)
    facts = CountingFacts(store.access_facts(DISTRICT))
    engine = AccessEngine(facts)
    facts.asked.clear()
    assert engine.check(OLIVE, "edit", f"section:{SCIENCE_7}").allowed
    engine.refresh()
    assert facts.asked == []  # nothing changed: no read beyond the version
    # Olive becomes staff at Oak (no longer a teacher); Algebra 9 gains Ann.
    olive = district.users[OLIVE]
    staff = User(
        id=OLIVE, district=DISTRICT, name=olive.name, roles=Roles(staff=Staff(staff_id="x", schools=[OAK]))
    )
    algebra = msgspec.structs.replace(district.sections[ALGEBRA_9], students=[CAL, ANN])
    with store.transaction() as tx:
        tx.upsert_users([staff], run_id="run-2")
        tx.upsert_sections([algebra], run_id="run-2")
    assert engine.check(OLIVE, "edit", f"section:{SCIENCE_7}").allowed  # the index is as last refreshed
    engine.refresh()
    assert facts.asked == [("users", [OLIVE]), ("sections", [ALGEBRA_9])]
    decision = engine.check(OLIVE, "edit", f"section:{SCIENCE_7}")
    assert not decision.allowed
    assert decision.reason.endswith("staff grants view only")
    assert engine.check(OLIVE, "view", f"section:{SCIENCE_7}").reason.endswith("staff at Oak Middle")
    assert engine.check(DANNY, "view", f"user:{ANN}", acting_as="teacher").allowed
    # A deleted user is gone at the next refresh.
    with store.transaction() as tx:
        tx.delete("users", TERRY_PARENT, at="2026-12-03T00:00:00Z")
    engine.refresh()
    assert engine.roles_of(TERRY_PARENT) == ()
    assert engine.roles_of(TERRY) == ("teacher",)
    # After all that, the refreshed index decides as one built from scratch.
    fresh = AccessEngine(store.access_facts(DISTRICT))
    for user, action, target, role in every_question(snapshot())[::7]:
        assert engine.check(user, action, target, role) == fresh.check(user, action, target, role)


def test_school_changes_and_sweeps_make_a_refresh_read_everything(store: Store) -> None:
    district = snapshot()
    write(store, district)
    facts = store.access_facts(DISTRICT)
    version = facts.version()
    renamed = msgspec.structs.replace(district.schools[OAK], name="Oak Grove Middle")
    with store.transaction() as tx:
        tx.upsert_schools([renamed], run_id="run-2")
    assert facts.version() == version + 1
    assert facts.changes_since(version) is None
    engine = AccessEngine(facts)
    assert engine.check(DANNY, "view", f"school:{OAK}").reason.endswith("staff at Oak Grove Middle")


def test_the_change_log_lists_touched_ids_per_version(store: Store) -> None:
    district = snapshot()
    write(store, district)
    facts = store.access_facts(DISTRICT)
    start = facts.version()
    assert facts.changes_since(start) == (start, frozenset(), frozenset())
    with store.transaction() as tx:
        tx.upsert_users([district.users[ANN]], run_id="r")
    with store.transaction() as tx:
        tx.upsert_sections([district.sections[SCIENCE_7]], run_id="r")
    assert facts.changes_since(start) == (start + 2, frozenset({ANN}), frozenset({SCIENCE_7}))
    assert facts.changes_since(start + 1) == (start + 2, frozenset(), frozenset({SCIENCE_7}))
    assert facts.changes_since(start + 5) is None  # a version the log never had
    other = store.access_facts("another-district")
    assert other.version() == 0
    assert list(other.users()) == []


def test_a_rolled_back_transaction_logs_nothing(store: Store) -> None:
    district = snapshot()
    write(store, district)
    facts = store.access_facts(DISTRICT)
    start = facts.version()
    try:
        with store.transaction() as tx:
            tx.upsert_users([district.users[ANN]], run_id="r")
            raise RuntimeError("crash halfway")
    except RuntimeError:
        pass
    assert facts.version() == start


def test_find_users_by_login_takes_ids_legacy_ids_and_shared_emails(store: Store) -> None:
    district = snapshot()
    danny = district.users[DANNY]
    teacher = msgspec.structs.replace(danny.roles.teacher, legacy_id="legacy-danny-t")
    danny = msgspec.structs.replace(danny, roles=msgspec.structs.replace(danny.roles, teacher=teacher))
    district.users[DANNY] = danny
    write(store, district)
    assert [u.id for u in store.find_users_by_login(DANNY)] == [DANNY]
    assert [u.id for u in store.find_users_by_login("legacy-danny-t")] == [DANNY]
    assert [u.id for u in store.find_users_by_login("Danny@Springfield.org")] == [DANNY]
    assert [u.id for u in store.find_users_by_login("terry@springfield.org")] == [TERRY, TERRY_PARENT]
    assert store.find_users_by_login(ANN)[0].id == ANN  # a student's legacy id is their user id
    assert store.find_users_by_login("nobody@example.org") == []
