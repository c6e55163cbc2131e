"""The Data API's wire rules (clever-api.md §1.1, §4, §7) and relation semantics (§2.1, §3.1), one by one."""

from __future__ import annotations

import json

import httpx
import msgspec
import pytest

from rollcall.domain.record import Name
from rollcall.domain.user import Roles, Student, User
from rollcall.emulator import Emulator
from tests.factories.maple import (
    DANA,
    DISTRICT,
    FALL,
    GRACE,
    LEE,
    MATH,
    NORTH,
    PAT,
    ROBIN,
    SAM,
    SECTION_ART_S,
    SECTION_MATH_N,
    SOUTH,
    STUDENTS,
    other_snapshot,
    sample_snapshot,
)


def _ids(response: httpx.Response) -> list[str]:
    return [item["data"]["id"] for item in response.json()["data"]]


def _links(response: httpx.Response) -> dict[str, str]:
    return {link["rel"]: link["uri"] for link in response.json()["links"]}


def test_a_list_is_links_then_data_of_wrapped_items_with_their_uri(client: httpx.Client) -> None:
    response = client.get("/v3.0/users")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    body = json.loads(response.content)
    assert list(body) == ["links", "data"]
    for item in body["data"]:
        assert list(item) == ["data", "uri"]
        assert item["uri"] == f"/v3.0/users/{item['data']['id']}"
    assert _ids(response) == sorted(sample_snapshot().users)


def test_a_single_record_is_data_then_links_with_the_relations_of_its_type(client: httpx.Client) -> None:
    body = client.get(f"/v3.0/sections/{SECTION_MATH_N}").json()
    assert list(body) == ["data", "links"]
    rels = [link["rel"] for link in body["links"]]
    assert rels == ["self", "district", "school", "term", "course", "users"]
    assert body["links"][1]["uri"] == f"/v3.0/sections/{SECTION_MATH_N}/district"


def test_user_links_follow_the_roles_held(client: httpx.Client) -> None:
    student = [link["rel"] for link in client.get(f"/v3.0/users/{STUDENTS[0]}").json()["links"]]
    assert student == ["self", "district", "sections", "myContacts", "myTeachers", "schools"]
    teacher = [link["rel"] for link in client.get(f"/v3.0/users/{SAM}").json()["links"]]
    assert teacher == ["self", "district", "sections", "myStudents", "schools"]


def test_a_singular_relation_carries_only_self_at_the_canonical_uri(client: httpx.Client) -> None:
    body = client.get(f"/v3.0/sections/{SECTION_MATH_N}/course").json()
    assert body["data"]["id"] == MATH
    assert body["links"] == [{"rel": "self", "uri": f"/v3.0/courses/{MATH}"}]


def test_next_is_present_iff_the_page_is_full_and_the_last_page_leads_to_an_empty_one(
    client: httpx.Client,
) -> None:
    total = len(sample_snapshot().users)
    full = client.get(f"/v3.0/users?limit={total}")
    assert "next" in _links(full)
    after = client.get(_links(full)["next"])
    assert after.json()["data"] == []
    assert "next" not in _links(after)
    assert "next" not in _links(client.get(f"/v3.0/users?limit={total + 1}"))


def test_self_echoes_the_request_verbatim(client: httpx.Client) -> None:
    response = client.get("/v3.0/users?role=student&limit=2&count=true")
    assert _links(response)["self"] == "/v3.0/users?role=student&limit=2&count=true"
    assert (
        _links(response)["next"]
        == f"/v3.0/users?limit=2&role=student&count=true&starting_after={STUDENTS[1]}"
    )


def test_prev_is_present_iff_starting_after_was_given(client: httpx.Client) -> None:
    assert "prev" not in _links(client.get("/v3.0/users?limit=2"))
    response = client.get(f"/v3.0/users?limit=2&starting_after={STUDENTS[0]}")
    assert _ids(response) == STUDENTS[1:3]
    assert _links(response)["prev"] == f"/v3.0/users?limit=2&ending_before={STUDENTS[1]}"


