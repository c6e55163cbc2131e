"""The role-aware pages. Every page asks the access engine, acting as the role in use (every role in the
combined view): a teacher sees their sections and students, staff every section and person at their
schools, a School Tech Lead their schools' technology settings, a district admin the whole district, a
contact their students, a student their sections. A refusal is a 403 page in the engine's words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from rollcall.access import AccessEngine
from rollcall.domain.user import RoleName
from rollcall.web.context import find_viewer, render, web_context
from rollcall.web.engines import decide, visible_ids
from rollcall.web.pages import to_chooser_or_home
from rollcall.web.viewer import Viewer

router = APIRouter()
PAGE_SIZE: Final = 100

PEOPLE_TITLES: Final[dict[RoleName, str]] = {
    "teacher": "My students",
    "contact": "My students",
    "student": "Me",
    "staff": "People at my schools",
    "district_admin": "Everyone in the district",
}


@dataclass(frozen=True, slots=True)
class RolePage:
    """A viewer who may see role pages, and their district's engine (None before the first sync)."""

    viewer: Viewer
    engine: AccessEngine | None


def _role_page(request: Request) -> RolePage | Response:
    viewer = find_viewer(request)
    elsewhere = to_chooser_or_home(viewer)
    if elsewhere is not None or viewer is None:
        return elsewhere or Response(status_code=500)
    return RolePage(viewer, web_context(request).engines.find(viewer.person.district))


def _not_synced(request: Request, page: RolePage) -> Response:
    return render(request, "not_synced.html", viewer=page.viewer)


def _forbidden(request: Request, page: RolePage, reason: str) -> Response:
    return render(request, "forbidden.html", viewer=page.viewer, status=403, reason=reason)


@router.get("/sections", include_in_schema=False)
def sections(request: Request) -> Response:
    page = _role_page(request)
    if isinstance(page, Response):
        return page
    if page.engine is None or page.viewer.user is None:
        return _not_synced(request, page)
    engine, viewer = page.engine, page.viewer
    roles = viewer.acting_roles
    ids = visible_ids(engine, viewer.user_id, "section", roles)
    store = web_context(request).store
    rows = []
    for section_id in ids:
        section = store.find_section(section_id)
        if section is None:
            continue
        rows.append(
            {
                "id": section.id,
                "name": section.name,
                "school": engine.index.school_names.get(section.school, section.school),
                "teachers": [engine.index.names.get(t, t) for t in section.teacher_ids()],
                "students": len(section.students),
                "can_edit": decide(engine, viewer.user_id, "edit", f"section:{section.id}", roles).allowed,
            }
        )
    title = "My sections" if set(roles) <= {"teacher", "student"} else "Sections"
    return render(request, "sections.html", viewer=viewer, title=title, rows=rows)


@router.get("/sections/{section_id}", include_in_schema=False)
def section(request: Request, section_id: str) -> Response:
    page = _role_page(request)
    if isinstance(page, Response):
        return page
    if page.engine is None or page.viewer.user is None:
        return _not_synced(request, page)
    engine, viewer = page.engine, page.viewer
    roles = viewer.acting_roles
    decision = decide(engine, viewer.user_id, "view", f"section:{section_id}", roles)
    if not decision.allowed:
        return _forbidden(request, page, decision.reason)
    found = web_context(request).store.find_section(section_id)
    if found is None:
        return _forbidden(request, page, f"section {section_id} is no longer in the district")
    people = set(visible_ids(engine, viewer.user_id, "user", roles))
    students = [(s, engine.index.names.get(s, s)) for s in found.students if s in people]
    edit = decide(engine, viewer.user_id, "edit", f"section:{section_id}", roles)
    return render(
        request,
        "section.html",
        viewer=viewer,
        section=found,
        school=engine.index.school_names.get(found.school, found.school),
        teachers=[engine.index.names.get(t, t) for t in found.teacher_ids()],
        students=sorted(students, key=lambda pair: pair[1]),
        hidden_students=len(found.students) - len(students),
        decision=decision,
        edit=edit,
    )


@router.get("/sections/{section_id}/edit", include_in_schema=False)
def edit_section(request: Request, section_id: str) -> Response:
    """Where a vendor's own section editing lives: reachable only with the engine's `edit` grant."""
    page = _role_page(request)
    if isinstance(page, Response):
        return page
    if page.engine is None or page.viewer.user is None:
        return _not_synced(request, page)
    decision = decide(
        page.engine, page.viewer.user_id, "edit", f"section:{section_id}", page.viewer.acting_roles
    )
    if not decision.allowed:
        return _forbidden(request, page, decision.reason)
    name = page.engine.index.section_names.get(section_id, section_id)
    return render(
        request, "edit_section.html", viewer=page.viewer, name=name, section_id=section_id, decision=decision
    )


