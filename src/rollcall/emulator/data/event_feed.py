"""Turning a roster change into events in every version's vocabulary (clever-api.md §5).

v3.1 events come from diffing the snapshots as they are; v3.0 from diffing their v3.0 projections (so a
change to v3.1-only fields makes no v3.0 event); v2.1 from diffing the v2.1 person records per role
collection plus v2.1-shaped sections, schools, terms, courses and the district. A teacher gaining a staff
role is therefore `users.updated` in v3 and `schooladmins.created` in v2.1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from typing import Final, TypeVar

import msgspec

from rollcall.domain.changes import V2_CREATION_ORDER, Change, diff_records, order_changes
from rollcall.domain.district import Section, district_to_v30, section_to_v30
from rollcall.domain.event import V2_EVENT_RECORD_TYPE
from rollcall.domain.record import Record
from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.timestamps import format_timestamp
from rollcall.domain.user import User, to_v30
from rollcall.domain.v2 import V2_PERSON_TYPES, V2Contact, split_into_v2
from rollcall.domain.version import API_VERSIONS, ApiVersion
from rollcall.emulator.data.district_index import DistrictIndex
from rollcall.emulator.data.event_log import StoredEvent
from rollcall.emulator.data.render import ENCODER

# The v3 collections of a snapshot; "touched" maps name the ids a change may have affected.
SNAPSHOT_COLLECTIONS: Final = ("schools", "terms", "courses", "users", "sections", "resources")
Touched = Mapping[str, Collection[str]]
R = TypeVar("R", bound=Record)


def _pick(records: Mapping[str, R], only: Collection[str] | None) -> dict[str, R]:
    if only is None:
        return dict(records)
    return {record_id: records[record_id] for record_id in only if record_id in records}


def _v2_sections(snapshot: DistrictSnapshot, only: Collection[str] | None) -> dict[str, Record]:
    legacy = {u.id: r.legacy_id for u in snapshot.users.values() if (r := u.roles.teacher) and r.legacy_id}

    def shape(section: Section) -> Section:
        section = section_to_v30(section)
        teacher = section.teacher
        return msgspec.structs.replace(
            section,
            teacher=legacy.get(teacher, teacher) if teacher is not None else None,
            teachers=[legacy.get(t, t) for t in section.teachers],
        )

    return {record_id: shape(section) for record_id, section in _pick(snapshot.sections, only).items()}


def _shaped(
    snapshot: DistrictSnapshot, collection: str, only: Collection[str] | None, v30: bool
) -> dict[str, Record]:
    if collection == "users":
        users = _pick(snapshot.users, only)
        return {i: to_v30(user) for i, user in users.items()} if v30 else dict(users)
    if collection == "sections":
        sections = _pick(snapshot.sections, only)
        return {i: section_to_v30(section) for i, section in sections.items()} if v30 else dict(sections)
    records: Mapping[str, Record] = getattr(snapshot, collection)
    return _pick(records, only)


def version_changes(
    old: DistrictSnapshot, new: DistrictSnapshot, version: ApiVersion, touched: Touched | None = None
) -> list[Change]:
    """The ordered changes `old` → `new` as `version` names and shapes them (only `touched` ids if given)."""

    def only(collection: str) -> Collection[str] | None:
        return None if touched is None else touched.get(collection, ())

    v30 = version != "v3.1"
    old_district = district_to_v30(old.district) if v30 else old.district
    new_district = district_to_v30(new.district) if v30 else new.district
    per_type: dict[str, list[Change]] = {
        "districts": diff_records(
            "districts", {old_district.id: old_district}, {new_district.id: new_district}
        )
    }
    if version != "v2.1":
        for collection in SNAPSHOT_COLLECTIONS:
            per_type[collection] = diff_records(
                collection,
                _shaped(old, collection, only(collection), v30),
                _shaped(new, collection, only(collection), v30),
            )
        return order_changes(per_type)
    for collection in ("schools", "terms", "courses"):
        per_type[collection] = diff_records(
            collection,
            _shaped(old, collection, only(collection), v30),
            _shaped(new, collection, only(collection), v30),
        )
    per_type["sections"] = diff_records(
        "sections", _v2_sections(old, only("sections")), _v2_sections(new, only("sections"))
    )
    old_people = split_into_v2(_pick(old.users, only("users")).values())
    new_people = split_into_v2(_pick(new.users, only("users")).values())
    for kind in V2_PERSON_TYPES:
        record_type = V2_EVENT_RECORD_TYPE[kind]
        per_type[record_type] = diff_records(record_type, old_people[kind], new_people[kind])
    return order_changes(per_type, V2_CREATION_ORDER)


def event_schools(change: Change, index: DistrictIndex) -> frozenset[str]:
    """The schools an event is about, for the `school` filter."""
    record = change.record
    if change.record_type == "schools":
        return frozenset({change.id})
    if change.record_type == "sections":
        return frozenset({getattr(record, "school")})  # noqa: B009 - every section has a school
    if isinstance(record, User):
        person = _person_schools(record)
        if (contact := record.roles.contact) is not None:
            person |= _students_schools(index, [r.student for r in contact.student_relationships])
        return frozenset(person)
    if isinstance(record, V2Contact):
        return frozenset(_students_schools(index, record.students))
    if change.record_type == "terms":
        return frozenset(index.schools_of_term(change.id))
    if change.record_type == "courses":
        return frozenset(index.schools_of_course(change.id))
    schools: set[str] = set(getattr(record, "schools", ()) or ())
    if (school := getattr(record, "school", None)) is not None:
        schools.add(school)
    return frozenset(schools)


def _person_schools(user: User) -> set[str]:
    roles = user.roles
    return set(user.school_ids()) | {r.school for r in (roles.student, roles.teacher) if r is not None}


def _students_schools(index: DistrictIndex, student_ids: list[str]) -> set[str]:
    """A contact's events concern the schools of its students."""
    users = index.snapshot.users
    found: set[str] = set()
    for student_id in student_ids:
        if (student := users.get(student_id)) is not None:
            found |= _person_schools(student)
    return found


