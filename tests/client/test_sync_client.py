from __future__ import annotations

import itertools
import math

import msgspec
import pytest

from rollcall.client.queries import Endpoints
from rollcall.client.sync_client import CleverClient
from rollcall.domain.district import district_to_v30, section_to_v30
from rollcall.domain.user import to_v30
from rollcall.domain.v2 import split_into_v2
from rollcall.emulator.data.roster_changes import Operation
from rollcall.errors import LimitTooLarge, NotFound, RouteNotFound, Unauthorized, UsageError
from tests.client.emulated import Emulated

# Port 9 (discard) on loopback: any request that slipped through would fail with a connection error,
# not a UsageError, so these tests prove the refusal happens before sending.
NOWHERE = "http://127.0.0.1:9"


def test_version_mismatches_are_refused_before_any_request() -> None:
    with CleverClient("token", api_version="v2.1", base_url=NOWHERE) as client:
        with pytest.raises(UsageError, match="/users exists only in API v3"):
            client.iter(client.endpoints.users())
        with pytest.raises(UsageError, match=r"/schools/s1/users exists only"):
            client.iter(client.endpoints.school_users("s1"))
    with CleverClient("token", api_version="3.0", base_url=NOWHERE) as client:
        assert client.api_version == "v3.0"
        with pytest.raises(UsageError, match=r"/students exists only in API v2\.1"):
            client.iter(client.endpoints.students())


def test_page_sizes_outside_clever_bounds_are_refused() -> None:
    with pytest.raises(UsageError, match="at most 10000"):
        CleverClient("token", page_size=10_001)
    with pytest.raises(UsageError, match="at least 1"):
        CleverClient("token", page_size=0)


def test_a_per_call_limit_below_one_is_refused_before_any_request() -> None:
    with CleverClient("token", base_url=NOWHERE) as client, pytest.raises(UsageError, match="at least 1"):
        client.iter_pages(Endpoints("v3.1").users(), limit=0)


def test_the_token_never_appears_in_the_repr() -> None:
    with CleverClient("s3cret", base_url=NOWHERE) as client:
        assert "s3cret" not in repr(client)
        assert "127.0.0.1:9" in repr(client)


def test_a_resume_checkpoint_must_belong_to_the_list_being_walked() -> None:
    with (
        CleverClient("token", base_url=NOWHERE) as client,
        pytest.raises(UsageError, match="does not belong"),
    ):
        client.iter_pages(Endpoints("v3.1").users(), resume_url="/v3.1/sections?limit=5&starting_after=x")


def test_bad_event_filters_are_refused_when_the_iterator_is_made() -> None:
    with CleverClient("token", base_url=NOWHERE) as client, pytest.raises(UsageError, match="no events"):
        client.endpoints.events(record_types=["students"])


# ---- against the in-process emulator ------------------------------------------------------------------


def _ids(records: object) -> list[str]:
    return [record.id for record in records]  # type: ignore[attr-defined]


@pytest.mark.parametrize("version", ["v3.0", "v3.1"])
def test_every_v3_collection_decodes_into_the_served_records(emulated: Emulated, version: str) -> None:
    snap = emulated.snapshot
    with emulated.client(version) as clever:
        users = list(clever.iter(clever.endpoints.users()))
        expected_users = sorted(snap.users)
        assert _ids(users) == expected_users
        shape = (lambda u: u) if version == "v3.1" else to_v30
        assert users == [shape(snap.users[uid]) for uid in expected_users]
        assert _ids(clever.iter(clever.endpoints.schools())) == sorted(snap.schools)
        assert list(clever.iter(clever.endpoints.terms())) == [snap.terms[t] for t in sorted(snap.terms)]
        assert list(clever.iter(clever.endpoints.courses())) == [
            snap.courses[c] for c in sorted(snap.courses)
        ]
        sections = list(clever.iter(clever.endpoints.sections()))
        section_shape = (lambda s: s) if version == "v3.1" else section_to_v30
        assert sections == [section_shape(snap.sections[s]) for s in sorted(snap.sections)]
        assert _ids(clever.iter(clever.endpoints.resources())) == sorted(snap.resources)
        district = clever.get_district()
        assert district == (snap.district if version == "v3.1" else district_to_v30(snap.district))
        assert clever.get_district(district.id) == district
        assert _ids(clever.iter(clever.endpoints.districts())) == [district.id]


