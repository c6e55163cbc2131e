"""Clever's OAuth 2.0 authorization-code flow and token endpoints (clever-api.md §6.2, §6.4):
`/oauth/authorize` (login page + redirect), `/oauth/tokens` (code exchange, district token listing) and
`/oauth/tokeninfo`. `identity_routes` bundles these with `/me` and `/userinfo`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import itertools
from typing import Final
from urllib.parse import parse_qs, urlencode

import msgspec
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from rollcall.domain.acting_as import ActingAs
from rollcall.domain.ids import is_object_id, object_id_time
from rollcall.domain.paging import Link
from rollcall.domain.timestamps import Clock, format_timestamp
from rollcall.domain.user import User, as_role_name, default_login_role
from rollcall.emulator.directory import SCAN_BUDGET, Directory, scan_page, search_text
from rollcall.emulator.sso.id_token import encode_id_token, id_token_claims
from rollcall.emulator.sso.sign_in_page import AuthorizeRequest, error_page, login_page
from rollcall.emulator.sso.userinfo import ApiVersion, MeDataType, json_response, me_routes, resolve_grant
from rollcall.emulator.tokens import AuthorizationCode, TokenRegistry

CODE_LIFETIME_SECONDS: Final = 60
LOGIN_PAGE_SIZE: Final = 50


class TokenResponse(msgspec.Struct):
    access_token: str
    token_type: str
    id_token: str


class OAuthError(msgspec.Struct, omit_defaults=True):
    error: str
    error_description: str | None = None


class TokenOwner(msgspec.Struct):
    type: str
    id: str


class TokenEntry(msgspec.Struct):
    id: str
    created: str
    owner: TokenOwner
    access_token: str
    scopes: list[str]


class TokenListing(msgspec.Struct):
    data: list[TokenEntry]
    links: list[Link]


class TokenInfo(msgspec.Struct):
    client_id: str
    scopes: list[str]


def _oauth_error(status: int, error: str, description: str | None = None) -> Response:
    headers = {"WWW-Authenticate": 'Basic realm="clever"'} if status == 401 else None
    return json_response(OAuthError(error, description), status=status, headers=headers)


def basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    """(client id, secret) of an `Authorization: Basic …` header, or None when absent or malformed."""
    if not authorization:
        return None
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (client_id, secret) if sep else None


def _client_ok(request: Request, tokens: TokenRegistry) -> bool:
    credentials = basic_credentials(request.headers.get("authorization"))
    return credentials is not None and tokens.check_client(*credentials)


def _single_values(raw: dict[str, list[str]]) -> dict[str, str]:
    return {key: values[0] for key, values in raw.items() if values}


def validate_authorize(params: dict[str, str], tokens: TokenRegistry) -> AuthorizeRequest | str:
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
    registered redirect URI (what `emulator serve` prints and the index page links)."""
    query = urlencode(
        {"response_type": "code", "client_id": tokens.client_id, "redirect_uri": tokens.redirect_uris[0]}
    )
    return f"{base_url}/oauth/authorize?{query}"


def redirect_target(redirect_uri: str, code: str, state: str | None) -> str:
    """`redirect_uri` with `code` (and `state` only when the app sent one) appended to its query."""
    pairs = {"code": code} if state is None else {"code": code, "state": state}
    return f"{redirect_uri}{'&' if '?' in redirect_uri else '?'}{urlencode(pairs)}"


def _person_filter(role: str | None, query: str | None) -> tuple[str | None, str]:
    return (as_role_name(role) if role else None), (query or "").strip().casefold()


def _matches(user: User, role: str | None, needle: str) -> bool:
    if role is not None and getattr(user.roles, role) is None:
        return False
    return not needle or needle in search_text(user)


async def _form(request: Request) -> dict[str, str]:
    # Parsed by hand: starlette's form parser needs python-multipart, which this project does not ship.
    return _single_values(parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))


