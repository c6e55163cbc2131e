"""A district's event log, one ordered stream per API version, trimmed to Clever's 30-day window.

Each event is stored already encoded (its wire bytes), with what its filters need: record type and the
schools it concerns.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from dataclasses import dataclass, field

from rollcall.domain.event import RETENTION_DAYS
from rollcall.domain.version import API_VERSIONS, ApiVersion


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """One event as served: its id, type, creation instant, the schools it is about, and its JSON."""

    id: str
    type: str
    created: dt.datetime
    schools: frozenset[str]
    body: bytes

    @property
    def record_type(self) -> str:
        return self.type.partition(".")[0]


def _empty_streams() -> dict[ApiVersion, list[StoredEvent]]:
    return {version: [] for version in API_VERSIONS}


@dataclass(slots=True)
class EventLog:
    """Events per version, ascending by id (ids are minted increasing, so appending keeps the order)."""

    streams: dict[ApiVersion, list[StoredEvent]] = field(default_factory=_empty_streams)
    _filtered: dict[tuple[object, ...], list[str]] = field(default_factory=dict)

    def append(self, version: ApiVersion, events: list[StoredEvent]) -> None:
        stream = self.streams[version]
        if events and stream and events[0].id <= stream[-1].id:
            raise ValueError("event ids must increase")
        stream.extend(events)
        self._filtered.clear()

    def newest_created(self) -> dt.datetime | None:
        """When the newest event of any version was created (None while the log is empty)."""
        return max((stream[-1].created for stream in self.streams.values() if stream), default=None)

    def expire(self, now: dt.datetime) -> int:
        """Drop events older than the retention window from the front; how many were dropped."""
        horizon = now - dt.timedelta(days=RETENTION_DAYS)
        dropped = 0
        for version, stream in self.streams.items():
            keep = 0
            while keep < len(stream) and stream[keep].created < horizon:
                keep += 1
            if keep:
                self.streams[version] = stream[keep:]
                dropped += keep
        if dropped:
            self._filtered.clear()
        return dropped

    def find(self, version: ApiVersion, event_id: str) -> StoredEvent | None:
        stream = self.streams[version]
        ids = self.ids(version, None, ())
        at = bisect_left(ids, event_id)
        if at < len(ids) and ids[at] == event_id:
            return stream[at]
        return None

    def ids(self, version: ApiVersion, school: str | None, record_types: tuple[str, ...]) -> list[str]:
        """Ascending ids of the events matching the filters (cached until the log changes)."""
        key = (version, school, record_types)
        found = self._filtered.get(key)
        if found is None:
            found = [
                event.id
                for event in self.streams[version]
                if (school is None or school in event.schools)
                and (not record_types or event.record_type in record_types)
            ]
            self._filtered[key] = found
        return found

    def body(self, version: ApiVersion, event_id: str) -> bytes:
        found = self.find(version, event_id)
        assert found is not None, event_id
        return found.body

    def __len__(self) -> int:
        return sum(len(stream) for stream in self.streams.values())
