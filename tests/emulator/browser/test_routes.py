"""The data browser: v2/v3 toggle, search by any id, person pages, escaping, paging and bounded work."""

from __future__ import annotations

import re
from collections.abc import Iterator

import msgspec
from starlette.testclient import TestClient

from rollcall.domain.record import Name
from rollcall.domain.user import DistrictAdmin, Roles, Staff, Student, Teacher, User
from rollcall.emulator.data.state import EmulatorState
from rollcall.emulator.directory import scan_page
from tests.emulator import identity_fixtures as served
from tests.factories import sign_in as fx

THREE_ROLES = "6a00000000000000000000ff"


def client_for(found: EmulatorState | None = None) -> TestClient:
    return TestClient(served.app(found or served.state())[0])


def students(count: int, start: int = 0) -> list[User]:
    return [
        User(
            id=f"5b{index:022x}",
            district=fx.DISTRICT,
            name=Name(first="Student", last=f"{index:05d}"),
            roles=Roles(student=Student(sis_id=str(index), school=fx.SCHOOL_A, schools=[fx.SCHOOL_A])),
        )
        for index in range(start, start + count)
    ]


def three_role_person() -> User:
    return User(
        id=THREE_ROLES, district=fx.DISTRICT, name=Name(first="Sam", last="Triple"), email="sam@example.org",
        roles=Roles(
            teacher=Teacher(
                sis_id="T3", school=fx.SCHOOL_A, schools=[fx.SCHOOL_A], legacy_id="5a00000000000000000000a3"
            ),
            staff=Staff(staff_id="S3", schools=[fx.SCHOOL_B], legacy_id="5a00000000000000000000b3"),
            district_admin=DistrictAdmin(legacy_id="5a00000000000000000000d3"),
        ),
    )  # fmt: skip


def rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [row for row in body.split("<tr>") if row]


def test_district_list_and_district_page() -> None:
    client = client_for()
    listing = client.get("/browser")
    assert listing.status_code == 200
    assert "Maple Unified" in listing.text
    assert "Oak County" in listing.text
    page = client.get(f"/browser/{fx.DISTRICT}").text
    assert "Alder Elementary" in page
    assert "Math 5" in page
    assert client.get("/browser/5f0000000000000000000999").status_code == 404


def test_v3_view_is_one_row_per_person_with_every_role_and_its_legacy_id() -> None:
    html = client_for().get(f"/browser/{fx.DISTRICT}/people", params={"view": "v3"}).text
    table = rows(html)
    assert len(table) == 5
    robin = next(row for row in table if "Robin" in row)
    assert fx.ROBIN_TEACHER_LEGACY in robin
    assert fx.ROBIN_STAFF_LEGACY in robin
    assert "teacher" in robin
    assert "staff" in robin


def test_v2_view_shows_a_multi_role_person_as_one_record_per_role() -> None:
    found = served.state([*fx.people(), three_role_person()])
    html = client_for(found).get(f"/browser/{fx.DISTRICT}/people", params={"view": "v2"}).text
    table = rows(html)
    robin = [row for row in table if "Robin" in row]
    assert [re.search(r"<td>(\w+)</td>", row).group(1) for row in robin] == ["teachers", "school_admins"]  # type: ignore[union-attr]
    assert fx.ROBIN_TEACHER_LEGACY in robin[0]
    assert fx.ROBIN_STAFF_LEGACY in robin[1]
    sam = [row for row in table if "Sam Triple" in row]
    assert len(sam) == 3
    pat = [row for row in table if "Pat Lead" in row]
    assert len(pat) == 2
    assert len(table) == 2 + 2 + 1 + 1 + 1 + 3  # Robin, Pat, Ada, Ben, Grace, Sam
    assert "<strong>v2 (one record per role)</strong>" in html


def test_search_by_name_email_v3_id_and_legacy_id() -> None:
    client = client_for()
    path = f"/browser/{fx.DISTRICT}/people"
    for query in ("lovelace", "ADA@example", fx.ADA, fx.ADA[1:]):
        found = rows(client.get(path, params={"q": query}).text)
        assert len(found) == 1, query
        assert "Ada" in found[0]
    by_legacy = rows(client.get(path, params={"q": fx.ROBIN_STAFF_LEGACY}).text)
    assert len(by_legacy) == 1
    assert "Robin" in by_legacy[0]
    teachers = rows(client.get(path, params={"role": "teacher", "view": "v2"}).text)
    assert {("Robin" in r, "Pat" in r) for r in teachers} >= {(True, False), (False, True)}
    at_b = rows(client.get(path, params={"school": fx.SCHOOL_B}).text)
    assert sorted("Robin" in r for r in at_b) == [False, True]  # Robin (staff at B) and Pat (teaches at B)
    assert "No people" in client.get(path, params={"q": "nobody-has-this"}).text


