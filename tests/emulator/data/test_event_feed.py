"""Roster changes become events in every version's vocabulary, filterable and kept for 30 days (§5)."""

from __future__ import annotations

import datetime as dt

import httpx
import msgspec
import pytest

from rollcall.domain.ids import is_object_id
from rollcall.domain.user import Staff
from rollcall.emulator import Emulator, Operation
from rollcall.errors import UsageError
from tests.factories.maple import (
    DISTRICT,
    GRACE,
    NORTH,
    SAM,
    SECTION_ART_N,
    SOUTH,
    STUDENTS,
    sample_snapshot,
)

NEW_STAFF_LEGACY = "5a00000000000000000000aa"


def _user_upsert(user: object) -> Operation:
    return Operation(op="upsert", type="users", record=msgspec.to_builtins(user))


def _sam_becomes_staff(emulator: Emulator) -> dict[str, int]:
    sam = sample_snapshot().users[SAM]
    roles = msgspec.structs.replace(
        sam.roles, staff=Staff(staff_id="ST9", schools=[SOUTH], legacy_id=NEW_STAFF_LEGACY)
    )
    return emulator.apply_roster(
        [_user_upsert(msgspec.structs.replace(sam, roles=roles))], district_id=DISTRICT
    )


def _events(client: httpx.Client, version: str, query: str = "") -> list[dict[str, object]]:
    return [item["data"] for item in client.get(f"/{version}/events?{query}").json()["data"]]


def test_a_teacher_gaining_staff_is_a_user_update_in_v3_and_a_new_school_admin_in_v21(
    emulator: Emulator, client: httpx.Client
) -> None:
    assert _sam_becomes_staff(emulator) == {"v2.1": 1, "v3.0": 1, "v3.1": 1}
    for version in ("v3.0", "v3.1"):
        (event,) = _events(client, version)
        assert event["type"] == "users.updated"
        assert event["data"]["previous_attributes"] == {"roles": {"staff": None}}  # type: ignore[index]
        assert event["data"]["object"]["roles"]["staff"]["staff_id"] == "ST9"  # type: ignore[index]
    (v2,) = _events(client, "v2.1")
    assert v2["type"] == "schooladmins.created"
    assert v2["data"]["object"]["id"] == NEW_STAFF_LEGACY  # type: ignore[index]
    assert "previous_attributes" not in v2["data"]  # type: ignore[operator]


def test_a_change_to_a_v31_only_field_makes_no_v30_or_v21_event(
    emulator: Emulator, client: httpx.Client
) -> None:
    kid = sample_snapshot().users[STUDENTS[0]]
    assert kid.roles.student is not None
    student = msgspec.structs.replace(kid.roles.student, gifted_status="N")
    changed = msgspec.structs.replace(kid, roles=msgspec.structs.replace(kid.roles, student=student))
    assert emulator.apply_roster([_user_upsert(changed)], district_id=DISTRICT) == {
        "v2.1": 0,
        "v3.0": 0,
        "v3.1": 1,
    }
    (event,) = _events(client, "v3.1")
    assert event["data"]["previous_attributes"] == {"roles": {"student": {"gifted_status": "Y"}}}  # type: ignore[index]
    assert "gifted_status" in event["data"]["object"]["roles"]["student"]  # type: ignore[index]


def test_a_whole_new_snapshot_is_diffed_into_events_in_creation_order(
    emulator: Emulator, client: httpx.Client
) -> None:
    old = sample_snapshot()
    sections = dict(old.sections)
    del sections[SECTION_ART_N]
    users = dict(old.users)
    del users[STUDENTS[3]]
    new = msgspec.structs.replace(old, sections=sections, users=users)
    counts = emulator.apply_roster(new)
    assert counts["v3.0"] == 2
    types = [e["type"] for e in _events(client, "v3.0")]
    assert types == ["sections.deleted", "users.deleted"]  # children first
    assert [e["type"] for e in _events(client, "v2.1")] == ["sections.deleted", "students.deleted"]
    assert client.get(f"/v3.0/sections/{SECTION_ART_N}").status_code == 404
    deleted = _events(client, "v3.0")[1]
    assert deleted["data"]["object"]["id"] == STUDENTS[3]  # type: ignore[index]


