"""The data browser's pages as pure functions of what the emulator serves (v3: one row per person with every
role and its legacy id; v2: one record per role), rendered from `templates/browser/`. Every page does bounded
work: lists show 100 rows and searches stop once a page is full or their scan budget is spent. A page that
does not exist raises `PageMissing`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.user import RoleName, User
from rollcall.domain.v2 import MissingLegacyId, V2Person, V2PersonType, to_v2_records
from rollcall.emulator.directory import (
    Directory,
    ScanPage,
    find_person,
    scan_page,
    search_text,
)
from rollcall.emulator.html_page import PAGES, person_name, roles_and_legacy_ids

PAGE_SIZE: Final = 100
View = str  # "v2" or "v3"

_DISTRICTS: Final = PAGES.get_template("browser/districts.html")
_DISTRICT: Final = PAGES.get_template("browser/district.html")
_PEOPLE: Final = PAGES.get_template("browser/people.html")
_PERSON: Final = PAGES.get_template("browser/person.html")
_SCHOOLS: Final = PAGES.get_template("browser/schools.html")
_SCHOOL: Final = PAGES.get_template("browser/school.html")
_SECTIONS: Final = PAGES.get_template("browser/sections.html")
_SECTION: Final = PAGES.get_template("browser/section.html")
_MISSING: Final = PAGES.get_template("browser/missing.html")


class PageMissing(LookupError):
    """The page names a district, school, section or person the emulator does not serve."""


def missing_page(message: str) -> str:
    """The page shown (with a 404) for a `PageMissing`."""
    return _MISSING.render(district=None, message=message)


def _snapshot(directory: Directory, district_id: str) -> DistrictSnapshot:
    if district_id not in directory.district_ids():
        raise PageMissing(f"No district {district_id}.")
    return directory.snapshot(district_id)


def person_matches(user: User, needle: str, role: RoleName | None, school: str | None) -> bool:
    """Search: `needle` (case-folded) in the name, email, v3 id or any legacy id; role and school filters."""
    if role is not None and getattr(user.roles, role) is None:
        return False
    if school and school not in user.school_ids():
        return False
    if not needle:
        return True
    return needle in search_text(user)


def _school_name(snap: DistrictSnapshot, school_id: str) -> str:
    school = snap.schools.get(school_id)
    return school.name if school else school_id


# (v3 id, name, email, [(role, legacy id)], [(school id, school name)])
V3Row = tuple[str, str, str, list[tuple[RoleName, str]], list[tuple[str, str]]]


def _v3_rows(snap: DistrictSnapshot, users: list[User]) -> list[V3Row]:
    """What the v3 view shows of each person (worked out here: a template's calls cost more per row)."""
    return [
        (
            user.id,
            person_name(user) or user.id,
            user.email or "",
            roles_and_legacy_ids(user),
            [(school_id, _school_name(snap, school_id)) for school_id in sorted(user.school_ids())],
        )
        for user in users
    ]


def _v2_records(user: User) -> list[tuple[V2PersonType, V2Person]] | str:
    try:
        return to_v2_records(user)
    except MissingLegacyId as exc:
        return str(exc)


V2Row = tuple[V2PersonType, str, str, str, str] | str  # (collection, v2 id, name, email, v3 id), or why not


def _v2_rows(users: list[User]) -> list[V2Row]:
    """One row per v2 record of each person; a person who has no v2 shape is one row saying why."""
    rows: list[V2Row] = []
    for user in users:
        records = _v2_records(user)
        if isinstance(records, str):
            rows.append(records)
            continue
        name = person_name(user) or user.id
        rows.extend(
            (kind, record.id, name, getattr(record, "email", None) or "", user.id) for kind, record in records
        )
    return rows


@dataclass(frozen=True, slots=True)
class PeopleQuery:
    """The people list's parameters, parsed: view (v2/v3), search text, role and school filters, start."""

    view: View = "v3"
    query: str = ""
    role: RoleName | None = None
    school: str | None = None
    start: int = 0


def people_page(directory: Directory, district_id: str, wanted: PeopleQuery, budget: int) -> str:
    """A district's people in the v3 or v2 view, searched and filtered, reading at most `budget` users."""
    snap = _snapshot(directory, district_id)
    query, role, school = wanted.query, wanted.role, wanted.school
    exact = find_person(directory, query) if query else None
    if exact is not None and exact[0] == district_id and person_matches(exact[1], "", role, school):
        # An exact id (v3 or legacy) is a dictionary lookup, not a scan.
        page: ScanPage[User] = ScanPage([exact[1]], 0, None, None)
    else:
        needle = query.casefold()
        unfiltered = not needle and role is None and school is None
        keep: Callable[[User], bool] | None = (
            None if unfiltered else lambda user: person_matches(user, needle, role, school)
        )
        page = scan_page(snap.users, wanted.start, PAGE_SIZE, keep, budget=budget)
    return _PEOPLE.render(
        district=snap.district,
        schools=snap.schools,
        users=len(snap.users),
        view=wanted.view,
        query=query,
        role=role,
        school=school,
        page=page,
        page_size=PAGE_SIZE,
        v3_rows=_v3_rows(snap, page.items) if wanted.view == "v3" else [],
        v2_rows=_v2_rows(page.items) if wanted.view == "v2" else [],
    )


def person_page(directory: Directory, district_id: str, any_id: str) -> str:
    """One person by v3 or legacy id: their roles, the v3.1 user and every v2.1 record they are."""
    _snapshot(directory, district_id)
    found = find_person(directory, any_id)
    if found is None or found[0] != district_id:
        raise PageMissing(f"No user or legacy id {any_id} in district {district_id}.")
    _, user, via_role = found
    snap = directory.snapshot(district_id)
    return _PERSON.render(
        district=snap.district,
        schools=snap.schools,
        user=user,
        roles=roles_and_legacy_ids(user),
        any_id=any_id,
        via_role=via_role,
        records=_v2_records(user),
    )


def districts_page(directory: Directory) -> str:
    """Every loaded district with its counts."""
    snapshots = [directory.snapshot(district_id) for district_id in directory.district_ids()]
    return _DISTRICTS.render(district=None, districts=snapshots)


def district_page(directory: Directory, district_id: str) -> str:
    """One district: its record, links to its people, and the first page of its schools and sections."""
    snap = _snapshot(directory, district_id)
    return _DISTRICT.render(
        district=snap.district,
        schools=snap.schools,
        users=len(snap.users),
        sections=len(snap.sections),
        school_page=scan_page(snap.schools, 0, PAGE_SIZE),
        section_page=scan_page(snap.sections, 0, PAGE_SIZE),
    )


def schools_page(directory: Directory, district_id: str, start: int) -> str:
    """A page of a district's schools."""
    snap = _snapshot(directory, district_id)
    return _SCHOOLS.render(district=snap.district, page=scan_page(snap.schools, start, PAGE_SIZE))


def sections_page(directory: Directory, district_id: str, start: int, school: str | None, budget: int) -> str:
    """A page of a district's sections, or of one school's (reading at most `budget` sections)."""
    snap = _snapshot(directory, district_id)
    keep = None if school is None else (lambda section: section.school == school)
    page = scan_page(snap.sections, start, PAGE_SIZE, keep, budget=budget)
    return _SECTIONS.render(district=snap.district, schools=snap.schools, school=school, page=page)


def school_page(directory: Directory, district_id: str, school_id: str, budget: int) -> str:
    """One school: its record, a link to its people and the first page of its sections."""
    snap = _snapshot(directory, district_id)
    record = snap.schools.get(school_id)
    if record is None:
        raise PageMissing(f"No school {school_id} in district {district_id}.")
    page = scan_page(snap.sections, 0, PAGE_SIZE, lambda section: section.school == school_id, budget=budget)
    return _SCHOOL.render(district=snap.district, schools=snap.schools, school=record, page=page)


def section_page(directory: Directory, district_id: str, section_id: str) -> str:
    """One section: its school, its record, its teachers and students."""
    snap = _snapshot(directory, district_id)
    record = snap.sections.get(section_id)
    if record is None:
        raise PageMissing(f"No section {section_id} in district {district_id}.")
    return _SECTION.render(district=snap.district, schools=snap.schools, users=snap.users, section=record)