def test_person_page_by_v3_id_or_legacy_id_shows_both_shapes() -> None:
    client = client_for()
    by_v3 = client.get(f"/browser/{fx.DISTRICT}/people/{fx.ROBIN}").text
    assert "v3.1 user" in by_v3
    assert "v2.1 teachers" in by_v3
    assert "v2.1 school_admins" in by_v3
    by_legacy = client.get(f"/browser/{fx.DISTRICT}/people/{fx.ROBIN_STAFF_LEGACY}").text
    assert "legacy (v2) id of this person's <strong>staff</strong> role" in by_legacy
    assert fx.ROBIN in by_legacy
    student = client.get(f"/browser/{fx.DISTRICT}/people/{fx.ADA}").text
    assert "v2.1 students" in student
    assert client.get(f"/browser/{fx.DISTRICT}/people/{fx.LEE}").status_code == 404  # other district
    assert client.get(f"/browser/{fx.DISTRICT}/people/nope").status_code == 404


def test_school_and_section_pages() -> None:
    client = client_for()
    school = client.get(f"/browser/{fx.DISTRICT}/schools/{fx.SCHOOL_A}").text
    assert "Math 5" in school
    assert "People at this school" in school
    section = client.get(f"/browser/{fx.DISTRICT}/sections/{fx.SECTION}").text
    assert "Robin M Plant" in section
    assert "Ada Lovelace" in section
    assert "Ben Franklin" in section
    assert client.get(f"/browser/{fx.DISTRICT}/sections/nope").status_code == 404
    assert client.get(f"/browser/{fx.DISTRICT}/schools/nope").status_code == 404
    listing = client.get(f"/browser/{fx.DISTRICT}/sections", params={"school": fx.SCHOOL_B}).text
    assert "No sections" in listing


def test_injected_markup_is_escaped_everywhere() -> None:
    evil = User(
        id="6a00000000000000000000ee", district=fx.DISTRICT,
        name=Name(first="<script>alert(1)</script>", last='"><img src=x onerror=alert(2)>'),
        email="<b>@example.org",
        roles=Roles(teacher=Teacher(sis_id="<i>", school=fx.SCHOOL_A, legacy_id="5a00000000000000000000ee")),
    )  # fmt: skip
    client = client_for(served.state([*fx.people(), evil]))
    pages = [
        client.get(f"/browser/{fx.DISTRICT}/people", params={"view": "v3"}).text,
        client.get(f"/browser/{fx.DISTRICT}/people", params={"view": "v2"}).text,
        client.get(f"/browser/{fx.DISTRICT}/people/{evil.id}").text,
        client.get(f"/browser/{fx.DISTRICT}/people", params={"q": "<script>"}).text,
    ]
    for html in pages:
        assert "<script>" not in html
        assert "<img" not in html
        assert "<b>@" not in html
        assert "&lt;script&gt;" in html


def test_people_pages_of_100_with_next_and_prev_links() -> None:
    client = client_for(served.state(students(250)))
    path = f"/browser/{fx.DISTRICT}/people"
    first = client.get(path).text
    assert len(rows(first)) == 100
    assert 'rel="next" href="/browser/' in first
    assert "start=100" in first
    assert 'rel="prev"' not in first
    last = client.get(path, params={"start": 200}).text
    assert len(rows(last)) == 50
    assert 'rel="next"' not in last
    assert "start=100" in last  # previous page
    filtered = client.get(path, params={"q": "student 001", "start": 0}).text  # 00100..00199
    assert len(rows(filtered)) == 100
    assert "start=200" in filtered  # a full filtered page offers a next page without scanning ahead
    assert "No people" in client.get(path, params={"q": "student 001", "start": 200}).text
    partial = client.get(path, params={"q": "student 002"}).text  # 00200..00249
    assert len(rows(partial)) == 50
    assert 'rel="next"' not in partial


