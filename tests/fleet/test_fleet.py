"""The fleet as an operator runs it: the emulator serving 20 districts over loopback, `fleet schedule`, three
real `rollcall worker` processes on one PostgreSQL schema, one of them SIGKILLed in the middle of a job, one
district's token revoked, and a tight per-token rate limit. One run of that scenario (a module fixture);
each test checks one promise against what it left."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from rollcall.client import CleverClient, HttpOptions
from rollcall.domain.timestamps import parse_timestamp
from rollcall.emulator import Emulator
from rollcall.emulator.server import serve_in_thread
from rollcall.fleet import fleet_app, read_status
from rollcall.store import Store, SyncAttempt
from rollcall.sync import sync_district
from tests.fleet.harness import Recorder, Response, rollcall_env, run, wait_until, workers
from tests.store.conftest import postgres_schema

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SIZES = [8 + 9 * i for i in range(19)]  # 19 small districts of 8 … 170 students
BIG = 900  # the district whose job is killed: long enough (paced by the rate limit) to be caught mid-sync
RATE_LIMIT = 10  # requests per token per window: below what any district needs, so every sync paces
RATE_WINDOW = 2  # seconds
PAGE_SIZE = 50
WORKER_OPTIONS = (
    "--page-size", str(PAGE_SIZE), "--heartbeat", "1", "--stalled-after", "6",
    "--stalled-cron", "* * * * * *", "--max-attempts", "3", "-v",
    # Schedules that never fire in the test: the default hourly re-listing (and Procrastinate's catch-up of
    # the last 10 minutes) would queue extra incremental syncs when the test runs just after the hour.
    "--incremental-cron", "0 0 1 1 *", "--full-cron", "0 0 1 1 *",
)  # fmt: skip


@dataclass
class FleetRun:
    emu: Emulator
    db: str
    big: str
    revoked: str
    others: list[str]
    first_schedule: dict[str, Any]
    second_schedule: dict[str, Any]
    killed_worker: str
    killed_at: float
    status: dict[str, Any]
    responses: list[Response]
    attempts: list[SyncAttempt]
    fingerprints: dict[str, dict[str, str]]
    reference: dict[str, dict[str, str]]
    logs: Path


def _ledger_worker(db: str, district_id: str) -> str | None:
    with Store.open(db, migrate=False) as store:
        found = [d for d in store.fleet_districts() if d.district_id == district_id]
    return found[0].worker if found and found[0].state == "running" else None


def _mid_users(db: str, district_id: str) -> bool:
    """The big district's sync has committed pages of users and has more to go."""
    with Store.open(db, migrate=False) as store:
        point = store.find_resume_point(district_id, "v3.1")
    return point is not None and point.collection == "users" and point.resume_url is not None


def _settled(db: str) -> bool:
    """No job waits, runs or waits to be retried (read in-process: a `status` subprocess per poll would
    take the CPU the workers need)."""
    queue = fleet_app(db)
    with Store.open(db, migrate=False) as store, queue.open():
        totals = read_status(queue, store).totals
    return totals["queued"] + totals["running"] + totals["retrying"] == 0


@pytest.fixture(scope="module")
def fleet_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FleetRun]:
    logs = tmp_path_factory.mktemp("fleet")
    with (
        Emulator(seed="fleet", rate_limit=RATE_LIMIT, rate_window_seconds=RATE_WINDOW) as emu,
        postgres_schema() as db,
        postgres_schema() as reference_db,
    ):
        others = [emu.load_generated(students=n, seed=f"small-{n}") for n in SIZES]
        big = emu.load_generated(students=BIG, seed="big")
        # The reference syncs read an identical emulator without the tight limit, in-process: the same data
        # (generated from the same seeds), minutes less of pacing.
        twin = Emulator(seed="fleet")
        assert [twin.load_generated(students=n, seed=f"small-{n}") for n in SIZES] == others
        assert twin.load_generated(students=BIG, seed="big") == big
        emu.advance_clock(dt.datetime.now(dt.UTC) - emu.state.clock.now())
        revoked = others.pop(3)
        recorder = Recorder(emu.app)
        with serve_in_thread(recorder, "127.0.0.1", 0) as url:
            answer = httpx.post(f"{url}/_emulator/districts/{revoked}/revoke-token", timeout=10)
            assert answer.json() == {"district": revoked, "revoked": True}
            env = rollcall_env(emu, url)
            first = run(env, "fleet", "schedule", "--db", db, "--full", "--json")
            assert first.returncode == 0, first.stderr
            second = run(env, "fleet", "schedule", "--db", db, "--full", "--json")
            assert second.returncode == 0, second.stderr
            with workers(db, env, logs, *WORKER_OPTIONS) as started:
                started.start(3)
                wait_until(
                    lambda: _mid_users(db, big), timeout=90, what="the big district's sync to reach users"
                )
                worker = _ledger_worker(db, big)
                assert worker is not None
                started.by_pid(int(worker.rsplit(":", 1)[1])).send_signal(signal.SIGKILL)
                killed_at = time.time()
                wait_until(lambda: _settled(db), timeout=150, what="every job to finish", every=0.5)
                status = run(env, "fleet", "status", "--db", db, "--json")
                assert status.returncode == 0, status.stderr
            with Store.open(db) as store:
                attempts = store.sync_attempts()
                fingerprints = {d: store.table_fingerprint(d) for d in [*others, big]}
            with Store.open(reference_db) as store, twin:
                for district_id in [*others, big]:
                    token = twin.district_token(district_id)
                    transport = twin.sync_transport()
                    options = HttpOptions(transport=transport)
                    with CleverClient(token, base_url=twin.base_url, options=options) as client:
                        sync_district(client, store, mode="full", district_id=district_id)
                reference = {d: store.table_fingerprint(d) for d in [*others, big]}
            yield FleetRun(
                emu=emu, db=db, big=big, revoked=revoked, others=others,
                first_schedule=json.loads(first.stdout), second_schedule=json.loads(second.stdout),
                killed_worker=worker, killed_at=killed_at, status=json.loads(status.stdout),
                responses=list(recorder.responses), attempts=attempts, fingerprints=fingerprints,
                reference=reference, logs=logs,
            )  # fmt: skip


