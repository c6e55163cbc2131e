"""The OAuth authorization-code flow, the token endpoints and the id_token, driven over ASGI."""

from __future__ import annotations

import base64
import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from rollcall.emulator import Emulator
from rollcall.emulator.data.state import EmulatorState
from rollcall.emulator.sso.authorize import redirect_target
from rollcall.emulator.sso.id_token import InvalidIdToken, decode_id_token, encode_id_token
from rollcall.emulator.sso.token_endpoint import basic_credentials
from rollcall.errors import UsageError
from tests.emulator import identity_fixtures as served
from tests.factories import sign_in as fx


def make_client(directory: EmulatorState | None = None) -> tuple[TestClient, EmulatorState]:
    found = directory or served.state()
    app, _ = served.app(found)
    return TestClient(app, follow_redirects=False), found


def basic(client_id: str, secret: str) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def authorize_params(found: EmulatorState, **extra: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": found.tokens.client_id,
        "redirect_uri": served.REDIRECT_URI,
        **extra,
    }


def login(
    client: TestClient, found: EmulatorState, user_id: str, role: str | None = None, **extra: str
) -> str:
    """POST the login choice; returns the code from the redirect."""
    form = {**authorize_params(found, **extra), "user_id": user_id}
    if role is not None:
        form["role"] = role
    response = client.post("/oauth/authorize", data=form)
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(served.REDIRECT_URI + "?")
    return parse_qs(urlsplit(location).query)["code"][0]


def exchange(client: TestClient, found: EmulatorState, code: str, **overrides: str) -> dict[str, object]:
    body = {
        "code": code,
        "grant_type": "authorization_code",
        "redirect_uri": served.REDIRECT_URI,
        **overrides,
    }
    response = client.post(
        "/oauth/tokens", json=body, headers=basic(found.tokens.client_id, found.tokens.client_secret)
    )
    return {"status": response.status_code, **response.json()}


def test_login_page_lists_every_role_of_each_person_and_preselects_the_first_employee_role() -> None:
    client, found = make_client()
    page = client.get("/oauth/authorize", params=authorize_params(found, district_id=fx.DISTRICT))
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    robin_row = next(row for row in html.split("<tr>") if "Robin" in row)
    assert "teacher" in robin_row
    assert "staff" in robin_row
    assert fx.ROBIN_TEACHER_LEGACY in robin_row
    assert fx.ROBIN_STAFF_LEGACY in robin_row
    assert '<option value="teacher" selected>' in robin_row
    pat_row = next(row for row in html.split("<tr>") if "Pat Lead" in row)
    assert '<option value="teacher" selected>' in pat_row
    assert "district_admin" in pat_row
    assert "Lee" not in html  # other district


def test_login_page_filters_by_role_and_name() -> None:
    client, found = make_client()
    by_role = client.get("/oauth/authorize", params=authorize_params(found, role="student")).text
    assert "Ada" in by_role
    assert "Ben" in by_role
    assert "Robin" not in by_role
    by_name = client.get("/oauth/authorize", params=authorize_params(found, q="lovelace")).text
    assert "Ada" in by_name
    assert "Ben" not in by_name
    other = client.get("/oauth/authorize", params=authorize_params(found, district_id=fx.OTHER_DISTRICT)).text
    assert "Lee" in other
    assert "Robin" not in other


def test_login_redirects_with_code_and_echoes_state_only_when_sent() -> None:
    client, found = make_client()
    form = {**authorize_params(found, state="xyz&1"), "user_id": fx.ADA}
    with_state = client.post("/oauth/authorize", data=form)
    query = parse_qs(urlsplit(with_state.headers["location"]).query)
    assert query["state"] == ["xyz&1"]
    assert re.fullmatch(r"[0-9a-f]{24}", query["code"][0])
    form.pop("state")
    without = client.post("/oauth/authorize", data=form)
    assert "state" not in parse_qs(urlsplit(without.headers["location"]).query)


