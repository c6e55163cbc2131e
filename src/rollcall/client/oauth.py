"""Clever's OAuth endpoints (clever-api.md §6.2, §6.4): the authorize URL a browser is sent to, the code
exchange (Basic auth, JSON body, single use), and the listing of district-app tokens.

Tokens are secrets: the reprs here never show them, and errors carry only method, URL and status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urlencode, urlsplit

import httpx
import msgspec

from rollcall.client.options import (
    DEFAULT_BASE_URL,
    AsyncOptions,
    HttpOptions,
    SyncOptions,
    absolute_url,
    split_version,
)
from rollcall.client.page_walk import follow_next
from rollcall.client.session import AsyncSession, SyncSession
from rollcall.domain.paging import Link
from rollcall.errors import UsageError

CLEVER_OAUTH_BASE: Final = "https://clever.com"
TOKEN_PATH: Final = "/oauth/tokens"


class TokenResponse(msgspec.Struct, kw_only=True, frozen=True):
    """What the code exchange returns: an SSO bearer token, and an OIDC `id_token` when enabled."""

    access_token: str
    token_type: str = "bearer"
    id_token: str | None = None

    def __repr__(self) -> str:
        has_id = "yes" if self.id_token else "no"
        return f"TokenResponse(access_token=<redacted>, token_type={self.token_type!r}, id_token={has_id})"


class TokenOwner(msgspec.Struct, frozen=True):
    """Who a district-app token belongs to (`owner_type` is only ever `district`)."""

    type: str
    id: str


class DistrictToken(msgspec.Struct, kw_only=True, frozen=True):
    """One connected district's app token (`GET /oauth/tokens?owner_type=district`)."""

    id: str
    owner: TokenOwner
    access_token: str
    created: str | None = None
    scopes: list[str] = []

    @property
    def district_id(self) -> str:
        return self.owner.id

    def __repr__(self) -> str:
        return f"DistrictToken(id={self.id!r}, district={self.owner.id!r}, access_token=<redacted>)"


class TokensPage(msgspec.Struct):
    """One page of `GET /oauth/tokens`: the tokens (not wrapped in `{data, uri}`) and `links`."""

    data: list[DistrictToken]
    links: list[Link] = []


_token_decoder: Final = msgspec.json.Decoder(TokenResponse)
_tokens_page_decoder: Final = msgspec.json.Decoder(TokensPage)


def authorize_url(
    client_id: str,
    redirect_uri: str,
    state: str,
    district_id: str | None = None,
    nonce: str | None = None,
    base: str = CLEVER_OAUTH_BASE,
    scope: str | None = None,
) -> str:
    """Where to send the browser to sign in with Clever (`response_type=code`). `state` is the CSRF
    value the callback must echo; `district_id` skips Clever's district picker; `nonce` returns in the
    id_token."""
    for name, value in (("client_id", client_id), ("redirect_uri", redirect_uri), ("state", state)):
        if not value:
            raise UsageError(f"authorize_url needs a non-empty {name}")
    query = [
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect_uri),
        ("state", state),
    ]
    for name, optional in (("district_id", district_id), ("nonce", nonce), ("scope", scope)):
        if optional:
            query.append((name, optional))
    return f"{base.rstrip('/')}/oauth/authorize?{urlencode(query)}"


@dataclass(frozen=True, slots=True)
class CodeGrant:
    """What the code exchange sends: the callback's `code`, the `redirect_uri` it was issued for, and the
    app's OAuth client. `token_url` is Clever's unless pointed at the emulator. The secret stays out of the
    repr."""

    code: str
    redirect_uri: str
    client_id: str
    client_secret: str = field(repr=False)
    token_url: str = CLEVER_OAUTH_BASE + TOKEN_PATH

    def __post_init__(self) -> None:
        if not self.code:
            raise UsageError("exchange_code needs the `code` from the callback")

    def body(self) -> bytes:
        grant = {"code": self.code, "grant_type": "authorization_code", "redirect_uri": self.redirect_uri}
        return msgspec.json.encode(grant)

    def auth(self) -> httpx.Auth:
        return httpx.BasicAuth(self.client_id, self.client_secret)


def exchange_code(grant: CodeGrant, options: SyncOptions | None = None) -> TokenResponse:
    """Trade an authorization code for an SSO token (`POST /oauth/tokens`, Basic auth, JSON body).

    A code is single-use, so the request is retried only when it never reached Clever (connection
    refused) or was refused with 429; 400 (`invalid_grant`: expired or reused code) raises `BadRequest`,
    bad client credentials raise `Unauthorized`.
    """
    session = SyncSession(grant.auth(), options or HttpOptions())
    try:
        return session.request(grant.token_url, _token_decoder.decode, body=grant.body())
    finally:
        session.close()


async def exchange_code_async(grant: CodeGrant, options: AsyncOptions | None = None) -> TokenResponse:
    """`exchange_code` for asyncio web apps."""
    session = AsyncSession(grant.auth(), options or HttpOptions())
    try:
        return await session.request(grant.token_url, _token_decoder.decode, body=grant.body())
    finally:
        await session.aclose()


def oauth_base_for(data_url: str) -> str:
    """The OAuth base that goes with a Data API base URL: Clever's own (https://clever.com) for
    api.clever.com; any other host serves both, as the emulator does, so the same base URL."""
    base, _ = split_version(absolute_url(data_url))
    return CLEVER_OAUTH_BASE if urlsplit(base).hostname == urlsplit(DEFAULT_BASE_URL).hostname else base


def list_district_tokens(
    client_id: str,
    client_secret: str,
    base: str = CLEVER_OAUTH_BASE,
    *,
    district_id: str | None = None,
    options: SyncOptions | None = None,
) -> list[DistrictToken]:
    """Every district-app token of the app (`GET /oauth/tokens?owner_type=district`), following `next`
    links; `district_id` narrows it to one district."""
    base = absolute_url(base, "OAuth base URL")
    query = [("owner_type", "district")] + ([("district", district_id)] if district_id else [])
    url: str | None = f"{TOKEN_PATH}?{urlencode(query)}"
    auth = httpx.BasicAuth(client_id, client_secret)
    session = SyncSession(auth, options or HttpOptions(), base)
    found: list[DistrictToken] = []
    try:
        while url is not None:
            page = session.request(url, _tokens_page_decoder.decode)
            found.extend(page.data)
            url = next_tokens_url(page, url, base)
    finally:
        session.close()
    return found


def next_tokens_url(page: TokensPage, current: str, base: str) -> str | None:
    """The next page of the token listing, by its `next` link (same rules as data lists)."""
    uri = next((link.uri for link in page.links if link.rel == "next"), None)
    return follow_next(uri if page.data else None, current, base)