async def _token_body(request: Request) -> dict[str, str] | str:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    if content_type == "application/json":
        try:
            decoded = msgspec.json.decode(raw, type=dict[str, str])
        except msgspec.DecodeError as exc:
            return f"body is not a JSON object of strings: {exc}"
        return decoded
    if content_type == "application/x-www-form-urlencoded":
        return _single_values(parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True))
    return f"unsupported content type {content_type or '(none)'!r}; send JSON or a urlencoded form"


def oauth_routes(
    directory: Directory, tokens: TokenRegistry, clock: Clock, *, scan_budget: int = SCAN_BUDGET
) -> list[BaseRoute]:
    """`/oauth/authorize` (GET page, POST choice), `/oauth/tokens` (POST exchange, GET listing), tokeninfo.
    A filtered sign-in page reads at most `scan_budget` people per request."""
    serial = itertools.count(1)

    def district_names() -> dict[str, str]:
        return {d: directory.district(d).name for d in directory.district_ids()}

    async def authorize_page(request: Request) -> Response:
        params = dict(request.query_params)
        checked = validate_authorize(params, tokens)
        if isinstance(checked, str):
            return HTMLResponse(error_page(checked), status_code=400)
        names = district_names()
        if checked.district_id is not None and checked.district_id in names:
            # The app chose the district (Clever then skips its district picker): offer no other.
            names = {checked.district_id: names[checked.district_id]}
        if not names:
            return HTMLResponse(error_page("The emulator has no district loaded."), status_code=400)
        district_id = checked.district_id or params.get("district") or next(iter(names))
        if district_id not in names:
            return HTMLResponse(error_page(f"Unknown district_id {district_id!r}."), status_code=400)
        role, needle = _person_filter(params.get("role"), params.get("q"))
        try:
            start = max(0, int(params.get("start", "0")))
        except ValueError:
            start = 0
        users = directory.snapshot(district_id).users
        keep = None if role is None and not needle else (lambda user: _matches(user, role, needle))
        page = scan_page(users, start, LOGIN_PAGE_SIZE, keep, budget=scan_budget)
        html = login_page(
            checked, districts=names, district_id=district_id, role=role, query=params.get("q"), page=page
        )
        return HTMLResponse(html)

    async def authorize_choice(request: Request) -> Response:
        params = await _form(request)
        checked = validate_authorize(params, tokens)
        if isinstance(checked, str):
            return HTMLResponse(error_page(checked), status_code=400)
        found = directory.find_user(params.get("user_id", ""))
        if found is None:
            return HTMLResponse(error_page(f"Unknown user {params.get('user_id')!r}."), status_code=400)
        district_id, user = found
        if checked.district_id is not None and checked.district_id != district_id:
            return HTMLResponse(error_page("That person is not in the requested district."), status_code=400)
        role = as_role_name(params.get("role") or default_login_role(user))
        if role is None or role not in user.role_names():
            held = ", ".join(user.role_names())
            message = f"{user.id} does not hold the role {params.get('role')!r} (holds: {held})."
            return HTMLResponse(error_page(message), status_code=400)
        number = next(serial)
        code = hashlib.blake2b(
            f"{tokens.seed}\x1fcode\x1f{number}\x1f{user.id}".encode(), digest_size=12
        ).hexdigest()
        tokens.issue_code(
            AuthorizationCode(
                code=code, client_id=checked.client_id, redirect_uri=checked.redirect_uri,
                district_id=district_id, user_id=user.id, login_role=role,
                issued_at=clock.now().timestamp(), nonce=checked.nonce,
            )
        )  # fmt: skip
        return RedirectResponse(redirect_target(checked.redirect_uri, code, checked.state), status_code=302)

    async def exchange(request: Request) -> Response:
        if not _client_ok(request, tokens):
            return _oauth_error(401, "invalid_client", "Basic client credentials are missing or wrong")
        body = await _token_body(request)
        if isinstance(body, str):
            return _oauth_error(400, "invalid_request", body)
        if body.get("grant_type") != "authorization_code":
            grant_type = body.get("grant_type")
            return _oauth_error(400, "unsupported_grant_type", f"grant_type {grant_type!r} is not supported")
        if not body.get("code"):
            return _oauth_error(400, "invalid_request", "code is required")
        pending = tokens.take_code(body["code"])
        if pending is None:
            return _oauth_error(400, "invalid_grant", "Invalid grant: invalid code (unknown or already used)")
        now = clock.now().timestamp()
        if now - pending.issued_at > CODE_LIFETIME_SECONDS:
            return _oauth_error(400, "invalid_grant", "Invalid grant: the code expired")
        if pending.client_id != tokens.client_id:
            return _oauth_error(400, "invalid_grant", "Invalid grant: the code belongs to another client")
        if body.get("redirect_uri", pending.redirect_uri) != pending.redirect_uri:
            return _oauth_error(400, "invalid_grant", "Invalid grant: redirect_uri does not match")
        found = directory.find_user(pending.user_id)
        role = as_role_name(pending.login_role)
        if found is None or role is None:
            return _oauth_error(400, "invalid_grant", "Invalid grant: the user no longer exists")
        if role not in found[1].role_names():
            return _oauth_error(
                400, "invalid_grant", f"Invalid grant: the user no longer holds the {role} role"
            )
        login = ActingAs(user=found[1], role=role)
        access_token = tokens.mint_sso_token(login.district_id, login.user.id, login.role)
        claims = id_token_claims(login, client_id=tokens.client_id, issued_at=int(now), nonce=pending.nonce)
        return json_response(
            TokenResponse(access_token, "bearer", encode_id_token(claims, tokens.client_secret))
        )

    async def listing(request: Request) -> Response:
        if not _client_ok(request, tokens):
            return _oauth_error(401, "invalid_client", "Basic client credentials are missing or wrong")
        owner_type = request.query_params.get("owner_type")
        if owner_type != "district":
            return _oauth_error(400, "invalid_request", "owner_type must be 'district'")
        wanted = request.query_params.get("district")
        entries = []
        for district_id in directory.district_ids():
            if wanted is not None and district_id != wanted:
                continue
            token = tokens.district_token(district_id)
            grant = tokens.resolve(token)
            # A connection is as old as the district (its id's time) unless the id is not an ObjectID.
            created = (
                object_id_time(district_id) if is_object_id(district_id) else int(clock.now().timestamp())
            )
            token_id = hashlib.blake2b(f"token\x1f{token}".encode(), digest_size=8).hexdigest()
            entries.append(
                TokenEntry(
                    id=f"{created:08x}{token_id}",
                    created=format_timestamp(dt.datetime.fromtimestamp(created, dt.UTC)),
                    owner=TokenOwner("district", district_id),
                    access_token=token,
                    scopes=list(grant.scopes) if grant else [],
                )
            )
        query = (
            {"owner_type": owner_type} if wanted is None else {"owner_type": owner_type, "district": wanted}
        )
        return json_response(TokenListing(entries, [Link("self", f"/oauth/tokens?{urlencode(query)}")]))

    async def tokeninfo(request: Request) -> Response:
        grant = resolve_grant(request, tokens)
        if isinstance(grant, Response):
            return grant
        return json_response(TokenInfo(tokens.client_id, list(grant.scopes)))

    return [
        Route("/oauth/authorize", authorize_page, methods=["GET"]),
        Route("/oauth/authorize", authorize_choice, methods=["POST"]),
        Route("/oauth/tokens", exchange, methods=["POST"]),
        Route("/oauth/tokens", listing, methods=["GET"]),
        Route("/oauth/tokeninfo", tokeninfo, methods=["GET"]),
    ]


def identity_routes(
    directory: Directory,
    tokens: TokenRegistry,
    clock: Clock,
    *,
    unversioned_me: ApiVersion = "v3.0",
    me_data_type: MeDataType = "role",
    scan_budget: int = SCAN_BUDGET,
) -> list[BaseRoute]:
    """Every identity route: OAuth (authorize, tokens, tokeninfo), `/me` in each version, `/userinfo`."""
    return [
        *oauth_routes(directory, tokens, clock, scan_budget=scan_budget),
        *me_routes(directory, tokens, unversioned=unversioned_me, data_type=me_data_type),
    ]
