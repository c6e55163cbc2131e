"""Clever's `/oauth/authorize` (clever-api.md §6.2): the sign-in page (GET) and the person's choice (POST),
which sends them back to the app with a single-use code. Pure validators decide; each handler parses the
request, calls them and the token registry, and answers (a request that cannot be trusted gets an HTML
error page, never a redirect)."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Mapping
from typing import Final
from urllib.parse import parse_qs, urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from rollcall.domain.timestamps import Clock
from rollcall.domain.user import RoleName, User, as_role_name, default_login_role
from rollcall.emulator.directory import SCAN_BUDGET, Directory, scan_page, search_text
from rollcall.emulator.sso.sign_in_page import AuthorizeRequest, error_page, login_page
from rollcall.emulator.tokens import AuthorizationCode, TokenRegistry

LOGIN_PAGE_SIZE: Final = 50


def single_values(raw: Mapping[str, list[str]]) -> dict[str, str]:
    """The first value of each parameter of a parsed query or form."""
    return {key: values[0] for key, values in raw.items() if values}


def validate_authorize(params: Mapping[str, str], tokens: TokenRegistry) -> AuthorizeRequest | str:
    """The authorize parameters, or why they cannot be trusted (never redirect on such a request)."""
    if params.get("response_type") != "code":
        return "response_type must be 'code'."
    client_id = params.get("client_id", "")
    if client_id != tokens.client_id:
        return f"Unknown client_id {client_id!r}."
    # Clever falls back to the first registered URI when none is sent (portal launches).
    redirect_uri = params.get("redirect_uri") or tokens.redirect_uris[0]
    if redirect_uri not in tokens.redirect_uris:
        return f"redirect_uri {redirect_uri!r} is not registered for this client."
    return AuthorizeRequest(
        client_id=client_id,
        redirect_uri=redirect_uri,
        state=params.get("state"),
        nonce=params.get("nonce"),
        district_id=params.get("district_id") or None,
        scope=params.get("scope"),
    )


def sign_in_url(base_url: str, tokens: TokenRegistry) -> str:
    """Where a person starts signing in: the authorize URL for the emulator's own OAuth client and its first
    registered redirect URI (what `emulator serve` prints and the home page links)."""
    query = urlencode(
        {"response_type": "code", "client_id": tokens.client_id, "redirect_uri": tokens.redirect_uris[0]}
    )
    return f"{base_url}/oauth/authorize?{query}"


def redirect_target(redirect_uri: str, code: str, state: str | None) -> str:
    """`redirect_uri` with `code` (and `state` only when the app sent one) appended to its query."""
    pairs = {"code": code} if state is None else {"code": code, "state": state}
    return f"{redirect_uri}{'&' if '?' in redirect_uri else '?'}{urlencode(pairs)}"


def offered_districts(
    checked: AuthorizeRequest, params: Mapping[str, str], names: Mapping[str, str]
) -> tuple[dict[str, str], str] | str:
    """The districts the page offers and the one shown, or why there is none to show."""
    offered = dict(names)
    if checked.district_id is not None and checked.district_id in offered:
        # The app chose the district (Clever then skips its district picker): offer no other.
        offered = {checked.district_id: offered[checked.district_id]}
    if not offered:
        return "The emulator has no district loaded."
    district_id = checked.district_id or params.get("district") or next(iter(offered))
    if district_id not in offered:
        return f"Unknown district_id {district_id!r}."
    return offered, district_id


def person_filter(params: Mapping[str, str]) -> Callable[[User], bool] | None:
    """Who the page lists: everyone (None), or those holding `role` whose name or e-mail holds `q`."""
    role = as_role_name(params["role"]) if params.get("role") else None
    needle = (params.get("q") or "").strip().casefold()
    if role is None and not needle:
        return None

    def keep(user: User) -> bool:
        if role is not None and getattr(user.roles, role) is None:
            return False
        return not needle or needle in search_text(user)

    return keep


def page_start(params: Mapping[str, str]) -> int:
    """The `start` position of the page (0 when absent or not a number)."""
    try:
        return max(0, int(params.get("start", "0")))
    except ValueError:
        return 0


def check_choice(
    params: Mapping[str, str], checked: AuthorizeRequest, directory: Directory
) -> tuple[str, User, RoleName] | str:
    """(district id, person, role) of a sign-in choice, or why it is refused."""
    found = directory.find_user(params.get("user_id", ""))
    if found is None:
        return f"Unknown user {params.get('user_id')!r}."
    district_id, user = found
    if checked.district_id is not None and checked.district_id != district_id:
        return "That person is not in the requested district."
    role = as_role_name(params.get("role") or default_login_role(user))
    if role is None or role not in user.role_names():
        held = ", ".join(user.role_names())
        return f"{user.id} does not hold the role {params.get('role')!r} (holds: {held})."
    return district_id, user, role


def code_for(seed: str, number: int, user_id: str) -> str:
    """The `number`th code the emulator hands out (derived from its seed, so runs are reproducible)."""
    return hashlib.blake2b(f"{seed}\x1fcode\x1f{number}\x1f{user_id}".encode(), digest_size=12).hexdigest()


async def read_form(request: Request) -> dict[str, str]:
    """A urlencoded form. Parsed here: starlette's form parser needs python-multipart, not shipped."""
    return single_values(parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))


def _refused(message: str) -> Response:
    return HTMLResponse(error_page(message), status_code=400)


class AuthorizeEndpoints:
    """`GET /oauth/authorize` (the sign-in page) and `POST /oauth/authorize` (the choice)."""

    def __init__(
        self, directory: Directory, tokens: TokenRegistry, clock: Clock, *, scan_budget: int = SCAN_BUDGET
    ) -> None:
        self.directory = directory
        self.tokens = tokens
        self.clock = clock
        self.scan_budget = scan_budget
        self.serial = itertools.count(1)

    async def page(self, request: Request) -> Response:
        params = dict(request.query_params)
        checked = validate_authorize(params, self.tokens)
        if isinstance(checked, str):
            return _refused(checked)
        names = {d: self.directory.district(d).name for d in self.directory.district_ids()}
        chosen = offered_districts(checked, params, names)
        if isinstance(chosen, str):
            return _refused(chosen)
        offered, district_id = chosen
        users = self.directory.snapshot(district_id).users
        page = scan_page(
            users, page_start(params), LOGIN_PAGE_SIZE, person_filter(params), budget=self.scan_budget
        )
        role = as_role_name(params["role"]) if params.get("role") else None
        html = login_page(
            checked, districts=offered, district_id=district_id, role=role, query=params.get("q"), page=page
        )
        return HTMLResponse(html)

    async def choose(self, request: Request) -> Response:
        params = await read_form(request)
        checked = validate_authorize(params, self.tokens)
        if isinstance(checked, str):
            return _refused(checked)
        choice = check_choice(params, checked, self.directory)
        if isinstance(choice, str):
            return _refused(choice)
        district_id, user, role = choice
        code = code_for(self.tokens.seed, next(self.serial), user.id)
        self.tokens.issue_code(
            AuthorizationCode(
                code=code, client_id=checked.client_id, redirect_uri=checked.redirect_uri,
                district_id=district_id, user_id=user.id, login_role=role,
                issued_at=self.clock.now().timestamp(), nonce=checked.nonce,
            )
        )  # fmt: skip
        return RedirectResponse(redirect_target(checked.redirect_uri, code, checked.state), status_code=302)
