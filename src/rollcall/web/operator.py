"""The operators' own sign-in (a password from the settings, never a Clever login) and the guard every
dashboard route uses. Signing in as an operator starts a fresh session, and a Clever sign-in ends an
operator's: one browser session is never both."""

from __future__ import annotations

import secrets
from typing import Annotated

import structlog
from fastapi import APIRouter, Form
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from rollcall.errors import RollcallError
from rollcall.migrate import access_diffs, export_map, map_csv, render_html_report
from rollcall.web.auth import CSRF_REASON
from rollcall.web.context import csrf_matches, render, web_context
from rollcall.web.desk import JobKind, MigrationDesk
from rollcall.web.session import end_session, is_operator, start_operator_session

log = structlog.get_logger("rollcall.web")
router = APIRouter(prefix="/operator")
NOTICE_KEY = "operator_notice"


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
    desk = web_context(request).desk
    notice = request.session.pop(NOTICE_KEY, None)
    if desk is None:
        return render(request, "operator.html", operator=True, desk=None, notice=notice)
    problem: str | None = None
    migration = None
    try:
        migration = desk.status()
    except RollcallError as error:
        problem = str(error)
    return render(
        request,
        "operator.html",
        operator=True,
        desk=desk,
        notice=notice,
        problem=problem,
        migration=migration,
        summary=desk.plan.summary() if desk.plan is not None else None,
        job=desk.job.to_builtins() if desk.job is not None else None,
        verify=desk.verify_report,
    )


def _desk_action(request: Request, csrf_token: str | None) -> MigrationDesk | Response:
    elsewhere = operator_login_redirect(request)
    if elsewhere is not None:
        return elsewhere
    if not csrf_matches(request, csrf_token):
        return render(request, "forbidden.html", status=403, reason=CSRF_REASON)
    desk = web_context(request).desk
    if desk is None:
        return render(
            request, "error.html", status=404, reason="No migration is configured (--migrate-config)."
        )
    return desk


def _back(request: Request, notice: str | None) -> Response:
    if notice:
        request.session[NOTICE_KEY] = notice
    return RedirectResponse("/operator", status_code=303)


def _start_confirmed(request: Request, csrf_token: str | None, confirm: str | None, job: JobKind) -> Response:
    """Start apply or rollback (they change the vendor's database) only once the operator ticked the box."""
    desk = _desk_action(request, csrf_token)
    if isinstance(desk, Response):
        return desk
    if confirm != "yes":
        return _back(request, f"Tick the box to confirm the {job}.")
    return _back(request, desk.start(job))


@router.post("/plan", include_in_schema=False)
def plan(request: Request, csrf_token: Annotated[str | None, Form()] = None) -> Response:
    desk = _desk_action(request, csrf_token)
    if isinstance(desk, Response):
        return desk
    return _back(request, desk.start("plan"))


@router.post("/apply", include_in_schema=False)
def apply(
    request: Request,
    csrf_token: Annotated[str | None, Form()] = None,
    confirm: Annotated[str | None, Form()] = None,
) -> Response:
    return _start_confirmed(request, csrf_token, confirm, "apply")


@router.post("/rollback", include_in_schema=False)
def rollback(
    request: Request,
    csrf_token: Annotated[str | None, Form()] = None,
    confirm: Annotated[str | None, Form()] = None,
) -> Response:
    return _start_confirmed(request, csrf_token, confirm, "rollback")


@router.post("/verify", include_in_schema=False)
def verify(request: Request, csrf_token: Annotated[str | None, Form()] = None) -> Response:
    desk = _desk_action(request, csrf_token)
    if isinstance(desk, Response):
        return desk
    return _back(request, desk.start("verify"))


@router.get("/progress", include_in_schema=False)
def progress(request: Request) -> Response:
    """The running job's progress (the dashboard's script polls it)."""
    if not is_operator(request.session):
        return JSONResponse({"detail": "operators only"}, status_code=403)
    desk = web_context(request).desk
    job = desk.job if desk is not None else None
    return JSONResponse(job.to_builtins() if job is not None else {"running": False, "steps": []})


@router.get("/map.csv", include_in_schema=False)
def map_download(request: Request) -> Response:
    """The legacy-id → v3-id map: every v2 role id and the v3 user it became."""
    elsewhere = operator_login_redirect(request)
    if elsewhere is not None:
        return elsewhere
    desk = web_context(request).desk
    if desk is None:
        return render(
            request, "error.html", status=404, reason="No migration is configured (--migrate-config)."
        )
    try:
        text = map_csv(export_map(desk.config()), wide=True)
    except RollcallError as error:
        return render(request, "error.html", status=409, reason=str(error))
    headers = {"Content-Disposition": 'attachment; filename="legacy-id-map.csv"'}
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/report.html", include_in_schema=False)
def report_download(request: Request) -> Response:
    """The self-contained HTML report of the current plan (with the last verify and the access diffs)."""
    elsewhere = operator_login_redirect(request)
    if elsewhere is not None:
        return elsewhere
    desk = web_context(request).desk
    if desk is None or desk.plan is None:
        return render(request, "error.html", status=409, reason="There is no plan yet: plan first.")
    try:
        config = desk.config()
        html = render_html_report(desk.plan, desk.verify_report, access_diffs(desk.plan, config))
    except RollcallError as error:
        return render(request, "error.html", status=409, reason=str(error))
    headers = {"Content-Disposition": 'attachment; filename="migration-report.html"'}
    return HTMLResponse(html, headers=headers)
