"""`/me` in every version and `/userinfo`, for SSO logins in each role and for district tokens."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from rollcall.domain.acting_as import ActingAs
from rollcall.domain.user import RoleName
from rollcall.emulator.data.state import EmulatorState
from rollcall.emulator.sso.userinfo import bearer_token, me_v2, me_v3, userinfo
from tests.emulator import identity_fixtures as served
from tests.factories import sign_in as fx


def setup() -> tuple[TestClient, EmulatorState]:
    found = served.state()
    return TestClient(served.app(found)[0]), found


def sso(found: EmulatorState, user_id: str, role: RoleName) -> dict[str, str]:
    district_id = found.find_user(user_id)
    assert district_id is not None
    return {"Authorization": f"Bearer {found.tokens.mint_sso_token(district_id[0], user_id, role)}"}


def login_of(found: EmulatorState, user_id: str, role: RoleName) -> ActingAs:
    hit = found.find_user(user_id)
    assert hit is not None
    return ActingAs(user=hit[1], role=role)


@pytest.mark.parametrize("path", ["/me", "/v3.0/me", "/v3.1/me"])
def test_v3_me_of_a_teacher_and_staff_member_logged_in_as_staff(path: str) -> None:
    client, found = setup()
    response = client.get(path, headers=sso(found, fx.ROBIN, "staff"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    version = "v3.0" if path == "/me" else path.split("/")[1]
    assert response.json() == {
        "type": "user",
        "data": {"id": fx.ROBIN, "district": fx.DISTRICT, "type": "staff", "authorized_by": "district"},
        "links": [
            {"rel": "self", "uri": "/me"},
            {"rel": "canonical", "uri": f"/{version}/users/{fx.ROBIN}"},
            {"rel": "district", "uri": f"/{version}/districts/{fx.DISTRICT}"},
        ],
    }


@pytest.mark.parametrize(
    ("user_id", "role", "v2_type", "legacy_id", "collection"),
    [
        (fx.ROBIN, "teacher", "teacher", fx.ROBIN_TEACHER_LEGACY, "teachers"),
        (fx.ROBIN, "staff", "school_admin", fx.ROBIN_STAFF_LEGACY, "school_admins"),
        (fx.PAT, "district_admin", "district_admin", fx.PAT_ADMIN_LEGACY, "district_admins"),
        (fx.ADA, "student", "student", fx.ADA, "students"),
        (fx.GRACE, "contact", "contact", fx.GRACE_LEGACY, "contacts"),
    ],
)
def test_v21_me_speaks_the_login_role_in_v2_words_with_its_legacy_id(
    user_id: str, role: RoleName, v2_type: str, legacy_id: str, collection: str
) -> None:
    client, found = setup()
    body = client.get("/v2.1/me", headers=sso(found, user_id, role)).json()
    assert body["type"] == v2_type
    assert body["data"] == {
        "id": legacy_id,
        "district": fx.DISTRICT,
        "type": v2_type,
        "authorized_by": "district",
    }
    assert {"rel": "canonical", "uri": f"/v2.1/{collection}/{legacy_id}"} in body["links"]


def test_me_with_a_district_token_names_the_district() -> None:
    client, found = setup()
    token = found.tokens.district_token(fx.DISTRICT)
    body = client.get("/v3.1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert body == {
        "type": "district",
        "data": {"id": fx.DISTRICT, "district": fx.DISTRICT, "type": "district", "name": "Maple Unified"},
        "links": [
            {"rel": "self", "uri": "/me"},
            {"rel": "canonical", "uri": f"/v3.1/districts/{fx.DISTRICT}"},
        ],
    }


@pytest.mark.parametrize("path", ["/me", "/v2.1/me", "/v3.1/me", "/userinfo", "/oauth/tokeninfo"])
@pytest.mark.parametrize("header", [None, "Bearer ilnotatoken", "Basic abc", "Bearer "])
def test_bad_or_missing_token_is_401_json(path: str, header: str | None) -> None:
    client, _ = setup()
    response = client.get(path, headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert set(response.json()) == {"message"}


def test_revoked_token_is_401() -> None:
    client, found = setup()
    headers = sso(found, fx.ADA, "student")
    assert client.get("/me", headers=headers).status_code == 200
    found.tokens.revoke(headers["Authorization"].split()[1])
    assert client.get("/me", headers=headers).status_code == 401


def test_userinfo_describes_only_the_login_role() -> None:
    client, found = setup()
    body = client.get("/userinfo", headers=sso(found, fx.ROBIN, "staff")).json()
    assert body == {
        "sub": fx.ROBIN,
        "user_id": fx.ROBIN_STAFF_LEGACY,
        "multi_role_user_id": fx.ROBIN,
        "user_type": "staff",
        "district_id": fx.DISTRICT,
        "district": fx.DISTRICT,
        "email": "robin@example.org",
        "name": {"first": "Robin", "last": "Plant", "middle": "M"},
        "schools": [fx.SCHOOL_B],
        "given_name": "Robin",
        "family_name": "Plant",
        "email_verified": False,
        "authorized_by": "district",
    }
    as_teacher = client.get("/userinfo", headers=sso(found, fx.ROBIN, "teacher")).json()
    assert as_teacher["user_id"] == fx.ROBIN_TEACHER_LEGACY
    assert as_teacher["schools"] == [fx.SCHOOL_A]


def test_userinfo_refuses_a_district_token() -> None:
    client, found = setup()
    token = found.tokens.district_token(fx.DISTRICT)
    assert client.get("/userinfo", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_pure_shapes_follow_the_login_not_the_first_role() -> None:
    found = served.state()
    admin = login_of(found, fx.PAT, "district_admin")
    assert me_v3(admin, "v3.1").data.type == "district_admin"
    assert me_v3(admin, "v3.1", data_type="user").data.type == "user"
    assert me_v2(admin).data.id == fx.PAT_ADMIN_LEGACY
    assert userinfo(admin).schools == []
    assert userinfo(login_of(found, fx.PAT, "teacher")).user_id == fx.PAT_TEACHER_LEGACY


def test_sso_token_whose_role_was_removed_falls_back_to_the_default_role() -> None:
    client, found = setup()
    token = found.tokens.mint_sso_token(fx.DISTRICT, fx.ADA, "teacher")  # Ada never was a teacher
    body = client.get("/v3.1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert body["data"]["type"] == "student"


def test_bearer_token_parsing() -> None:
    assert bearer_token("Bearer abc") == "abc"
    assert bearer_token("bearer  abc ") == "abc"
    assert bearer_token("Bearer") is None
    assert bearer_token("Token abc") is None
    assert bearer_token(None) is None