def test_event_ids_are_24_hex_and_increase_and_single_events_are_addressable(
    emulator: Emulator, client: httpx.Client
) -> None:
    _sam_becomes_staff(emulator)
    emulator.apply_roster([Operation(op="delete", type="users", id=STUDENTS[7])], district_id=DISTRICT)
    events = _events(client, "v3.0")
    ids = [str(e["id"]) for e in events]
    assert all(is_object_id(i) for i in ids)
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    single = client.get(f"/v3.0/events/{ids[0]}").json()
    assert single["links"] == [{"rel": "self", "uri": f"/v3.0/events/{ids[0]}"}]
    assert single["data"]["created"] == "2026-09-01T00:00:00.000Z"
    assert client.get("/v3.0/events/ffffffffffffffffffffffff").status_code == 404
    newest = client.get("/v3.0/events?ending_before=last&limit=1").json()["data"]
    assert [e["data"]["id"] for e in newest] == [ids[-1]]
    assert client.get(f"/v3.0/events?starting_after={ids[-1]}").json()["data"] == []


def test_events_filter_by_repeated_record_type_and_by_school(
    emulator: Emulator, client: httpx.Client
) -> None:
    old = sample_snapshot()
    school = msgspec.structs.replace(old.schools[NORTH], phone="555-0199")
    emulator.apply_roster(
        [Operation(op="upsert", type="schools", record=msgspec.to_builtins(school))], district_id=DISTRICT
    )
    _sam_becomes_staff(emulator)
    assert [e["type"] for e in _events(client, "v3.0", "record_type=schools")] == ["schools.updated"]
    both = _events(client, "v3.0", "record_type=schools&record_type=users")
    assert [e["type"] for e in both] == ["schools.updated", "users.updated"]
    assert [e["type"] for e in _events(client, "v3.0", f"school={NORTH}")] == [
        "schools.updated",
        "users.updated",
    ]
    assert [e["type"] for e in _events(client, "v3.0", f"school={SOUTH}")] == ["users.updated"]
    assert client.get("/v3.0/events?record_type=students").status_code == 400
    assert client.get("/v2.1/events?record_type=students").status_code == 200


def test_events_older_than_30_days_drop_off_the_front(emulator: Emulator, client: httpx.Client) -> None:
    _sam_becomes_staff(emulator)
    emulator.advance_clock(dt.timedelta(days=20))
    emulator.apply_roster([Operation(op="delete", type="users", id=STUDENTS[7])], district_id=DISTRICT)
    assert len(_events(client, "v3.0")) == 3
    emulator.advance_clock(dt.timedelta(days=10, seconds=1))
    remaining = _events(client, "v3.0")
    assert [e["type"] for e in remaining] == ["sections.updated", "users.deleted"]
    assert remaining[0]["created"] == "2026-09-21T00:00:00.000Z"


def test_bad_operations_say_which_one_is_wrong(emulator: Emulator) -> None:
    with pytest.raises(UsageError, match="operation 1"):
        emulator.apply_roster(
            [Operation(op="delete", type="users", id="ffffffffffffffffffffffff")], district_id=DISTRICT
        )
    with pytest.raises(UsageError, match=r"operation 2 .*invalid User"):
        emulator.apply_roster(
            [
                Operation(op="delete", type="users", id=STUDENTS[0]),
                Operation(op="upsert", type="users", record={"id": "x"}),
            ],
            district_id=DISTRICT,
        )
    # Nothing was applied: the first operation's delete did not land either.
    assert STUDENTS[0] in emulator.state.snapshot(DISTRICT).users


def test_a_contacts_events_concern_the_schools_of_its_students(
    emulator: Emulator, client: httpx.Client
) -> None:
    grace = sample_snapshot().users[GRACE]  # contact of a North student and a South student
    emulator.apply_roster(
        [_user_upsert(msgspec.structs.replace(grace, email="g@x.org"))], district_id=DISTRICT
    )
    for school in (NORTH, SOUTH):
        assert [e["type"] for e in _events(client, "v3.0", f"school={school}")] == ["users.updated"]
        assert [e["type"] for e in _events(client, "v2.1", f"school={school}")] == ["contacts.updated"]
