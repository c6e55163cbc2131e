"""Clever's OAuth endpoints (clever-api.md §6.2, §6.4): the authorize URL a browser is sent to, the code
exchange (Basic auth, JSON body, single use), and the listing of district-app tokens.

Tokens are secrets: the reprs here never show them, and errors carry only method, URL and status.
"""

from __future__ import annotations

import random
from typing import Final
from urllib.parse import urlencode, urlsplit

import httpx
import msgspec

from rollcall.client.pages import same_origin_path
from rollcall.client.retry import RetryPolicy
from rollcall.client.session import (
    DEFAULT_TIMEOUT,
    USER_AGENT,
    AsyncSession,
    AsyncSleep,
    Sleep,
    SyncSession,
)
from rollcall.domain.paging import Link
from rollcall.domain.timestamps import Clock
from rollcall.errors import CleverApiError, UsageError

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


def _exchange_body(code: str, redirect_uri: str) -> bytes:
    if not code:
        raise UsageError("exchange_code needs the `code` from the callback")
    body = {"code": code, "grant_type": "authorization_code", "redirect_uri": redirect_uri}
    return msgspec.json.encode(body)


def _headers() -> dict[str, str]:
    return {"Accept": "application/json", "Content-Type": "application/json", "User-Agent": USER_AGENT}


def exchange_code(
    code: str,
    redirect_uri: str,
    client_id: str,
    client_secret: str,
    token_url: str = CLEVER_OAUTH_BASE + TOKEN_PATH,
    *,
    transport: httpx.BaseTransport | None = None,
    timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
    retry: RetryPolicy | None = None,
    clock: Clock | None = None,
    sleep: Sleep | None = None,
    rng: random.Random | None = None,
) -> TokenResponse:
    """Trade an authorization code for an SSO token (`POST /oauth/tokens`, Basic auth, JSON body).

    A code is single-use, so the request is retried only when it never reached Clever (connection
    refused) or was refused with 429; 400 (`invalid_grant`: expired or reused code) raises `BadRequest`,
    bad client credentials raise `Unauthorized`.
    """
    body = _exchange_body(code, redirect_uri)
    http = httpx.Client(
        auth=httpx.BasicAuth(client_id, client_secret),
        transport=transport,
        timeout=timeout,
        headers=_headers(),
    )
    session = SyncSession(http, policy=retry or RetryPolicy(), clock=clock, sleep=sleep, rng=rng)
    try:
        return session.request(
            token_url, _token_decoder.decode, method="POST", content=body, idempotent=False
        )
    finally:
        session.close()


async def exchange_code_async(
    code: str,
    redirect_uri: str,
    client_id: str,
    client_secret: str,
    token_url: str = CLEVER_OAUTH_BASE + TOKEN_PATH,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
    retry: RetryPolicy | None = None,
    clock: Clock | None = None,
    sleep: AsyncSleep | None = None,
    rng: random.Random | None = None,
) -> TokenResponse:
    """`exchange_code` for asyncio web apps."""
    body = _exchange_body(code, redirect_uri)
    http = httpx.AsyncClient(
        auth=httpx.BasicAuth(client_id, client_secret),
        transport=transport,
        timeout=timeout,
        headers=_headers(),
    )
    session = AsyncSession(http, policy=retry or RetryPolicy(), clock=clock, sleep=sleep, rng=rng)
    try:
        return await session.request(
            token_url, _token_decoder.decode, method="POST", content=body, idempotent=False
        )
    finally:
        await session.aclose()


def list_district_tokens(
    client_id: str,
    client_secret: str,
    base: str = CLEVER_OAUTH_BASE,
    *,
    district_id: str | None = None,
    transport: httpx.BaseTransport | None = None,
    timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
    retry: RetryPolicy | None = None,
    clock: Clock | None = None,
    sleep: Sleep | None = None,
    rng: random.Random | None = None,
) -> list[DistrictToken]:
    """Every district-app token of the app (`GET /oauth/tokens?owner_type=district`), following `next`
    links; `district_id` narrows it to one district."""
    origin = urlsplit(base)
    if not origin.scheme or not origin.netloc:
        raise UsageError(f"base must be an absolute URL like https://clever.com, got {base!r}")
    query = [("owner_type", "district")] + ([("district", district_id)] if district_id else [])
    url: str | None = f"{TOKEN_PATH}?{urlencode(query)}"
    http = httpx.Client(
        base_url=base.rstrip("/"),
        auth=httpx.BasicAuth(client_id, client_secret),
        transport=transport,
        timeout=timeout,
        headers=_headers(),
    )
    session = SyncSession(http, policy=retry or RetryPolicy(), clock=clock, sleep=sleep, rng=rng)
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
    if not page.data or uri is None:
        return None
    target = same_origin_path(base, uri)
    if target == current:
        raise CleverApiError(f"the next link of {current} points at the same page; stopping", url=current)
    return target
