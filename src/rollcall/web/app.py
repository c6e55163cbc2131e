"""`create_app`: the FastAPI app of rollcall's web room — Clever sign-in, role chooser and switcher, the
role-aware pages and JSON API — wired to one store and one Clever (or emulator)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Final

import httpx
from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response

from rollcall.access import load_policy
from rollcall.domain.timestamps import Clock, SystemClock
from rollcall.errors import RollcallError
from rollcall.store import Store
from rollcall.web import api, auth, operator, pages, views
from rollcall.web.context import WebContext, build_templates, render
from rollcall.web.desk import MigrationDesk
from rollcall.web.engines import Engines
from rollcall.web.settings import WebSettings
from rollcall.web.signin import CleverSignIn

SESSION_COOKIE: Final = "rollcall_session"
SESSION_MAX_AGE_SECONDS: Final = 8 * 3600  # a school day


def create_app(
    settings: WebSettings,
    *,
    store: Store | None = None,
    clock: Clock | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """The web app. `store` defaults to `Store.open(settings.db_url)` (closed with the app); `clock` checks
    id_token expiry (the emulator's clock when testing against it); `transport` reaches Clever in-process."""
    owned = store is None
    opened = store if store is not None else Store.open(settings.db_url)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if owned:
                opened.close()

    app = FastAPI(
        title="rollcall web",
        summary="Sign in with Clever using every role; role-aware pages and API.",
        lifespan=lifespan,
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    wall = clock or SystemClock()
    app.state.context = WebContext(
        settings=settings,
        store=opened,
        signin=CleverSignIn(settings, wall, transport),
        templates=build_templates(),
        clock=wall,
        engines=Engines(opened, load_policy(settings.access_policy)),
        desk=MigrationDesk(settings.migrate_config) if settings.migrate_config is not None else None,
    )
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE_SECONDS,
        same_site="lax",
        https_only=settings.https,
    )
    app.include_router(auth.router)
    app.include_router(pages.router)
    app.include_router(views.router)
    app.include_router(api.router)
    app.include_router(operator.router)

    @app.exception_handler(RollcallError)
    async def rollcall_error(request: Request, error: Exception) -> Response:
        # A store that cannot be read, a Clever that cannot be reached: a plain page, never a traceback.
        return render(request, "error.html", status=503, reason=str(error))

    return app