def test_district_filter_switches_districts_but_an_app_chosen_district_is_the_only_one() -> None:
    client, found = make_client()
    picked = client.get("/oauth/authorize", params=authorize_params(found, district=fx.OTHER_DISTRICT)).text
    assert "Lee" in picked
    assert "Maple Unified" in picked  # still offered in the picker
    fixed = client.get("/oauth/authorize", params=authorize_params(found, district_id=fx.OTHER_DISTRICT)).text
    assert "Lee" in fixed
    assert "Maple Unified" not in fixed
    wrong_district = {**authorize_params(found, district_id=fx.OTHER_DISTRICT), "user_id": fx.ADA}
    assert client.post("/oauth/authorize", data=wrong_district).status_code == 400


def test_redirect_target_keeps_an_existing_query() -> None:
    assert redirect_target("https://app/cb?x=1", "c0de", None) == "https://app/cb?x=1&code=c0de"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"client_id": "nope"}, "Unknown client_id"),
        ({"redirect_uri": "https://evil.example/cb"}, "is not registered"),
        ({"response_type": ""}, "response_type"),
    ],
)
def test_untrusted_authorize_request_gets_an_error_page_never_a_redirect(
    change: dict[str, str], message: str
) -> None:
    client, found = make_client()
    params = {**authorize_params(found), **change}
    page = client.get("/oauth/authorize", params=params)
    assert page.status_code == 400
    assert "location" not in page.headers
    assert message in page.text
    posted = client.post("/oauth/authorize", data={**params, "user_id": fx.ADA})
    assert posted.status_code == 400
    assert "location" not in posted.headers


def test_missing_redirect_uri_falls_back_to_the_first_registered_one() -> None:
    client, found = make_client()
    form = {"response_type": "code", "client_id": found.tokens.client_id, "user_id": fx.ADA}
    response = client.post("/oauth/authorize", data=form)
    assert response.headers["location"].startswith(served.REDIRECT_URI + "?code=")


def test_registry_may_register_more_redirect_uris_matched_exactly() -> None:
    found = served.state()
    found.tokens.redirect_uris = (served.REDIRECT_URI, "https://app.example/other")
    client, _ = make_client(found)
    form = {**authorize_params(found, redirect_uri="https://app.example/other"), "user_id": fx.ADA}
    assert (
        client.post("/oauth/authorize", data=form)
        .headers["location"]
        .startswith("https://app.example/other?")
    )
    form["redirect_uri"] = "https://app.example/other/"
    assert client.post("/oauth/authorize", data=form).status_code == 400


def test_login_as_a_role_the_person_does_not_hold_is_rejected() -> None:
    client, found = make_client()
    form = {**authorize_params(found), "user_id": fx.ROBIN, "role": "district_admin"}
    response = client.post("/oauth/authorize", data=form)
    assert response.status_code == 400
    assert "does not hold the role" in response.text


def test_code_exchange_returns_an_il_token_and_a_signed_id_token() -> None:
    client, found = make_client()
    code = login(client, found, fx.ROBIN, "staff", nonce="n-0S6")
    body = exchange(client, found, code)
    assert body["status"] == 200
    assert list(body)[1:] == ["access_token", "token_type", "id_token"]
    assert body["token_type"] == "bearer"
    assert str(body["access_token"]).startswith("il")
    now = found.clock.now().timestamp()
    claims = decode_id_token(
        str(body["id_token"]), found.tokens.client_secret, now=now, audience=found.tokens.client_id
    )
    assert claims["iss"] == "https://clever.com"
    assert claims["sub"] == fx.ROBIN == claims["multi_role_user_id"]
    assert claims["user_id"] == fx.ROBIN_STAFF_LEGACY
    assert claims["user_type"] == "staff"
    assert claims["nonce"] == "n-0S6"
    assert claims["iat"] == int(now)
    assert claims["exp"] == int(now) + 3600
    assert claims["district"] == fx.DISTRICT
    assert claims["email"] == "robin@example.org"
    assert claims["email_verified"] is False
    assert (claims["given_name"], claims["family_name"]) == ("Robin", "Plant")


