"""The data browser's pages as pure functions of what the emulator serves (v3: one row per person with every
role and its legacy id; v2: one record per role). Every page does bounded work: lists show 100 rows and
searches stop once a page is full or their scan budget is spent. A page that does not exist raises
`PageMissing`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Final, TypeVar
from urllib.parse import urlencode

import msgspec

from rollcall.domain.district import School, Section
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
from rollcall.emulator.html_page import document, scan_note

PAGE_SIZE: Final = 100
View = str  # "v2" or "v3"
T = TypeVar("T")


def _pretty(value: object) -> str:
    return escape(msgspec.json.format(msgspec.json.encode(value), indent=2).decode())


def _full_name(user: User) -> str:
    parts = (user.name.first, user.name.middle, user.name.last)
    return " ".join(part for part in parts if part) or user.id


def _href(path: str, **query: str | int | None) -> str:
    pairs = {key: str(value) for key, value in query.items() if value not in (None, "")}
    return escape(path + ("?" + urlencode(pairs) if pairs else ""))


def _pager(path: str, page: ScanPage[T], **query: str | int | None) -> str:
    links = []
    if page.prev_start is not None:
        links.append(
            f'<a rel="prev" href="{_href(path, **query, start=page.prev_start or None)}">← Previous</a>'
        )
    if page.next_start is not None:
        links.append(f'<a rel="next" href="{_href(path, **query, start=page.next_start)}">Next →</a>')
    return f'<nav class="pager" aria-label="Pages">{"".join(links)}</nav>' if links else ""


def _table(caption: str, headers: tuple[str, ...], rows: list[str]) -> str:
    if not rows:
        return f"<p>No {escape(caption.lower())}.</p>"
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    return (
        f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _nav(district_id: str | None = None, district_name: str | None = None) -> str:
    crumbs = ['<a href="/browser">All districts</a>']
    if district_id is not None:
        crumbs.append(
            f'<a href="{_href(f"/browser/{district_id}")}">{escape(district_name or district_id)}</a>'
        )
        crumbs.append(f'<a href="{_href(f"/browser/{district_id}/people", view="v3")}">People</a>')
        crumbs.append(f'<a href="{_href(f"/browser/{district_id}/schools")}">Schools</a>')
        crumbs.append(f'<a href="{_href(f"/browser/{district_id}/sections")}">Sections</a>')
    return f'<nav aria-label="Breadcrumbs">{"".join(crumbs)}</nav>'


class PageMissing(LookupError):
    """The page names a district, school, section or person the emulator does not serve."""


def missing_page(message: str) -> str:
    """The page shown (with a 404) for a `PageMissing`."""
    return document("Not found", f"<p>{escape(message)}</p>", nav=_nav())


def _snapshot(directory: Directory, district_id: str) -> DistrictSnapshot:
    if district_id not in directory.district_ids():
        raise PageMissing(f"No district {district_id}.")
    return directory.snapshot(district_id)


def _person_link(district_id: str, any_id: str, label: str) -> str:
    return f'<a href="{_href(f"/browser/{district_id}/people/{any_id}")}">{escape(label)}</a>'


def _school_link(district_id: str, snap: DistrictSnapshot, school_id: str) -> str:
    school = snap.schools.get(school_id)
    label = school.name if school else school_id
    return f'<a href="{_href(f"/browser/{district_id}/schools/{school_id}")}">{escape(label)}</a>'


def _roles_cell(user: User) -> str:
    return "<br>".join(
        f"{escape(role)} <small>legacy <code>{escape(user.legacy_id(role) or 'none')}</code></small>"
        for role in user.role_names()
    )


def person_matches(user: User, needle: str, role: RoleName | None, school: str | None) -> bool:
    """Search: `needle` (case-folded) in the name, email, v3 id or any legacy id; role and school filters."""
    if role is not None and getattr(user.roles, role) is None:
        return False
    if school and school not in user.school_ids():
        return False
    if not needle:
        return True
    return needle in search_text(user)


def _v3_rows(district_id: str, snap: DistrictSnapshot, users: list[User]) -> list[str]:
    return [
        f"<tr><td>{_person_link(district_id, user.id, _full_name(user))}</td>"
        f"<td><code>{escape(user.id)}</code></td>"
        f"<td>{escape(user.email or '')}</td><td>{_roles_cell(user)}</td>"
        f"<td>{', '.join(_school_link(district_id, snap, s) for s in sorted(user.school_ids()))}</td></tr>"
        for user in users
    ]


def _v2_records(user: User) -> list[tuple[V2PersonType, V2Person]] | str:
    try:
        return to_v2_records(user)
    except MissingLegacyId as exc:
        return str(exc)


def _v2_rows(district_id: str, users: list[User]) -> list[str]:
    rows = []
    for user in users:
        records = _v2_records(user)
        if isinstance(records, str):
            rows.append(f'<tr><td colspan="5">{escape(records)}</td></tr>')
            continue
        for kind, record in records:
            rows.append(
                f"<tr><td>{escape(kind)}</td><td>{_person_link(district_id, record.id, record.id)}</td>"
                f"<td>{escape(_full_name(user))}</td><td>{escape(getattr(record, 'email', None) or '')}</td>"
                f"<td>{_person_link(district_id, user.id, user.id)}</td></tr>"
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
    view, query, role, school = wanted.view, wanted.query, wanted.role, wanted.school
    path = f"/browser/{district_id}/people"
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
    filters: dict[str, str | int | None] = {"q": query or None, "role": role, "school": school}
    toggle = " | ".join(
        f"<strong>{label}</strong>"
        if v == view
        else f'<a href="{_href(path, view=v, **filters)}">{label}</a>'
        for v, label in (("v3", "v3 (one user, all roles)"), ("v2", "v2 (one record per role)"))
    )
    role_options = '<option value="">any role</option>' + "".join(
        f'<option value="{r}"{" selected" if r == role else ""}>{r}</option>'
        for r in ("student", "teacher", "staff", "district_admin", "contact")
    )
    search = (
        f'<form method="get" action="{escape(path)}" role="search">'
        f'<input type="hidden" name="view" value="{view}">'
        f'<label for="q">Name, email, id or legacy id</label><input id="q" name="q" value="{escape(query)}"> '
        f'<label for="role">Role</label><select id="role" name="role">{role_options}</select> '
        + (f'<input type="hidden" name="school" value="{escape(school)}">' if school else "")
        + '<button type="submit">Search</button></form>'
    )
    if view == "v3":
        table = _table(
            "People (v3 users)", ("Name", "v3 id", "Email", "Roles and legacy ids", "Schools"),
            _v3_rows(district_id, snap, page.items),
        )  # fmt: skip
    else:
        table = _table(
            "People (v2.1 records)", ("v2 collection", "v2 id", "Name", "Email", "v3 user"),
            _v2_rows(district_id, page.items),
        )  # fmt: skip
    scope = f" at {_school_link(district_id, snap, school)}" if school else ""
    body = (
        f"<p>View: {toggle}</p>{search}<p>{len(snap.users)} users in the district{scope}; "
        f"showing up to {PAGE_SIZE} people from position {page.start}.</p>"
        + scan_note(page)
        + f"{table}{_pager(path, page, view=view, **filters)}"
    )
    return document(f"People of {snap.district.name}", body, nav=_nav(district_id, snap.district.name))


def person_page(directory: Directory, district_id: str, any_id: str) -> str:
    """One person by v3 or legacy id: their roles, the v3.1 user and every v2.1 record they are."""
    _snapshot(directory, district_id)
    found = find_person(directory, any_id)
    if found is None or found[0] != district_id:
        raise PageMissing(f"No user or legacy id {any_id} in district {district_id}.")
    _, user, via_role = found
    snap = directory.snapshot(district_id)
    note = (
        f"<p>{escape(any_id)} is the legacy (v2) id of this person's "
        f"<strong>{escape(via_role)}</strong> role; "
        f"their v3 id is <code>{escape(user.id)}</code>.</p>"
        if via_role is not None and any_id != user.id
        else ""
    )
    roles = [
        f"<tr><td>{escape(role)}</td><td><code>{escape(user.legacy_id(role) or 'none')}</code></td>"
        f"<td>{', '.join(_school_link(district_id, snap, s) for s in user.role_schools(role))}</td></tr>"
        for role in user.role_names()
    ]
    records = _v2_records(user)
    if isinstance(records, str):
        v2 = f"<p>{escape(records)}</p>"
    else:
        v2 = "".join(
            f"<h3>v2.1 {escape(kind)} <code>{escape(record.id)}</code></h3><pre>{_pretty(record)}</pre>"
            for kind, record in records
        )
    body = (
        f"{note}{_table('Roles', ('Role', 'Legacy id', 'Schools'), roles)}"
        '<div class="columns"><section aria-label="v3">'
        f"<h2>v3.1 user</h2><pre>{_pretty(user)}</pre></section>"
        f'<section aria-label="v2"><h2>v2.1 records ({0 if isinstance(records, str) else len(records)})</h2>'
        f"{v2}</section></div>"
    )
    return document(_full_name(user), body, nav=_nav(district_id, snap.district.name))


def _school_rows(district_id: str, schools: list[School]) -> list[str]:
    return [
        f'<tr><td><a href="{_href(f"/browser/{district_id}/schools/{s.id}")}">{escape(s.name)}</a></td>'
        f"<td><code>{escape(s.id)}</code></td><td>{escape(s.sis_id)}</td>"
        f"<td>{escape(s.low_grade or '')}–{escape(s.high_grade or '')}</td></tr>"
        for s in schools
    ]


def _section_rows(district_id: str, snap: DistrictSnapshot, sections: list[Section]) -> list[str]:
    return [
        f'<tr><td><a href="{_href(f"/browser/{district_id}/sections/{s.id}")}">{escape(s.name)}</a></td>'
        f"<td><code>{escape(s.id)}</code></td><td>{_school_link(district_id, snap, s.school)}</td>"
        f"<td>{escape(s.subject or '')}</td><td>{len(s.teachers)}</td><td>{len(s.students)}</td></tr>"
        for s in sections
    ]


SCHOOL_HEADERS: Final = ("Name", "Id", "SIS id", "Grades")
SECTION_HEADERS: Final = ("Name", "Id", "School", "Subject", "Teachers", "Students")


def districts_page(directory: Directory) -> str:
    """Every loaded district with its counts."""
    rows = []
    for district_id in directory.district_ids():
        snap = directory.snapshot(district_id)
        rows.append(
            f'<tr><td><a href="{_href(f"/browser/{district_id}")}">{escape(snap.district.name)}</a></td>'
            f"<td><code>{escape(district_id)}</code></td><td>{len(snap.schools)}</td>"
            f"<td>{len(snap.sections)}</td><td>{len(snap.users)}</td></tr>"
        )
    table = _table("Districts", ("Name", "Id", "Schools", "Sections", "Users"), rows)
    return document("Clever emulator data browser", table, nav=_nav())


def district_page(directory: Directory, district_id: str) -> str:
    """One district: its record, links to its people, and the first page of its schools and sections."""
    snap = _snapshot(directory, district_id)
    base = f"/browser/{district_id}"
    schools = scan_page(snap.schools, 0, PAGE_SIZE)
    sections = scan_page(snap.sections, 0, PAGE_SIZE)
    body = (
        f"<pre>{_pretty(snap.district)}</pre>"
        f"<p>{len(snap.users)} users: "
        f'<a href="{_href(base + "/people", view="v3")}">v3 view</a> · '
        f'<a href="{_href(base + "/people", view="v2")}">v2 view</a></p>'
        f"<h2>Schools ({len(snap.schools)})</h2>"
        f"{_table('Schools', SCHOOL_HEADERS, _school_rows(district_id, schools.items))}"
        f"{_pager(base + '/schools', schools)}"
        f"<h2>Sections ({len(snap.sections)})</h2>"
        f"{_table('Sections', SECTION_HEADERS, _section_rows(district_id, snap, sections.items))}"
        f"{_pager(base + '/sections', sections)}"
    )
    return document(snap.district.name, body, nav=_nav(district_id, snap.district.name))


def schools_page(directory: Directory, district_id: str, start: int) -> str:
    """A page of a district's schools."""
    snap = _snapshot(directory, district_id)
    page = scan_page(snap.schools, start, PAGE_SIZE)
    body = _table("Schools", SCHOOL_HEADERS, _school_rows(district_id, page.items)) + _pager(
        f"/browser/{district_id}/schools", page
    )
    return document(f"Schools of {snap.district.name}", body, nav=_nav(district_id, snap.district.name))