def test_role_filters_select_users_by_role(emulated: Emulated) -> None:
    snap = emulated.snapshot
    with emulated.client() as clever:
        for role in ("student", "teacher", "staff", "district_admin", "contact"):
            expected = sorted(uid for uid, u in snap.users.items() if role in u.role_names())
            assert _ids(clever.iter(clever.endpoints.users(role=role))) == expected, role


def test_every_v3_relation_decodes(emulated: Emulated) -> None:
    snap = emulated.snapshot
    section = snap.sections[sorted(snap.sections)[-1]]
    teacher_id = section.teacher
    assert teacher_id is not None
    student_id = section.students[0]
    contact_id = next(uid for uid, u in snap.users.items() if u.roles.contact is not None)
    school_id, term_id, course_id = section.school, section.term_id, section.course
    assert term_id is not None
    assert course_id is not None
    resource_id = sorted(snap.resources)[0]
    with emulated.client() as clever:
        assert clever.get(clever.endpoints.user(teacher_id)) == snap.users[teacher_id]
        assert clever.get(clever.endpoints.user_district(teacher_id)).id == emulated.district_id
        teacher_sections = _ids(clever.iter(clever.endpoints.user_sections(teacher_id)))
        assert section.id in teacher_sections
        assert teacher_sections == sorted(s.id for s in snap.sections.values() if teacher_id in s.teachers)
        assert set(_ids(clever.iter(clever.endpoints.user_schools(teacher_id)))) >= {school_id}
        assert _ids(clever.iter(clever.endpoints.user_schools(student_id, primary=True))) == [
            snap.users[student_id].roles.student.school  # type: ignore[union-attr]
        ]
        assert list(clever.iter(clever.endpoints.user_resources(teacher_id))) == []
        assert student_id in _ids(clever.iter(clever.endpoints.my_students(teacher_id)))
        assert teacher_id in _ids(clever.iter(clever.endpoints.my_teachers(student_id)))
        contact = snap.users[contact_id].roles.contact
        assert contact is not None
        first_child = contact.student_relationships[0].student
        assert contact_id in _ids(clever.iter(clever.endpoints.my_contacts(first_child)))
        assert _ids(clever.iter(clever.endpoints.my_students(contact_id))) == sorted(
            r.student for r in contact.student_relationships
        )

        assert clever.get(clever.endpoints.school(school_id)) == snap.schools[school_id]
        assert clever.get(clever.endpoints.school_district(school_id)).id == emulated.district_id
        assert student_id in _ids(clever.iter(clever.endpoints.school_users(school_id, role="student")))
        assert set(_ids(clever.iter(clever.endpoints.school_users(school_id, primary=True)))) <= set(
            _ids(clever.iter(clever.endpoints.school_users(school_id)))
        )
        assert section.id in _ids(clever.iter(clever.endpoints.school_sections(school_id)))
        assert term_id in _ids(clever.iter(clever.endpoints.school_terms(school_id)))
        assert course_id in _ids(clever.iter(clever.endpoints.school_courses(school_id)))

        assert clever.get(clever.endpoints.section(section.id)) == section
        assert set(_ids(clever.iter(clever.endpoints.section_users(section.id)))) == set(
            section.teachers
        ) | set(section.students)
        assert _ids(clever.iter(clever.endpoints.section_users(section.id, role="teacher"))) == sorted(
            section.teachers
        )
        assert clever.get(clever.endpoints.section_course(section.id)) == snap.courses[course_id]
        assert clever.get(clever.endpoints.section_district(section.id)).id == emulated.district_id
        assert clever.get(clever.endpoints.section_school(section.id)) == snap.schools[school_id]
        assert clever.get(clever.endpoints.section_term(section.id)) == snap.terms[term_id]
        assert list(clever.iter(clever.endpoints.section_resources(section.id))) == []

        assert clever.get(clever.endpoints.term(term_id)) == snap.terms[term_id]
        assert clever.get(clever.endpoints.term_district(term_id)).id == emulated.district_id
        assert school_id in _ids(clever.iter(clever.endpoints.term_schools(term_id)))
        assert section.id in _ids(clever.iter(clever.endpoints.term_sections(term_id)))
        assert clever.get(clever.endpoints.course(course_id)) == snap.courses[course_id]
        assert clever.get(clever.endpoints.course_district(course_id)).id == emulated.district_id
        assert school_id in _ids(clever.iter(clever.endpoints.course_schools(course_id)))
        assert section.id in _ids(clever.iter(clever.endpoints.course_sections(course_id)))
        assert list(clever.iter(clever.endpoints.course_resources(course_id))) == []

        assert clever.get(clever.endpoints.resource(resource_id)) == snap.resources[resource_id]
        assert list(clever.iter(clever.endpoints.resource_courses(resource_id))) == []
        assert list(clever.iter(clever.endpoints.resource_sections(resource_id))) == []
        assert list(clever.iter(clever.endpoints.resource_users(resource_id, role="teacher"))) == []


