from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import msgspec
import pytest

from rollcall.client import CleverClient, HttpOptions
from rollcall.domain.progress import SilentReporter
from rollcall.domain.timestamps import FixedClock
from rollcall.emulator import Emulator
from rollcall.errors import SyncError, Unauthorized, UsageError
from rollcall.store import Store
from rollcall.sync import apply_plan, plan_district, sync_district
from tests.store.conftest import postgres_schema
from tests.sync.rosters import NEW_STAFF_LEGACY_ID, change_roster

PAGE = 100  # small pages: every collection but the district spans several


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(seed="sync-tests") as emulator:
        emulator.load_generated(students=300, seed=1)
        yield emulator


def district(emu: Emulator) -> str:
    return emu.state.district_ids()[0]


@contextmanager
def client(emu: Emulator, token: str | None = None) -> Iterator[CleverClient]:
    with CleverClient(
        token or emu.district_token(district(emu)), base_url=emu.base_url,
        options=HttpOptions(transport=emu.sync_transport()), page_size=PAGE,
    ) as opened:  # fmt: skip
        yield opened


def full(emu: Emulator, store: Store) -> None:
    with client(emu) as c:
        sync_district(c, store, mode="full", clock=emu.state.clock)


@contextmanager
def fresh_store(database_url: str, name: str) -> Iterator[Store]:
    """Another empty store of the same kind as `database_url`."""
    if database_url.startswith("sqlite"):
        with Store.open(database_url.replace("rollcall.db", f"{name}.db")) as store:
            yield store
        return
    with postgres_schema() as url, Store.open(url) as store:
        yield store


def test_a_full_sync_stores_every_record_of_the_district(emu: Emulator, store: Store) -> None:
    full(emu, store)
    snapshot = emu.state.snapshot(district(emu))
    counts = store.counts(district(emu))
    assert (counts["users"], counts["sections"], counts["schools"]) == (
        len(snapshot.users), len(snapshot.sections), len(snapshot.schools),
    )  # fmt: skip
    assert counts["section_students"] == snapshot.enrollment_count()
    checkpoint = store.find_checkpoint(district(emu), "v3.1")
    assert checkpoint is not None
    assert checkpoint.last_full_sync_run_id is not None
    assert store.find_resume_point(district(emu), "v3.1") is None


def test_incremental_after_a_roster_change_equals_a_fresh_full_sync(
    emu: Emulator, store: Store, database_url: str
) -> None:
    full(emu, store)
    change = change_roster(emu.state.snapshot(district(emu)))
    emu.apply_roster(change.snapshot)
    with client(emu) as c:
        summary = sync_district(c, store, mode="incremental", clock=emu.state.clock)
    assert summary.kind == "incremental"
    assert summary.events_applied > 0
    with fresh_store(database_url, "fresh") as fresh:
        full(emu, fresh)
        assert store.table_fingerprint(district(emu)) == fresh.table_fingerprint(district(emu))
    gained = store.find_user(change.gained_staff)
    assert gained is not None
    assert gained.roles.staff is not None
    assert store.find_user_by_legacy_id(NEW_STAFF_LEGACY_ID) == (gained, "staff")
    lost = store.find_user(change.lost_staff)
    assert lost is not None
    assert lost.roles.staff is None
    assert store.find_user(change.deleted) is None
    section = store.find_section(change.section)
    assert section == change.snapshot.sections[change.section]


def test_applying_the_same_events_again_changes_nothing(emu: Emulator, store: Store) -> None:
    full(emu, store)
    before = store.find_checkpoint(district(emu), "v3.1")
    emu.apply_roster(change_roster(emu.state.snapshot(district(emu))).snapshot)
    with client(emu) as c:
        sync_district(c, store, mode="incremental", clock=emu.state.clock)
        once = store.table_fingerprint(district(emu))
        with store.transaction() as tx:  # rewind the cursor: the same events come again
            assert before is not None
            tx.save_checkpoint(before)
        sync_district(c, store, mode="incremental", clock=emu.state.clock)
    assert store.table_fingerprint(district(emu)) == once


def test_a_full_sync_sweeps_what_vanished_and_restores_what_came_back(emu: Emulator, store: Store) -> None:
    full(emu, store)
    original = emu.state.snapshot(district(emu))
    change = change_roster(original)
    emu.apply_roster(change.snapshot)
    with client(emu) as c:
        summary = sync_district(c, store, mode="full", clock=emu.state.clock)
    assert summary.swept["users"] == 1
    assert store.find_user(change.deleted) is None
    assert store.find_user(change.deleted, include_deleted=True) is not None
    emu.apply_roster(original)
    full(emu, store)
    assert store.find_user(change.deleted) == original.users[change.deleted]


def test_a_checkpoint_past_the_events_window_means_a_full_sync(emu: Emulator, store: Store) -> None:
    full(emu, store)
    emu.apply_roster(change_roster(emu.state.snapshot(district(emu))).snapshot)
    with client(emu) as c:
        sync_district(c, store, mode="incremental", clock=emu.state.clock)
        emu.advance_clock(dt.timedelta(days=31))
        plan = plan_district(c, store, mode="incremental", clock=emu.state.clock)
    assert plan.kind == "full"
    assert "past the 30-day events window" in plan.reason


def test_a_cursor_the_api_no_longer_has_means_a_full_sync(emu: Emulator, store: Store) -> None:
    full(emu, store)
    emu.apply_roster(change_roster(emu.state.snapshot(district(emu))).snapshot)
    lagging = FixedClock(emu.state.clock.now())  # the sync's clock believes the cursor is fresh
    with client(emu) as c:
        sync_district(c, store, mode="incremental", clock=lagging)
        emu.advance_clock(dt.timedelta(days=31))  # the emulator drops the events
        summary = sync_district(c, store, mode="incremental", clock=lagging)
    assert summary.kind == "full"
    assert "the events API no longer has checkpoint event" in summary.reason