def test_scan_page_with_a_filter_finds_next_and_previous_pages() -> None:
    records = {str(i): i for i in range(100)}
    evens = scan_page(records, 0, 10, lambda n: n % 2 == 0)
    assert evens.items == list(range(0, 20, 2))
    assert evens.next_start == 19
    assert evens.prev_start is None
    second = scan_page(records, 19, 10, lambda n: n % 2 == 0)
    assert second.items == list(range(20, 40, 2))
    assert second.prev_start == 0
    third = scan_page(records, 39, 10, lambda n: n % 2 == 0)
    assert third.items[0] == 40
    assert third.prev_start == 20
    tail = scan_page(records, 95, 10, lambda n: n % 2 == 0)
    assert tail.items == [96, 98]
    assert tail.next_start is None
    assert scan_page(records, 95, 10).items == [95, 96, 97, 98, 99]


def test_a_filtered_scan_stops_at_its_budget_and_offers_to_continue() -> None:
    records = {str(i): i for i in range(1_000)}
    rare = scan_page(records, 0, 10, lambda n: n % 300 == 299, budget=400)
    assert rare.items == [299]
    assert rare.cut_short
    assert rare.scanned_to == 400
    assert rare.next_start == 400
    onward = scan_page(records, rare.next_start, 10, lambda n: n % 300 == 299, budget=400)
    assert onward.items == [599]
    assert onward.prev_start == 0
    last = scan_page(records, 800, 10, lambda n: n % 300 == 299, budget=400)
    assert last.items == [899]
    assert not last.cut_short
    assert last.next_start is None
    assert last.prev_start == 400  # the backward walk spent its budget too


class CountingUsers(dict[str, User]):
    """A users dict that counts how many values a page reads."""

    reads = 0

    def values(self) -> Iterator[User]:  # type: ignore[override]
        for value in super().values():
            CountingUsers.reads += 1
            yield value


def test_work_per_page_is_bounded_in_a_large_district() -> None:
    many = CountingUsers({user.id: user for user in students(20_000)})
    main = msgspec.structs.replace(fx.snapshot(), sections={}, users=many)
    client = client_for(served.state(main=main))  # loading reads every user once, to index them
    path = f"/browser/{fx.DISTRICT}/people"
    CountingUsers.reads = 0
    assert len(rows(client.get(path).text)) == 100
    assert CountingUsers.reads <= 101
    CountingUsers.reads = 0
    assert len(rows(client.get(path, params={"q": "student 000"}).text)) == 100
    assert CountingUsers.reads <= 101  # matches are at the front: the scan stops at a full page
    budgeted = TestClient(served.app(served.state(main=main), scan_budget=5_000)[0])
    CountingUsers.reads = 0
    rare = budgeted.get(path, params={"q": "student 1999"}).text  # 19990..19999, far past the budget
    assert CountingUsers.reads <= 5_000
    assert "stopped to keep the page quick" in rare
    assert "start=5000" in rare


def assert_shown_as_text(html: str) -> None:
    """`served.HOSTILE_NAME` appears only escaped: no tag, no bare quote or ampersand from it."""
    assert "<script>" not in html
    assert '"Quoted"' not in html
    assert "& Sons" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&amp; Sons" in html


def test_markup_in_person_school_section_and_district_names_is_escaped_on_every_page() -> None:
    client = client_for(served.hostile_state())
    base = f"/browser/{fx.DISTRICT}"
    for path, params in (
        ("/browser", {}),
        (base, {}),
        (f"{base}/people", {"view": "v3"}),
        (f"{base}/people", {"view": "v2"}),
        (f"{base}/people", {"school": fx.SCHOOL_A}),
        (f"{base}/people/{served.HOSTILE_PERSON}", {}),
        (f"{base}/schools", {}),
        (f"{base}/schools/{fx.SCHOOL_A}", {}),
        (f"{base}/sections", {}),
        (f"{base}/sections/{fx.SECTION}", {}),
    ):
        page = client.get(path, params=params)
        assert page.status_code == 200, path
        assert_shown_as_text(page.text)
    searched = client.get(f"{base}/people", params={"q": '"><script>x'}).text
    assert '"><script>' not in searched  # the search box echoes the query inside value="…"
    assert_shown_as_text(searched)
