"""Roster changes: a whole new snapshot, or a small list of upsert/delete operations, applied to a loaded
district and recorded as events in every API version."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Final, Literal

import msgspec

from rollcall.domain.district import Course, District, Resource, School, Section, Term
from rollcall.domain.record import JsonObject, Record
from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.user import User
from rollcall.domain.version import ApiVersion
from rollcall.emulator.data.admission import admit_roster
from rollcall.emulator.data.district_index import DistrictIndex
from rollcall.emulator.data.event_feed import Touched, all_versions_events
from rollcall.emulator.data.event_log import StoredEvent
from rollcall.emulator.data.index_patch import patch_index
from rollcall.emulator.data.state import EmulatorState
from rollcall.errors import UsageError

RecordType = Literal["users", "schools", "sections", "terms", "courses", "resources", "district"]
RECORD_CLASSES: Final[dict[str, type[Record]]] = {
    "users": User, "schools": School, "sections": Section, "terms": Term, "courses": Course,
    "resources": Resource, "district": District,
}  # fmt: skip


class Operation(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """`{"op": "upsert", "type": "users", "record": {…}}` or `{"op": "delete", "type": "users", "id": …}`."""

    op: Literal["upsert", "delete"]
    type: RecordType
    record: JsonObject | None = None
    id: str | None = None


def decode_operations(body: bytes | object) -> list[Operation]:
    """Operations from JSON bytes or already-decoded JSON; UsageError saying which one is wrong."""
    try:
        if isinstance(body, bytes | str):
            return msgspec.json.decode(body, type=list[Operation])
        return msgspec.convert(body, type=list[Operation])
    except msgspec.ValidationError as error:
        raise UsageError(f"invalid roster operations: {error}") from error
    except msgspec.DecodeError as error:
        raise UsageError(f"roster operations are not valid JSON: {error}") from error


def apply_operations(
    snapshot: DistrictSnapshot, operations: list[Operation]
) -> tuple[DistrictSnapshot, dict[str, set[str]]]:
    """The snapshot after the operations, in order, and the ids each collection had touched.

    Operations apply verbatim: deleting a user does not take it out of sections (send the section too).
    """
    district_id = snapshot.district.id
    tables: dict[str, dict[str, Record]] = {}
    district = snapshot.district
    touched: dict[str, set[str]] = {}
    for number, operation in enumerate(operations, start=1):
        where = f"operation {number} ({operation.op} {operation.type})"
        if operation.type == "district":
            if operation.op == "delete":
                raise UsageError(f"{where}: a district cannot be deleted by a roster change")
            district = _decode(District, operation.record, where)  # type: ignore[assignment]
            if district.id != district_id:
                raise UsageError(f"{where}: district id {district.id} is not {district_id}")
            continue
        table = tables.get(operation.type)
        if table is None:
            table = tables[operation.type] = dict(getattr(snapshot, operation.type))
        if operation.op == "delete":
            if operation.id is None:
                raise UsageError(f"{where}: needs an 'id'")
            if table.pop(operation.id, None) is None:
                raise UsageError(
                    f"{where}: no {operation.type} with id {operation.id} in district {district_id}"
                )
            touched.setdefault(operation.type, set()).add(operation.id)
            if operation.type == "users":
                _drop_person(operation.id, tables, snapshot, touched)
            continue
        record = _decode(RECORD_CLASSES[operation.type], operation.record, where)
        record_district = getattr(record, "district", district_id)
        if record_district != district_id:
            raise UsageError(f"{where}: record belongs to district {record_district}, not {district_id}")
        record_id: str = getattr(record, "id")  # noqa: B009 - every upsertable record has an id
        table[record_id] = record
        touched.setdefault(operation.type, set()).add(record_id)
    changed = msgspec.structs.replace(snapshot, district=district, **tables)
    return changed, touched


def _drop_person(
    user_id: str,
    tables: dict[str, dict[str, Record]],
    snapshot: DistrictSnapshot,
    touched: dict[str, set[str]],
) -> None:
    """A deleted person leaves the sections they taught or attended and their contacts' relationships, as
    a new SIS export without them would show."""
    sections = tables.setdefault("sections", dict(snapshot.sections))
    for section_id, record in list(sections.items()):
        assert isinstance(record, Section)
        if user_id in record.students or user_id in record.teachers or record.teacher == user_id:
            teachers = [t for t in record.teachers if t != user_id]
            primary = record.teacher if record.teacher != user_id else (teachers[0] if teachers else None)
            students = [s for s in record.students if s != user_id]
            sections[section_id] = msgspec.structs.replace(
                record, teacher=primary, teachers=teachers, students=students
            )
            touched.setdefault("sections", set()).add(section_id)
    users = tables["users"]
    for contact_id, person in list(users.items()):
        assert isinstance(person, User)
        contact = person.roles.contact
        if contact is None or all(r.student != user_id for r in contact.student_relationships):
            continue
        kept = [r for r in contact.student_relationships if r.student != user_id]
        roles = msgspec.structs.replace(
            person.roles, contact=msgspec.structs.replace(contact, student_relationships=kept)
        )
        users[contact_id] = msgspec.structs.replace(person, roles=roles)
        touched.setdefault("users", set()).add(contact_id)


def _decode(cls: type[Record], record: JsonObject | None, where: str) -> Record:
    if record is None:
        raise UsageError(f"{where}: needs a 'record'")
    try:
        return msgspec.convert(record, type=cls)
    except msgspec.ValidationError as error:
        raise UsageError(f"{where}: invalid {cls.__name__}: {error}") from error


@dataclass(frozen=True, slots=True)
class RosterChange:
    """A roster change worked out in full, not yet applied: the new index (the old one is untouched), the
    events of every version and the last event serial they used."""

    district_id: str
    index: DistrictIndex
    events: dict[ApiVersion, list[StoredEvent]]
    last_serial: int
    touched_users: Collection[str] | None


def plan_roster_change(
    state: EmulatorState, district_id: str, snapshot: DistrictSnapshot, touched: Touched | None = None
) -> RosterChange:
    """Check and derive everything a change needs (legacy ids, indexes, events) without touching `state`;
    UsageError (or NotFound) saying why a change cannot be applied."""
    district = state.district_state(district_id)
    old_index = district.index
    if snapshot.district.id != district_id:
        raise UsageError(f"the new roster is for district {snapshot.district.id}, not {district_id}")
    users = None if touched is None else touched.get("users", ())
    claimed = old_index.v2_user_of
    admitted = admit_roster(
        snapshot,
        seed=state.seed,
        previous=old_index.snapshot,
        touched=touched,
        claimed=lambda kind, legacy_id: claimed[kind].get(legacy_id),
        elsewhere=state.elsewhere(district_id),
    )
    index = DistrictIndex(admitted) if touched is None else patch_index(old_index, admitted, touched)
    # Event ids start with their second: never let a clock that stepped back make them go down.
    newest = district.events.newest_created()
    moment = state.clock.now() if newest is None else max(state.clock.now(), newest)
    serials = itertools.count(state.event_serial + 1)
    last = state.event_serial

    def next_serial() -> int:
        nonlocal last
        last = next(serials)
        return last

    events = all_versions_events(old_index, index, moment, next_serial, touched)
    return RosterChange(district_id, index, events, last, users)


def change_roster(
    state: EmulatorState, district_id: str, snapshot: DistrictSnapshot, touched: Touched | None = None
) -> dict[ApiVersion, int]:
    """Swap in the district's new snapshot and append the events describing the change, or refuse it and
    change nothing; returns the number of events per version."""
    change = plan_roster_change(state, district_id, snapshot, touched)
    state.commit_roster(
        change.district_id, change.index, change.events, change.last_serial, change.touched_users
    )
    return {version: len(events) for version, events in change.events.items()}


def apply_roster_operations(
    state: EmulatorState, district_id: str, operations: list[Operation]
) -> dict[ApiVersion, int]:
    """Apply operations to a loaded district and record the events."""
    changed, touched = apply_operations(state.snapshot(district_id), operations)
    return change_roster(state, district_id, changed, touched)


def counts_by_collection(snapshot: DistrictSnapshot) -> Mapping[str, int]:
    """How many records of each kind a district holds (for the control plane's listings)."""
    return {
        "schools": len(snapshot.schools), "terms": len(snapshot.terms),
        "courses": len(snapshot.courses), "sections": len(snapshot.sections),
        "users": len(snapshot.users), "resources": len(snapshot.resources),
    }  # fmt: skip
