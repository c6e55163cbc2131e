"""The emulator's ASGI application: other emulator parts' routes first (OAuth, identity, browser), then the
control plane under `/_emulator/`, then the Data/Events API catch-all that also answers unknown routes."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route

from rollcall.emulator.control import control_routes
from rollcall.emulator.data.api import DataApi
from rollcall.emulator.data.state import EmulatorState
from rollcall.emulator.responses import ALL_METHODS


def build_app(
    state: EmulatorState,
    *,
    extra_routes: Sequence[BaseRoute] = (),
    middleware: Sequence[Middleware] = (),
) -> Starlette:
    """The emulator app over `state`: `extra_routes` go before the catch-all, `middleware` wraps all."""
    api = DataApi(state)
    routes: list[BaseRoute] = [
        *extra_routes,
        *control_routes(state),
        Route("/{path:anypath}", api.endpoint, methods=ALL_METHODS),
    ]
    app = Starlette(routes=routes, middleware=list(middleware))
    app.state.emulator = state
    return app
