"""The control plane under /_emulator/ (docs/emulator.md)."""

from __future__ import annotations

from pathlib import Path

import httpx
import msgspec

from rollcall.domain.user import Staff
from rollcall.emulator import Emulator
from tests.factories.maple import (
    DISTRICT,
    OTHER_DISTRICT,
    SAM,
    SOUTH,
    STUDENTS,
    other_snapshot,
    sample_snapshot,
)
from tests.roster.rosters import write_roster


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
    # Sam's update, the student's section losing them (deletions cascade), the student's deletion.
    assert response.json()["events"] == {"v2.1": 3, "v3.0": 3, "v3.1": 3}
    types = [e["data"]["type"] for e in client.get("/v3.0/events").json()["data"]]
    assert types == ["users.updated", "sections.updated", "users.deleted"]
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


def test_loading_generated_and_sftp_districts_and_changing_one_by_a_new_export(
    anonymous: httpx.Client, tmp_path: Path
) -> None:
    anonymous.post("/_emulator/reset")
    generated = anonymous.post("/_emulator/districts", json={"generate": {"students": 25, "seed": 4}})
    assert generated.status_code == 201
    assert generated.json()["counts"]["users"] > 25
    day1 = write_roster(tmp_path / "day1")
    loaded = anonymous.post("/_emulator/districts", json={"sftp": str(day1), "name": "Lincoln"}).json()
    assert anonymous.get(f"/_emulator/districts/{loaded['id']}").json()["name"] == "Lincoln"
    staff = "School_id,Staff_id,Staff_email,First_name,Last_name\nS1,ST1,t1@example.org,Tess,One\n"
    day2 = write_roster(tmp_path / "day2", {"staff.csv": staff})
    changed = anonymous.post(f"/_emulator/districts/{loaded['id']}/roster", json={"sftp": str(day2)})
    assert changed.json()["events"] == {"v2.1": 1, "v3.0": 1, "v3.1": 1}
    missing = anonymous.post("/_emulator/districts", json={"sftp": str(tmp_path / "nope")})
    assert missing.status_code == 400
    assert "does not exist" in missing.json()["message"]


def test_revoking_a_district_token_answers_401_yet_keeps_it_listed(
    emulator: Emulator, anonymous: httpx.Client
) -> None:
    token = emulator.district_token(DISTRICT)
    bearer = {"Authorization": f"Bearer {token}"}
    assert anonymous.get("/v3.0/users", headers=bearer).status_code == 200
    answer = anonymous.post(f"/_emulator/districts/{DISTRICT}/revoke-token")
    assert answer.json() == {"district": DISTRICT, "revoked": True}
    assert anonymous.get("/v3.0/users", headers=bearer).status_code == 401
    other = {"Authorization": f"Bearer {emulator.district_token(OTHER_DISTRICT)}"}
    assert anonymous.get("/v3.0/users", headers=other).status_code == 200
    tokens = emulator.state.tokens
    listing = anonymous.get(
        "/oauth/tokens", params={"owner_type": "district"}, auth=(tokens.client_id, tokens.client_secret)
    ).json()
    assert token in {entry["access_token"] for entry in listing["data"]}
    assert anonymous.post(f"/_emulator/districts/{DISTRICT}/revoke-token").json()["revoked"] is False
    assert anonymous.post("/_emulator/districts/nope/revoke-token").status_code == 404


def test_a_short_rate_window_is_the_one_the_headers_report() -> None:
    with Emulator(seed="tests", rate_limit=5, rate_window_seconds=2) as emu:
        district = emu.load_snapshot(sample_snapshot())
        with emu.client(district) as http:
            answer = http.get("/v3.0/users")
        assert answer.headers["X-RateLimit-Limit"] == "5"
        assert int(answer.headers["X-RateLimit-Reset"]) % 2 == 0


def test_a_redirect_uri_is_registered_over_http_and_a_bad_one_refused(
    emulator: Emulator, anonymous: httpx.Client
) -> None:
    callback = "http://127.0.0.1:8123/auth/clever/callback"
    added = anonymous.post("/_emulator/redirect-uris", json={"uri": callback})
    assert added.status_code == 200
    assert added.json()["redirect_uris"][-1] == callback
    assert anonymous.get("/_emulator/districts").json()["redirect_uris"] == list(emulator.redirect_uris)
    refused = anonymous.post("/_emulator/redirect-uris", json={"uri": "app.example/cb"})
    assert refused.status_code == 400
    assert "app.example/cb" in refused.json()["message"]
    assert emulator.redirect_uris[-1] == callback
