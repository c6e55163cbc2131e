"""`fleet status` as a pure function of the ledger, the queue and the sync runs."""

from __future__ import annotations

from rollcall.fleet.status import QueuedJob, build_status, district_state, last_sync
from rollcall.store import FleetDistrict, SyncRun

AT = "2026-12-03T01:00:00.000Z"


def ledger(state: str, reason: str | None = None, district_id: str = "d1") -> FleetDistrict:
    return FleetDistrict(
        district_id=district_id, name=f"District {district_id}", state=state, updated_at=AT,  # type: ignore[arg-type]
        reason=reason, worker="host:42",
    )  # fmt: skip


def job(status: str, attempts: int = 0, district_id: str = "d1", job_id: int = 1) -> QueuedJob:
    return QueuedJob(job_id=job_id, district_id=district_id, kind="full", status=status, attempts=attempts)  # type: ignore[arg-type]


def test_a_job_in_the_queue_says_more_than_the_ledger() -> None:
    assert district_state(ledger("ok"), job("doing")) == "running"
    assert district_state(ledger("ok"), job("todo")) == "queued"
    assert district_state(ledger("running"), job("todo", attempts=1)) == "retrying"
    assert district_state(ledger("never"), None) == "never"
    assert district_state(ledger("failed", "401"), None) == "failed"
    assert district_state(ledger("ok"), None) == "ok"


def test_a_job_under_way_that_left_the_queue_without_finishing_is_failed() -> None:
    assert district_state(ledger("running"), None) == "failed"
    report = build_status([ledger("running")], [], {})
    assert report.districts[0].reason is not None
    assert "host:42" in report.districts[0].reason


def test_a_retry_after_a_dead_worker_says_so() -> None:
    report = build_status([ledger("running")], [job("todo", attempts=1)], {})
    assert report.districts[0].state == "retrying"
    assert "died" in (report.districts[0].reason or "")


def test_totals_count_every_state_and_the_last_sync_has_rows_and_duration() -> None:
    run = SyncRun(
        run_id="r", district_id="d2", kind="full", api_version="v3.1", status="succeeded",
        started_at="2026-12-03T01:00:00.000Z", finished_at="2026-12-03T01:00:02.500Z",
        counts={"users": 10, "schools": 2},
    )  # fmt: skip
    report = build_status(
        [ledger("failed", "401: revoked"), ledger("ok", district_id="d2"), ledger("never", district_id="d3")],
        [job("todo", district_id="d3", job_id=7)],
        {"d2": run},
    )
    assert report.totals == {"ok": 1, "queued": 1, "running": 0, "retrying": 0, "failed": 1, "never": 0}
    assert report.districts[1].last_sync == last_sync(run)
    assert last_sync(run) is not None
    assert (last_sync(run).rows, last_sync(run).seconds) == (12, 2.5)  # type: ignore[union-attr]
    assert report.districts[0].reason == "401: revoked"
    text = report.render_text()
    assert "reason: 401: revoked" in text
    assert text.splitlines()[0].startswith("3 districts: ok 1, queued 1")
    assert '"totals"' in report.to_json()