@pytest.mark.parametrize("limit", [1, 7, 50, 10_000])
def test_walking_every_page_yields_each_user_exactly_once(emulated: Emulated, limit: int) -> None:
    transport = emulated.counting()
    total = len(emulated.snapshot.users)
    with emulated.client(transport=transport) as clever:
        pages = list(clever.iter_pages(Endpoints("v3.1").users(), limit=limit))
    ids = [record.id for page in pages for record in page.records]
    assert ids == sorted(emulated.snapshot.users)
    # A full last page still carries `next`; following it gives the empty page that ends the walk.
    assert len(pages) == math.ceil(total / limit) + (1 if total % limit == 0 else 0)
    assert len(transport.seen) == len(pages)
    assert transport.paths[0] == f"/v3.1/users?limit={limit}"
    for page, following in itertools.pairwise(pages):
        assert page.info.next_url == following.info.url
        assert page.info.last_id is not None
        assert page.info.next_url is not None
        assert f"starting_after={page.info.last_id}" in page.info.next_url
    assert pages[-1].info.next_url is None


def test_a_walk_resumes_from_a_page_checkpoint(emulated: Emulated) -> None:
    with emulated.client() as clever:
        walk = clever.iter_pages(Endpoints("v3.1").users(), limit=10)
        first = next(walk)
        walk.close()
        assert first.info.next_url is not None
        rest = [
            r.id
            for page in clever.iter_pages(Endpoints("v3.1").users(), resume_url=first.info.next_url)
            for r in page.records
        ]
    assert [r.id for r in first.records] + rest == sorted(emulated.snapshot.users)


def test_v21_people_are_the_legacy_ids_of_the_v3_roles(emulated: Emulated) -> None:
    expected = split_into_v2(emulated.snapshot.users.values())
    with emulated.client("v2.1") as clever:
        assert _ids(clever.iter(clever.endpoints.students())) == sorted(expected["students"])
        assert _ids(clever.iter(clever.endpoints.teachers())) == sorted(expected["teachers"])
        assert _ids(clever.iter(clever.endpoints.school_admins())) == sorted(expected["school_admins"])
        assert _ids(clever.iter(clever.endpoints.district_admins())) == sorted(expected["district_admins"])
        assert _ids(clever.iter(clever.endpoints.contacts())) == sorted(expected["contacts"])
    with emulated.client("v3.1") as clever:
        for user in clever.iter(clever.endpoints.users()):
            for role, legacy_id in user.legacy_ids().items():
                kind = {
                    "student": "students",
                    "teacher": "teachers",
                    "staff": "school_admins",
                    "district_admin": "district_admins",
                    "contact": "contacts",
                }[role]
                assert legacy_id in expected[kind]


