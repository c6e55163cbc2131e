"""`fleet status`: per district its state (ok, queued, running, retrying, failed, never), the reason of a
failure, where it runs, and its last sync; totals on top. `build_status` is pure over what `read_status`
gathers from the ledger, the sync runs and the queue."""

from __future__ import annotations

from collections import Counter
from typing import Final, Literal

import msgspec
import procrastinate

from rollcall.domain.report import ReportStruct
from rollcall.domain.timestamps import parse_timestamp
from rollcall.fleet.app import SYNC_TASK
from rollcall.fleet.queue import QUEUE_TABLE
from rollcall.store import FleetDistrict, Store, SyncRun

FleetState = Literal["ok", "queued", "running", "retrying", "failed", "never"]
STATES: Final[tuple[FleetState, ...]] = ("ok", "queued", "running", "retrying", "failed", "never")


class QueuedJob(msgspec.Struct, kw_only=True, frozen=True):
    """A district's sync job that is waiting (`todo`) or running (`doing`)."""

    job_id: int
    district_id: str
    kind: str
    status: Literal["todo", "doing"]
    attempts: int


class LastSync(msgspec.Struct, kw_only=True, frozen=True):
    """A district's most recent sync run."""

    kind: str
    status: str
    started_at: str
    finished_at: str | None
    seconds: float | None
    rows: int


class DistrictStatus(msgspec.Struct, kw_only=True, frozen=True):
    id: str
    name: str
    state: FleetState
    reason: str | None
    worker: str | None
    job: QueuedJob | None
    last_sync: LastSync | None


class FleetStatus(ReportStruct, kw_only=True, frozen=True):
    districts: list[DistrictStatus]
    totals: dict[str, int]

    def render_text(self) -> str:
        totals = ", ".join(f"{state} {self.totals.get(state, 0)}" for state in STATES)
        lines = [f"{len(self.districts)} districts: {totals}"]
        for district in self.districts:
            last = district.last_sync
            synced = (
                f"last {last.kind} {last.status} {last.finished_at or 'unfinished'} ({last.rows:,} rows"
                + (f", {last.seconds:.1f} s)" if last.seconds is not None else ")")
                if last is not None
                else "never synced"
            )
            where = f" on {district.worker}" if district.state == "running" and district.worker else ""
            lines.append(f"  {district.id}  {district.name[:28]:<28} {district.state:<8}{where}  {synced}")
            if district.reason and district.state in ("failed", "retrying"):
                lines.append(f"      reason: {district.reason}")
        return "\n".join(lines)


def last_sync(run: SyncRun | None) -> LastSync | None:
    """The run as `status` shows it: rows written, and its duration when it finished."""
    if run is None:
        return None
    seconds = None
    if run.finished_at is not None:
        delta = parse_timestamp(run.finished_at) - parse_timestamp(run.started_at)
        seconds = round(delta.total_seconds(), 3)
    return LastSync(
        kind=run.kind, status=run.status, started_at=run.started_at, finished_at=run.finished_at,
        seconds=seconds, rows=sum(run.counts.values()),
    )  # fmt: skip


def district_state(ledger: FleetDistrict, job: QueuedJob | None) -> FleetState:
    """A job in the queue says more than the ledger: running when a worker holds it, retrying when it
    waits after a failed attempt, queued when it waits for its first; else what the last job left."""
    if job is not None and job.status == "doing":
        return "running"
    if job is not None:
        return "retrying" if job.attempts > 0 else "queued"
    if ledger.state in ("running", "retrying"):
        # The ledger says a job was under way, yet none is queued or running: its worker died and the job was
        # given up (or not yet noticed); `failed` with the ledger's reason is the honest answer.
        return "failed"
    return ledger.state


def build_status(ledger: list[FleetDistrict], jobs: list[QueuedJob], runs: dict[str, SyncRun]) -> FleetStatus:
    """Every district of the ledger with its state, reason, job and last sync; totals per state."""
    by_district: dict[str, QueuedJob] = {}
    for job in sorted(jobs, key=lambda j: (j.status == "doing", j.job_id)):
        by_district[job.district_id] = job  # a running job wins over a waiting one
    districts: list[DistrictStatus] = []
    for row in ledger:
        waiting = by_district.get(row.district_id)
        state = district_state(row, waiting)
        reason = row.reason if state in ("failed", "retrying") else None
        if state in ("failed", "retrying") and reason is None:
            reason = (
                f"its last attempt, on {row.worker or 'a worker'}, stopped without finishing (worker died)"
            )
        districts.append(
            DistrictStatus(
                id=row.district_id, name=row.name, state=state, reason=reason, worker=row.worker, job=waiting,
                last_sync=last_sync(runs.get(row.district_id)),
            )
        )  # fmt: skip
    counts = Counter(district.state for district in districts)
    return FleetStatus(districts=districts, totals={state: counts.get(state, 0) for state in STATES})


def queued_jobs(app: procrastinate.App) -> list[QueuedJob]:
    """The sync jobs waiting or running (`app` open)."""
    found: list[QueuedJob] = []
    for status in ("todo", "doing"):
        for job in app.job_manager.list_jobs(task=SYNC_TASK, status=status):
            assert job.id is not None
            found.append(
                QueuedJob(
                    job_id=job.id, district_id=str(job.task_kwargs["district_id"]),
                    kind=str(job.task_kwargs["mode"]), status=status, attempts=job.attempts,
                )
            )  # fmt: skip
    return found


def read_status(app: procrastinate.App, store: Store) -> FleetStatus:
    """The fleet's status from the ledger, the sync runs and the queue (none before a worker or `schedule`
    installed it)."""
    jobs = queued_jobs(app) if store.has_table(QUEUE_TABLE) else []
    return build_status(store.fleet_districts(), jobs, store.latest_runs())
