"""What each role sees, enforced by the access engine acting as the role in use; a refusal is a 403 page
in the engine's words; a sync's role change shows on the next page load."""

from __future__ import annotations

import re

import msgspec
import pytest

from rollcall.access import AccessEngine
from rollcall.domain.user import RoleName, Staff
from rollcall.web import views
from tests.web import district
from tests.web.harness import Harness, sync_store


def _rows(page: str) -> list[str]:
    return [line for line in page.splitlines() if line.startswith('<td><a href="/sections/')]


def test_teacher_sees_their_sections_editable_with_their_students(web: Harness) -> None:
    web.sign_in_as(district.ROBIN, "teacher")
    page = web.browser.get("/sections").text
    assert "My sections" in page
    assert len(_rows(page)) == 1
    assert "Math 5" in page
    assert f'href="/sections/{district.MATH}/edit"' in page
    section = web.browser.get(f"/sections/{district.MATH}").text
    for name in ("Ada Student", "Ben Student", "Cy Student"):
        assert name in section
    assert web.browser.get(f"/sections/{district.MATH}/edit").status_code == 200
    students = web.browser.get("/people").text
    assert "My students" in students
    assert "3 people" in students


def test_staff_sees_every_section_and_person_at_their_school_view_only(web: Harness) -> None:
    web.sign_in_as(district.ROBIN, "staff")
    page = web.browser.get("/sections").text
    assert "Science 7" in page
    assert "Art 7" in page
    assert "Math 5" not in page  # Alder is the teacher role's school, not the staff role's
    assert "/edit" not in page
    refused = web.browser.get(f"/sections/{district.SCIENCE}/edit")
    assert refused.status_code == 403
    assert "acting as staff" in refused.text
    assert "staff grants view only" in refused.text
    people = web.browser.get("/people").text
    assert "People at my schools" in people
    assert "Dee Student" in people
    assert "Ada Student" not in people


def test_switching_changes_what_the_same_person_sees(web: Harness) -> None:
    web.sign_in_as(district.ROBIN, "teacher")
    assert "Math 5" in web.browser.get("/sections").text
    assert web.browser.get(f"/sections/{district.SCIENCE}").status_code == 403
    web.act_as("staff")
    assert web.browser.get(f"/sections/{district.SCIENCE}").status_code == 200
    assert web.browser.get(f"/sections/{district.MATH}").status_code == 403


def test_forbidden_page_says_why_in_the_engines_words(web: Harness) -> None:
    web.sign_in_as(district.ROBIN, "teacher")
    refused = web.browser.get("/district")
    assert refused.status_code == 403
    assert "Robin Plant, acting as teacher, may not view district Maple Unified" in refused.text


def test_district_admin_sees_the_whole_district(web: Harness) -> None:
    web.sign_in_as(district.PAT, "district_admin")
    page = web.browser.get("/district")
    assert page.status_code == 200
    assert "Alder Elementary" in page.text
    assert "Birch Middle" in page.text
    sections = web.browser.get("/sections").text
    assert len(_rows(sections)) == 3
    assert web.browser.get("/people").text.count('<td><a href="/people/') == 9


def test_district_admin_who_teaches_sees_only_their_class_as_teacher(web: Harness) -> None:
    web.sign_in_as(district.PAT, "teacher")
    sections = web.browser.get("/sections").text
    assert _rows(sections)
    assert "Science 7" in sections
    assert "Math 5" not in sections
    assert web.browser.get("/district").status_code == 403


def test_school_tech_lead_manages_their_schools_technology_settings(web: Harness) -> None:
    web.sign_in_as(district.SAM, "staff")
    home = web.browser.get("/").text
    assert 'href="/technology"' in home
    listing = web.browser.get("/technology").text
    assert "Alder Elementary" in listing
    settings = web.browser.get(f"/schools/{district.ALDER}/technology")
    assert settings.status_code == 200
    assert "SchoolTechLead" in settings.text
    assert web.browser.get(f"/schools/{district.BIRCH}/technology").status_code == 403


def test_plain_staff_has_no_technology_settings(web: Harness) -> None:
    web.sign_in_as(district.ROBIN, "staff")
    assert 'href="/technology"' not in web.browser.get("/").text
    refused = web.browser.get(f"/schools/{district.BIRCH}/technology")
    assert refused.status_code == 403
    assert "only as SchoolTechLead" in refused.text


