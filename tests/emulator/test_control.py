"""The control plane under /_emulator/ (docs/emulator.md)."""

from __future__ import annotations

import httpx
import msgspec

from rollcall.domain.user import Staff
from rollcall.emulator import Emulator
from tests.emulator.district import (
    DISTRICT,
    OTHER_DISTRICT,
    SAM,
    SOUTH,
    STUDENTS,
    other_snapshot,
    sample_snapshot,
)


def test_listing_districts_gives_tokens_and_the_oauth_client(
    emulator: Emulator, anonymous: httpx.Client
) -> None:
    body = anonymous.get("/_emulator/districts").json()
    assert body["client_id"] == emulator.state.tokens.client_id
    assert body["client_secret"] == emulator.state.tokens.client_secret
    assert [d["id"] for d in body["districts"]] == [DISTRICT, OTHER_DISTRICT]
    assert body["districts"][0]["token"] == emulator.district_token(DISTRICT)
    assert body["districts"][0]["counts"]["users"] == len(sample_snapshot().users)


def test_reset_then_load_an_uploaded_snapshot(anonymous: httpx.Client) -> None:
    assert anonymous.post("/_emulator/reset").json() == {"districts": []}
    assert anonymous.get("/_emulator/districts").json()["districts"] == []
    upload = {"snapshot": msgspec.to_builtins(other_snapshot())}
    response = anonymous.post("/_emulator/districts", json=upload)
    assert response.status_code == 201
    token = response.json()["token"]
    users = anonymous.get("/v3.0/users", headers={"Authorization": f"Bearer {token}"}).json()["data"]
    assert len(users) == 1
    again = anonymous.post("/_emulator/districts", json=upload)
    assert again.status_code == 400
    assert "already loaded" in again.json()["message"]


def test_a_roster_change_by_operations_returns_event_counts(
    anonymous: httpx.Client, client: httpx.Client
) -> None:
    sam = sample_snapshot().users[SAM]
    roles = msgspec.structs.replace(
        sam.roles, staff=Staff(staff_id="X", schools=[SOUTH], legacy_id="5a00000000000000000000ab")
    )
    operations = [
        {
            "op": "upsert",
            "type": "users",
            "record": msgspec.to_builtins(msgspec.structs.replace(sam, roles=roles)),
        },
        {"op": "delete", "type": "users", "id": STUDENTS[7]},
    ]
    response = anonymous.post(f"/_emulator/districts/{DISTRICT}/roster", json={"operations": operations})
    assert response.status_code == 200
    assert response.json()["events"] == {"v2.1": 2, "v3.0": 2, "v3.1": 2}
    assert client.get(f"/v3.0/users/{STUDENTS[7]}").status_code == 404


def test_control_errors_are_json_messages(anonymous: httpx.Client) -> None:
    bad = anonymous.post(f"/_emulator/districts/{DISTRICT}/roster", json={"operations": [{"op": "explode"}]})
    assert bad.status_code == 400
    assert "operations" in bad.json()["message"]
    missing = anonymous.post("/_emulator/districts/ffffffffffffffffffffffff/roster", json={"operations": []})
    assert missing.status_code == 404
    assert anonymous.post("/_emulator/districts", content=b"{not json").status_code == 400
    assert anonymous.post("/_emulator/districts", json={}).status_code == 400


def test_minting_an_sso_token_over_http(anonymous: httpx.Client) -> None:
    response = anonymous.post("/_emulator/sso-tokens", json={"user_id": SAM, "role": "teacher"})
    token = response.json()["access_token"]
    me = anonymous.get(f"/v3.0/users/{SAM}", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert anonymous.post("/_emulator/sso-tokens", json={"user_id": SAM, "role": "staff"}).status_code == 400


def test_the_clock_advances_by_seconds_and_days(anonymous: httpx.Client) -> None:
    assert anonymous.get("/_emulator/clock").json() == {"now": "2026-09-01T00:00:00.000Z"}
    assert anonymous.post("/_emulator/clock", json={"days": 1, "seconds": 30}).json() == {
        "now": "2026-09-02T00:00:30.000Z"
    }
    assert anonymous.post("/_emulator/clock", json={"seconds": -1}).status_code == 400


def test_dropping_a_district_revokes_its_token(emulator: Emulator, anonymous: httpx.Client) -> None:
    token = emulator.district_token(OTHER_DISTRICT)
    assert anonymous.delete(f"/_emulator/districts/{OTHER_DISTRICT}").status_code == 200
    assert anonymous.get("/v3.0/users", headers={"Authorization": f"Bearer {token}"}).status_code == 401
