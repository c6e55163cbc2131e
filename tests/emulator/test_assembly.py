"""The identity layer wired into the real emulator (`build_app`): login, token exchange, /me and the data
API with rate-limit headers, faults in front of everything."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlsplit

from starlette.testclient import TestClient

from rollcall.emulator.app import build_app
from rollcall.emulator.assembly import app_extras
from rollcall.emulator.faults import parse_fault_plan
from rollcall.emulator.ratelimit import Bucket
from tests.emulator import identity_fixtures as served
from tests.factories import sign_in as fx


def test_sso_login_to_me_through_the_assembled_layer() -> None:
    found = served.state()
    layer = app_extras(found, buckets=(Bucket(limit=5),))
    app = build_app(found, extra_routes=layer.routes, middleware=layer.middleware)
    client = TestClient(app, follow_redirects=False)
    form = {
        "response_type": "code", "client_id": found.tokens.client_id, "redirect_uri": served.REDIRECT_URI,
        "state": "s1", "user_id": fx.PAT, "role": "district_admin",
    }  # fmt: skip
    redirect = client.post("/oauth/authorize", data=form)
    assert "x-ratelimit-limit" not in redirect.headers
    code = parse_qs(urlsplit(redirect.headers["location"]).query)["code"][0]
    basic = base64.b64encode(f"{found.tokens.client_id}:{found.tokens.client_secret}".encode()).decode()
    tokens = client.post(
        "/oauth/tokens",
        json={"code": code, "grant_type": "authorization_code", "redirect_uri": served.REDIRECT_URI},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert tokens.status_code == 200
    headers = {"Authorization": f"Bearer {tokens.json()['access_token']}"}
    me = client.get("/v3.1/me", headers=headers)
    assert me.json()["data"]["type"] == "district_admin"
    assert me.headers["x-ratelimit-remaining"] == "4"
    assert client.get("/v2.1/me", headers=headers).json()["data"]["id"] == fx.PAT_ADMIN_LEGACY
    assert client.get(f"/browser/{fx.DISTRICT}").status_code == 200

    layer.faults.replace(parse_fault_plan(["503@/v3.1/me:count=1"]))
    assert client.get("/v3.1/me", headers=headers).status_code == 503
    # The injected failure happened "in the network": the limiter never saw it.
    assert client.get("/v3.1/me", headers=headers).headers["x-ratelimit-remaining"] == "2"
    # The canonical link of /me leads to the full multi-role record in the data API, rate limited too.
    canonical = me.json()["links"][1]["uri"]
    user = client.get(canonical, headers=headers)
    assert user.status_code == 200
    assert set(user.json()["data"]["roles"]) == {"teacher", "district_admin"}
    assert user.headers["x-ratelimit-remaining"] == "1"


def test_data_api_responses_carry_rate_limit_headers_and_unknown_paths_are_untouched() -> None:
    found = served.state()
    app, _ = served.app(found)
    client = TestClient(app)
    headers = {"Authorization": f"Bearer {found.tokens.district_token(fx.DISTRICT)}"}
    users = client.get("/v3.1/users", headers=headers, params={"limit": 2})
    assert users.status_code == 200
    assert len(users.json()["data"]) == 2
    assert users.headers["x-ratelimit-bucket"] == "bearer"
    assert users.headers["x-ratelimit-remaining"] == "1199"
    teachers = client.get("/v2.1/teachers", headers=headers)
    assert {item["data"]["id"] for item in teachers.json()["data"]} >= {
        fx.ROBIN_TEACHER_LEGACY,
        fx.PAT_TEACHER_LEGACY,
    }
    assert client.get("/browser").status_code == 200
    assert "x-ratelimit-limit" not in client.get("/browser").headers
