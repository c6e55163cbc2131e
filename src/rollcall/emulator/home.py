"""The emulator's home page at `/`: what it serves and where to go next (the data browser, the sign-in
page, the control plane), instead of the Express 404 an unknown path gets."""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from rollcall.emulator.directory import Directory
from rollcall.emulator.html_page import document
from rollcall.emulator.sso.authorize import sign_in_url


def home_page(directory: Directory) -> str:
    """The index: one line per place, with the loaded districts counted."""
    districts = directory.district_ids()
    places = (
        ("/browser", "Data browser", "every district, school, section and person it serves, in v3 and v2"),
        (
            sign_in_url("", directory.tokens),
            "Sign in with Clever",
            "the OAuth sign-in page of its own client",
        ),
        ("/_emulator/districts", "Control plane", "JSON: OAuth client, districts and their tokens"),
    )
    items = "".join(
        f'<li><a href="{escape(href)}">{escape(label)}</a>: {escape(what)}</li>'
        for href, label, what in places
    )
    api = (
        "<p>The Data API answers under <code>/v2.1</code>, <code>/v3.0</code> and <code>/v3.1</code> "
        "(e.g. <code>/v3.1/users</code>) with <code>Authorization: Bearer &lt;district token&gt;</code>; "
        "events under <code>/v3.1/events</code>. See docs/emulator.md.</p>"
    )
    loaded = f"<p>{len(districts)} district{'s' if len(districts) != 1 else ''} loaded.</p>"
    return document("Clever API emulator", f"{loaded}<ul>{items}</ul>{api}")


def home_routes(directory: Directory) -> list[BaseRoute]:
    """`GET /`: the home page."""

    async def home(request: Request) -> Response:
        return HTMLResponse(home_page(directory))

    return [Route("/", home, methods=["GET"])]