def sections_page(directory: Directory, district_id: str, start: int, school: str | None, budget: int) -> str:
    """A page of a district's sections, or of one school's (reading at most `budget` sections)."""
    snap = _snapshot(directory, district_id)
    keep = None if school is None else (lambda section: section.school == school)
    page = scan_page(snap.sections, start, PAGE_SIZE, keep, budget=budget)
    body = _table("Sections", SECTION_HEADERS, _section_rows(district_id, snap, page.items)) + _pager(
        f"/browser/{district_id}/sections", page, school=school
    )
    title = f"Sections of {snap.district.name}"
    return document(title, body, nav=_nav(district_id, snap.district.name))


def school_page(directory: Directory, district_id: str, school_id: str, budget: int) -> str:
    """One school: its record, a link to its people and the first page of its sections."""
    snap = _snapshot(directory, district_id)
    record = snap.schools.get(school_id)
    if record is None:
        raise PageMissing(f"No school {school_id} in district {district_id}.")
    base = f"/browser/{district_id}"
    page = scan_page(snap.sections, 0, PAGE_SIZE, lambda section: section.school == school_id, budget=budget)
    more = (
        f'<p><a href="{_href(base + "/sections", school=school_id, start=page.next_start)}">'
        "More sections →</a></p>"
        if page.next_start is not None
        else ""
    )
    body = (
        f"<pre>{_pretty(record)}</pre>"
        f'<p><a href="{_href(base + "/people", view="v3", school=school_id)}">People at this school</a>'
        f"</p><h2>Sections</h2>"
        f"{_table('Sections', SECTION_HEADERS, _section_rows(district_id, snap, page.items))}{more}"
    )
    return document(record.name, body, nav=_nav(district_id, snap.district.name))


def _section_people_rows(district_id: str, snap: DistrictSnapshot, ids: list[str]) -> list[str]:
    rows = []
    for user_id in ids:
        user = snap.users.get(user_id)
        label = _full_name(user) if user else f"{user_id} (not in the district)"
        rows.append(
            f"<tr><td>{_person_link(district_id, user_id, label)}</td>"
            f"<td><code>{escape(user_id)}</code></td></tr>"
        )
    return rows


def section_page(directory: Directory, district_id: str, section_id: str) -> str:
    """One section: its school, its record, its teachers and students."""
    snap = _snapshot(directory, district_id)
    record = snap.sections.get(section_id)
    if record is None:
        raise PageMissing(f"No section {section_id} in district {district_id}.")
    teachers = _section_people_rows(district_id, snap, record.teachers)
    students = _section_people_rows(district_id, snap, record.students)
    body = (
        f"<p>School: {_school_link(district_id, snap, record.school)}</p><pre>{_pretty(record)}</pre>"
        f"<h2>Teachers</h2>{_table('Teachers', ('Name', 'v3 id'), teachers)}"
        f"<h2>Students</h2>{_table('Students', ('Name', 'id'), students)}"
    )
    return document(record.name, body, nav=_nav(district_id, snap.district.name))
