"""The sync's two steps for one district: `plan_district` reads the facts (the token's district and newest
event from the API, the checkpoint and any unfinished run from the store) and plans; `apply_plan` carries out
exactly that plan, refusing it when the store moved since, and returns the summary."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Final

import msgspec
import structlog

from rollcall.client import CleverClient
from rollcall.domain.progress import ProgressReporter, SilentReporter
from rollcall.domain.report import stale_reason
from rollcall.domain.timestamps import Clock, SystemClock
from rollcall.errors import NotFound, SyncError, UsageError
from rollcall.store import Checkpoint, ResumePoint, Store
from rollcall.sync.full import run_full
from rollcall.sync.incremental import run_incremental
from rollcall.sync.plan import SyncFacts, SyncMode, SyncPlan, plan_sync, store_basis, wants_cursor_check
from rollcall.sync.summary import SyncSummary

log = structlog.get_logger("rollcall.sync")

StoreReading = tuple[Checkpoint | None, ResumePoint | None]
SYNCED_VERSIONS: Final = ("v3.1", "v3.0")


def new_run_id() -> str:
    """A fresh, unique sync run id."""
    return f"run-{uuid.uuid4().hex}"


def read_district(client: CleverClient, district_id: str | None = None) -> tuple[str, str]:
    """The id and name of the district the token reaches (`district_id`, when given, must be it)."""
    if district_id is None:
        district = client.get_district()
    else:
        try:
            district = client.get_district(district_id)
        except NotFound as error:
            raise SyncError(
                f"district {district_id} is unknown to {client.base_url} or not shared with this token"
            ) from error
    return district.id, district.name


def read_store(store: Store | None, district_id: str, api_version: str) -> StoreReading:
    """The checkpoint and resume point of the district (none at all without a store: a dry run on a
    database that does not exist yet)."""
    if store is None:
        return None, None
    return (
        store.find_checkpoint(district_id, api_version),
        store.find_resume_point(district_id, api_version),
    )


def plan_district(
    client: CleverClient,
    store: Store | None,
    *,
    mode: SyncMode,
    district_id: str | None = None,
    clock: Clock | None = None,
    run_id: Callable[[], str] = new_run_id,
) -> SyncPlan:
    """Read what the plan needs and make it. Nothing is written; a wrong token fails here."""
    if client.api_version not in SYNCED_VERSIONS:
        raise UsageError(
            f"rollcall stores v3 users: sync with API {' or '.join(SYNCED_VERSIONS)}, "
            f"not {client.api_version}"
        )
    now = (clock or SystemClock()).now()
    found_id, name = read_district(client, district_id)
    latest = client.latest_event_id()
    checkpoint, resume = read_store(store, found_id, client.api_version)
    facts = SyncFacts(
        district_id=found_id, district_name=name, api_version=client.api_version,
        latest_event_id=latest, checkpoint=checkpoint, resume=resume,
    )  # fmt: skip
    cursor = wants_cursor_check(facts, mode, now)
    if cursor is not None:
        try:
            client.get(client.endpoints.event(cursor))
            found = True
        except NotFound:
            found = False
        facts = msgspec.structs.replace(facts, cursor_found=found)
    return plan_sync(facts, mode=mode, now=now, run_id=run_id())


def _check_fresh(plan: SyncPlan, store: Store) -> None:
    current = store_basis(*read_store(store, plan.district_id, plan.api_version))
    stale = stale_reason(f"sync of district {plan.district_id}", plan.basis, current, where=store.where)
    if stale is not None:
        raise SyncError(f"{stale} (its checkpoint moved: did another sync run?)")


def apply_plan(
    plan: SyncPlan,
    client: CleverClient,
    store: Store,
    *,
    reporter: ProgressReporter | None = None,
    clock: Clock | None = None,
    run_id: Callable[[], str] = new_run_id,
) -> SyncSummary:
    """Carry out `plan` with `client` into `store`. When the events API no longer knows the incremental
    cursor, the sync falls back to a full one (reported in the summary's reason)."""
    if client.api_version != plan.api_version:
        raise SyncError(f"the plan is for API {plan.api_version}, the client speaks {client.api_version}")
    reporter = reporter or SilentReporter()
    clock = clock or SystemClock()
    _check_fresh(plan, store)
    started = time.perf_counter()
    log.info("sync.started", district=plan.district_id, kind=plan.kind, run_id=plan.run_id, why=plan.reason)
    if plan.kind == "incremental":
        try:
            done = run_incremental(plan, client, store, reporter=reporter, clock=clock)
        except NotFound as error:
            log.warning("sync.cursor_gone", district=plan.district_id, cursor=plan.start_event_id)
            fallback = plan_district(client, store, mode="full", district_id=plan.district_id, clock=clock,
                                     run_id=run_id)  # fmt: skip
            fallback = msgspec.structs.replace(
                fallback, reason=f"the events API answered 404 past event {plan.start_event_id} ({error})"
            )
            return apply_plan(fallback, client, store, reporter=reporter, clock=clock, run_id=run_id)
        return _summary(
            plan, store, started, written=done.written, events=done.events, swept={},
            checkpoint_event_id=done.checkpoint.last_event_id,
        )  # fmt: skip
    full = run_full(plan, client, store, reporter=reporter, clock=clock)
    return _summary(
        plan, store, started, written=full.written, events=0, swept=full.swept,
        checkpoint_event_id=plan.start_event_id,
    )  # fmt: skip


def _summary(
    plan: SyncPlan,
    store: Store,
    started: float,
    *,
    written: dict[str, int],
    events: int,
    swept: dict[str, int],
    checkpoint_event_id: str | None,
) -> SyncSummary:
    return SyncSummary(
        district_id=plan.district_id, district_name=plan.district_name, api_version=plan.api_version,
        kind=plan.kind, run_id=plan.run_id, reason=plan.reason, resumed=plan.resuming, written=written,
        events_applied=events, swept=swept, rows=store.counts(plan.district_id),
        checkpoint_event_id=checkpoint_event_id, seconds=time.perf_counter() - started,
    )  # fmt: skip


def sync_district(
    client: CleverClient,
    store: Store,
    *,
    mode: SyncMode = "full",
    district_id: str | None = None,
    reporter: ProgressReporter | None = None,
    clock: Clock | None = None,
) -> SyncSummary:
    """Plan, then apply: one district's sync in one call."""
    plan = plan_district(client, store, mode=mode, district_id=district_id, clock=clock)
    return apply_plan(plan, client, store, reporter=reporter, clock=clock)