def test_contact_sees_their_three_students_and_nothing_else(web: Harness) -> None:
    web.sign_in_as(district.GRACE, "contact")
    page = web.browser.get("/people").text
    assert "My students" in page
    for name in ("Ada Student", "Ben Student", "Cy Student"):
        assert name in page
    assert "Dee Student" not in page
    assert web.browser.get(f"/people/{district.DEE}").status_code == 403
    assert web.browser.get(f"/people/{district.ADA}").status_code == 200
    assert web.browser.get("/sections", follow_redirects=False).status_code == 200
    assert _rows(web.browser.get("/sections").text) == []


def test_student_sees_their_sections_but_not_their_classmates(web: Harness) -> None:
    web.sign_in_as(district.CY, "student")
    sections = web.browser.get("/sections").text
    assert "Math 5" in sections
    assert "Science 7" in sections
    assert "Art 7" not in sections
    section = web.browser.get(f"/sections/{district.MATH}").text
    assert "Ada Student" not in section
    assert "2 students you may not see" in section


def test_role_pages_need_a_chosen_role(web: Harness) -> None:
    web.sign_in(district.ROBIN, "teacher")
    answer = web.browser.get("/sections", follow_redirects=False)
    assert answer.headers["location"] == "/choose-role"


def test_role_change_from_an_incremental_sync_shows_on_the_next_page_load(web: Harness) -> None:
    web.sign_in_as(district.TESS, "teacher")
    assert "Switch to" not in web.browser.get("/").text
    people = {user.id: user for user in district.people()}
    tess = people[district.TESS]
    staff = Staff(staff_id="S3", schools=[district.BIRCH], legacy_id=district.LEGACY + "a2")
    people[tess.id] = msgspec.structs.replace(
        tess, roles=msgspec.structs.replace(tess.roles, teacher=None, staff=staff)
    )
    web.emulator.apply_roster(district.snapshot(list(people.values())))
    sync_store(web.emulator, web.store, mode="incremental")
    home = web.browser.get("/").text
    assert "You're logged in as a Staff member." in home
    assert "Your roles changed since you signed in" in home
    sections = web.browser.get("/sections").text
    assert "Art 7" in sections
    assert "Science 7" in sections
    assert "/edit" not in sections


def test_long_lists_page_by_page_size(web: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    web.sign_in_as(district.PAT, "district_admin")
    first = web.browser.get("/sections").text
    assert "3 sections, showing 1–2" in first
    assert len(_rows(first)) == 2
    assert 'href="/sections?start=2"' in first
    second = web.browser.get("/sections?start=2").text
    assert len(_rows(second)) == 1
    assert 'href="/sections?start=0"' in second
    people = web.browser.get("/people?start=8").text
    assert people.count('<td><a href="/people/') == 1


@pytest.mark.parametrize(
    ("user_id", "role"),
    [
        (district.ROBIN, "teacher"),
        (district.ROBIN, "staff"),
        (district.PAT, "district_admin"),
        (district.PAT, "teacher"),
        (district.SAM, "staff"),
        (district.TESS, "teacher"),
        (district.CY, "student"),
    ],
)
def test_a_section_lists_the_students_the_engine_lets_the_viewer_see(
    web: Harness, monkeypatch: pytest.MonkeyPatch, user_id: str, role: RoleName
) -> None:
    """Each section the viewer may open lists exactly its students the engine's `visible` gives them, and
    counts the others; the page asks about the section's students, never for every user the viewer may see
    (a district admin's is the whole district, read and sorted to show one class)."""
    web.sign_in_as(user_id, role)
    engine = web.app.state.context.engines.find(district.DISTRICT)
    visible = set(engine.visible(user_id, "user", acting_as=role))
    asked: list[str] = []
    listing = AccessEngine.visible

    def recording(self: AccessEngine, user: str, kind: str, acting_as: str | None = None) -> tuple[str, ...]:
        asked.append(kind)
        return listing(self, user, kind, acting_as)

    monkeypatch.setattr(AccessEngine, "visible", recording)
    opened = 0
    for section in district.snapshot().sections.values():
        page = web.browser.get(f"/sections/{section.id}")
        if page.status_code == 403:
            continue
        opened += 1
        listed = set(re.findall(r'<li><a href="/people/([0-9a-f]+)">', page.text))
        assert listed == visible & set(section.students), section.name
        hidden = len(section.students) - len(listed)
        assert (f"{hidden} student" in page.text) == (hidden > 0), section.name
    assert opened
    assert "user" not in asked