def test_the_default_page_is_100_records() -> None:
    snapshot = sample_snapshot()
    many = {
        f"64f2{n:020x}": User(
            id=f"64f2{n:020x}", district=DISTRICT, name=Name(first="N", last=str(n)),
            roles=Roles(student=Student(sis_id=f"X{n}", school=NORTH, schools=[NORTH])),
        )
        for n in range(150)
    }  # fmt: skip
    with Emulator() as emu:
        emu.load_snapshot(msgspec.structs.replace(snapshot, users={**snapshot.users, **many}))
        response = emu.client().get("/v3.0/users")
        assert len(response.json()["data"]) == 100
        assert _links(response)["next"].startswith("/v3.0/users?limit=100&starting_after=")


def test_ending_before_last_returns_the_newest_records(client: httpx.Client) -> None:
    assert _ids(client.get("/v3.0/users?ending_before=last&limit=2")) == sorted(sample_snapshot().users)[-2:]


@pytest.mark.parametrize(("query", "status"), [("limit=10001", 413), ("limit=0", 400), ("limit=x", 400)])
def test_bad_limits_are_json_errors(client: httpx.Client, query: str, status: int) -> None:
    response = client.get(f"/v3.0/users?{query}")
    assert response.status_code == status
    assert "message" in response.json()


def test_an_unknown_route_is_expresss_html_404(client: httpx.Client) -> None:
    for path in (
        "/v3.0/students",
        "/v3.0/users/x/y/z",
        "/v4.0/users",
        "/v2.1/users",
        f"/v3.0/users/{ROBIN}/pets",
    ):
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert f"<pre>Cannot GET {path}</pre>" in response.text
    assert "Cannot POST /v3.0/users" in client.post("/v3.0/users").text


