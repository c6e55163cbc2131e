"""The identity provider's routes in one list: `/oauth/authorize`, `/oauth/tokens`, `/oauth/tokeninfo`, `/me`
in each version and `/userinfo`."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from rollcall.domain.timestamps import Clock
from rollcall.emulator.directory import SCAN_BUDGET, Directory
from rollcall.emulator.sso.authorize import AuthorizeEndpoints
from rollcall.emulator.sso.token_endpoint import TokenEndpoints
from rollcall.emulator.sso.userinfo import ApiVersion, MeDataType, me_routes
from rollcall.emulator.tokens import TokenRegistry


def oauth_routes(
    directory: Directory, tokens: TokenRegistry, clock: Clock, *, scan_budget: int = SCAN_BUDGET
) -> list[BaseRoute]:
    """`/oauth/authorize` (GET page, POST choice), `/oauth/tokens` (POST exchange, GET listing), tokeninfo.
    A filtered sign-in page reads at most `scan_budget` people per request."""
    authorize = AuthorizeEndpoints(directory, tokens, clock, scan_budget=scan_budget)
    token = TokenEndpoints(directory, tokens, clock)
    return [
        Route("/oauth/authorize", authorize.page, methods=["GET"]),
        Route("/oauth/authorize", authorize.choose, methods=["POST"]),
        Route("/oauth/tokens", token.exchange, methods=["POST"]),
        Route("/oauth/tokens", token.listing, methods=["GET"]),
        Route("/oauth/tokeninfo", token.tokeninfo, methods=["GET"]),
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
