"""The control plane under `/_emulator/`: load, list and drop districts, apply roster changes, revoke a
district's token, mint SSO tokens and move the clock. Unauthenticated JSON, meant for 127.0.0.1 only
(docs/emulator.md)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Final, TypeVar

import msgspec
import structlog
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.timestamps import format_timestamp
from rollcall.domain.user import ROLE_NAMES
from rollcall.emulator.data.roster_changes import (
    apply_roster_operations,
    change_roster,
    counts_by_collection,
    decode_operations,
)
from rollcall.emulator.data.state import EmulatorState
from rollcall.emulator.responses import ALL_METHODS, JSON_CONTENT_TYPE
from rollcall.emulator.sources import generate_snapshot, load_sftp_snapshot
from rollcall.errors import NotFound, RollcallError, UsageError

PREFIX: Final = "/_emulator"
log = structlog.get_logger(__name__)
T = TypeVar("T")


class GenerateRequest(msgspec.Struct, forbid_unknown_fields=True):
    students: int
    seed: str | int = "rollcall"


class RosterSource(msgspec.Struct, forbid_unknown_fields=True):
    """Exactly one of: an SFTP directory, generator parameters, a whole snapshot, or operations."""

    sftp: str | None = None
    generate: GenerateRequest | None = None
    snapshot: DistrictSnapshot | None = None
    operations: list[msgspec.Raw] | None = None
    seed: str | None = None
    name: str | None = None


class SsoRequest(msgspec.Struct, forbid_unknown_fields=True):
    user_id: str
    role: str | None = None


class RedirectUriRequest(msgspec.Struct, forbid_unknown_fields=True):
    uri: str


class ClockRequest(msgspec.Struct, forbid_unknown_fields=True):
    seconds: float = 0
    days: float = 0


def _json(payload: object, status: int = 200) -> Response:
    return Response(
        msgspec.json.encode(payload), status_code=status, headers={"content-type": JSON_CONTENT_TYPE}
    )


def _decode(body: bytes, kind: type[T], what: str) -> T:
    try:
        return msgspec.json.decode(body or b"{}", type=kind)
    except (msgspec.ValidationError, msgspec.DecodeError) as error:
        raise UsageError(f"invalid {what} request body: {error}") from error


def district_summary(state: EmulatorState, district_id: str) -> dict[str, object]:
    """What the control plane (and the serve command) tells about one district."""
    snapshot = state.snapshot(district_id)
    return {
        "id": district_id,
        "name": snapshot.district.name,
        "token": state.tokens.district_token(district_id),
        "counts": dict(counts_by_collection(snapshot)),
        "events": len(state.district_state(district_id).events),
    }


def resolve_source(
    state: EmulatorState, source: RosterSource, district_name: str | None = None
) -> DistrictSnapshot:
    """The snapshot a load/roster request names (operations are handled by the caller). A roster change
    reads its SFTP export under the district's current name, which keeps the ids stable."""
    given = [name for name in ("sftp", "generate", "snapshot") if getattr(source, name) is not None]
    if len(given) != 1:
        raise UsageError("send exactly one of 'sftp', 'generate', 'snapshot' (or 'operations' for a change)")
    seed = source.seed or state.seed
    if source.sftp is not None:
        return load_sftp_snapshot(Path(source.sftp), seed=seed, district_name=district_name or source.name)
    if source.generate is not None:
        return generate_snapshot(students=source.generate.students, seed=str(source.generate.seed))
    assert source.snapshot is not None
    return source.snapshot


