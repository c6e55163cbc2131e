"""Events as store operations (pure): each event becomes an upsert of its record or a soft delete, and runs of
upserts of one record type are batched so a page of events costs a few bulk writes, applied in order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import msgspec

from rollcall.domain.event import Event
from rollcall.errors import SyncError
from rollcall.store import StoreTransaction
from rollcall.sync.synced_collections import COLLECTIONS, IGNORED_RECORD_TYPES


@dataclass(slots=True)
class Upsert:
    """Write these records of one collection (the last of an id wins, as the events' order says)."""

    collection: str
    records: list[object] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Delete:
    """Soft-delete one record; `at` is the event's creation time."""

    collection: str
    record_id: str
    at: str


Operation = Upsert | Delete


def _record(event: Event) -> object:
    collection = COLLECTIONS[event.record_type]
    try:
        return msgspec.convert(event.data.object, type=collection.kind)
    except msgspec.ValidationError as error:
        raise SyncError(
            f"event {event.id} ({event.type}) carries a {event.record_type} record rollcall cannot read: "
            f"{error}"
        ) from error


def _record_id(event: Event) -> str:
    record_id = event.data.object.get("id")
    if not isinstance(record_id, str) or not record_id:
        raise SyncError(f"event {event.id} ({event.type}) has no record id in data.object")
    return record_id


def operations(events: Sequence[Event]) -> list[Operation]:
    """The store operations of `events`, in order. Consecutive created/updated events of one record type
    share one upsert; a delete ends the batch, so a record deleted and created again ends up live."""
    result: list[Operation] = []
    for event in events:
        if event.record_type in IGNORED_RECORD_TYPES:
            continue
        if event.record_type not in COLLECTIONS:
            raise SyncError(f"event {event.id} has type {event.type!r}, which rollcall does not know")
        if event.kind == "deleted":
            result.append(Delete(event.record_type, _record_id(event), event.created))
        elif event.kind in ("created", "updated"):
            last = result[-1] if result else None
            if not isinstance(last, Upsert) or last.collection != event.record_type:
                last = Upsert(event.record_type)
                result.append(last)
            last.records.append(_record(event))
        else:
            raise SyncError(f"event {event.id} has type {event.type!r}, which rollcall does not know")
    return result


def apply_operations(tx: StoreTransaction, ops: Sequence[Operation], run_id: str) -> dict[str, int]:
    """Run `ops` inside `tx`; returns records written and deleted per collection (`users.deleted`)."""
    counts: dict[str, int] = {}
    for op in ops:
        if isinstance(op, Upsert):
            written = tx.write(COLLECTIONS[op.collection].prepare(op.records, run_id))
            counts[op.collection] = counts.get(op.collection, 0) + written
        elif tx.delete(op.collection, op.record_id, at=op.at):
            key = f"{op.collection}.deleted"
            counts[key] = counts.get(key, 0) + 1
    return counts