@router.get("/people", include_in_schema=False)
def people(request: Request, start: int = 0) -> Response:
    page = _role_page(request)
    if isinstance(page, Response):
        return page
    if page.engine is None or page.viewer.user is None:
        return _not_synced(request, page)
    engine, viewer = page.engine, page.viewer
    ids = visible_ids(engine, viewer.user_id, "user", viewer.acting_roles)
    start = max(0, start)
    shown = [(user_id, engine.index.names.get(user_id, user_id), engine.roles_of(user_id)) for user_id in ids]
    shown.sort(key=lambda row: (row[1], row[0]))
    titles = [PEOPLE_TITLES[role] for role in viewer.acting_roles]
    return render(
        request,
        "people.html",
        viewer=viewer,
        title=titles[0] if len(titles) == 1 else "People",
        rows=shown[start : start + PAGE_SIZE],
        total=len(shown),
        start=start,
        page_size=PAGE_SIZE,
    )


@router.get("/people/{user_id}", include_in_schema=False)
def person(request: Request, user_id: str) -> Response:
    page = _role_page(request)
    if isinstance(page, Response):
        return page
    if page.engine is None or page.viewer.user is None:
        return _not_synced(request, page)
    decision = decide(page.engine, page.viewer.user_id, "view", f"user:{user_id}", page.viewer.acting_roles)
    if not decision.allowed:
        return _forbidden(request, page, decision.reason)
    found = web_context(request).store.find_user(user_id)
    if found is None:
        return _forbidden(request, page, f"user {user_id} is no longer in the district")
    schools = {
        role: [page.engine.index.school_names.get(s, s) for s in found.role_schools(role)]
        for role in found.role_names()
    }
    return render(
        request, "person.html", viewer=page.viewer, person=found, schools=schools, decision=decision
    )


@router.get("/district", include_in_schema=False)
def district(request: Request) -> Response:
    page = _role_page(request)
    if isinstance(page, Response):
        return page
    if page.engine is None or page.viewer.user is None:
        return _not_synced(request, page)
    engine, viewer = page.engine, page.viewer
    decision = decide(
        engine, viewer.user_id, "view", f"district:{viewer.person.district}", viewer.acting_roles
    )
    if not decision.allowed:
        return _forbidden(request, page, decision.reason)
    counts = web_context(request).store.counts(viewer.person.district)
    schools = sorted(engine.index.school_names.items(), key=lambda pair: pair[1])
    return render(
        request,
        "district.html",
        viewer=viewer,
        name=engine.index.district_name,
        counts=counts,
        schools=schools,
        decision=decision,
    )


@router.get("/technology", include_in_schema=False)
def technology(request: Request) -> Response:
    """The schools whose technology settings the viewer manages (a School Tech Lead's, a district admin's)."""
    page = _role_page(request)
    if isinstance(page, Response):
        return page
    if page.engine is None or page.viewer.user is None:
        return _not_synced(request, page)
    engine, viewer = page.engine, page.viewer
    managed: set[str] = set()
    for role in viewer.acting_roles:
        for grant in engine.grants(viewer.user_id, acting_as=role):
            if grant.target_kind == "school" and "manage" in grant.actions:
                managed.update(grant.target_ids)
    if not managed:
        decision = decide(engine, viewer.user_id, "manage", _first_school(viewer), viewer.acting_roles)
        return _forbidden(request, page, decision.reason)
    schools = sorted(((s, engine.index.school_names.get(s, s)) for s in managed), key=lambda pair: pair[1])
    return render(request, "technology.html", viewer=viewer, schools=schools)


def _first_school(viewer: Viewer) -> str:
    user = viewer.user
    schools = sorted(user.school_ids()) if user is not None else []
    return f"school:{schools[0]}" if schools else f"district:{viewer.person.district}"


@router.get("/schools/{school_id}/technology", include_in_schema=False)
def school_technology(request: Request, school_id: str) -> Response:
    page = _role_page(request)
    if isinstance(page, Response):
        return page
    if page.engine is None or page.viewer.user is None:
        return _not_synced(request, page)
    engine, viewer = page.engine, page.viewer
    decision = decide(engine, viewer.user_id, "manage", f"school:{school_id}", viewer.acting_roles)
    if not decision.allowed:
        return _forbidden(request, page, decision.reason)
    index = engine.index
    sections_here = sorted(index.section_names.get(s, s) for s in index.school_sections.get(school_id, ()))
    return render(
        request,
        "school_technology.html",
        viewer=viewer,
        school_id=school_id,
        name=engine.index.school_names.get(school_id, school_id),
        sections=sections_here,
        decision=decision,
    )
