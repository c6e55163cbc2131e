"""One wire renderer per API version: a record's JSON bytes in that version's shape, its list item
`{"data":…,"uri":…}`, its canonical URI and the relation links of a single-record response (§1.1).

Item bytes are encoded once and cached per district and version, so a 10 000-record page is a join of
cached bytes. The cache is dropped with the district's index whenever its roster changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

import msgspec

from rollcall.domain.district import district_to_v30, section_to_v30
from rollcall.domain.record import Record
from rollcall.domain.user import to_v30
from rollcall.domain.v2 import V2_PERSON_TYPES, V2PersonType
from rollcall.domain.version import ApiVersion
from rollcall.emulator.data.district_index import DistrictIndex
from rollcall.emulator.data.event_log import EventLog

ENCODER: Final = msgspec.json.Encoder()
# Dropping the whole cache past this many items bounds memory when a client walks a million-user district.
CACHE_LIMIT: Final = 300_000

# Relation links of a single record, in the order Clever sends them (clever-api.md §1.1, §2.1).
V3_LINKS: Final[dict[str, tuple[str, ...]]] = {
    "sections": ("district", "school", "term", "course", "users"),
    "schools": ("district", "sections", "users", "terms", "courses"),
    "terms": ("district", "sections", "schools"),
    "courses": ("district", "sections", "schools"),
    "resources": ("courses", "sections", "users"),
    "districts": (),
    "events": (),
}
V2_LINKS: Final[dict[str, tuple[str, ...]]] = {
    "students": ("district", "school", "schools", "sections", "teachers", "contacts"),
    "teachers": ("district", "school", "schools", "sections", "students"),
    "school_admins": ("district", "schools"),
    "district_admins": ("district",),
    "contacts": ("district", "students"),
    "sections": ("course", "district", "school", "students", "teacher", "teachers", "term"),
    "schools": ("district", "sections", "students", "teachers"),
    "courses": ("district", "sections"),
    "terms": ("district", "sections"),
    "districts": (),
    "events": (),
}


class RecordMissing(LookupError):
    """The record is not in this district (the API answers a JSON 404)."""


class Renderer:
    """Renders the records of one district in one API version."""

    def __init__(self, index: DistrictIndex, events: EventLog, version: ApiVersion) -> None:
        self.index = index
        self.events = events
        self.version = version
        self.prefix = f"/{version}"
        self._items: dict[tuple[str, str], bytes] = {}

    def uri(self, kind: str, record_id: str) -> str:
        return f"{self.prefix}/{kind}/{record_id}"

    def record(self, kind: str, record_id: str) -> Record:
        """The record as this version shows it; RecordMissing when absent."""
        snapshot = self.index.snapshot
        v30 = self.version != "v3.1"
        found: Record | None
        if kind == "users" and not self.version.startswith("v2"):
            user = snapshot.users.get(record_id)
            found = to_v30(user) if (user is not None and v30) else user
        elif kind == "sections":
            section = snapshot.sections.get(record_id)
            if section is not None and v30:
                section = section_to_v30(section)
            found = section
            if section is not None and self.version == "v2.1":
                found = self._v2_section_teachers(section)
        elif kind == "districts":
            district = snapshot.district if record_id == self.index.district_id else None
            found = district_to_v30(district) if (district is not None and v30) else district
        elif kind in ("schools", "terms", "courses", "resources"):
            found = getattr(snapshot, kind).get(record_id)
        elif kind in V2_PERSON_TYPES and self.version == "v2.1":
            found = self.index.v2_record(_v2_kind(kind), record_id)
        else:
            found = None
        if found is None:
            raise RecordMissing(f"{kind} {record_id}")
        return found

    def _v2_section_teachers(self, section: msgspec.Struct) -> Record:
        # v2.1 sections name teachers by their v2 (legacy) teacher ids, not v3 user ids.
        legacy = self.index.legacy_of["teacher"]
        teacher = getattr(section, "teacher", None)
        teachers: list[str] = getattr(section, "teachers", [])
        replaced = msgspec.structs.replace(
            section,
            teacher=legacy.get(teacher, teacher) if teacher is not None else None,
            teachers=[legacy.get(t, t) for t in teachers],
        )
        assert isinstance(replaced, Record)
        return replaced

    def record_bytes(self, kind: str, record_id: str) -> bytes:
        """The record's JSON (events: the event object itself)."""
        if kind == "events":
            found = self.events.find(self.version, record_id)
            if found is None:
                raise RecordMissing(f"event {record_id}")
            return found.body
        return ENCODER.encode(self.record(kind, record_id))

    def items(self, kind: str, record_ids: Sequence[str]) -> list[bytes]:
        """`{"data":<record>,"uri":"/<version>/<kind>/<id>"}` per id, cached; ids a roster left dangling (a
        section naming a gone user) are skipped.
        The cold path is one loop with the encoder and byte pieces bound locally: it runs per record."""
        items = self._items
        try:
            return [items[(kind, record_id)] for record_id in record_ids]
        except KeyError:
            pass
        if len(items) + len(record_ids) > CACHE_LIMIT:
            items.clear()
        shape = self._shape(kind)
        encode = ENCODER.encode
        head, middle, tail = b'{"data":', f',"uri":"{self.prefix}/{kind}/'.encode(), b'"}'
        found = []
        for record_id in record_ids:
            key = (kind, record_id)
            item = items.get(key)
            if item is None:
                record = shape(record_id)
                if record is None:
                    continue
                body = record if isinstance(record, bytes) else encode(record)
                item = items[key] = head + body + middle + record_id.encode() + tail
            found.append(item)
        return found

    def _shape(self, kind: str) -> Callable[[str], Record | bytes | None]:
        """How to fetch one record of `kind` in this version (None when absent); direct dict lookups where
        the snapshot already holds the version's shape."""
        snapshot = self.index.snapshot
        direct = kind in ("schools", "terms", "courses", "resources") or (
            self.version == "v3.1" and kind in ("users", "sections")
        )
        if direct:
            table: dict[str, Record] = getattr(snapshot, kind)
            return table.get

        def shaped(record_id: str) -> Record | bytes | None:
            try:
                return (
                    self.record_bytes(kind, record_id) if kind == "events" else self.record(kind, record_id)
                )
            except RecordMissing:
                return None

        return shaped

    def links(self, kind: str, record_id: str) -> list[tuple[str, str]]:
        """(rel, uri) pairs of a single-record response at its canonical path."""
        base = self.uri(kind, record_id)
        if self.version == "v2.1":
            rels = V2_LINKS[kind]
        elif kind == "users":
            rels = self._user_rels(record_id)
        else:
            rels = V3_LINKS[kind]
        return [("self", base), *((rel, f"{base}/{rel}") for rel in rels)]

    def _user_rels(self, user_id: str) -> tuple[str, ...]:
        user = self.index.snapshot.users[user_id]
        roles = user.roles
        mine: list[str] = []
        if roles.student is not None:
            mine += ["myContacts", "myTeachers"]
        if roles.teacher is not None or roles.contact is not None:
            mine.append("myStudents")
        return ("district", "sections", *mine, "schools")


def _v2_kind(kind: str) -> V2PersonType:
    for candidate in V2_PERSON_TYPES:
        if candidate == kind:
            return candidate
    raise RecordMissing(kind)