class ControlPlane:
    """Handlers for `/_emulator/*`; a lock keeps roster changes from interleaving."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self.lock = threading.Lock()

    def _guarded(
        self, handler: Callable[[Request, bytes], Response]
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            body = await request.body()

            def run() -> Response:
                try:
                    with self.lock:
                        return handler(request, body)
                except NotFound as error:
                    return _json({"message": str(error)}, 404)
                except RollcallError as error:
                    return _json({"message": str(error)}, 400)
                except Exception as error:  # a bug: say so as JSON; the change was never swapped in
                    log.exception("emulator.control_failed", path=request.scope["path"])
                    return _json({"message": f"internal error: {type(error).__name__}: {error}"}, 500)

            return await run_in_threadpool(run)

        return endpoint

    def reset(self, request: Request, body: bytes) -> Response:
        self.state.reset()
        return _json({"districts": []})

    def list_districts(self, request: Request, body: bytes) -> Response:
        tokens = self.state.tokens
        return _json(
            {
                "client_id": tokens.client_id,
                "client_secret": tokens.client_secret,
                "redirect_uris": list(tokens.redirect_uris),
                "districts": [district_summary(self.state, d) for d in self.state.district_ids()],
            }
        )

    def load_district(self, request: Request, body: bytes) -> Response:
        source = _decode(body, RosterSource, "load district")
        if source.operations is not None:
            raise UsageError("'operations' change a loaded district: POST /_emulator/districts/{id}/roster")
        district_id = self.state.add_district(resolve_source(self.state, source))
        return _json(district_summary(self.state, district_id), 201)

    def get_district(self, request: Request, body: bytes) -> Response:
        return _json(district_summary(self.state, request.path_params["district_id"]))

    def drop_district(self, request: Request, body: bytes) -> Response:
        self.state.remove_district(request.path_params["district_id"])
        return _json({"deleted": request.path_params["district_id"]})

    def change_roster(self, request: Request, body: bytes) -> Response:
        district_id = request.path_params["district_id"]
        source = _decode(body, RosterSource, "roster change")
        self.state.district_state(district_id)
        if source.operations is not None:
            operations = decode_operations(b"[" + b",".join(bytes(raw) for raw in source.operations) + b"]")
            events = apply_roster_operations(self.state, district_id, operations)
        else:
            name = self.state.district(district_id).name
            events = change_roster(self.state, district_id, resolve_source(self.state, source, name))
        return _json({"district": district_id, "events": events})

    def revoke_token(self, request: Request, body: bytes) -> Response:
        # The token stays in the app's /oauth/tokens listing (Clever lists a district until it disconnects),
        # but every call with it answers 401: what a vendor sees when a district revokes access.
        district_id = request.path_params["district_id"]
        self.state.district_state(district_id)
        revoked = self.state.tokens.revoke(self.state.tokens.district_token(district_id))
        return _json({"district": district_id, "revoked": revoked})

    def mint_sso(self, request: Request, body: bytes) -> Response:
        wanted = _decode(body, SsoRequest, "SSO token")
        return _json(mint_sso_token(self.state, wanted.user_id, wanted.role))

    def register_redirect_uri(self, request: Request, body: bytes) -> Response:
        wanted = _decode(body, RedirectUriRequest, "redirect URI")
        self.state.tokens.register_redirect_uri(wanted.uri)
        return _json({"redirect_uris": list(self.state.tokens.redirect_uris)})

    def get_clock(self, request: Request, body: bytes) -> Response:
        return _json({"now": format_timestamp(self.state.clock.now())})

    def advance_clock(self, request: Request, body: bytes) -> Response:
        wanted = _decode(body, ClockRequest, "clock")
        now = self.state.advance_clock(dt.timedelta(days=wanted.days, seconds=wanted.seconds))
        return _json({"now": format_timestamp(now)})

    def unknown(self, request: Request, body: bytes) -> Response:
        path = request.scope["path"]
        return _json({"message": f"no control-plane route {request.method} {path}"}, 404)

    def routes(self) -> list[BaseRoute]:
        p = PREFIX
        return [
            Route(f"{p}/reset", self._guarded(self.reset), methods=["POST"]),
            Route(f"{p}/districts", self._guarded(self.list_districts), methods=["GET"]),
            Route(f"{p}/districts", self._guarded(self.load_district), methods=["POST"]),
            Route(f"{p}/districts/{{district_id}}", self._guarded(self.get_district), methods=["GET"]),
            Route(f"{p}/districts/{{district_id}}", self._guarded(self.drop_district), methods=["DELETE"]),
            Route(
                f"{p}/districts/{{district_id}}/roster", self._guarded(self.change_roster), methods=["POST"]
            ),
            Route(
                f"{p}/districts/{{district_id}}/revoke-token",
                self._guarded(self.revoke_token),
                methods=["POST"],
            ),
            Route(f"{p}/sso-tokens", self._guarded(self.mint_sso), methods=["POST"]),
            Route(f"{p}/redirect-uris", self._guarded(self.register_redirect_uri), methods=["POST"]),
            Route(f"{p}/clock", self._guarded(self.get_clock), methods=["GET"]),
            Route(f"{p}/clock", self._guarded(self.advance_clock), methods=["POST"]),
            Route(f"{p}/{{rest:anypath}}", self._guarded(self.unknown), methods=ALL_METHODS),
        ]


def mint_sso_token(state: EmulatorState, user_id: str, role: str | None) -> dict[str, str]:
    """An SSO token for a user, as if they had logged in through Clever in the role `role` (default: their
    first role)."""
    found = state.find_user(user_id)
    if found is None:
        raise NotFound(f"no user {user_id} in any loaded district")
    district_id, user = found
    held = user.role_names()
    chosen = role or held[0]
    if chosen not in ROLE_NAMES or chosen not in held:
        raise UsageError(f"user {user_id} does not hold role {chosen!r} (holds {', '.join(held)})")
    token = state.tokens.mint_sso_token(district_id, user_id, chosen)
    return {"access_token": token, "token_type": "bearer", "district_id": district_id, "user_id": user_id}


def control_routes(state: EmulatorState) -> list[BaseRoute]:
    """The `/_emulator/*` routes over `state`."""
    return ControlPlane(state).routes()