def test_a_missing_record_is_a_json_404(client: httpx.Client) -> None:
    for path in ("/v3.0/users/ffffffffffffffffffffffff", "/v2.1/teachers/ffffffffffffffffffffffff/students"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/json; charset=utf-8"
        assert "message" in response.json()


def test_missing_or_bad_tokens_are_401_json(anonymous: httpx.Client) -> None:
    assert anonymous.get("/v3.0/users").status_code == 401
    response = anonymous.get("/v3.0/users", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert "message" in response.json()


def test_a_district_token_reads_only_its_own_district(anonymous: httpx.Client, other_token: str) -> None:
    headers = {"Authorization": f"Bearer {other_token}"}
    assert anonymous.get(f"/v3.0/users/{ROBIN}", headers=headers).status_code == 404
    assert anonymous.get(f"/v3.0/districts/{DISTRICT}", headers=headers).status_code == 404
    districts = anonymous.get("/v3.0/districts", headers=headers).json()["data"]
    assert [d["data"]["id"] for d in districts] == [other_snapshot().district.id]


def test_v30_hides_v31_fields_and_v31_shows_them(client: httpx.Client) -> None:
    v30 = client.get(f"/v3.0/users/{STUDENTS[0]}").json()["data"]["roles"]["student"]
    v31 = client.get(f"/v3.1/users/{STUDENTS[0]}").json()["data"]["roles"]["student"]
    assert "gifted_status" not in v30
    assert v31["gifted_status"] == "Y"
    assert "lms_status" not in client.get(f"/v3.0/sections/{SECTION_MATH_N}").json()["data"]
    assert client.get(f"/v3.1/sections/{SECTION_MATH_N}").json()["data"]["lms_status"] == {
        "synced_in_lms": True
    }
    assert "lms_type" not in client.get(f"/v3.0/districts/{DISTRICT}").json()["data"]
    assert client.get(f"/v3.1/districts/{DISTRICT}").json()["data"]["lms_type"] == "canvas"


def test_my_relations_route_case_insensitively(client: httpx.Client) -> None:
    lower = client.get(f"/v3.0/users/{STUDENTS[0]}/mycontacts")
    camel = client.get(f"/v3.0/users/{STUDENTS[0]}/myContacts")
    assert _ids(lower) == _ids(camel) == [GRACE]
    assert _ids(client.get(f"/v3.0/users/{STUDENTS[2]}/myTeachers")) == sorted([ROBIN, SAM, DANA])
    assert _ids(client.get(f"/v3.0/users/{GRACE}/myStudents")) == [STUDENTS[0], STUDENTS[5]]
    assert _ids(client.get(f"/v3.0/users/{SAM}/mystudents")) == sorted(
        [STUDENTS[0], STUDENTS[1], STUDENTS[2], STUDENTS[3], STUDENTS[4], STUDENTS[7]]
    )


def test_role_filters_are_validated_per_path(client: httpx.Client) -> None:
    assert _ids(client.get("/v3.0/users?role=district_admin")) == [ROBIN, DANA]
    assert client.get("/v3.0/users?role=admin").status_code == 400
    assert client.get(f"/v3.0/sections/{SECTION_MATH_N}/users?role=staff").status_code == 400
    assert _ids(client.get(f"/v3.0/sections/{SECTION_ART_S}/users?role=teacher")) == [DANA, SAM]


def test_school_users_include_non_primary_members_unless_primary_is_asked(client: httpx.Client) -> None:
    everyone = _ids(client.get(f"/v3.0/schools/{SOUTH}/users"))
    assert SAM in everyone  # teaches at South, primary North
    assert STUDENTS[2] in everyone  # attends a South section, primary North
    assert ROBIN in everyone  # staff at South
    primary = _ids(client.get(f"/v3.0/schools/{SOUTH}/users?primary=true"))
    assert SAM not in primary
    assert STUDENTS[2] not in primary
    assert DANA in primary
    assert _ids(client.get(f"/v3.0/schools/{NORTH}/users?role=staff")) == [PAT]
    assert client.get(f"/v3.0/schools/{NORTH}/users?primary=yes").status_code == 400
    assert _ids(client.get(f"/v3.0/users/{SAM}/schools?primary=true")) == [NORTH]
    assert _ids(client.get(f"/v3.0/users/{SAM}/schools")) == [NORTH, SOUTH]


def test_school_term_and_course_relations(client: httpx.Client) -> None:
    assert _ids(client.get(f"/v3.0/schools/{SOUTH}/terms")) == [FALL]
    assert _ids(client.get(f"/v3.0/terms/{FALL}/schools")) == [NORTH, SOUTH]
    assert _ids(client.get(f"/v3.0/courses/{MATH}/sections")) == sorted(
        [SECTION_MATH_N, "64f0000000000000000000d3"]
    )
    assert client.get(f"/v3.0/users/{ROBIN}/district").json()["links"] == [
        {"rel": "self", "uri": f"/v3.0/districts/{DISTRICT}"}
    ]


def test_v21_people_are_one_record_per_role_under_their_legacy_ids(client: httpx.Client) -> None:
    robin = sample_snapshot().users[ROBIN]
    legacy = robin.legacy_ids()
    teacher = client.get(f"/v2.1/teachers/{legacy['teacher']}").json()["data"]
    admin = client.get(f"/v2.1/school_admins/{legacy['staff']}").json()["data"]
    district_admin = client.get(f"/v2.1/district_admins/{legacy['district_admin']}").json()["data"]
    assert teacher["school"] == NORTH
    assert admin["schools"] == [SOUTH]
    assert admin["name"] == {"first": "Robin", "last": "Plant"}
    assert district_admin["title"] == "Curriculum Lead"
    assert client.get(f"/v2.1/teachers/{ROBIN}").status_code == 404


def test_v21_sections_name_teachers_by_their_v2_ids_and_teacher_is_the_primary(client: httpx.Client) -> None:
    legacy = {uid: u.legacy_ids().get("teacher") for uid, u in sample_snapshot().users.items()}
    section = client.get(f"/v2.1/sections/{SECTION_ART_S}").json()["data"]
    assert section["teacher"] == legacy[SAM]
    assert section["teachers"] == [legacy[SAM], legacy[DANA]]
    primary = client.get(f"/v2.1/sections/{SECTION_ART_S}/teacher").json()
    assert primary["data"]["id"] == legacy[SAM]
    assert primary["links"] == [{"rel": "self", "uri": f"/v2.1/teachers/{legacy[SAM]}"}]
    assert _ids(client.get(f"/v2.1/sections/{SECTION_ART_S}/teachers")) == sorted([legacy[SAM], legacy[DANA]])


def test_v21_school_people_are_those_whose_primary_school_it_is(client: httpx.Client) -> None:
    legacy = {uid: u.legacy_ids().get("teacher") for uid, u in sample_snapshot().users.items()}
    assert STUDENTS[2] not in _ids(client.get(f"/v2.1/schools/{SOUTH}/students"))
    assert _ids(client.get(f"/v2.1/schools/{SOUTH}/teachers")) == [legacy[DANA]]
    assert _ids(client.get(f"/v2.1/schools/{NORTH}/teachers")) == sorted([legacy[ROBIN], legacy[SAM]])


def test_v21_contacts_show_one_relationship_and_all_their_students(client: httpx.Client) -> None:
    legacy = sample_snapshot().users[GRACE].legacy_ids()["contact"]
    contact = client.get(f"/v2.1/contacts/{legacy}").json()["data"]
    assert contact["students"] == [STUDENTS[0], STUDENTS[5]]
    assert contact["relationship"] == "Parent"
    assert contact["name"] == "Grace Hopper"
    assert _ids(client.get(f"/v2.1/contacts/{legacy}/students")) == [STUDENTS[0], STUDENTS[5]]
    lee = sample_snapshot().users[LEE].legacy_ids()["contact"]
    assert _ids(client.get(f"/v2.1/students/{STUDENTS[1]}/contacts")) == [lee]


def test_v21_teacher_students_and_student_teachers(client: httpx.Client) -> None:
    legacy = {uid: u.legacy_ids().get("teacher") for uid, u in sample_snapshot().users.items()}
    assert _ids(client.get(f"/v2.1/teachers/{legacy[DANA]}/students")) == sorted(
        [STUDENTS[2], STUDENTS[5], STUDENTS[6], STUDENTS[7]]
    )
    assert _ids(client.get(f"/v2.1/students/{STUDENTS[7]}/teachers")) == sorted([legacy[SAM], legacy[DANA]])
    assert client.get(f"/v2.1/students/{STUDENTS[0]}/school").json()["data"]["id"] == NORTH


def test_count_is_accepted_and_ignored_on_top_level_lists(client: httpx.Client) -> None:
    plain = client.get("/v3.0/schools").json()["data"]
    assert client.get("/v3.0/schools?count=true").json()["data"] == plain
    assert client.get("/v2.1/districts?count=true").status_code == 200


def test_self_keeps_the_path_as_sent_over_real_http(emulator: Emulator) -> None:
    token = emulator.district_token(DISTRICT)
    with emulator.serve_in_thread() as base_url:
        response = httpx.get(
            f"{base_url}/v3.0/users?limit=1&role=teacher", headers={"Authorization": f"Bearer {token}"}
        )
    assert _links(response)["self"] == "/v3.0/users?limit=1&role=teacher"


def test_ids_a_snapshot_leaves_dangling_are_skipped_not_a_server_error() -> None:
    snapshot = sample_snapshot()
    ghost = "64f1ffffffffffffffffffff"
    section = msgspec.structs.replace(
        snapshot.sections[SECTION_MATH_N], students=[*snapshot.sections[SECTION_MATH_N].students, ghost]
    )
    with Emulator() as emu:
        emu.load_snapshot(
            msgspec.structs.replace(snapshot, sections={**snapshot.sections, SECTION_MATH_N: section})
        )
        response = emu.client().get(f"/v3.0/sections/{SECTION_MATH_N}/users?role=student")
    assert response.status_code == 200
    assert _ids(response) == STUDENTS[:3]


def test_pages_stay_right_when_the_encoded_record_cache_overflows(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("rollcall.emulator.data.render.CACHE_LIMIT", 3)
    expected = sorted(sample_snapshot().users)
    assert _ids(client.get("/v3.1/users?limit=5")) == expected[:5]
    assert _ids(client.get(f"/v3.1/users?limit=5&starting_after={expected[4]}")) == expected[5:10]
    assert _ids(client.get("/v3.1/users?limit=5")) == expected[:5]
