"""The incremental sync: apply the events after the checkpoint in order, each page of events committed in
one transaction with the checkpoint moved to its last event (so a rerun never applies a page twice, and
applying one again would change nothing)."""

from __future__ import annotations

import msgspec
import structlog

from rollcall.client import CleverClient
from rollcall.domain.progress import ProgressReporter
from rollcall.domain.timestamps import Clock, format_timestamp
from rollcall.store import Checkpoint, Store
from rollcall.sync.events import apply_operations, operations
from rollcall.sync.plan import EVENTS, SyncPlan
from rollcall.sync.prefetch import prefetched

log = structlog.get_logger("rollcall.sync")


class IncrementalResult:
    """What an incremental run wrote, how many events it applied, and the checkpoint it left."""

    def __init__(self, checkpoint: Checkpoint) -> None:
        self.written: dict[str, int] = {}
        self.events = 0
        self.checkpoint = checkpoint


def run_incremental(
    plan: SyncPlan, client: CleverClient, store: Store, *, reporter: ProgressReporter, clock: Clock
) -> IncrementalResult:
    """Carry out an incremental plan. `NotFound` from the events API escapes: the caller falls back to a
    full sync (the cursor event is gone)."""
    assert plan.checkpoint is not None, "an incremental plan always starts from a checkpoint"
    district = plan.district_id
    result = IncrementalResult(plan.checkpoint)
    with store.transaction() as tx:
        tx.start_run(
            plan.run_id, district_id=district, kind="incremental", api_version=plan.api_version,
            at=format_timestamp(clock.now()),
        )  # fmt: skip
    reporter.step_started(district, EVENTS)
    pages = client.iter_pages(client.endpoints.events(), starting_after=plan.start_event_id)
    for events, info in prefetched(pages):
        if not events:
            break
        ops = operations(events)
        checkpoint = msgspec.structs.replace(
            result.checkpoint, last_event_id=info.last_id, updated_at=format_timestamp(clock.now())
        )
        with store.transaction() as tx:
            counts = apply_operations(tx, ops, plan.run_id)
            tx.save_checkpoint(checkpoint)
        result.checkpoint = checkpoint
        result.events += len(events)
        for name, count in counts.items():
            result.written[name] = result.written.get(name, 0) + count
        reporter.advanced(district, EVENTS, len(events))
        log.info("sync.events_applied", district=district, events=len(events), last_id=info.last_id)
    reporter.step_finished(district, EVENTS)
    at = format_timestamp(clock.now())
    with store.transaction() as tx:
        # The save time moves even without events: it dates the last look at the feed (plan.cursor_expiry).
        result.checkpoint = msgspec.structs.replace(result.checkpoint, updated_at=at)
        tx.save_checkpoint(result.checkpoint)
        tx.finish_run(plan.run_id, at=at, counts=result.written)
    return result
