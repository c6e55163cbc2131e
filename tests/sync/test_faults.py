"""A sync through a hostile network (429 storms, 5xx, connection resets, truncated bodies: the emulator's
fault plan over real loopback HTTP) ends with exactly the rows of a clean sync."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

import pytest

from rollcall.client import CleverClient, HttpOptions, RetryPolicy
from rollcall.domain.timestamps import FixedClock
from rollcall.emulator import Emulator
from rollcall.emulator.faults import FaultPlan, FaultRule
from rollcall.store import Store
from rollcall.sync import sync_district
from tests.sync.rosters import change_roster
from tests.sync.test_engine import fresh_store

RETRIES = RetryPolicy(attempts=12, timeout=3_600.0, wait_initial=0.05, wait_max=2.0, wait_jitter=0.05)
STORM = FaultPlan(
    seed=11,
    rules=[
        FaultRule(path="/v3.1/users*", effect="status", status=429, count=6),  # a 429 storm on one path
        FaultRule(path="/v3.1/events*", effect="reset", count=2),
        FaultRule(path="/v3.1/events*", effect="truncate", count=2),
        FaultRule(path="/v3.1/*", effect="status", status=500, count=1),
        FaultRule(path="/v3.1/courses*", effect="status", status=502, count=2),
        FaultRule(path="/v3.1/*", effect="status", status=503, probability=0.1),  # 10 % 5xx throughout
        FaultRule(path="/v3.1/sections*", effect="reset", count=2),
        FaultRule(path="/v3.1/users*", effect="truncate", keep_bytes=100, count=2),
    ],
)


class Hostile:
    """An emulator on loopback whose rate-limit clock only moves when the client sleeps: waiting out a 429
    window costs no real time."""

    def __init__(self, emu: Emulator, url: str, clock: FixedClock) -> None:
        self.emu = emu
        self.url = url
        self.clock = clock

    def sleep(self, seconds: float) -> None:
        self.clock.advance(dt.timedelta(seconds=seconds))

    def client(self) -> CleverClient:
        token = self.emu.district_token(self.emu.state.district_ids()[0])
        return CleverClient(
            token, base_url=self.url, page_size=100,
            options=HttpOptions(retry=RETRIES, clock=self.clock, sleep=self.sleep, rng=random.Random(3)),
        )  # fmt: skip


@pytest.fixture
def hostile() -> Iterator[Hostile]:
    clock = FixedClock(dt.datetime(2026, 9, 1, tzinfo=dt.UTC))
    with Emulator(seed="faults", limit_clock=clock) as emu:
        emu.load_generated(students=300, seed=1)
        with emu.serve_in_thread() as url:
            yield Hostile(emu, url, clock)


def test_a_sync_under_faults_ends_with_the_rows_of_a_clean_one(
    hostile: Hostile, store: Store, database_url: str
) -> None:
    district_id = hostile.emu.state.district_ids()[0]
    with fresh_store(database_url, "clean") as clean:
        with hostile.client() as client:
            sync_district(client, clean, mode="full", clock=hostile.emu.state.clock)
        hostile.emu.set_faults(STORM)
        with hostile.client() as client:
            sync_district(client, store, mode="full", clock=hostile.emu.state.clock)
        assert store.table_fingerprint(district_id) == clean.table_fingerprint(district_id)

        hostile.emu.apply_roster(change_roster(hostile.emu.state.snapshot(district_id)).snapshot)
        with hostile.client() as client:
            summary = sync_district(client, store, mode="incremental", clock=hostile.emu.state.clock)
        assert summary.kind == "incremental"
        report = hostile.emu.extras.faults.report()
        hostile.emu.set_faults(None)
        with hostile.client() as client:
            sync_district(client, clean, mode="incremental", clock=hostile.emu.state.clock)
        assert store.table_fingerprint(district_id) == clean.table_fingerprint(district_id)
    fired = {counter.rule: counter.fired for counter in report.counters}
    assert len(fired) == len(STORM.rules)
    assert all(fired.values()), f"every kind of fault should have fired at least once: {fired}"
