"""Events as the Events API sends them: `{id, type, created, data: {object, previous_attributes}}`."""

from __future__ import annotations

from typing import Final

import msgspec

from rollcall.domain.record import JsonObject

EVENT_RECORD_TYPES: Final[dict[str, tuple[str, ...]]] = {
    "v2.1": (
        "students", "teachers", "sections", "schools", "schooladmins", "districtadmins",
        "contacts", "courses", "terms", "districts",
    ),
    "v3.0": ("users", "sections", "schools", "terms", "courses", "districts", "resources"),
    "v3.1": ("users", "sections", "schools", "terms", "courses", "districts", "resources"),
}  # fmt: skip
EVENT_KINDS: Final = ("created", "updated", "deleted")
RETENTION_DAYS: Final = 30

# v2.1 collection names (paths) → v2.1 event record types.
V2_EVENT_RECORD_TYPE: Final = {
    "students": "students", "teachers": "teachers", "school_admins": "schooladmins",
    "district_admins": "districtadmins", "contacts": "contacts",
}  # fmt: skip


class EventData(msgspec.Struct, gc=False):
    """The record as it is after the change (the last known record for `.deleted`) and what it was before."""

    object: JsonObject
    previous_attributes: JsonObject | None = None


class Event(msgspec.Struct, gc=False):
    """One change notification. Events are ordered by id."""

    id: str
    type: str
    created: str
    data: EventData

    @property
    def record_type(self) -> str:
        """`users` for `users.updated`."""
        return self.type.partition(".")[0]

    @property
    def kind(self) -> str:
        """`updated` for `users.updated`."""
        return self.type.partition(".")[2]


def event_types(version: str) -> tuple[str, ...]:
    """Every event type of an API version, e.g. `users.created`."""
    return tuple(f"{record}.{kind}" for record in EVENT_RECORD_TYPES[version] for kind in EVENT_KINDS)