def _status_of(run: FleetRun, district_id: str) -> dict[str, Any]:
    return next(d for d in run.status["districts"] if d["id"] == district_id)


def test_every_district_ends_equal_to_a_single_process_sync(fleet_run: FleetRun) -> None:
    for district_id in [*fleet_run.others, fleet_run.big]:
        assert fleet_run.fingerprints[district_id] == fleet_run.reference[district_id], district_id
        assert _status_of(fleet_run, district_id)["state"] == "ok"
    workers_used = {a.worker for a in fleet_run.attempts}
    assert len(workers_used) >= 2, "the workers shared the districts"


def test_a_killed_worker_s_job_is_retried_by_another_and_no_district_is_synced_twice_at_once(
    fleet_run: FleetRun,
) -> None:
    big = [a for a in fleet_run.attempts if a.district_id == fleet_run.big]
    killed = [a for a in big if a.worker == fleet_run.killed_worker]
    assert len(killed) == 1
    assert killed[0].finished_at is None
    after = [a for a in big if a.worker != fleet_run.killed_worker]
    assert after
    assert after[-1].outcome == "succeeded"
    assert parse_timestamp(after[0].started_at).timestamp() >= fleet_run.killed_at - 0.01
    # Every attempt held the district's fence from started_at to finished_at (the killed one until it died):
    # no two attempts of one district overlap.
    by_district: dict[str, list[SyncAttempt]] = {}
    for attempt in fleet_run.attempts:
        by_district.setdefault(attempt.district_id, []).append(attempt)
    for district_id, attempts in by_district.items():
        spans = sorted(
            (
                parse_timestamp(a.started_at).timestamp(),
                parse_timestamp(a.finished_at).timestamp() if a.finished_at else fleet_run.killed_at,
            )
            for a in attempts
        )
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert start >= end - 0.002, f"two syncs of {district_id} overlapped"
    status = _status_of(fleet_run, fleet_run.big)
    assert status["last_sync"]["status"] == "succeeded"


def test_scheduling_twice_queues_no_duplicates(fleet_run: FleetRun) -> None:
    everyone = sorted([*fleet_run.others, fleet_run.big, fleet_run.revoked])
    assert fleet_run.first_schedule["queued"] == everyone
    assert fleet_run.first_schedule["new"] == everyone
    assert fleet_run.second_schedule["queued"] == []
    assert fleet_run.second_schedule["already_queued"] == everyone
    for district_id in fleet_run.others:  # one job each: one attempt, no retry
        assert [a.attempt for a in fleet_run.attempts if a.district_id == district_id] == [0]


def test_a_revoked_token_fails_its_district_with_the_reason_and_no_retry_storm(fleet_run: FleetRun) -> None:
    status = _status_of(fleet_run, fleet_run.revoked)
    assert status["state"] == "failed"
    assert "401" in status["reason"]
    assert "revoked" in status["reason"]
    assert status["last_sync"] is None
    attempts = [a for a in fleet_run.attempts if a.district_id == fleet_run.revoked]
    assert len(attempts) == 1
    assert attempts[0].outcome == "failed"
    token = fleet_run.emu.district_token(fleet_run.revoked)
    refused = [r for r in fleet_run.responses if r.token == token]
    assert 1 <= len(refused) <= 2
    assert all(r.status == 401 for r in refused)


def test_rate_limits_hold_per_token_with_several_workers(fleet_run: FleetRun) -> None:
    limited = [r for r in fleet_run.responses if r.status == 429]
    assert limited == []
    # The limit was binding, not idle: some token ran its window down to its last fifth, and the client paced.
    lows = [r for r in fleet_run.responses if r.remaining is not None and r.remaining <= RATE_LIMIT // 5]
    assert lows, "no token came near its limit: the test would not see a 429 storm"


def test_status_json_reports_each_case(fleet_run: FleetRun) -> None:
    totals = fleet_run.status["totals"]
    assert totals == {
        "ok": len(fleet_run.others) + 1, "queued": 0, "running": 0, "retrying": 0, "failed": 1, "never": 0,
    }  # fmt: skip
    for district in fleet_run.status["districts"]:
        assert set(district) >= {"id", "name", "state", "reason", "last_sync"}
        if district["state"] == "ok":
            assert district["name"].startswith("Generated District")
            assert set(district["last_sync"]) >= {"kind", "status", "finished_at", "rows"}
            assert district["last_sync"]["rows"] > 0
    assert not any(
        token in log.read_text() for log in fleet_run.logs.iterdir() for token in _tokens(fleet_run)
    )


def _tokens(run: FleetRun) -> list[str]:
    return [run.emu.district_token(d) for d in [*run.others, run.big, run.revoked]]