def event_id(moment: dt.datetime, serial: int) -> str:
    """24 hex: the Unix second, then an increasing serial, so ids sort by creation like Clever's."""
    return f"{int(moment.timestamp()):08x}{serial:016x}"


def build_events(
    changes: list[Change],
    moment: dt.datetime,
    next_serial: Callable[[], int],
    old: DistrictIndex,
    new: DistrictIndex,
) -> list[StoredEvent]:
    """Encoded events, one per change, all created at `moment` (second-granular, as Clever's are)."""
    created_at = moment.replace(microsecond=0)
    created = format_timestamp(created_at)
    events = []
    for change in changes:
        identifier = event_id(created_at, next_serial())
        data: dict[str, object] = {"object": change.record}
        if change.kind == "updated":
            data["previous_attributes"] = change.previous_attributes or {}
        body = ENCODER.encode({"id": identifier, "type": change.event_type, "created": created, "data": data})
        index = old if change.kind == "deleted" else new
        events.append(
            StoredEvent(identifier, change.event_type, created_at, event_schools(change, index), body)
        )
    return events


def all_versions_events(
    old: DistrictIndex,
    new: DistrictIndex,
    moment: dt.datetime,
    next_serial: Callable[[], int],
    touched: Touched | None = None,
) -> dict[ApiVersion, list[StoredEvent]]:
    """Every version's events for one roster change. Without `touched`, the v3.1 diff (the richest shape)
    names the records that changed, and the other versions only look at those."""
    v31 = version_changes(old.snapshot, new.snapshot, "v3.1", touched)
    derived = touched_by(v31, old.snapshot, new.snapshot)
    if touched is not None:  # operations name their records; relabelled teachers add v2.1 sections
        for collection, ids in touched.items():
            derived.setdefault(collection, set()).update(ids)
    touched = derived
    changes = {
        "v2.1": version_changes(old.snapshot, new.snapshot, "v2.1", touched),
        "v3.0": version_changes(old.snapshot, new.snapshot, "v3.0", touched),
        "v3.1": v31,
    }
    return {
        version: build_events(changes[version], moment, next_serial, old, new) for version in API_VERSIONS
    }


def touched_by(changes: list[Change], old: DistrictSnapshot, new: DistrictSnapshot) -> dict[str, set[str]]:
    """The ids of the records a v3.1 change set touches, per collection. A record equal in v3.1 is equal in
    every projection, with one exception handled here: a teacher whose legacy id changed renames them in
    v2.1 sections that did not change in v3."""
    touched: dict[str, set[str]] = {}
    for change in changes:
        touched.setdefault(change.record_type, set()).add(change.id)

    def legacy(snapshot: DistrictSnapshot, user_id: str) -> str | None:
        user = snapshot.users.get(user_id)
        teacher = user.roles.teacher if user is not None else None
        return teacher.legacy_id if teacher is not None else None

    relabeled = {u for u in touched.get("users", ()) if legacy(old, u) != legacy(new, u)}
    if relabeled:
        for snapshot in (old, new):
            for section_id, section in snapshot.sections.items():
                if section.teacher in relabeled or not relabeled.isdisjoint(section.teachers):
                    touched.setdefault("sections", set()).add(section_id)
    return touched