def test_form_encoded_exchange_works_and_nonce_is_absent_when_not_sent() -> None:
    client, found = make_client()
    code = login(client, found, fx.ADA)
    response = client.post(
        "/oauth/tokens",
        data={"code": code, "grant_type": "authorization_code", "redirect_uri": served.REDIRECT_URI},
        headers=basic(found.tokens.client_id, found.tokens.client_secret),
    )
    assert response.status_code == 200
    claims = decode_id_token(
        response.json()["id_token"], found.tokens.client_secret, now=found.clock.now().timestamp()
    )
    assert "nonce" not in claims
    assert claims["user_type"] == "student"
    assert claims["user_id"] == fx.ADA


def test_wrong_client_secret_is_invalid_client() -> None:
    client, found = make_client()
    code = login(client, found, fx.ADA)
    body = {"code": code, "grant_type": "authorization_code", "redirect_uri": served.REDIRECT_URI}
    wrong = client.post("/oauth/tokens", json=body, headers=basic(found.tokens.client_id, "not-the-secret"))
    assert wrong.status_code == 401
    assert wrong.json() == {"error": "invalid_client", "error_description": wrong.json()["error_description"]}
    missing = client.post("/oauth/tokens", json=body)
    assert missing.status_code == 401
    assert missing.json()["error"] == "invalid_client"
    # The rejected attempts did not burn the code.
    assert exchange(client, found, code)["status"] == 200


def test_reused_code_is_invalid_grant() -> None:
    client, found = make_client()
    code = login(client, found, fx.ADA)
    assert exchange(client, found, code)["status"] == 200
    again = exchange(client, found, code)
    assert again["status"] == 400
    assert again["error"] == "invalid_grant"
    unknown = exchange(client, found, "0" * 24)
    assert unknown["status"] == 400
    assert unknown["error"] == "invalid_grant"


def test_code_expires_after_sixty_seconds_of_the_injected_clock() -> None:
    client, found = make_client()
    fresh = login(client, found, fx.ADA)
    stale = login(client, found, fx.BEN)
    found.advance_clock(dt.timedelta(seconds=60))
    assert exchange(client, found, fresh)["status"] == 200
    found.advance_clock(dt.timedelta(seconds=1))
    expired = exchange(client, found, stale)
    assert expired["status"] == 400
    assert expired["error"] == "invalid_grant"
    assert "expired" in str(expired["error_description"])


def test_redirect_uri_mismatch_on_exchange_is_invalid_grant() -> None:
    client, found = make_client()
    code = login(client, found, fx.ADA)
    body = exchange(client, found, code, redirect_uri="http://127.0.0.1:8000/elsewhere")
    assert body["status"] == 400
    assert body["error"] == "invalid_grant"


def test_wrong_grant_type_is_unsupported_grant_type() -> None:
    client, found = make_client()
    code = login(client, found, fx.ADA)
    body = exchange(client, found, code, grant_type="client_credentials")
    assert body["status"] == 400
    assert body["error"] == "unsupported_grant_type"


