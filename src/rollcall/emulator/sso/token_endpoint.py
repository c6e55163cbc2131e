"""Clever's OAuth token endpoints (clever-api.md §6.2, §6.4): `POST /oauth/tokens` exchanges a code for an
SSO token and an id_token, `GET /oauth/tokens` lists the district-app tokens, `GET /oauth/tokeninfo` says
what a token may do. Pure checks decide; each handler parses, calls them and the registry, and answers."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import parse_qs, urlencode

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from rollcall.domain.acting_as import ActingAs
from rollcall.domain.ids import is_object_id, object_id_time
from rollcall.domain.paging import Link
from rollcall.domain.timestamps import Clock, format_timestamp
from rollcall.domain.user import as_role_name
from rollcall.emulator.directory import Directory
from rollcall.emulator.sso.authorize import single_values
from rollcall.emulator.sso.id_token import encode_id_token, id_token_claims
from rollcall.emulator.sso.userinfo import json_response, resolve_grant
from rollcall.emulator.tokens import AuthorizationCode, Grant, TokenRegistry

CODE_LIFETIME_SECONDS: Final = 60


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


@dataclass(frozen=True, slots=True)
class OAuthFailure:
    """An OAuth error answer: its status, `error` code and description."""

    status: int
    error: str
    description: str | None = None


BAD_CLIENT: Final = OAuthFailure(401, "invalid_client", "Basic client credentials are missing or wrong")


def oauth_error(failure: OAuthFailure) -> Response:
    headers = {"WWW-Authenticate": 'Basic realm="clever"'} if failure.status == 401 else None
    return json_response(
        OAuthError(failure.error, failure.description), status=failure.status, headers=headers
    )


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


def token_body(content_type: str, raw: bytes) -> dict[str, str] | str:
    """The exchange's parameters from a JSON or urlencoded body, or why it cannot be read."""
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            return msgspec.json.decode(raw, type=dict[str, str])
        except msgspec.DecodeError as exc:
            return f"body is not a JSON object of strings: {exc}"
    if kind == "application/x-www-form-urlencoded":
        return single_values(parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True))
    return f"unsupported content type {kind or '(none)'!r}; send JSON or a urlencoded form"


def check_exchange_request(body: Mapping[str, str]) -> str | OAuthFailure:
    """The code an exchange request carries, or what is wrong with the request itself."""
    if body.get("grant_type") != "authorization_code":
        grant_type = body.get("grant_type")
        return OAuthFailure(400, "unsupported_grant_type", f"grant_type {grant_type!r} is not supported")
    if not body.get("code"):
        return OAuthFailure(400, "invalid_request", "code is required")
    return body["code"]


def check_grant(
    pending: AuthorizationCode | None,
    body: Mapping[str, str],
    *,
    now: float,
    client_id: str,
    directory: Directory,
) -> ActingAs | OAuthFailure:
    """Who the code signs in, acting as which role, or why the grant is invalid."""
    if pending is None:
        return OAuthFailure(400, "invalid_grant", "Invalid grant: invalid code (unknown or already used)")
    if now - pending.issued_at > CODE_LIFETIME_SECONDS:
        return OAuthFailure(400, "invalid_grant", "Invalid grant: the code expired")
    if pending.client_id != client_id:
        return OAuthFailure(400, "invalid_grant", "Invalid grant: the code belongs to another client")
    if body.get("redirect_uri", pending.redirect_uri) != pending.redirect_uri:
        return OAuthFailure(400, "invalid_grant", "Invalid grant: redirect_uri does not match")
    found = directory.find_user(pending.user_id)
    role = as_role_name(pending.login_role)
    if found is None or role is None:
        return OAuthFailure(400, "invalid_grant", "Invalid grant: the user no longer exists")
    if role not in found[1].role_names():
        return OAuthFailure(400, "invalid_grant", f"Invalid grant: the user no longer holds the {role} role")
    return ActingAs(user=found[1], role=role)


def token_entry(district_id: str, token: str, grant: Grant | None, now: float) -> TokenEntry:
    """One district-app token as `GET /oauth/tokens` lists it. A connection is as old as the district (its
    id's time) unless the id is not an ObjectID."""
    created = object_id_time(district_id) if is_object_id(district_id) else int(now)
    token_id = hashlib.blake2b(f"token\x1f{token}".encode(), digest_size=8).hexdigest()
    return TokenEntry(
        id=f"{created:08x}{token_id}",
        created=format_timestamp(dt.datetime.fromtimestamp(created, dt.UTC)),
        owner=TokenOwner("district", district_id),
        access_token=token,
        scopes=list(grant.scopes) if grant else [],
    )


class TokenEndpoints:
    """`POST /oauth/tokens`, `GET /oauth/tokens` and `GET /oauth/tokeninfo`."""

    def __init__(self, directory: Directory, tokens: TokenRegistry, clock: Clock) -> None:
        self.directory = directory
        self.tokens = tokens
        self.clock = clock

    def _client_ok(self, request: Request) -> bool:
        credentials = basic_credentials(request.headers.get("authorization"))
        return credentials is not None and self.tokens.check_client(*credentials)

    async def exchange(self, request: Request) -> Response:
        if not self._client_ok(request):
            return oauth_error(BAD_CLIENT)
        body = token_body(request.headers.get("content-type", ""), await request.body())
        if isinstance(body, str):
            return oauth_error(OAuthFailure(400, "invalid_request", body))
        code = check_exchange_request(body)
        if isinstance(code, OAuthFailure):
            return oauth_error(code)
        now = self.clock.now().timestamp()
        pending = self.tokens.take_code(code)  # taken even when refused below: a code is good for one try
        client_id = self.tokens.client_id
        login = check_grant(pending, body, now=now, client_id=client_id, directory=self.directory)
        if isinstance(login, OAuthFailure):
            return oauth_error(login)
        nonce = pending.nonce if pending is not None else None
        access_token = self.tokens.mint_sso_token(login.district_id, login.user.id, login.role)
        claims = id_token_claims(login, client_id=client_id, issued_at=int(now), nonce=nonce)
        id_token = encode_id_token(claims, self.tokens.client_secret)
        return json_response(TokenResponse(access_token, "bearer", id_token))

    async def listing(self, request: Request) -> Response:
        if not self._client_ok(request):
            return oauth_error(BAD_CLIENT)
        owner_type = request.query_params.get("owner_type")
        if owner_type != "district":
            return oauth_error(OAuthFailure(400, "invalid_request", "owner_type must be 'district'"))
        wanted = request.query_params.get("district")
        now = self.clock.now().timestamp()
        entries = []
        for district_id in self.directory.district_ids():
            if wanted is None or district_id == wanted:
                token = self.tokens.district_token(district_id)
                entries.append(token_entry(district_id, token, self.tokens.resolve(token), now))
        query = (
            {"owner_type": owner_type} if wanted is None else {"owner_type": owner_type, "district": wanted}
        )
        return json_response(TokenListing(entries, [Link("self", f"/oauth/tokens?{urlencode(query)}")]))

    async def tokeninfo(self, request: Request) -> Response:
        grant = resolve_grant(request, self.tokens)
        if isinstance(grant, Response):
            return grant
        return json_response(TokenInfo(self.tokens.client_id, list(grant.scopes)))
