"""The fleet's ledger (districts' states, job attempts) and its locks: the district fence and set-up steps."""

from __future__ import annotations

import threading
import time

import pytest

from rollcall.store import Store, SyncAttempt
from tests.store.conftest import postgres_schema

AT = "2026-12-03T01:00:00.000Z"
LATER = "2026-12-03T01:05:00.000Z"


def test_a_listing_adds_new_districts_as_never_synced_and_keeps_known_ones(store: Store) -> None:
    assert store.record_fleet_districts(["d2", "d1"], at=AT) == ["d1", "d2"]
    store.set_district_state("d2", "ok", at=LATER, name="Two")
    store.set_district_state("d1", "failed", at=LATER, reason="401: token revoked", worker="w:1", name="One")
    store.set_district_state("d1", "failed", at=LATER, reason="401: token revoked", worker="w:1")
    assert store.record_fleet_districts(["d1", "d3"], at=LATER) == ["d3"]
    by_id = {d.district_id: d for d in store.fleet_districts()}
    assert list(by_id) == ["d1", "d2", "d3"]
    assert (by_id["d1"].name, by_id["d1"].state, by_id["d1"].reason) == (
        "One",
        "failed",
        "401: token revoked",
    )
    assert by_id["d3"].state == "never"


def test_attempts_read_back_in_the_order_they_started(store: Store) -> None:
    second = SyncAttempt(
        attempt_id="a2", district_id="d1", attempt=1, kind="full", worker="w:2", started_at=LATER
    )
    first = SyncAttempt(
        attempt_id="a1", district_id="d1", attempt=0, kind="full", worker="w:1", started_at=AT
    )
    store.start_attempt(second)
    store.start_attempt(first)
    store.finish_attempt("a2", at=LATER, outcome="succeeded", run_id="run-9")
    attempts = store.sync_attempts("d1")
    assert [a.attempt_id for a in attempts] == ["a1", "a2"]
    assert attempts[0].finished_at is None
    assert (attempts[1].outcome, attempts[1].run_id) == ("succeeded", "run-9")
    assert store.sync_attempts("other") == []


def test_the_latest_run_of_each_district_is_the_last_started(store: Store) -> None:
    with store.transaction() as tx:
        tx.start_run("run-a", district_id="d1", kind="full", api_version="v3.1", at=AT)
        tx.finish_run("run-a", at=AT, counts={"users": 3})
        tx.start_run("run-b", district_id="d1", kind="incremental", api_version="v3.1", at=LATER)
        tx.start_run("run-c", district_id="d2", kind="full", api_version="v3.1", at=AT)
    latest = store.latest_runs()
    assert {d: run.run_id for d, run in latest.items()} == {"d1": "run-b", "d2": "run-c"}
    assert latest["d1"].status == "running"
    assert latest["d1"].counts == {}


@pytest.mark.postgres
def test_the_district_fence_admits_one_holder_until_it_lets_go() -> None:
    with postgres_schema() as url, Store.open(url) as store, Store.open(url) as other:
        with store.district_fence("d1") as held:
            assert held
            with other.district_fence("d1") as second:
                assert not second
            with other.district_fence("d2") as unrelated:
                assert unrelated
        with other.district_fence("d1") as after:
            assert after


@pytest.mark.postgres
def test_a_set_up_step_runs_in_one_process_at_a_time() -> None:
    with postgres_schema() as url, Store.open(url) as store, Store.open(url) as other:
        order: list[str] = []

        def second() -> None:
            with other.exclusively("queue schema"):
                order.append("second")

        with store.exclusively("queue schema"):
            thread = threading.Thread(target=second)
            thread.start()
            time.sleep(0.3)
            order.append("first")
        thread.join(timeout=10)
        assert order == ["first", "second"]
        assert store.has_table("sync_attempts")
        assert not store.has_table("procrastinate_jobs")
