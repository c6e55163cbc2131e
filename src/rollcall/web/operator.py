"""The operators' own sign-in (a password from the settings, never a Clever login) and the guard every
dashboard route uses. Signing in as an operator starts a fresh session, and a Clever sign-in ends an
operator's: one browser session is never both."""

from __future__ import annotations

import secrets
from typing import Annotated

import structlog
from fastapi import APIRouter, Form
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from rollcall.web.auth import CSRF_REASON
from rollcall.web.context import csrf_matches, render, web_context
from rollcall.web.session import end_session, is_operator, start_operator_session

log = structlog.get_logger("rollcall.web")
router = APIRouter(prefix="/operator")


def operator_login_redirect(request: Request) -> Response | None:
    """None for a signed-in operator; otherwise where to go (the operator sign-in, or 404 when the app has
    no operator password and so no dashboard)."""
    if web_context(request).settings.operator_password is None:
        return render(request, "error.html", status=404, reason="This app has no operator dashboard.")
    if is_operator(request.session):
        return None
    return RedirectResponse("/operator/login", status_code=303)


@router.get("/login", include_in_schema=False)
def login_page(request: Request) -> Response:
    if web_context(request).settings.operator_password is None:
        return render(request, "error.html", status=404, reason="This app has no operator dashboard.")
    return render(request, "operator_login.html")


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str | None, Form()] = None,
) -> Response:
    expected = web_context(request).settings.operator_password
    if expected is None:
        return render(request, "error.html", status=404, reason="This app has no operator dashboard.")
    if not csrf_matches(request, csrf_token):
        return render(request, "forbidden.html", status=403, reason=CSRF_REASON)
    if not secrets.compare_digest(password.encode(), expected.encode()):
        log.warning("web.operator_refused")
        return render(request, "operator_login.html", status=403, refused=True)
    start_operator_session(request.session)
    log.info("web.operator_signed_in")
    return RedirectResponse("/operator", status_code=303)


@router.post("/logout", include_in_schema=False)
def logout(request: Request, csrf_token: Annotated[str | None, Form()] = None) -> Response:
    if not csrf_matches(request, csrf_token):
        return render(request, "forbidden.html", status=403, reason=CSRF_REASON)
    end_session(request.session)
    return RedirectResponse("/operator/login", status_code=303)


@router.get("", include_in_schema=False)
def dashboard(request: Request) -> Response:
    elsewhere = operator_login_redirect(request)
    if elsewhere is not None:
        return elsewhere
    config = web_context(request).settings.migrate_config
    return render(request, "operator.html", operator=True, config=config)
