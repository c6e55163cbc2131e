"""Sign-in with Clever through the emulator: every role read from /users/{id}, the chooser, the switcher."""

from __future__ import annotations

from tests.web import district
from tests.web.harness import Harness


def test_login_redirects_to_clever_with_state_and_nonce(web: Harness) -> None:
    params = web.start()
    assert params["response_type"] == "code"
    assert params["client_id"] == web.emulator.state.tokens.client_id
    assert params["redirect_uri"] == "http://127.0.0.1:8000/auth/clever/callback"
    assert len(params["state"]) >= 20
    assert len(params["nonce"]) >= 20
    assert web.start()["state"] != params["state"]


def test_multi_role_person_signing_in_as_staff_still_gets_every_role_and_the_chooser(web: Harness) -> None:
    answer = web.sign_in(district.ROBIN, "staff")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"
    home = web.browser.get("/", follow_redirects=False)
    assert home.headers["location"] == "/choose-role"
    chooser = web.browser.get("/choose-role")
    assert "Continue as Teacher" in chooser.text
    assert "Continue as Staff member" in chooser.text


def test_one_role_goes_straight_into_its_view(web: Harness) -> None:
    web.sign_in(district.TESS, "teacher")
    home = web.browser.get("/")
    assert home.status_code == 200
    assert "You're logged in as a Teacher." in home.text
    assert "Switch to" not in home.text


def test_switcher_moves_between_held_roles(web: Harness) -> None:
    web.sign_in(district.PAT, "teacher")
    csrf = _csrf(web)
    chosen = web.browser.post("/role", data={"role": "teacher", "csrf_token": csrf}, follow_redirects=False)
    assert chosen.status_code == 303
    home = web.browser.get("/")
    assert "You're logged in as a Teacher." in home.text
    assert "Switch to District admin view →" in home.text
    web.browser.post("/role", data={"role": "district_admin", "csrf_token": csrf})
    home = web.browser.get("/")
    assert "You're logged in as a District admin." in home.text
    assert "Switch to Teacher view →" in home.text


def test_combined_view_when_the_settings_say_so(tmp_path: object) -> None:
    from pathlib import Path

    from tests.web.harness import build_harness

    harness = build_harness(Path(str(tmp_path)), combined_view=True)
    with harness.browser:
        harness.sign_in(district.ROBIN, "teacher")
        home = harness.browser.get("/")
        assert home.status_code == 200
        assert "You're logged in with all your roles (Teacher, Staff member)." in home.text
    harness.store.close()


def test_person_not_in_the_store_sees_their_clever_roles_and_a_note(web: Harness) -> None:
    from rollcall.domain.record import Name
    from rollcall.domain.user import Roles, Teacher, User

    newcomer = User(
        id="6a00000000000000000000ff", district=district.DISTRICT, name=Name(first="New", last="Comer"),
        roles=Roles(teacher=Teacher(sis_id="T99", school=district.ALDER, schools=[district.ALDER],
                                    legacy_id="5a00000000000000000000ff")),
    )  # fmt: skip
    web.emulator.apply_roster(district.snapshot([*district.people(), newcomer]))
    web.sign_in(newcomer.id, "teacher")
    home = web.browser.get("/")
    assert home.status_code == 200
    assert "has not been synced into rollcall yet" in home.text
    assert "You're logged in as a Teacher." in home.text


def test_logout_ends_the_session(web: Harness) -> None:
    web.sign_in(district.TESS, "teacher")
    csrf = _csrf(web)
    answer = web.browser.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert answer.status_code == 303
    home = web.browser.get("/")
    assert "Sign in with Clever" in home.text
    assert "Signed in as" not in home.text


def _csrf(web: Harness) -> str:
    import re

    page = web.browser.get("/choose-role").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)
