"""The data browser's routes under `/browser`: each handler parses its path and query, builds the page
(`browser.views`) and answers it as HTML; a page about something the emulator does not serve is a 404."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from rollcall.domain.user import as_role_name
from rollcall.emulator.browser import views
from rollcall.emulator.browser.views import PageMissing, PeopleQuery
from rollcall.emulator.directory import SCAN_BUDGET, Directory


def parse_start(params: Mapping[str, str]) -> int:
    """The `start` position of a page (0 when absent or not a number)."""
    try:
        return max(0, int(params.get("start", "0")))
    except ValueError:
        return 0


def parse_people_query(params: Mapping[str, str]) -> PeopleQuery:
    """The people list's parameters: `view` (v2, else v3), `q`, `role` (ignored when unknown), `school`."""
    return PeopleQuery(
        view="v2" if params.get("view") == "v2" else "v3",
        query=params.get("q", "").strip(),
        role=as_role_name(params.get("role", "")),
        school=params.get("school") or None,
        start=parse_start(params),
    )


def _html(build: Callable[[], str]) -> Response:
    try:
        return HTMLResponse(build())
    except PageMissing as missing:
        return HTMLResponse(views.missing_page(str(missing)), status_code=404)


class BrowserPages:
    """The handlers of `/browser/*` over a `Directory`; filtered lists read at most `scan_budget` records."""

    def __init__(self, directory: Directory, scan_budget: int = SCAN_BUDGET) -> None:
        self.directory = directory
        self.budget = scan_budget

    async def districts(self, request: Request) -> Response:
        return _html(lambda: views.districts_page(self.directory))

    async def district(self, request: Request) -> Response:
        return _html(lambda: views.district_page(self.directory, request.path_params["district_id"]))

    async def schools(self, request: Request) -> Response:
        start = parse_start(request.query_params)
        return _html(lambda: views.schools_page(self.directory, request.path_params["district_id"], start))

    async def sections(self, request: Request) -> Response:
        district_id, params = request.path_params["district_id"], request.query_params
        start, school = parse_start(params), params.get("school") or None
        return _html(lambda: views.sections_page(self.directory, district_id, start, school, self.budget))

    async def school(self, request: Request) -> Response:
        district_id, school_id = request.path_params["district_id"], request.path_params["school_id"]
        return _html(lambda: views.school_page(self.directory, district_id, school_id, self.budget))

    async def section(self, request: Request) -> Response:
        district_id, section_id = request.path_params["district_id"], request.path_params["section_id"]
        return _html(lambda: views.section_page(self.directory, district_id, section_id))

    async def people(self, request: Request) -> Response:
        wanted = parse_people_query(request.query_params)
        district_id = request.path_params["district_id"]
        return _html(lambda: views.people_page(self.directory, district_id, wanted, self.budget))

    async def person(self, request: Request) -> Response:
        district_id, person_id = request.path_params["district_id"], request.path_params["person_id"]
        return _html(lambda: views.person_page(self.directory, district_id, person_id))

    def routes(self) -> list[BaseRoute]:
        base = "/browser/{district_id}"
        return [
            Route("/browser", self.districts, methods=["GET"]),
            Route(base, self.district, methods=["GET"]),
            Route(f"{base}/schools", self.schools, methods=["GET"]),
            Route(f"{base}/schools/{{school_id}}", self.school, methods=["GET"]),
            Route(f"{base}/sections", self.sections, methods=["GET"]),
            Route(f"{base}/sections/{{section_id}}", self.section, methods=["GET"]),
            Route(f"{base}/people", self.people, methods=["GET"]),
            Route(f"{base}/people/{{person_id}}", self.person, methods=["GET"]),
        ]


def browser_routes(directory: Directory, *, scan_budget: int = SCAN_BUDGET) -> list[BaseRoute]:
    """`/browser` pages: districts, a district, its schools, sections and people (v2/v3), one person."""
    return BrowserPages(directory, scan_budget).routes()
