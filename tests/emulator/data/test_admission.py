"""Roster changes are checked and derived in full before anything is swapped in (issue 8 §4): a role without
a legacy id gets the one the roster builder would mint, and a refused change leaves state and events as
they were."""

from __future__ import annotations

from typing import Any

import httpx
import msgspec
import pytest

from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.user import DistrictAdmin, Staff, User
from rollcall.emulator import Emulator
from rollcall.emulator.data.admission import admit_roster
from rollcall.errors import UsageError
from rollcall.roster.record_ids import RosterIds
from tests.factories.maple import (
    DANA,
    DISTRICT,
    GRACE,
    LEE,
    OTHER_DISTRICT,
    PAT,
    ROBIN,
    SAM,
    SOUTH,
    STUDENTS,
    other_snapshot,
    sample_snapshot,
)


def _with_roles(user: User, **roles: object) -> dict[str, Any]:
    record: dict[str, Any] = msgspec.to_builtins(
        msgspec.structs.replace(user, roles=msgspec.structs.replace(user.roles, **roles))
    )
    return record


def _upsert(anonymous: httpx.Client, *records: dict[str, Any]) -> httpx.Response:
    operations = [{"op": "upsert", "type": "users", "record": record} for record in records]
    return anonymous.post(f"/_emulator/districts/{DISTRICT}/roster", json={"operations": operations})


def _observed(emulator: Emulator, client: httpx.Client) -> tuple[object, ...]:
    """What a caller can see of the district: its snapshot, its event log and a few v2.1/v3.1 answers."""
    state = emulator.state.district_state(DISTRICT)
    answers = tuple(
        (path, client.get(path).status_code, client.get(path).content)
        for path in ("/v2.1/teachers", "/v2.1/school_admins", f"/v3.1/users/{SAM}", "/v3.1/events")
    )
    return (
        state.snapshot,
        {v: list(s) for v, s in state.events.streams.items()},
        emulator.state.event_serial,
        answers,
    )


def test_a_teacher_gaining_staff_without_a_legacy_id_gets_the_roster_builders_id(
    emulator: Emulator, client: httpx.Client, anonymous: httpx.Client
) -> None:
    sam = sample_snapshot().users[SAM]
    answer = _upsert(anonymous, _with_roles(sam, staff=Staff(staff_id="ST9", schools=[SOUTH])))
    assert answer.status_code == 200, answer.text
    assert answer.json()["events"] == {"v2.1": 1, "v3.0": 1, "v3.1": 1}
    minted = RosterIds("tests", "Maple Unified").legacy("staff", "ST9")
    staff = client.get(f"/v3.1/users/{SAM}").json()["data"]["roles"]["staff"]
    assert staff["legacy_id"] == minted
    assert client.get(f"/v2.1/school_admins/{minted}").json()["data"]["staff_id"] == "ST9"
    assert client.get("/v2.1/teachers").status_code == 200
    (created,) = client.get("/v2.1/events").json()["data"]
    assert created["data"]["type"] == "schooladmins.created"
    assert created["data"]["data"]["object"]["id"] == minted


def test_a_role_sent_again_without_its_legacy_id_keeps_the_one_it_had(
    emulator: Emulator, client: httpx.Client, anonymous: httpx.Client
) -> None:
    sam = sample_snapshot().users[SAM]
    assert sam.roles.teacher is not None
    same_teacher = msgspec.structs.replace(sam.roles.teacher, legacy_id=None)
    answer = _upsert(anonymous, _with_roles(sam, teacher=same_teacher))
    assert answer.json()["events"] == {"v2.1": 0, "v3.0": 0, "v3.1": 0}
    assert emulator.state.snapshot(DISTRICT).users[SAM] == sam


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("admin_without_legacy_id", "a district admin has no SIS id to mint one from"),
        ("staff_without_any_id", "no staff_id to mint one from"),
        ("legacy_id_held_by_another", "is also held by user"),
        ("legacy_id_is_a_user_id", f"is the v3 id of user {STUDENTS[0]}"),
        ("user_of_another_district", f"in district {OTHER_DISTRICT}"),
        ("no_role", "holds no role"),
    ],
)
def test_a_refused_change_is_a_400_saying_why_and_changes_nothing(
    emulator: Emulator, client: httpx.Client, anonymous: httpx.Client, change: str, reason: str
) -> None:
    users = sample_snapshot().users
    sam, pat = users[SAM], users[PAT]
    assert pat.roles.staff is not None
    records = {
        "admin_without_legacy_id": _with_roles(sam, district_admin=DistrictAdmin(title="Dean")),
        "staff_without_any_id": _with_roles(sam, staff=Staff(staff_id="", schools=[SOUTH])),
        "legacy_id_held_by_another": _with_roles(
            sam, staff=Staff(staff_id="ST9", legacy_id=pat.roles.staff.legacy_id)
        ),
        "legacy_id_is_a_user_id": _with_roles(sam, staff=Staff(staff_id="ST9", legacy_id=STUDENTS[0])),
        "user_of_another_district": {
            **msgspec.to_builtins(sam),
            "id": next(iter(other_snapshot().users)),
        },
        "no_role": _with_roles(sam, teacher=None),
    }
    before = _observed(emulator, client)
    # a valid first operation must not be applied either when a later one is refused
    fine = _with_roles(users[DANA], staff=Staff(staff_id="ST7", schools=[SOUTH]))
    answer = _upsert(anonymous, fine, records[change])
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("application/json")
    assert reason in answer.json()["message"]
    assert _observed(emulator, client) == before


