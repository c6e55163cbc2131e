"""SSO (user) tokens reach only their own record, district and schools, and never page (§6.1)."""

from __future__ import annotations

import httpx
import pytest

from rollcall.emulator import Emulator
from rollcall.errors import NotFound, UsageError
from tests.factories.maple import DISTRICT, NORTH, ROBIN, SAM, SOUTH, STUDENTS, sample_snapshot


def _get(anonymous: httpx.Client, token: str, path: str) -> httpx.Response:
    return anonymous.get(path, headers={"Authorization": f"Bearer {token}"})


def test_an_sso_token_reads_its_own_user_district_and_schools(
    emulator: Emulator, anonymous: httpx.Client
) -> None:
    token = emulator.mint_sso_token(ROBIN, "teacher")
    assert _get(anonymous, token, f"/v3.0/users/{ROBIN}").json()["data"]["id"] == ROBIN
    assert _get(anonymous, token, f"/v3.1/districts/{DISTRICT}").status_code == 200
    assert _get(anonymous, token, f"/v3.0/schools/{NORTH}").status_code == 200
    assert _get(anonymous, token, f"/v3.0/schools/{SOUTH}").status_code == 200  # staff at South


def test_an_sso_token_reads_its_v21_role_records(emulator: Emulator, anonymous: httpx.Client) -> None:
    token = emulator.mint_sso_token(ROBIN, "staff")
    legacy = sample_snapshot().users[ROBIN].legacy_ids()
    assert _get(anonymous, token, f"/v2.1/teachers/{legacy['teacher']}").status_code == 200
    assert _get(anonymous, token, f"/v2.1/school_admins/{legacy['staff']}").status_code == 200
    assert _get(anonymous, token, f"/v2.1/teachers/{legacy['staff']}").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/v3.0/users",
        f"/v3.0/users/{SAM}",
        f"/v3.0/users/{ROBIN}?limit=1",
        f"/v3.0/users/{ROBIN}/sections",
        "/v3.0/courses",
        "/v3.0/events",
        "/v3.0/districts",
        f"/v3.0/schools/{NORTH}/users",
    ],
)
def test_anything_else_is_an_html_404_for_an_sso_token(
    emulator: Emulator, anonymous: httpx.Client, path: str
) -> None:
    response = _get(anonymous, emulator.mint_sso_token(ROBIN, "teacher"), path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Cannot GET" in response.text


def test_a_student_sso_token_sees_only_the_students_school(
    emulator: Emulator, anonymous: httpx.Client
) -> None:
    token = emulator.mint_sso_token(STUDENTS[0], "student")
    assert _get(anonymous, token, f"/v3.0/schools/{NORTH}").status_code == 200
    assert _get(anonymous, token, f"/v3.0/schools/{SOUTH}").status_code == 404


def test_minting_checks_the_user_and_the_role(emulator: Emulator) -> None:
    with pytest.raises(NotFound):
        emulator.mint_sso_token("ffffffffffffffffffffffff", "teacher")
    with pytest.raises(UsageError, match="does not hold role"):
        emulator.mint_sso_token(SAM, "staff")
    assert emulator.mint_sso_token(SAM).startswith("il")