class Killed(Exception):
    pass


class KillAfter(SilentReporter):
    """Raises after `pages` pages were committed: the process dying between two transactions."""

    def __init__(self, pages: int) -> None:
        self.left = pages

    def advanced(self, subject: str, step: str, count: int) -> None:
        self.left -= 1
        if self.left == 0:
            raise Killed


@pytest.mark.parametrize("pages", [1, 4, 9, 15])
def test_a_killed_full_sync_resumes_its_run_and_ends_like_a_clean_one(
    emu: Emulator, store: Store, database_url: str, pages: int
) -> None:
    with client(emu) as c:
        first = plan_district(c, store, mode="full", clock=emu.state.clock)
        with pytest.raises(Killed):
            apply_plan(first, c, store, reporter=KillAfter(pages), clock=emu.state.clock)
        assert store.missing_indexes() != []  # a first load into empty tables defers them
        resumed = plan_district(c, store, mode="incremental", clock=emu.state.clock)
        assert (resumed.kind, resumed.run_id, resumed.resuming) == ("full", first.run_id, True)
        summary = apply_plan(resumed, c, store, clock=emu.state.clock)
    assert summary.resumed
    assert sum(summary.written.values()) < sum(store.counts(district(emu)).values())
    with fresh_store(database_url, "clean") as clean:
        full(emu, clean)
        assert store.table_fingerprint(district(emu)) == clean.table_fingerprint(district(emu))
    assert store.find_resume_point(district(emu), "v3.1") is None
    assert store.missing_indexes() == []


def test_a_killed_incremental_sync_picks_up_at_its_last_page(
    emu: Emulator, store: Store, database_url: str
) -> None:
    full(emu, store)
    emu.apply_roster(change_roster(emu.state.snapshot(district(emu))).snapshot)
    with CleverClient(emu.district_token(district(emu)), base_url=emu.base_url,
                      options=HttpOptions(transport=emu.sync_transport()), page_size=2) as c:  # fmt: skip
        plan = plan_district(c, store, mode="incremental", clock=emu.state.clock)
        with pytest.raises(Killed):
            apply_plan(plan, c, store, reporter=KillAfter(2), clock=emu.state.clock)
        moved = store.find_checkpoint(district(emu), "v3.1")
        assert moved is not None
        assert moved.last_event_id != plan.start_event_id
        sync_district(c, store, mode="incremental", clock=emu.state.clock)
    with fresh_store(database_url, "clean") as clean:
        full(emu, clean)
        assert store.table_fingerprint(district(emu)) == clean.table_fingerprint(district(emu))


def test_a_wrong_token_fails_before_anything_is_written(emu: Emulator, store: Store) -> None:
    with client(emu, token="0" * 40) as c, pytest.raises(Unauthorized):
        sync_district(c, store, mode="full", clock=emu.state.clock)
    assert set(store.counts(district(emu), include_deleted=True).values()) == {0}
    assert store.find_checkpoint(district(emu), "v3.1") is None


def test_an_unknown_district_fails_with_its_id_and_writes_nothing(emu: Emulator, store: Store) -> None:
    unknown = "5f00000000000000000000ee"
    with client(emu) as c, pytest.raises(SyncError, match=f"district {unknown} is unknown"):
        sync_district(c, store, mode="full", district_id=unknown, clock=emu.state.clock)
    assert set(store.counts(district(emu), include_deleted=True).values()) == {0}


def test_a_plan_made_before_the_store_moved_is_refused(emu: Emulator, store: Store) -> None:
    with client(emu) as c:
        stale = plan_district(c, store, mode="full", clock=emu.state.clock)
        sync_district(c, store, mode="full", clock=emu.state.clock)
        with pytest.raises(SyncError, match="is stale"):
            apply_plan(stale, c, store, clock=emu.state.clock)


def test_the_summary_counts_what_was_written(emu: Emulator, store: Store) -> None:
    with client(emu) as c:
        summary = sync_district(c, store, mode="full", clock=emu.state.clock)
    snapshot = emu.state.snapshot(district(emu))
    assert summary.written["users"] == len(snapshot.users)
    assert summary.rows == store.counts(district(emu))
    assert msgspec.json.decode(summary.to_json())["records_written"] == summary.records_written
    assert "full sync" in summary.render_text()


def test_v3_0_syncs_alongside_v3_1_with_its_own_checkpoint(emu: Emulator, store: Store) -> None:
    full(emu, store)
    with CleverClient(emu.district_token(district(emu)), api_version="v3.0", base_url=emu.base_url,
                      options=HttpOptions(transport=emu.sync_transport()), page_size=PAGE) as c:  # fmt: skip
        summary = sync_district(c, store, mode="incremental", clock=emu.state.clock)
    assert (summary.api_version, summary.kind) == ("v3.0", "full")
    assert store.find_checkpoint(district(emu), "v3.0") is not None
    assert store.find_checkpoint(district(emu), "v3.1") is not None
    user = next(u for u in emu.state.snapshot(district(emu)).users.values() if u.roles.student is not None)
    stored = store.find_user(user.id)
    assert stored is not None
    assert stored.lms_status is None  # the v3.0 shape was written last


def test_v2_1_is_refused_before_any_request(emu: Emulator, store: Store) -> None:
    v2 = CleverClient(
        "t", api_version="v2.1", base_url=emu.base_url, options=HttpOptions(transport=emu.sync_transport())
    )
    with v2, pytest.raises(UsageError, match="rollcall stores v3 users"):
        plan_district(v2, store, mode="full")