def test_every_v21_relation_decodes(emulated: Emulated) -> None:
    snap = emulated.snapshot
    section = snap.sections[sorted(snap.sections)[0]]
    teacher = snap.users[section.teacher or ""]
    teacher_v2 = teacher.roles.teacher.legacy_id  # type: ignore[union-attr]
    student_id = section.students[0]
    staff_user = next(u for u in snap.users.values() if u.roles.staff is not None)
    staff_v2 = staff_user.roles.staff.legacy_id  # type: ignore[union-attr]
    admin_v2 = next(u.roles.district_admin.legacy_id for u in snap.users.values() if u.roles.district_admin)
    contact_user = next(u for u in snap.users.values() if u.roles.contact is not None)
    contact_v2 = contact_user.roles.contact.legacy_id  # type: ignore[union-attr]
    assert teacher_v2
    assert staff_v2
    assert admin_v2
    assert contact_v2
    with emulated.client("v2.1") as clever:
        assert clever.get(clever.endpoints.student(student_id)).id == student_id
        assert clever.get(clever.endpoints.student_district(student_id)).id == emulated.district_id
        assert (
            clever.get(clever.endpoints.student_school(student_id)).id
            == snap.users[student_id].roles.student.school
        )  # type: ignore[union-attr]
        assert _ids(clever.iter(clever.endpoints.student_schools(student_id)))
        assert section.id in _ids(clever.iter(clever.endpoints.student_sections(student_id)))
        assert teacher_v2 in _ids(clever.iter(clever.endpoints.student_teachers(student_id)))
        list(clever.iter(clever.endpoints.student_contacts(student_id)))
        assert clever.get(clever.endpoints.teacher(teacher_v2)).id == teacher_v2
        assert clever.get(clever.endpoints.teacher_district(teacher_v2)).id == emulated.district_id
        assert clever.get(clever.endpoints.teacher_school(teacher_v2)).id == teacher.roles.teacher.school  # type: ignore[union-attr]
        assert _ids(clever.iter(clever.endpoints.teacher_schools(teacher_v2)))
        assert section.id in _ids(clever.iter(clever.endpoints.teacher_sections(teacher_v2)))
        assert student_id in _ids(clever.iter(clever.endpoints.teacher_students(teacher_v2)))
        assert clever.get(clever.endpoints.school_admin(staff_v2)).id == staff_v2
        assert clever.get(clever.endpoints.school_admin_district(staff_v2)).id == emulated.district_id
        assert _ids(clever.iter(clever.endpoints.school_admin_schools(staff_v2))) == sorted(
            staff_user.roles.staff.schools
        )  # type: ignore[union-attr]
        assert clever.get(clever.endpoints.district_admin(admin_v2)).id == admin_v2
        assert clever.get(clever.endpoints.district_admin_district(admin_v2)).id == emulated.district_id
        assert clever.get(clever.endpoints.contact(contact_v2)).id == contact_v2
        assert clever.get(clever.endpoints.contact_district(contact_v2)).id == emulated.district_id
        assert _ids(clever.iter(clever.endpoints.contact_students(contact_v2))) == sorted(
            r.student
            for r in contact_user.roles.contact.student_relationships  # type: ignore[union-attr]
        )
        assert _ids(clever.iter(clever.endpoints.school_students(section.school)))
        assert teacher_v2 in _ids(clever.iter(clever.endpoints.school_teachers(teacher.roles.teacher.school)))  # type: ignore[union-attr]
        assert student_id in _ids(clever.iter(clever.endpoints.section_students(section.id)))
        assert clever.get(clever.endpoints.section_teacher(section.id)).id == teacher_v2
        assert teacher_v2 in _ids(clever.iter(clever.endpoints.section_teachers(section.id)))
        assert clever.get(clever.endpoints.section(section.id)).id == section.id
        assert _ids(clever.iter(clever.endpoints.schools())) == sorted(snap.schools)
        assert _ids(clever.iter(clever.endpoints.sections())) == sorted(snap.sections)
        assert clever.get_district().id == emulated.district_id


