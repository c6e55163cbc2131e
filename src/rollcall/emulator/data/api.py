"""The Data and Events API over HTTP: bearer-token auth and scoping, path dispatch through the `routes`
table, paging, and Clever's envelopes (`{"links","data":[{"data","uri"}]}`, `{"data","links"}`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from starlette.requests import Request
from starlette.responses import Response

from rollcall.domain.event import EVENT_RECORD_TYPES
from rollcall.domain.user import RoleName
from rollcall.domain.v2 import V2_COLLECTION_OF_ROLE
from rollcall.domain.version import API_VERSIONS, ApiVersion
from rollcall.emulator.data.paging import page_links, parse_page_request, select_page
from rollcall.emulator.data.render import ENCODER, RecordMissing, Renderer
from rollcall.emulator.data.routes import Collection, Filters, Relation, collections
from rollcall.emulator.data.state import DistrictState, EmulatorState
from rollcall.emulator.responses import (
    ApiProblem,
    RouteMissing,
    json_bytes_response,
    problem_response,
    route_missing_response,
)
from rollcall.emulator.tokens import Grant

VERSIONS: Final[dict[str, ApiVersion]] = {version: version for version in API_VERSIONS}


@dataclass(frozen=True, slots=True)
class ApiRequest:
    """The parts of an HTTP request the API reads."""

    method: str
    path: str
    raw_query: str
    query: Sequence[tuple[str, str]]
    authorization: str | None
    raw_path: str | None = None  # the path as sent (percent-encoding kept), for the verbatim `self` link


def _links_json(links: list[tuple[str, str]]) -> bytes:
    return ENCODER.encode([{"rel": rel, "uri": uri} for rel, uri in links])


def _list_body(links: list[tuple[str, str]], items: list[bytes]) -> bytes:
    return b'{"links":' + _links_json(links) + b',"data":[' + b",".join(items) + b"]}"


def _single_body(record: bytes, links: list[tuple[str, str]]) -> bytes:
    return b'{"data":' + record + b',"links":' + _links_json(links) + b"}"


def _first(query: Sequence[tuple[str, str]], key: str) -> str | None:
    return next((value for k, value in query if k == key), None)


def _raw_path(request: Request) -> str | None:
    # Some ASGI servers put the query into raw_path, uvicorn does not: keep only the path.
    raw = request.scope.get("raw_path")
    return raw.partition(b"?")[0].decode("latin-1") if isinstance(raw, bytes) else None


def _not_found(kind: str, record_id: str) -> ApiProblem:
    return ApiProblem(404, f"Resource not found: no {kind} with id {record_id}")


class DataApi:
    """Answers every GET under /v2.1, /v3.0 and /v3.1 from an `EmulatorState`."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    async def endpoint(self, request: Request) -> Response:
        api_request = ApiRequest(
            method=request.method,
            path=request.scope["path"],  # not url.path: urllib drops a decoded newline from it
            raw_query=request.url.query,
            query=request.query_params.multi_items(),
            authorization=request.headers.get("authorization"),
            raw_path=_raw_path(request),
        )
        return self.handle(api_request)

    def handle(self, request: ApiRequest) -> Response:
        try:
            return json_bytes_response(self._answer(request))
        except ApiProblem as problem:
            return problem_response(problem)
        except RouteMissing as missing:
            return route_missing_response(missing.method, missing.path)

    def _answer(self, request: ApiRequest) -> bytes:
        segments = request.path.strip("/").split("/")
        version = VERSIONS.get(segments[0])
        if request.method not in ("GET", "HEAD") or version is None or not 2 <= len(segments) <= 4:
            raise RouteMissing(request.method, request.path)
        name, rest = segments[1], segments[2:]
        table = collections(version)
        collection = table.get(name)
        relation: Relation | None = None
        if name != "events" and collection is None:
            raise RouteMissing(request.method, request.path)
        if len(rest) == 2:
            relation = collection.relations.get(rest[1].lower()) if collection is not None else None
            if relation is None:
                raise RouteMissing(request.method, request.path)
        grant = self._grant(request)
        district = self.state.find_district_state(grant.district_id)
        if district is None:
            raise ApiProblem(401, "the district of this token is no longer connected")
        if grant.kind == "sso":
            self._check_sso(grant, district, version, request, name, rest)
        renderer = district.renderer(version)
        if name == "events":
            return self._events(request, district, renderer, rest)
        assert collection is not None
        if not rest:
            filters = self._filters(request.query, collection.roles, primary=False)
            return self._list(request, renderer, collection.name, collection.top(district.index, filters))
        record_id = rest[0]
        if not collection.exists(district.index, record_id):
            raise _not_found(collection.name, record_id)
        if relation is None:
            return _single_body(
                renderer.record_bytes(collection.name, record_id), renderer.links(name, record_id)
            )
        return self._relation(request, renderer, relation, collection, record_id)

    def _grant(self, request: ApiRequest) -> Grant:
        header = request.authorization or ""
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiProblem(401, "Unauthorized: send an 'Authorization: Bearer <token>' header")
        grant = self.state.tokens.resolve(token.strip())
        if grant is None:
            raise ApiProblem(401, "Unauthorized: the bearer token is invalid or revoked")
        return grant

    def _check_sso(
        self,
        grant: Grant,
        district: DistrictState,
        version: ApiVersion,
        request: ApiRequest,
        name: str,
        rest: list[str],
    ) -> None:
        """SSO tokens reach only the user's own record, its district and its schools, with no paging."""
        allowed = False
        if len(rest) == 1 and not request.query and grant.user_id is not None:
            target = rest[0]
            user = district.snapshot.users.get(grant.user_id)
            if name == "districts":
                allowed = target == grant.district_id
            elif name == "schools":
                allowed = user is not None and target in district.index.schools_of_user(user, primary=False)
            elif version != "v2.1":
                allowed = name == "users" and target == grant.user_id
            elif user is not None:
                allowed = any(
                    name == V2_COLLECTION_OF_ROLE[role] and target == legacy_id
                    for role, legacy_id in user.legacy_ids().items()
                )
        if not allowed:
            raise RouteMissing(request.method, request.path)

    def _filters(
        self, query: Sequence[tuple[str, str]], roles: tuple[RoleName, ...], *, primary: bool
    ) -> Filters:
        chosen: tuple[RoleName, ...] = ()
        if roles and (role := _first(query, "role")) is not None:
            match = [r for r in roles if r == role]
            if not match:
                raise ApiProblem(400, f"invalid role {role!r}; expected one of {', '.join(roles)}")
            chosen = (match[0],)
        want_primary = False
        if primary and (flag := _first(query, "primary")) is not None:
            if flag not in ("", "true"):
                raise ApiProblem(400, f"invalid primary {flag!r}; expected 'true' or ''")
            want_primary = flag == "true"
        return Filters(roles=chosen, primary=want_primary)

    def _list(self, request: ApiRequest, renderer: Renderer, kind: str, ids: Sequence[str]) -> bytes:
        page = parse_page_request(request.query)
        chosen = select_page(ids, page)
        links = page_links(request.raw_path or request.path, request.raw_query, request.query, page, chosen)
        return _list_body(links, renderer.items(kind, chosen))

    def _relation(
        self, request: ApiRequest, renderer: Renderer, relation: Relation, parent: Collection, record_id: str
    ) -> bytes:
        index = renderer.index
        if relation.single is not None:
            target_id = relation.single(index, record_id)
            if target_id is None:
                raise _not_found(relation.target, f"for {parent.name} {record_id}")
            try:
                record = renderer.record_bytes(relation.target, target_id)
            except RecordMissing:
                raise _not_found(relation.target, target_id) from None
            return _single_body(record, [("self", renderer.uri(relation.target, target_id))])
        assert relation.many is not None
        filters = self._filters(request.query, relation.roles, primary=relation.primary)
        return self._list(request, renderer, relation.target, relation.many(index, record_id, filters))

    def _events(
        self, request: ApiRequest, district: DistrictState, renderer: Renderer, rest: list[str]
    ) -> bytes:
        version = renderer.version
        district.events.expire(self.state.clock.now())
        if len(rest) > 1:
            raise RouteMissing(request.method, request.path)
        if rest:
            found = district.events.find(version, rest[0])
            if found is None:
                raise _not_found("event", rest[0])
            return _single_body(found.body, [("self", renderer.uri("events", found.id))])
        known = EVENT_RECORD_TYPES[version]
        record_types = tuple(value for key, value in request.query if key in ("record_type", "record_type[]"))
        unknown = [value for value in record_types if value not in known]
        if unknown:
            raise ApiProblem(400, f"invalid record_type {unknown[0]!r}; expected one of {', '.join(known)}")
        ids = district.events.ids(version, _first(request.query, "school"), tuple(sorted(set(record_types))))
        return self._list(request, renderer, "events", ids)
