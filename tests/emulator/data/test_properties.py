"""Properties over random multi-role districts: paging visits every record once in order, and every
person's v2.1 records agree with their v3 user."""

from __future__ import annotations

import httpx
import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rollcall.domain.record import Name
from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.v2 import V2_COLLECTION_OF_ROLE
from rollcall.emulator import Emulator
from rollcall.emulator.data.event_feed import touched_by, version_changes
from tests.emulator.strategies import districts

COLLECTIONS = ["v3.0/users", "v3.1/users?role=student", "v2.1/teachers", "v2.1/students", "v3.0/sections"]
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _walk(http: httpx.Client, first: str) -> list[str]:
    seen: list[str] = []
    url: str | None = first
    for _ in range(10_000):  # bounded: a broken `next` must not loop forever
        if url is None:
            return seen
        body = http.get(url).json()
        seen += [item["data"]["id"] for item in body["data"]]
        url = next((link["uri"] for link in body["links"] if link["rel"] == "next"), None)
    raise AssertionError(f"paging from {first} did not end")


@FAST
@given(districts(), st.integers(1, 12), st.sampled_from(COLLECTIONS))
def test_following_next_visits_every_record_once_in_ascending_order(
    snapshot: DistrictSnapshot, limit: int, collection: str
) -> None:
    with Emulator() as emu:
        emu.load_snapshot(snapshot)
        http = emu.client()
        separator = "&" if "?" in collection else "?"
        whole = http.get(f"/{collection}{separator}limit=10000").json()["data"]
        everything = [item["data"]["id"] for item in whole]
        walked = _walk(http, f"/{collection}{separator}limit={limit}")
    assert walked == everything
    assert walked == sorted(set(walked))


@FAST
@given(districts())
def test_every_role_legacy_id_resolves_to_a_matching_v21_record(snapshot: DistrictSnapshot) -> None:
    with Emulator() as emu:
        emu.load_snapshot(snapshot)
        http = emu.client()
        for user_id, user in snapshot.users.items():
            v3 = http.get(f"/v3.1/users/{user_id}").json()["data"]
            for role, legacy_id in user.legacy_ids().items():
                assert v3["roles"][role].get("legacy_id", user_id) == legacy_id
                response = http.get(f"/v2.1/{V2_COLLECTION_OF_ROLE[role]}/{legacy_id}")
                assert response.status_code == 200, (role, legacy_id)
                v2 = response.json()["data"]
                assert v2["id"] == legacy_id
                assert v2["district"] == v3["district"]
                assert v2.get("email") == v3.get("email")
                if role in ("student", "teacher"):
                    assert v2["school"] == v3["roles"][role]["school"]
                    assert v2["name"] == v3["name"]


@FAST
@given(districts(), st.data())
def test_diffing_only_what_v31_saw_change_gives_every_versions_full_diff(
    snapshot: DistrictSnapshot, data: st.DataObject
) -> None:
    users = dict(snapshot.users)
    for position, user_id in enumerate(
        data.draw(st.lists(st.sampled_from(sorted(users)), max_size=3, unique=True))
    ):
        user = users[user_id]
        action = data.draw(st.sampled_from(["drop", "rename", "relabel", "email"]))
        if action == "drop":
            del users[user_id]
        elif action == "rename":
            users[user_id] = msgspec.structs.replace(user, name=Name(first="New", last="Name"))
        elif action == "email":
            users[user_id] = msgspec.structs.replace(user, email="changed@x.org")
        elif (teacher := user.roles.teacher) is not None:
            # A fresh legacy id per relabeled teacher: two roles never share a v2 id.
            relabeled = msgspec.structs.replace(teacher, legacy_id=f"{position:x}".rjust(24, "f"))
            users[user_id] = msgspec.structs.replace(
                user, roles=msgspec.structs.replace(user.roles, teacher=relabeled)
            )
    changed = msgspec.structs.replace(snapshot, users=users)
    touched = touched_by(version_changes(snapshot, changed, "v3.1"), snapshot, changed)
    for version in ("v2.1", "v3.0", "v3.1"):
        assert version_changes(snapshot, changed, version, touched) == version_changes(
            snapshot, changed, version
        )
