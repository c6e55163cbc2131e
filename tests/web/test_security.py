"""Every refusal of issue 12 §4: wrong or missing state, a replayed code, a foreign redirect URI, a role not
held, a forged or tampered session cookie, a state-changing request without the CSRF token — and no token
or secret in a page, a cookie or a log line."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import itsdangerous
import pytest
import structlog

from rollcall.domain.timestamps import FixedClock
from rollcall.web import create_app
from tests.web import district
from tests.web.harness import PUBLIC_URL, SESSION_SECRET, Harness, build_harness

SIGNED_OUT = "Sign in with Clever"


def _signed_out(web: Harness) -> bool:
    page = web.browser.get("/").text
    return SIGNED_OUT in page and "Signed in as" not in page


def _session_payload(web: Harness) -> dict[str, object]:
    cookie = web.browser.cookies.get("rollcall_session")
    if cookie is None:
        return {}
    data = itsdangerous.TimestampSigner(SESSION_SECRET).unsign(cookie.encode())
    decoded: dict[str, object] = json.loads(base64.b64decode(data))
    return decoded


def _csrf(web: Harness) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', web.browser.get("/choose-role").text)
    assert found is not None
    return found.group(1)


def _code_and_state(callback_url: str) -> tuple[str, str]:
    query = parse_qs(urlsplit(callback_url).query)
    return query["code"][0], query["state"][0]


def test_wrong_state_is_refused_with_400_and_no_session(web: Harness) -> None:
    code, _ = _code_and_state(web.authorize(web.start(), district.ROBIN, "teacher"))
    answer = web.browser.get(f"/auth/clever/callback?{urlencode({'code': code, 'state': 'forged'})}")
    assert answer.status_code == 400
    assert "state does not match" in answer.text
    assert _signed_out(web)
    assert "person" not in _session_payload(web)


def test_state_from_another_browser_is_refused(web: Harness, tmp_path: Path) -> None:
    callback = web.authorize(web.start(), district.ROBIN, "teacher")
    web.browser.cookies.clear()  # another browser: it never started this sign-in
    assert web.callback(callback).status_code == 400
    assert _signed_out(web)


def test_missing_state_starts_the_apps_own_authorization_and_never_exchanges_the_code(web: Harness) -> None:
    params = web.start()
    bare = {key: value for key, value in params.items() if key != "state"}
    callback = web.authorize(bare, district.ROBIN, "teacher")  # as from Clever's portal: no state
    assert "state=" not in callback
    answer = web.callback(callback)
    assert answer.status_code == 302
    assert answer.headers["location"].startswith(web.emulator.base_url + "/oauth/authorize?")
    assert "state=" in answer.headers["location"]
    assert _signed_out(web)
    code = parse_qs(urlsplit(callback).query)["code"][0]
    assert web.emulator.state.tokens.take_code(code) is not None  # still unexchanged


def test_replayed_callback_is_refused(web: Harness) -> None:
    callback = web.authorize(web.start(), district.TESS, "teacher")
    assert web.callback(callback).status_code == 303
    web.browser.cookies.clear()
    replay = web.callback(callback)
    assert replay.status_code == 400
    assert _signed_out(web)


def test_the_same_code_is_exchanged_only_once(web: Harness) -> None:
    params = web.start()
    code, state = _code_and_state(web.authorize(params, district.TESS, "teacher"))
    assert web.browser.get(f"/auth/clever/callback?code={code}&state={state}").status_code == 200
    web.browser.cookies.clear()
    again = web.start()["state"]
    answer = web.browser.get(f"/auth/clever/callback?code={code}&state={again}")
    assert answer.status_code == 400
    assert "invalid_grant" in answer.text
    assert _signed_out(web)


def test_foreign_redirect_uri_is_refused_by_clever(web: Harness) -> None:
    params = {**web.start(), "redirect_uri": "https://evil.example/auth/clever/callback"}
    with web.clever() as clever:
        page = clever.get("/oauth/authorize", params=params)
        chosen = clever.post(
            "/oauth/authorize", data={**params, "user_id": district.ROBIN, "role": "teacher"}
        )
    assert page.status_code == 400
    assert chosen.status_code == 400
    assert "is not registered" in chosen.text


def test_code_issued_for_another_redirect_uri_is_refused(web: Harness) -> None:
    other = "http://127.0.0.1:9999/auth/clever/callback"  # another registered app of the same client
    web.emulator.register_redirect_uri(other)
    params = web.start()
    code, state = _code_and_state(web.authorize({**params, "redirect_uri": other}, district.ROBIN, "teacher"))
    answer = web.browser.get(f"/auth/clever/callback?code={code}&state={state}")
    assert answer.status_code == 400
    assert _signed_out(web)


def test_id_token_with_another_nonce_is_refused(web: Harness) -> None:
    params = {**web.start(), "nonce": "an-attackers-nonce-0123456789"}
    answer = web.callback(web.authorize(params, district.ROBIN, "teacher"))
    assert answer.status_code == 400
    assert "nonce" in answer.text
    assert _signed_out(web)


def test_expired_id_token_is_refused(tmp_path: Path) -> None:
    harness = build_harness(tmp_path)
    later = FixedClock(harness.emulator.state.clock.now() + dt.timedelta(hours=2))
    context = harness.app.state.context
    app = create_app(
        context.settings, store=harness.store, clock=later, transport=harness.emulator.async_transport()
    )
    from starlette.testclient import TestClient

    with TestClient(app, base_url=PUBLIC_URL) as browser:
        harness.browser = browser
        answer = harness.sign_in(district.ROBIN, "teacher")
        assert answer.status_code == 400
        assert "expired" in answer.text
    harness.store.close()


def test_switching_to_a_role_not_held_is_403_and_changes_nothing(web: Harness) -> None:
    web.sign_in(district.ROBIN, "teacher")
    csrf = _csrf(web)
    web.browser.post("/role", data={"role": "teacher", "csrf_token": csrf})
    before = _session_payload(web)
    for role in ("district_admin", "student", "all", "root", ""):
        answer = web.browser.post("/role", data={"role": role, "csrf_token": csrf})
        assert answer.status_code == 403, role
    assert (
        "You do not hold the role district_admin;"
        in web.browser.post("/role", data={"role": "district_admin", "csrf_token": csrf}).text
    )
    assert _session_payload(web) == before
    assert "You're logged in as a Teacher." in web.browser.get("/").text


def test_state_changing_forms_without_the_csrf_token_are_refused(web: Harness) -> None:
    web.sign_in(district.ROBIN, "teacher")
    for data in ({"role": "staff"}, {"role": "staff", "csrf_token": "wrong"}):
        answer = web.browser.post("/role", data=data)
        assert answer.status_code == 403
        assert "CSRF token" in answer.text
    assert web.browser.post("/logout", data={}).status_code == 403
    assert not _signed_out(web)
    assert web.browser.get("/", follow_redirects=False).headers["location"] == "/choose-role"


def test_tampered_cookie_is_treated_as_signed_out(web: Harness) -> None:
    web.sign_in(district.TESS, "teacher")
    cookie = web.browser.cookies["rollcall_session"]
    payload, _, signature = cookie.partition(".")
    flipped = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    web.browser.cookies.clear()
    web.browser.cookies.set("rollcall_session", f"{flipped}.{signature}", domain="127.0.0.1")
    assert _signed_out(web)


def test_forged_cookie_signed_with_another_secret_is_treated_as_signed_out(web: Harness) -> None:
    forged_person = {"person": {"user_id": district.PAT, "district": district.DISTRICT, "name": "Pat",
                                "roles": ["teacher", "district_admin"], "acting_as": "district_admin"},
                     "csrf": "x" * 43}  # fmt: skip
    data = base64.b64encode(json.dumps(forged_person).encode())
    forged = itsdangerous.TimestampSigner("not-the-apps-secret-0123456789").sign(data).decode()
    web.browser.cookies.set("rollcall_session", forged, domain="127.0.0.1")
    assert _signed_out(web)


def test_cookie_is_httponly_and_samesite_lax(web: Harness) -> None:
    answer = web.sign_in(district.TESS, "teacher")
    header = answer.headers["set-cookie"].lower()
    assert "httponly" in header
    assert "samesite=lax" in header
    assert "secure" not in header  # http public URL


def test_cookie_is_secure_when_the_public_url_is_https(tmp_path: Path) -> None:
    harness = build_harness(tmp_path, public_url="https://rollcall.example")
    with harness.browser:
        answer = harness.browser.get("/login", follow_redirects=False)
        assert "secure" in answer.headers["set-cookie"].lower()
        assert (
            "redirect_uri=https%3A%2F%2Frollcall.example%2Fauth%2Fclever%2Fcallback"
            in answer.headers["location"]
        )
    harness.store.close()


def test_no_token_or_secret_in_pages_cookies_or_logs(web: Harness) -> None:
    with structlog.testing.capture_logs() as logs:
        web.sign_in(district.ROBIN, "staff")
        pages = [web.browser.get(path).text for path in ("/", "/choose-role")]
    secrets = [web.emulator.state.tokens.client_secret, SESSION_SECRET]
    secrets += [grant for grant in web.emulator.state.tokens._grants if grant.startswith("il")]
    assert len(secrets) == 3  # one SSO token was issued
    written = json.dumps(logs) + json.dumps(_session_payload(web)) + "".join(pages)
    for secret in secrets:
        assert secret not in written
    assert any(entry["event"] == "web.signed_in" for entry in logs)


@pytest.mark.parametrize("query", ["", "?code=", "?error=access_denied&state=x"])
def test_callback_without_a_usable_code_is_refused(web: Harness, query: str) -> None:
    answer = web.browser.get(f"/auth/clever/callback{query}")
    assert answer.status_code == 400
    assert _signed_out(web)


def test_operator_dashboard_is_never_reached_with_a_clever_session(tmp_path: Path) -> None:
    harness = build_harness(tmp_path, operator_password="operator-pass-123")
    with harness.browser as browser:
        harness.sign_in(district.PAT, "district_admin")
        harness.act_as("district_admin")
        answer = browser.get("/operator", follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/operator/login"
        assert browser.get("/api/migration/status").status_code == 403
        assert "Migration dashboard" not in browser.get("/operator").text
        # A wrong password keeps the door shut; the right one opens a fresh session without the Clever person.
        csrf = harness.csrf()
        wrong = browser.post("/operator/login", data={"password": "guess", "csrf_token": csrf})
        assert wrong.status_code == 403
        assert browser.post("/operator/login", data={"password": "operator-pass-123"}).status_code == 403
        right = browser.post("/operator/login", data={"password": "operator-pass-123", "csrf_token": csrf})
        assert right.status_code == 200
        assert "Migration dashboard" in right.text
        assert browser.get("/api/me").status_code == 401
    harness.store.close()


def test_operator_dashboard_is_absent_without_an_operator_password(web: Harness) -> None:
    assert web.browser.get("/operator").status_code == 404
    assert web.browser.get("/operator/login").status_code == 404
