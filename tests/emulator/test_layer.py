"""The whole identity layer wired into one app: login, token exchange, /me with rate-limit headers, faults."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlsplit

from starlette.applications import Starlette
from starlette.testclient import TestClient

from rollcall.emulator.faults import parse_fault_plan
from rollcall.emulator.layer import identity_layer
from rollcall.emulator.ratelimit import Bucket
from tests.emulator import fake_directory as fx


def test_sso_login_to_me_through_the_assembled_layer() -> None:
    found = fx.directory()
    layer = identity_layer(found, buckets=(Bucket(limit=5),))
    client = TestClient(Starlette(routes=layer.routes, middleware=layer.middleware), follow_redirects=False)
    form = {
        "response_type": "code", "client_id": found.tokens.client_id, "redirect_uri": fx.REDIRECT_URI,
        "state": "s1", "user_id": fx.PAT, "role": "district_admin",
    }  # fmt: skip
    redirect = client.post("/oauth/authorize", data=form)
    assert "x-ratelimit-limit" not in redirect.headers
    code = parse_qs(urlsplit(redirect.headers["location"]).query)["code"][0]
    basic = base64.b64encode(f"{found.tokens.client_id}:{found.tokens.client_secret}".encode()).decode()
    tokens = client.post(
        "/oauth/tokens",
        json={"code": code, "grant_type": "authorization_code", "redirect_uri": fx.REDIRECT_URI},
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