def test_a_wrong_token_is_unauthorized_at_once_without_retrying(emulated: Emulated) -> None:
    transport = emulated.counting()
    with emulated.client(token="0" * 40, transport=transport) as clever, pytest.raises(Unauthorized) as info:
        list(clever.iter(clever.endpoints.users()))
    assert len(transport.seen) == 1
    assert info.value.status == 401
    assert "0" * 40 not in str(info.value)


def test_an_unknown_record_is_not_found(emulated: Emulated) -> None:
    transport = emulated.counting()
    with emulated.client(transport=transport) as clever, pytest.raises(NotFound) as info:
        clever.get(clever.endpoints.user("5f0000000000000000000bad"))
    assert info.value.status == 404
    assert "/v3.1/users/5f0000000000000000000bad" in str(info.value)
    assert len(transport.seen) == 1


def test_an_sso_token_on_a_bulk_path_is_route_not_found(emulated: Emulated) -> None:
    teacher_id = next(uid for uid, u in emulated.snapshot.users.items() if u.roles.teacher is not None)
    sso = emulated.emu.mint_sso_token(teacher_id)
    with emulated.client(token=sso) as clever:
        assert clever.get(clever.endpoints.user(teacher_id)).id == teacher_id
        with pytest.raises(RouteNotFound, match="SSO tokens reach only") as info:
            list(clever.iter(clever.endpoints.courses()))
    assert sso not in str(info.value)


def test_a_page_above_ten_thousand_is_limit_too_large(emulated: Emulated) -> None:
    with emulated.client() as clever, pytest.raises(LimitTooLarge) as info:
        next(clever.iter_pages(Endpoints("v3.1").users(), limit=10_001))
    assert info.value.status == 413


def test_events_follow_a_roster_change_from_the_latest_event_id(emulated: Emulated) -> None:
    snap = emulated.snapshot
    with emulated.client() as clever:
        assert clever.latest_event_id() is None  # a freshly loaded district has no events yet
        assert list(clever.iter(clever.endpoints.events())) == []
        first_change = snap.users[sorted(snap.users)[0]]
        emulated.emu.apply_roster(
            [
                Operation(
                    op="upsert", type="users", record={**_plain(first_change), "email": "new@example.org"}
                )
            ],
            district_id=emulated.district_id,
        )
        before = clever.latest_event_id()
        assert before is not None
        victim = next(
            uid for uid, u in snap.users.items() if u.roles.staff is not None and u.roles.teacher is None
        )
        school = snap.schools[sorted(snap.schools)[0]]
        emulated.emu.apply_roster(
            [
                Operation(op="delete", type="users", id=victim),
                Operation(op="upsert", type="schools", record={**_plain(school), "name": "Renamed School"}),
            ],
            district_id=emulated.district_id,
        )
        latest = clever.latest_event_id()
        assert latest is not None
        assert latest > before
        assert next(e.type for e in clever.iter(clever.endpoints.events())) == "users.updated"
        events = list(clever.iter(clever.endpoints.events(), starting_after=before))
        assert {e.type for e in events} == {"users.deleted", "schools.updated"}
        assert events[-1].id == latest
        assert [e.id for e in events] == sorted(e.id for e in events)
        updated = next(e for e in events if e.type == "schools.updated")
        assert updated.data.object["name"] == "Renamed School"
        assert updated.data.previous_attributes == {"name": school.name}
        assert clever.get(clever.endpoints.event(latest)) == events[-1]
        assert [e.type for e in clever.iter(clever.endpoints.events(["schools"]), starting_after=before)] == [
            "schools.updated"
        ]
        assert list(clever.iter(clever.endpoints.events(), starting_after=latest)) == []


def _plain(record: object) -> dict[str, object]:
    plain = msgspec.to_builtins(record)
    assert isinstance(plain, dict)
    return plain


def test_a_walk_over_real_loopback_http_yields_each_user_once(emulated: Emulated) -> None:
    with emulated.emu.serve_in_thread() as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        with CleverClient(emulated.token, base_url=base_url, page_size=7) as clever:
            ids = [user.id for user in clever.iter(clever.endpoints.users())]
            district = clever.get_district()
    assert ids == sorted(emulated.snapshot.users)
    assert district == emulated.snapshot.district
