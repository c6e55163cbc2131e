"""The JSON API (OpenAPI docs at /api/docs): who am I, the sections of the current view, and the access
engine's decision for the signed-in user in the current view. State-changing requests need the session's
CSRF token in an `X-CSRF-Token` header."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from fastapi import APIRouter, Header, HTTPException
from pydantic import BaseModel
from starlette.requests import Request

from rollcall.errors import AccessUsageError, RollcallError
from rollcall.web.context import csrf_matches, find_viewer, web_context
from rollcall.web.engines import decide, visible_ids
from rollcall.web.session import csrf_token, is_operator
from rollcall.web.viewer import Viewer

router = APIRouter(prefix="/api", tags=["api"])


class MeOut(BaseModel):
    user_id: str
    name: str
    district: str
    roles: list[str]
    acting_as: str | None
    csrf_token: str


class SectionOut(BaseModel):
    id: str
    name: str
    school: str
    can_edit: bool


class CheckIn(BaseModel):
    action: Literal["view", "edit", "manage"]
    target: str


class DecisionOut(BaseModel):
    allowed: bool
    user: str
    action: str
    target: str
    acting_as: str | None
    role: str | None
    rule: str | None
    reason: str


def _signed_in(request: Request) -> Viewer:
    viewer = find_viewer(request)
    if viewer is None:
        raise HTTPException(status_code=401, detail="sign in with Clever first")
    return viewer


def _acting(request: Request) -> Viewer:
    viewer = _signed_in(request)
    if viewer.needs_choice:
        raise HTTPException(status_code=409, detail="choose a role first (POST /role)")
    return viewer


@router.get("/me")
def me(request: Request) -> MeOut:
    """The signed-in person, every role they hold, the role in use (null: not chosen yet, or the combined
    view) and the CSRF token state-changing requests must send."""
    viewer = _signed_in(request)
    return MeOut(
        user_id=viewer.user_id,
        name=viewer.person.name,
        district=viewer.person.district,
        roles=list(viewer.roles),
        acting_as=viewer.acting_as,
        csrf_token=csrf_token(request.session),
    )


@router.get("/sections")
def sections(request: Request) -> list[SectionOut]:
    """The sections visible in the current view, with whether the current view may edit each."""
    viewer = _acting(request)
    engine = web_context(request).engines.find(viewer.person.district)
    if engine is None:
        return []
    roles = viewer.acting_roles
    index = engine.index
    return [
        SectionOut(
            id=section_id,
            name=index.section_name(section_id),
            school=section.school if (section := index.sections.get(section_id)) else "",
            can_edit=decide(engine, viewer.user_id, "edit", f"section:{section_id}", roles).allowed,
        )
        for section_id in visible_ids(engine, viewer.user_id, "section", roles)
    ]


@router.post("/access/check")
def check(
    request: Request,
    body: CheckIn,
    x_csrf_token: Annotated[str | None, Header()] = None,
) -> DecisionOut:
    """The access engine's decision for the signed-in user acting in the current view."""
    viewer = _acting(request)
    if not csrf_matches(request, x_csrf_token):
        raise HTTPException(status_code=403, detail="the X-CSRF-Token header is missing or wrong")
    engine = web_context(request).engines.find(viewer.person.district)
    if engine is None:
        raise HTTPException(status_code=409, detail="the district has not been synced yet")
    try:
        decision = decide(engine, viewer.user_id, body.action, body.target, viewer.acting_roles)
    except AccessUsageError as error:
        raise HTTPException(status_code=400, detail=str(error)) from error
    return DecisionOut.model_validate(decision.to_builtins())


def require_operator(request: Request) -> None:
    """403 unless the session is an operator's (a Clever sign-in never is)."""
    if not is_operator(request.session):
        raise HTTPException(status_code=403, detail="operators only: sign in at /operator/login")


@router.get("/migration/status")
def migration_status(request: Request) -> dict[str, object]:
    """Where the v2 → v3 migration stands, and the job running for the operators (operators only)."""
    require_operator(request)
    desk = web_context(request).desk
    if desk is None:
        raise HTTPException(status_code=404, detail="no migration is configured (--migrate-config)")
    try:
        status: dict[str, object] = msgspec.to_builtins(desk.status())
    except RollcallError as error:
        raise HTTPException(status_code=409, detail=str(error)) from error
    status["job"] = desk.job.to_builtins() if desk.job is not None else None
    return status