def test_loading_a_snapshot_mints_missing_legacy_ids_and_refuses_what_it_cannot_mint() -> None:
    snapshot = sample_snapshot()
    robin = snapshot.users[ROBIN]
    assert robin.roles.teacher is not None
    assert robin.roles.staff is not None
    bare = msgspec.structs.replace(
        robin,
        roles=msgspec.structs.replace(
            robin.roles,
            teacher=msgspec.structs.replace(robin.roles.teacher, legacy_id=None),
            staff=msgspec.structs.replace(robin.roles.staff, legacy_id=None),
        ),
    )
    with Emulator(seed="tests") as emulator:
        emulator.load_snapshot(msgspec.structs.replace(snapshot, users={**snapshot.users, ROBIN: bare}))
        served = emulator.state.snapshot(DISTRICT).users[ROBIN]
        ids = RosterIds("tests", snapshot.district.name)
        assert served.legacy_ids()["teacher"] == ids.legacy("teacher", "T1")
        assert served.legacy_ids()["staff"] == ids.legacy("staff", "ST1")
        assert emulator.client(DISTRICT).get("/v2.1/teachers").status_code == 200
    no_admin_id = msgspec.structs.replace(
        robin, roles=msgspec.structs.replace(robin.roles, district_admin=DistrictAdmin())
    )
    with Emulator(seed="tests") as emulator, pytest.raises(UsageError, match=r"roles\.district_admin"):
        emulator.load_snapshot(
            msgspec.structs.replace(snapshot, users={**snapshot.users, ROBIN: no_admin_id})
        )
    assert not emulator.state.district_ids()


def test_a_contact_minted_id_follows_clevers_contact_identity() -> None:
    snapshot = sample_snapshot()
    grace = snapshot.users[GRACE]
    assert grace.roles.contact is not None
    bare = msgspec.structs.replace(
        grace,
        roles=msgspec.structs.replace(
            grace.roles, contact=msgspec.structs.replace(grace.roles.contact, legacy_id=None)
        ),
    )
    admitted = admit_roster(
        msgspec.structs.replace(snapshot, users={**snapshot.users, GRACE: bare}), seed="tests"
    )
    key = "email\x1fGrace Hopper\x1fgrace@example.org"  # no contact SIS id: name + e-mail
    assert admitted.users[GRACE].legacy_id("contact") == RosterIds("tests", "Maple Unified").legacy(
        "contact", key
    )


def test_a_snapshot_whose_keys_are_not_its_ids_is_refused() -> None:
    snapshot = sample_snapshot()
    shuffled: DistrictSnapshot = msgspec.structs.replace(
        snapshot, users={**snapshot.users, SAM: snapshot.users[PAT]}
    )
    with pytest.raises(UsageError, match=f"users key '{SAM}' holds the record of id '{PAT}'"):
        admit_roster(shuffled, seed="tests")


def test_a_contact_left_with_no_students_keeps_its_empty_lists(
    emulator: Emulator, client: httpx.Client, anonymous: httpx.Client
) -> None:
    lee = sample_snapshot().users[LEE]
    (only,) = [r.student for r in lee.roles.contact.student_relationships] if lee.roles.contact else []
    answer = anonymous.post(
        f"/_emulator/districts/{DISTRICT}/roster",
        json={"operations": [{"op": "delete", "type": "users", "id": only}]},
    )
    assert answer.status_code == 200
    contact = client.get(f"/v3.1/users/{LEE}").json()["data"]["roles"]["contact"]
    assert contact["student_relationships"] == []
    legacy = contact["legacy_id"]
    assert client.get(f"/v2.1/contacts/{legacy}").json()["data"]["students"] == []
    updated = [
        e["data"] for e in client.get("/v3.1/events").json()["data"] if e["data"]["type"] == "users.updated"
    ]
    assert updated[0]["data"]["object"]["roles"]["contact"]["student_relationships"] == []


@pytest.mark.parametrize(
    "path", ["/v3.1/users/a%0Ab", "/v3.0/users/%0A/sections", "/v2.1/teachers/a%0Ab", "/v3.1/users/a%0A"]
)
def test_a_newline_in_a_record_id_is_a_json_404_like_any_missing_record(
    client: httpx.Client, path: str
) -> None:
    answer = client.get(path)
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/json; charset=utf-8"
    assert answer.json()["message"].startswith("Resource not found")


def test_an_unknown_control_plane_path_is_a_json_404(anonymous: httpx.Client) -> None:
    for method, path in (
        ("GET", "/_emulator/nope"),
        ("PUT", "/_emulator/districts"),
        ("GET", "/_emulator/a%0Ab"),
    ):
        answer = anonymous.request(method, path)
        assert answer.status_code == 404
        assert "no control-plane route" in answer.json()["message"]
