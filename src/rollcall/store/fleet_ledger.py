"""The fleet's ledger (tables `fleet_districts` and `sync_attempts`): the state each district's last sync job
left it in, and every job attempt with its worker and the time it held the district's fence. Functions over
one connection; `Store` wraps them in transactions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import msgspec
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from rollcall.store.schema import fleet_districts, sync_attempts, sync_runs
from rollcall.store.sync_state import SyncRun

DistrictState = Literal["never", "running", "ok", "retrying", "failed"]
AttemptOutcome = Literal["succeeded", "retrying", "failed"]


class FleetDistrict(msgspec.Struct, kw_only=True, frozen=True):
    """A district the app is connected to, as the fleet last left it."""

    district_id: str
    name: str
    state: DistrictState
    updated_at: str
    reason: str | None = None
    worker: str | None = None


class SyncAttempt(msgspec.Struct, kw_only=True, frozen=True):
    """One run of a district's sync job by one worker; `finished_at` None: still running, or it died."""

    attempt_id: str
    district_id: str
    attempt: int
    kind: str
    worker: str
    started_at: str
    job_id: int | None = None
    finished_at: str | None = None
    outcome: AttemptOutcome | None = None
    reason: str | None = None
    run_id: str | None = None


def _insert(connection: Connection, table: sa.Table) -> postgresql.Insert | sqlite.Insert:
    return (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(table)


def record_districts(connection: Connection, district_ids: Iterable[str], *, at: str) -> list[str]:
    """Remember the districts a token listing found: new ones start `never` synced and named by their id
    until a sync reads their name; known ones keep their row. Returns the ids that were new."""
    known = set(connection.execute(sa.select(fleet_districts.c.district_id)).scalars())
    new = sorted(set(district_ids) - known)
    for district_id in new:
        insert = _insert(connection, fleet_districts).values(
            district_id=district_id, name=district_id, state="never", updated_at=at
        )
        connection.execute(insert.on_conflict_do_nothing(index_elements=["district_id"]))
    return new


def set_state(
    connection: Connection,
    district_id: str,
    state: DistrictState,
    *,
    at: str,
    reason: str | None = None,
    worker: str | None = None,
    name: str | None = None,
) -> None:
    """Record the state a sync job leaves the district in (creating the row for an unlisted district), and
    its name when the sync read it."""
    values: dict[str, object] = {"state": state, "reason": reason, "worker": worker, "updated_at": at}
    insert = _insert(connection, fleet_districts).values(district_id=district_id, name=name or district_id)
    updates = {**values, "name": name} if name is not None else values
    connection.execute(
        insert.values(values).on_conflict_do_update(index_elements=["district_id"], set_=updates)
    )


def start_attempt(connection: Connection, attempt: SyncAttempt) -> None:
    """Record an attempt that has just acquired its district's fence."""
    connection.execute(sa.insert(sync_attempts).values(**msgspec.structs.asdict(attempt)))


def finish_attempt(
    connection: Connection, attempt_id: str, *, at: str, outcome: AttemptOutcome, reason: str | None = None,
    run_id: str | None = None,
) -> None:  # fmt: skip
    """Record how an attempt ended."""
    values: dict[str, object] = {"finished_at": at, "outcome": outcome, "reason": reason}
    if run_id is not None:
        values["run_id"] = run_id
    connection.execute(
        sa.update(sync_attempts).where(sync_attempts.c.attempt_id == attempt_id).values(values)
    )


def read_districts(connection: Connection) -> list[FleetDistrict]:
    """Every district of the ledger, by id."""
    rows = connection.execute(sa.select(fleet_districts).order_by(fleet_districts.c.district_id))
    return [msgspec.convert({str(k): v for k, v in row._asdict().items()}, FleetDistrict) for row in rows]


def read_attempts(connection: Connection, district_id: str | None = None) -> list[SyncAttempt]:
    """Sync job attempts (of one district, or all), in the order they acquired their fence."""
    statement = sa.select(sync_attempts).order_by(sync_attempts.c.started_at, sync_attempts.c.attempt_id)
    if district_id is not None:
        statement = statement.where(sync_attempts.c.district_id == district_id)
    rows = connection.execute(statement)
    return [msgspec.convert({str(k): v for k, v in row._asdict().items()}, SyncAttempt) for row in rows]


def latest_runs(connection: Connection) -> dict[str, SyncRun]:
    """Per district, its most recently started sync run (one indexed pass, however many runs are kept)."""
    newest = (
        sa.select(sync_runs.c.district_id, sa.func.max(sync_runs.c.started_at).label("started_at"))
        .group_by(sync_runs.c.district_id)
        .subquery()
    )
    statement = sa.select(sync_runs).join(
        newest,
        sa.and_(
            sync_runs.c.district_id == newest.c.district_id, sync_runs.c.started_at == newest.c.started_at
        ),
    )
    latest: dict[str, SyncRun] = {}
    for row in connection.execute(statement.order_by(sync_runs.c.district_id, sync_runs.c.run_id)):
        values = {str(k): v for k, v in row._asdict().items()}
        counts = values["counts"]
        values["counts"] = msgspec.json.decode(counts, type=dict[str, int]) if isinstance(counts, str) else {}
        latest[str(values["district_id"])] = msgspec.convert(values, SyncRun)
    return latest
