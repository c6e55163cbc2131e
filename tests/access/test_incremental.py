"""An incremental sync that moves a teacher to staff shows on the next check, after a refresh that reads
only what the sync changed (the emulator serves the district; the sync writes the store)."""

from __future__ import annotations

from collections.abc import Iterator

import msgspec
import pytest

from rollcall.access import AccessEngine
from rollcall.client import CleverClient, HttpOptions
from rollcall.domain.user import Staff
from rollcall.emulator import Emulator
from rollcall.store import Store
from rollcall.sync import sync_district
from tests.access.test_store_facts import CountingFacts


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(seed="access-tests") as emulator:
        emulator.load_generated(students=300, seed=3)
        yield emulator


def _sync(emu: Emulator, store: Store, district_id: str, mode: str) -> None:
    with CleverClient(
        emu.district_token(district_id),
        base_url=emu.base_url,
        options=HttpOptions(transport=emu.sync_transport()),
        page_size=100,
    ) as client:
        sync_district(client, store, mode=mode, clock=emu.state.clock)  # type: ignore[arg-type]


def test_an_incremental_sync_moving_a_teacher_to_staff_shows_on_the_next_check(
    emu: Emulator, store: Store
) -> None:
    district_id = emu.state.district_ids()[0]
    _sync(emu, store, district_id, "full")
    snapshot = emu.state.snapshot(district_id)
    teacher = min((u for u in snapshot.users.values() if u.role_names() == ("teacher",)), key=lambda u: u.id)
    taught = sorted(s.id for s in snapshot.sections.values() if teacher.id in s.teacher_ids())
    assert taught, "the generated teacher teaches"
    facts = CountingFacts(store.access_facts(district_id))
    engine = AccessEngine(facts)
    before = engine.check(teacher.id, "edit", f"section:{taught[0]}")
    assert before.allowed
    assert before.role == "teacher"

    assert teacher.roles.teacher is not None
    school = teacher.roles.teacher.school
    moved = msgspec.structs.replace(
        teacher,
        roles=msgspec.structs.replace(
            teacher.roles,
            teacher=None,
            staff=Staff(staff_id="ST-1", schools=[school], legacy_id="5c00000000000000000000cd"),
        ),
    )
    emu.apply_roster(msgspec.structs.replace(snapshot, users={**snapshot.users, teacher.id: moved}))
    _sync(emu, store, district_id, "incremental")

    stale = engine.check(teacher.id, "edit", f"section:{taught[0]}")
    assert stale.allowed  # the index is as last read until refreshed
    facts.asked.clear()
    engine.refresh()
    assert ("users", [teacher.id]) in facts.asked
    assert all(ids is not None for _, ids in facts.asked)  # no full read
    after = engine.check(teacher.id, "edit", f"section:{taught[0]}")
    assert not after.allowed
    assert after.reason.endswith("staff grants view only")
    assert engine.roles_of(teacher.id) == ("staff",)
    school_section = next(s.id for s in snapshot.sections.values() if s.school == school)
    viewed = engine.check(teacher.id, "view", f"section:{school_section}")
    assert viewed.allowed
    assert viewed.role == "staff"
    fresh = AccessEngine(store.access_facts(district_id))
    for user in sorted(snapshot.users)[:40]:
        assert engine.explain(user) == fresh.explain(user)
