"""Who a bearer token belongs to, as Clever answers it: `/me` (v2.1 and v3.x shapes) and OIDC `/userinfo`
(clever-api.md §6.3). The shapes are pure functions of who signed in, acting as which role (`ActingAs`); the
routes only resolve the token.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final, Literal

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from rollcall.domain.acting_as import ActingAs
from rollcall.domain.district import District
from rollcall.domain.paging import Link
from rollcall.domain.user import as_role_name, default_login_role
from rollcall.emulator.directory import Directory
from rollcall.emulator.tokens import Grant, TokenRegistry

JSON_TYPE: Final = "application/json; charset=utf-8"
ApiVersion = Literal["v2.1", "v3.0", "v3.1"]
MeDataType = Literal["role", "user"]


class MeData(msgspec.Struct):
    """`/me` data of an SSO token: v3 id (v2.1: the login role's legacy id), district, role, authorizer."""

    id: str
    district: str
    type: str
    authorized_by: str = "district"


class MeResponse(msgspec.Struct):
    """`/me` of a user token; `type` is `"user"` in v3.x and the v2.1 role in v2.1."""

    type: str
    data: MeData
    links: list[Link]


class DistrictMeData(msgspec.Struct):
    """`/me` data of a district-app token: the district it reaches (`district` repeats the id, so readers of
    the user shape still find one)."""

    id: str
    district: str
    type: str
    name: str


class DistrictMeResponse(msgspec.Struct):
    """`/me` of a district-app token (our choice, see docs/emulator-identity.md): `type` is `"district"`."""

    type: str
    data: DistrictMeData
    links: list[Link]


class UserInfoName(msgspec.Struct):
    first: str | None
    last: str | None
    middle: str | None


class UserInfo(msgspec.Struct):
    """OIDC `/userinfo`: only the role of the current login (clever-api.md §6.3)."""

    sub: str
    user_id: str | None  # the login role's legacy id; null for a role with no v2.1 record
    multi_role_user_id: str
    user_type: str
    district_id: str
    district: str
    email: str | None
    name: UserInfoName
    schools: list[str]
    given_name: str | None
    family_name: str | None
    email_verified: bool
    authorized_by: str


class ErrorBody(msgspec.Struct):
    message: str


def me_v3(login: ActingAs, version: ApiVersion, data_type: MeDataType = "role") -> MeResponse:
    """v3.x `/me`: top-level `user`, `data.type` the login role (or `user`), canonical link to the v3 user."""
    user_id = login.user.id
    return MeResponse(
        type="user",
        data=MeData(
            id=user_id, district=login.district_id, type=login.role if data_type == "role" else "user"
        ),
        links=[
            Link("self", "/me"),
            Link("canonical", f"/{version}/users/{user_id}"),
            Link("district", f"/{version}/districts/{login.district_id}"),
        ],
    )


def me_v2(login: ActingAs) -> MeResponse | None:
    """v2.1 `/me`: the login role in v2.1 words at both levels and that role's legacy id; None when the role
    has no v2.1 record (a role without a legacy id is invisible to v2.1)."""
    legacy_id = login.legacy_id
    if legacy_id is None:
        return None
    return MeResponse(
        type=login.v2_type,
        data=MeData(id=legacy_id, district=login.district_id, type=login.v2_type),
        links=[
            Link("self", "/me"),
            Link("canonical", f"/v2.1/{login.v2_type}s/{legacy_id}"),
            Link("district", f"/v2.1/districts/{login.district_id}"),
        ],
    )


def me_district(district: District, version: ApiVersion) -> DistrictMeResponse:
    """`/me` of a district-app token."""
    return DistrictMeResponse(
        type="district",
        data=DistrictMeData(id=district.id, district=district.id, type="district", name=district.name),
        links=[Link("self", "/me"), Link("canonical", f"/{version}/districts/{district.id}")],
    )


def userinfo(login: ActingAs) -> UserInfo:
    """OIDC `/userinfo` of a login: ids of the login role, its schools, the person's name and email."""
    user = login.user
    name = user.name
    return UserInfo(
        sub=user.id,
        user_id=login.legacy_id,
        multi_role_user_id=user.id,
        user_type=login.role,
        district_id=login.district_id,
        district=login.district_id,
        email=user.email,
        name=UserInfoName(first=name.first, last=name.last, middle=name.middle),
        schools=login.schools,
        given_name=name.first,
        family_name=name.last,
        email_verified=False,
        authorized_by="district",
    )


def json_response(body: object, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response with Clever's content type."""
    return Response(msgspec.json.encode(body), status_code=status, headers=headers, media_type=JSON_TYPE)


def unauthorized(message: str) -> Response:
    """401 `{"message": …}`, what a bad or missing token gets."""
    return json_response(ErrorBody(message), status=401)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


def resolve_grant(request: Request, tokens: TokenRegistry) -> Grant | Response:
    """The grant of the request's bearer token, or the 401 response to send instead."""
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        return unauthorized("Missing bearer token: send Authorization: Bearer <token>")
    grant = tokens.resolve(token)
    if grant is None:
        return unauthorized("Invalid or revoked token")
    return grant


def login_of(grant: Grant, directory: Directory) -> ActingAs | None:
    """The login an SSO grant stands for, or None when the user is gone (district tokens have none)."""
    if grant.kind != "sso" or grant.user_id is None:
        return None
    found = directory.find_user(grant.user_id)
    if found is None:
        return None
    _, user = found
    role = as_role_name(grant.login_role or "")
    if role is None or role not in user.role_names():
        # The person lost the role they logged in with: the token outlives roster changes, so fall back.
        role = default_login_role(user)
    return ActingAs(user=user, role=role)


def me_routes(
    directory: Directory,
    tokens: TokenRegistry,
    *,
    unversioned: ApiVersion = "v3.0",
    data_type: MeDataType = "role",
) -> list[BaseRoute]:
    """`/me`, `/v2.1/me`, `/v3.0/me`, `/v3.1/me` and `/userinfo`."""

    def me_handler(version: ApiVersion) -> Callable[[Request], Awaitable[Response]]:
        async def me(request: Request) -> Response:
            grant = resolve_grant(request, tokens)
            if isinstance(grant, Response):
                return grant
            if grant.kind == "district":
                if grant.district_id not in directory.district_ids():
                    return unauthorized("The token's district is no longer loaded")
                return json_response(me_district(directory.district(grant.district_id), version))
            login = login_of(grant, directory)
            if login is None:
                return unauthorized("The token's user no longer exists")
            if version != "v2.1":
                return json_response(me_v3(login, version, data_type))
            v2 = me_v2(login)
            if v2 is None:
                message = f"the {login.role} role of user {login.user.id} has no v2.1 record (no legacy_id)"
                return json_response(ErrorBody(message), status=404)
            return json_response(v2)

        return me

    async def user_info(request: Request) -> Response:
        grant = resolve_grant(request, tokens)
        if isinstance(grant, Response):
            return grant
        login = login_of(grant, directory)
        if login is None:
            return unauthorized("/userinfo needs the SSO token of an existing user")
        return json_response(userinfo(login))

    versions: tuple[ApiVersion, ...] = ("v2.1", "v3.0", "v3.1")
    return [
        Route("/me", me_handler(unversioned), methods=["GET"]),
        *(Route(f"/{version}/me", me_handler(version), methods=["GET"]) for version in versions),
        Route("/userinfo", user_info, methods=["GET"]),
    ]
