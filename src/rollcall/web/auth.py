"""The sign-in routes: `/login` (start), `/auth/clever/callback` (finish, or restart a Clever-initiated
login that arrived without our `state`), `POST /logout`."""

from __future__ import annotations

from typing import Annotated

import structlog
from fastapi import APIRouter, Form
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from rollcall.errors import SignInRefused
from rollcall.web.context import csrf_matches, render, web_context
from rollcall.web.session import SignedIn, end_session, start_session

log = structlog.get_logger("rollcall.web")
router = APIRouter()


@router.get("/login", include_in_schema=False)
async def login(request: Request) -> Response:
    """Send the browser to Clever's authorize page with a fresh state and nonce."""
    url = await web_context(request).signin.authorization_redirect_url(request)
    return RedirectResponse(url, status_code=302)


@router.get("/auth/clever/callback", include_in_schema=False)
async def callback(
    request: Request, code: str | None = None, state: str | None = None, error: str | None = None
) -> Response:
    """Finish a sign-in. A code without `state` came from Clever's portal (an IdP-initiated login): it is
    never exchanged; the app starts its own authorization request instead."""
    context = web_context(request)
    if error is not None:
        end_session(request.session)
        return _refused(request, SignInRefused(f"Clever did not sign you in ({error})."))
    if not code:
        end_session(request.session)
        return _refused(request, SignInRefused("The sign-in answer from Clever carries no code."))
    if state is None:
        log.info("web.clever_initiated_login")
        url = await context.signin.authorization_redirect_url(request)
        return RedirectResponse(url, status_code=302)
    try:
        me = await context.signin.finish(request, code, state)
    except SignInRefused as refused:
        end_session(request.session)
        log.warning("web.sign_in_refused", reason=str(refused))
        return _refused(request, refused)
    user = me.user
    person = SignedIn(
        user_id=user.id,
        district=user.district,
        name=" ".join(part for part in (user.name.first, user.name.last) if part) or user.id,
        roles=user.role_names(),
    )
    start_session(request.session, person)
    log.info("web.signed_in", user_id=user.id, roles=list(person.roles))
    return RedirectResponse("/", status_code=303)


def _refused(request: Request, refused: SignInRefused) -> Response:
    return render(request, "refused.html", status=refused.status, reason=str(refused))


@router.post("/logout", include_in_schema=False)
async def logout(request: Request, csrf_token: Annotated[str | None, Form()] = None) -> Response:
    """End the session (the form must carry the session's CSRF token)."""
    if not csrf_matches(request, csrf_token):
        return render(request, "forbidden.html", status=403, reason=CSRF_REASON)
    end_session(request.session)
    return RedirectResponse("/?signed_out=1", status_code=303)


CSRF_REASON = (
    "The form's CSRF token is missing or does not match this session. Reload the page and try again."
)
