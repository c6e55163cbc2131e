"""`WebContext`: what every route of one app reads (settings, store, sign-in client, templates, clock), and
the per-request helpers built on it: the viewer, CSRF checks, page rendering."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import Response

from rollcall.domain.timestamps import Clock
from rollcall.store import Store
from rollcall.web.desk import MigrationDesk
from rollcall.web.engines import Engines
from rollcall.web.session import csrf_ok, csrf_token, find_signed_in, save_person
from rollcall.web.settings import WebSettings
from rollcall.web.signin import CleverSignIn
from rollcall.web.viewer import Viewer, resolve_viewer, role_label, view_label


def build_templates() -> Jinja2Templates:
    """The package's Jinja templates, every value autoescaped."""
    env = Environment(
        loader=PackageLoader("rollcall.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(role_label=role_label, view_label=view_label)
    return Jinja2Templates(env=env)


@dataclass(frozen=True, slots=True)
class WebContext:
    settings: WebSettings
    store: Store
    signin: CleverSignIn
    templates: Jinja2Templates
    clock: Clock
    engines: Engines
    desk: MigrationDesk | None  # the operators' migration, when the settings name a config


def web_context(request: Request) -> WebContext:
    context: WebContext = request.app.state.context
    return context


def find_viewer(request: Request) -> Viewer | None:
    """The signed-in person of this request with their current roles (the store's, when it has them), or
    None. Writes the session back when the roles or the role in use changed."""
    person = find_signed_in(request.session)
    if person is None:
        return None
    context = web_context(request)
    user = context.store.find_user(person.user_id)
    viewer = resolve_viewer(person, user, combined_view=context.settings.combined_view)
    if viewer.person != person:
        save_person(request.session, viewer.person)
    return viewer


def csrf_matches(request: Request, submitted: str | None) -> bool:
    return csrf_ok(request.session, submitted)


def render(
    request: Request, template: str, *, viewer: Viewer | None = None, status: int = 200, **values: Any
) -> Response:
    """A page: `template` with the viewer, the session's CSRF token and `values`."""
    context = web_context(request)
    return context.templates.TemplateResponse(
        request,
        template,
        {
            "viewer": viewer,
            "csrf_token": csrf_token(request.session),
            "combined_view": context.settings.combined_view,
            **values,
        },
        status_code=status,
    )