def test_exchange_with_another_content_type_is_invalid_request() -> None:
    client, found = make_client()
    response = client.post(
        "/oauth/tokens",
        content=b"code=x",
        headers={**basic(found.tokens.client_id, found.tokens.client_secret), "content-type": "text/plain"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_district_token_listing_has_one_entry_per_district() -> None:
    client, found = make_client()
    auth = basic(found.tokens.client_id, found.tokens.client_secret)
    listing = client.get("/oauth/tokens", params={"owner_type": "district"}, headers=auth)
    assert listing.status_code == 200
    body = listing.json()
    assert [entry["owner"] for entry in body["data"]] == [
        {"type": "district", "id": fx.DISTRICT},
        {"type": "district", "id": fx.OTHER_DISTRICT},
    ]
    entry = body["data"][0]
    assert list(entry) == ["id", "created", "owner", "access_token", "scopes"]
    assert entry["access_token"] == found.tokens.district_token(fx.DISTRICT)
    assert re.fullmatch(r"[0-9a-f]{40}", entry["access_token"])
    assert re.fullmatch(r"[0-9a-f]{24}", entry["id"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry["created"])
    assert "read:user_id" in entry["scopes"]
    assert body["links"] == [{"rel": "self", "uri": "/oauth/tokens?owner_type=district"}]
    one = client.get(
        "/oauth/tokens", params={"owner_type": "district", "district": fx.OTHER_DISTRICT}, headers=auth
    )
    assert [e["owner"]["id"] for e in one.json()["data"]] == [fx.OTHER_DISTRICT]
    assert one.json()["links"][0]["uri"] == f"/oauth/tokens?owner_type=district&district={fx.OTHER_DISTRICT}"
    assert client.get("/oauth/tokens", params={"owner_type": "district"}).status_code == 401
    assert client.get("/oauth/tokens", params={"owner_type": "user"}, headers=auth).status_code == 400


def test_tokeninfo_names_the_client_and_the_token_scopes() -> None:
    client, found = make_client()
    token = found.tokens.district_token(fx.DISTRICT)
    info = client.get("/oauth/tokeninfo", headers={"Authorization": f"Bearer {token}"})
    assert info.status_code == 200
    assert info.json()["client_id"] == found.tokens.client_id
    assert "read:sis" in info.json()["scopes"]
    bad = client.get("/oauth/tokeninfo", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    assert "message" in bad.json()


def test_basic_credentials_parsing_rejects_malformed_headers() -> None:
    assert basic_credentials("Basic " + base64.b64encode(b"id:se:cret").decode()) == ("id", "se:cret")
    assert basic_credentials("Basic !!!") is None
    assert basic_credentials("Basic " + base64.b64encode(b"no-colon").decode()) is None
    assert basic_credentials("Bearer abc") is None
    assert basic_credentials(None) is None


def test_decode_id_token_checks_signature_expiry_audience_and_shape() -> None:
    token = encode_id_token({"sub": "u", "aud": "client", "exp": 1_000}, "secret")
    assert decode_id_token(token, "secret", now=999, audience="client")["sub"] == "u"
    with pytest.raises(InvalidIdToken, match="signature"):
        decode_id_token(token, "other-secret", now=999)
    with pytest.raises(InvalidIdToken, match="expired"):
        decode_id_token(token, "secret", now=1_000)
    with pytest.raises(InvalidIdToken, match="audience"):
        decode_id_token(token, "secret", now=999, audience="someone-else")
    with pytest.raises(InvalidIdToken, match="3"):
        decode_id_token("a.b", "secret")
    header, _payload, signature = token.split(".")
    tampered_payload = base64.urlsafe_b64encode(b'{"sub":"admin","exp":1000}').rstrip(b"=").decode()
    with pytest.raises(InvalidIdToken, match="signature"):
        decode_id_token(f"{header}.{tampered_payload}.{signature}", "secret", now=999)
    no_exp = encode_id_token({"sub": "u"}, "secret")
    with pytest.raises(InvalidIdToken, match="exp"):
        decode_id_token(no_exp, "secret", now=0)


WEB_APP_CALLBACK = "http://127.0.0.1:8123/auth/clever/callback"


def _login_location(emulator_app: Starlette, client_id: str, redirect_uri: str) -> tuple[int, str]:
    client = TestClient(emulator_app, follow_redirects=False)
    form = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "user_id": fx.ADA}
    response = client.post("/oauth/authorize", data=form)
    return response.status_code, response.headers.get("location", "")


def test_an_emulator_given_a_web_apps_redirect_uri_accepts_it_and_no_longer_the_default() -> None:
    with Emulator(redirect_uris=[WEB_APP_CALLBACK]) as emulator:
        emulator.load_snapshot(fx.snapshot())
        client_id = emulator.state.tokens.client_id
        status, location = _login_location(emulator.app, client_id, WEB_APP_CALLBACK)
        assert (status, location.startswith(WEB_APP_CALLBACK + "?code=")) == (302, True)
        assert _login_location(emulator.app, client_id, served.REDIRECT_URI)[0] == 400
        assert emulator.redirect_uris == (WEB_APP_CALLBACK,)


def test_registering_a_redirect_uri_later_adds_it_beside_the_others() -> None:
    with Emulator() as emulator:
        emulator.load_snapshot(fx.snapshot())
        emulator.register_redirect_uri(WEB_APP_CALLBACK)
        emulator.register_redirect_uri(WEB_APP_CALLBACK)  # twice is once
        assert emulator.redirect_uris == (served.REDIRECT_URI, WEB_APP_CALLBACK)
        client_id = emulator.state.tokens.client_id
        assert _login_location(emulator.app, client_id, WEB_APP_CALLBACK)[0] == 302
        assert _login_location(emulator.app, client_id, served.REDIRECT_URI)[0] == 302


@pytest.mark.parametrize(
    ("uri", "reason"),
    [
        ("/auth/clever/callback", "absolute http(s) URL"),
        ("ftp://app.example/cb", "absolute http(s) URL"),
        ("http:///cb", "absolute http(s) URL"),
        ("https://app.example/cb#top", "fragment"),
        ("http://[::1/cb", "not a URL"),
    ],
)
def test_a_redirect_uri_that_is_not_an_absolute_http_url_is_refused_and_nothing_changes(
    uri: str, reason: str
) -> None:
    with pytest.raises(UsageError, match=re.escape(reason)):
        Emulator(redirect_uris=[WEB_APP_CALLBACK, uri])
    with Emulator() as emulator:
        with pytest.raises(UsageError, match=re.escape(reason)):
            emulator.register_redirect_uri(uri)
        assert emulator.redirect_uris == (served.REDIRECT_URI,)


def test_the_sign_in_page_says_why_a_filtered_page_is_short_instead_of_a_bare_next_link() -> None:
    found = served.state()
    app, _ = served.app(found, scan_budget=2)
    client = TestClient(app)
    params = {**authorize_params(found), "role": "contact"}
    first = client.get("/oauth/authorize", params=params).text
    assert "stopped to keep the page quick; use Next to search further" in first
    start = int(re.findall(r"start=(\d+)", first)[-1])
    pages = [first]
    for _ in range(10):  # bounded: the budget is 2 people per page in a district of a handful
        page = client.get("/oauth/authorize", params={**params, "start": str(start)}).text
        pages.append(page)
        if "Grace" in page:
            break
        start = int(re.findall(r"start=(\d+)", page)[-1])
    assert "Grace" in pages[-1]
    everyone = len(fx.snapshot().users)
    past_the_end = client.get("/oauth/authorize", params={**params, "start": str(everyone)}).text
    assert "Nobody matches these filters." in past_the_end
    assert f"Nobody from position {everyone} on matches these filters." in past_the_end


def test_login_page_shows_markup_in_names_and_in_echoed_parameters_as_text() -> None:
    client, found = make_client(served.hostile_state())
    hostile = '"><script>x&'
    page = client.get("/oauth/authorize", params=authorize_params(found, state=hostile, q="quoted"))
    assert page.status_code == 200
    html = page.text
    assert "<script>" not in html
    assert '"Quoted"' not in html
    assert "& Sons" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the person's name, and the district's
    assert "&amp; Sons" in html
    assert '"><script>' not in html  # the state and the search text ride along inside value="…"
    assert f'name="user_id" value="{served.HOSTILE_PERSON}"' in html  # the hostile person is listed
