"""The pages every signed-in person has: home (who you are, the role you act as, the switcher), the role
chooser, and `POST /role` — the switch, refused with 403 for a role the person does not hold."""

from __future__ import annotations

from typing import Annotated

import msgspec
import structlog
from fastapi import APIRouter, Form
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from rollcall.domain.user import as_role_name
from rollcall.web.auth import CSRF_REASON
from rollcall.web.context import csrf_matches, find_viewer, render, web_context
from rollcall.web.session import COMBINED, save_person
from rollcall.web.viewer import Viewer, role_label

log = structlog.get_logger("rollcall.web")
router = APIRouter()


def to_chooser_or_home(viewer: Viewer | None) -> Response | None:
    """Where a page sends a viewer who cannot see it yet: signed out → home, not chosen → the chooser."""
    if viewer is None:
        return RedirectResponse("/", status_code=303)
    if viewer.needs_choice:
        return RedirectResponse("/choose-role", status_code=303)
    return None


@router.get("/", include_in_schema=False)
def home(request: Request, signed_out: bool = False) -> Response:
    viewer = find_viewer(request)
    if viewer is None:
        return render(request, "welcome.html", signed_out=signed_out)
    if viewer.needs_choice:
        return RedirectResponse("/choose-role", status_code=303)
    return render(request, "home.html", viewer=viewer)


@router.get("/choose-role", include_in_schema=False)
def choose_role(request: Request) -> Response:
    viewer = find_viewer(request)
    if viewer is None:
        return RedirectResponse("/", status_code=303)
    return render(request, "chooser.html", viewer=viewer)


@router.post("/role", include_in_schema=False)
def switch_role(
    request: Request,
    role: Annotated[str, Form()] = "",
    csrf_token: Annotated[str | None, Form()] = None,
) -> Response:
    """Act as another held role (or, when the settings allow it, all of them). Nothing changes on refusal."""
    viewer = find_viewer(request)
    if viewer is None:
        return RedirectResponse("/", status_code=303)
    if not csrf_matches(request, csrf_token):
        return render(request, "forbidden.html", viewer=viewer, status=403, reason=CSRF_REASON)
    combined_allowed = web_context(request).settings.combined_view and len(viewer.roles) > 1
    if role == COMBINED and combined_allowed:
        save_person(request.session, msgspec.structs.replace(viewer.person, acting_as=None, combined=True))
        return RedirectResponse("/", status_code=303)
    chosen = as_role_name(role)
    if chosen is None or chosen not in viewer.roles:
        held = ", ".join(role_label(r) for r in viewer.roles)
        reason = f"You do not hold the role {role or '(none)'}; your roles are: {held}."
        log.warning("web.role_refused", user_id=viewer.user_id, role=role)
        return render(request, "forbidden.html", viewer=viewer, status=403, reason=reason)
    save_person(request.session, msgspec.structs.replace(viewer.person, acting_as=chosen, combined=False))
    log.info("web.role_switched", user_id=viewer.user_id, role=chosen)
    return RedirectResponse("/", status_code=303)
