"""Change sets: what turned one district snapshot into another, per record, as Clever's events carry it.

`previous_attributes` holds only the changed leaves with their old values, nested like the record
(clever-api.md §5.2); a field that did not exist before has the old value `None`. Lists are leaves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal

import msgspec

from rollcall.domain.record import JsonObject, Record
from rollcall.domain.snapshot import DistrictSnapshot

ChangeKind = Literal["created", "updated", "deleted"]

# Records are created parents-first and deleted children-first, so a consumer applying changes in order
# never sees a section pointing at a school or user it has not heard of.
CREATION_ORDER: Final = ("districts", "schools", "terms", "courses", "users", "sections", "resources")
V2_CREATION_ORDER: Final = (
    "districts", "schools", "terms", "courses", "students", "teachers", "schooladmins", "districtadmins",
    "contacts", "sections",
)  # fmt: skip


class Change(msgspec.Struct, kw_only=True, frozen=True, gc=False):
    """One record created, updated or deleted. `record` is the new value, or the last one for a deletion."""

    record_type: str
    kind: ChangeKind
    id: str
    record: Record
    previous_attributes: JsonObject | None = None

    @property
    def event_type(self) -> str:
        """The event type naming this change, e.g. `users.updated`."""
        return f"{self.record_type}.{self.kind}"


class ChangeSet(msgspec.Struct, frozen=True, gc=False):
    """The ordered changes between two snapshots."""

    changes: list[Change]

    def counts(self) -> dict[str, int]:
        """How many changes of each event type, e.g. `{"users.updated": 3}`."""
        counts: dict[str, int] = {}
        for change in self.changes:
            counts[change.event_type] = counts.get(change.event_type, 0) + 1
        return counts

    def __len__(self) -> int:
        return len(self.changes)


def previous_attributes(old: JsonObject, new: JsonObject) -> JsonObject:
    """The changed leaves of `old` → `new`, each with its old value, nested as in the records."""
    changed: JsonObject = {}
    for key in old.keys() | new.keys():
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if isinstance(before, dict) and isinstance(after, dict):
            nested = previous_attributes(before, after)
            if nested:
                changed[key] = nested
        else:
            changed[key] = before
    return dict(sorted(changed.items()))


def _as_object(record: Record) -> JsonObject:
    built = msgspec.to_builtins(record)
    assert isinstance(built, dict)
    return built


def diff_records(record_type: str, old: Mapping[str, Record], new: Mapping[str, Record]) -> list[Change]:
    """Created and updated records (ascending id), then deleted ones (ascending id), of one collection."""
    upserts: list[Change] = []
    for record_id in sorted(new):
        after = new[record_id]
        before = old.get(record_id)
        if before is None:
            upserts.append(Change(record_type=record_type, kind="created", id=record_id, record=after))
        elif before != after:
            upserts.append(
                Change(
                    record_type=record_type, kind="updated", id=record_id, record=after,
                    previous_attributes=previous_attributes(_as_object(before), _as_object(after)),
                )
            )  # fmt: skip
    deletions = [
        Change(record_type=record_type, kind="deleted", id=record_id, record=old[record_id])
        for record_id in sorted(old.keys() - new.keys())
    ]
    return upserts + deletions


def order_changes(
    per_type: Mapping[str, list[Change]], creation_order: tuple[str, ...] = CREATION_ORDER
) -> list[Change]:
    """Creations and updates parents-first, then deletions children-first (v3 vocabulary by default;
    `V2_CREATION_ORDER` for v2.1 record types)."""
    upserts = [c for t in creation_order for c in per_type.get(t, []) if c.kind != "deleted"]
    deletions = [c for t in reversed(creation_order) for c in per_type.get(t, []) if c.kind == "deleted"]
    return upserts + deletions


def diff(old: DistrictSnapshot, new: DistrictSnapshot) -> ChangeSet:
    """What changed between two snapshots of the same district, in the v3 record vocabulary."""
    per_type: dict[str, list[Change]] = {
        "districts": diff_records(
            "districts", {old.district.id: old.district}, {new.district.id: new.district}
        ),
        "schools": diff_records("schools", old.schools, new.schools),
        "terms": diff_records("terms", old.terms, new.terms),
        "courses": diff_records("courses", old.courses, new.courses),
        "users": diff_records("users", old.users, new.users),
        "sections": diff_records("sections", old.sections, new.sections),
        "resources": diff_records("resources", old.resources, new.resources),
    }
    return ChangeSet(order_changes(per_type))
