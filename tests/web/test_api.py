"""The JSON API: /api/me, /api/sections, /api/access/check (with the CSRF header), OpenAPI docs."""

from __future__ import annotations

from tests.web import district
from tests.web.harness import Harness


def test_me_lists_every_role_and_the_role_in_use(web: Harness) -> None:
    assert web.browser.get("/api/me").status_code == 401
    web.sign_in(district.ROBIN, "staff")
    me = web.browser.get("/api/me").json()
    assert me["user_id"] == district.ROBIN
    assert me["name"] == "Robin Plant"
    assert me["district"] == district.DISTRICT
    assert me["roles"] == ["teacher", "staff"]
    assert me["acting_as"] is None
    assert len(me["csrf_token"]) > 20
    web.act_as("staff")
    assert web.browser.get("/api/me").json()["acting_as"] == "staff"


def test_sections_are_those_of_the_current_view(web: Harness) -> None:
    web.sign_in(district.ROBIN, "teacher")
    assert web.browser.get("/api/sections").status_code == 409
    web.act_as("teacher")
    assert web.browser.get("/api/sections").json() == [
        {"id": district.MATH, "name": "Math 5", "school": district.ALDER, "can_edit": True}
    ]
    web.act_as("staff")
    found = web.browser.get("/api/sections").json()
    assert {s["id"] for s in found} == {district.SCIENCE, district.ART}
    assert not any(s["can_edit"] for s in found)


def test_access_check_answers_for_the_current_view(web: Harness) -> None:
    web.sign_in_as(district.ROBIN, "teacher")
    headers = {"X-CSRF-Token": web.csrf()}
    body = {"action": "edit", "target": f"section:{district.MATH}"}
    allowed = web.browser.post("/api/access/check", json=body, headers=headers).json()
    assert allowed["allowed"] is True
    assert allowed["acting_as"] == "teacher"
    assert allowed["rule"].startswith("teacher-sections")
    web.act_as("staff")
    denied = web.browser.post("/api/access/check", json=body, headers=headers).json()
    assert denied["allowed"] is False
    assert "acting as staff" in denied["reason"]


def test_access_check_without_the_csrf_header_is_refused(web: Harness) -> None:
    web.sign_in_as(district.ROBIN, "teacher")
    body = {"action": "view", "target": f"section:{district.MATH}"}
    assert web.browser.post("/api/access/check", json=body).status_code == 403
    wrong = web.browser.post("/api/access/check", json=body, headers={"X-CSRF-Token": "nope"})
    assert wrong.status_code == 403


def test_access_check_refuses_bad_input_with_a_clear_message(web: Harness) -> None:
    web.sign_in_as(district.ROBIN, "teacher")
    headers = {"X-CSRF-Token": web.csrf()}
    bad_target = web.browser.post(
        "/api/access/check", json={"action": "view", "target": "nonsense"}, headers=headers
    )
    assert bad_target.status_code == 400
    assert "target" in bad_target.json()["detail"]
    bad_action = web.browser.post(
        "/api/access/check", json={"action": "delete", "target": "x:y"}, headers=headers
    )
    assert bad_action.status_code == 422


def test_openapi_documents_the_api(web: Harness) -> None:
    spec = web.browser.get("/api/openapi.json").json()
    assert {"/api/me", "/api/sections", "/api/access/check"} <= set(spec["paths"])
    assert web.browser.get("/api/docs").status_code == 200
