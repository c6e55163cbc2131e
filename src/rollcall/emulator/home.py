"""The emulator's home page at `/`: what it serves and where to go next (the data browser, the sign-in
page, the control plane), instead of the Express 404 an unknown path gets."""

from __future__ import annotations

from typing import Final

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from rollcall.emulator.directory import Directory
from rollcall.emulator.html_page import PAGES
from rollcall.emulator.sso.authorize import sign_in_url

_HOME: Final = PAGES.get_template("home.html")


def home_page(directory: Directory) -> str:
    """The index: one line per place, with the loaded districts counted."""
    return _HOME.render(
        districts=len(directory.district_ids()), sign_in_url=sign_in_url("", directory.tokens)
    )


def home_routes(directory: Directory) -> list[BaseRoute]:
    """`GET /`: the home page."""

    async def home(request: Request) -> Response:
        return HTMLResponse(home_page(directory))

    return [Route("/", home, methods=["GET"])]
