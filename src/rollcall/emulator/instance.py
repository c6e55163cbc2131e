"""`Emulator`: the in-process face of the emulator that tests and the client code against — load districts,
get tokens, talk to it through httpx transports or a real loopback socket, change rosters, move time."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Final

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.timestamps import Clock, SystemClock
from rollcall.domain.version import ApiVersion
from rollcall.emulator.app import build_app
from rollcall.emulator.assembly import app_extras
from rollcall.emulator.control import mint_sso_token
from rollcall.emulator.data.roster_changes import Operation, apply_roster_operations, change_roster
from rollcall.emulator.data.state import EmulatorState
from rollcall.emulator.faults import FaultPlan
from rollcall.emulator.ratelimit import Bucket
from rollcall.emulator.server import serve_in_thread
from rollcall.emulator.sources import generate_snapshot, load_sftp_snapshot
from rollcall.emulator.sso.authorize import sign_in_url
from rollcall.emulator.transport import SyncAsgiTransport, async_transport

BASE_URL: Final = "http://clever.test"
DEFAULT_RATE_LIMIT: Final = 1_200


class Emulator:
    """A stateful Clever API emulator held in this process."""

    base_url: str = BASE_URL

    def __init__(
        self,
        seed: str = "rollcall",
        *,
        extra_routes: Sequence[BaseRoute] = (),
        middleware: Sequence[Middleware] = (),
        fault_plan: FaultPlan | None = None,
        rate_limit: int = DEFAULT_RATE_LIMIT,
        rate_window_seconds: int = 60,
        limit_clock: Clock | None = None,
        redirect_uris: Sequence[str] = (),
        clock: Clock | None = None,
    ) -> None:
        """`rate_limit` requests per `rate_window_seconds` (a minute) per token (Clever's 1 200 by default;
        tests shorten the window to see it roll over). Rate-limit windows follow
        `limit_clock`, the wall clock by default, so a long-running emulator rolls its windows over like
        Clever while the district data keeps the emulator's own (fixed, advanceable) clock. `redirect_uris`
        replace the OAuth client's default one (`http://127.0.0.1:8000/auth/clever/callback`). `clock` dates
        events and records: fixed at 2026-09-01 by default (reproducible), `RunningClock()` for real time."""
        self.seed = seed
        self.state = EmulatorState(seed=seed, clock=clock)
        if redirect_uris:
            self.state.tokens.replace_redirect_uris(redirect_uris)
        self.extras = app_extras(
            self.state,
            fault_plan=fault_plan,
            buckets=(Bucket(limit=rate_limit, window_seconds=rate_window_seconds),),
            limit_clock=limit_clock or SystemClock(),
        )
        self.app: Starlette = build_app(
            self.state,
            extra_routes=[*extra_routes, *self.extras.routes],  # a caller's routes win
            middleware=[*self.extras.middleware, *middleware],
        )
        self._transports: list[SyncAsgiTransport] = []

    # ---- districts -------------------------------------------------------------------------------------

    def load_snapshot(self, snapshot: DistrictSnapshot) -> str:
        """Serve a district snapshot; returns its district id."""
        return self.state.add_district(snapshot)

    def load_sftp(self, directory: Path | str, *, district_name: str | None = None) -> str:
        """Serve the roster of an SFTP directory (named after the directory unless `district_name`)."""
        return self.load_snapshot(
            load_sftp_snapshot(Path(directory), seed=self.seed, district_name=district_name)
        )

    def load_generated(self, *, students: int, seed: str | int = "rollcall") -> str:
        """Serve a synthetic district of `students` students; returns its district id."""
        return self.load_snapshot(generate_snapshot(students=students, seed=str(seed)))

    def district_token(self, district_id: str) -> str:
        """The district-app bearer token of a loaded district."""
        self.state.district_state(district_id)
        return self.state.tokens.district_token(district_id)

    def apply_roster(
        self, change: DistrictSnapshot | Path | str | list[Operation], *, district_id: str | None = None
    ) -> dict[ApiVersion, int]:
        """Change a district's roster (a new snapshot, an SFTP directory, or operations) and record the
        events; returns the number of events per version. `district_id` defaults to the only district."""
        if isinstance(change, DistrictSnapshot):
            return change_roster(self.state, change.district.id, change)
        target = district_id or self._only_district()
        if isinstance(change, list):
            return apply_roster_operations(self.state, target, change)
        name = self.state.district(target).name  # the same name keeps the export's ids stable
        return change_roster(
            self.state, target, load_sftp_snapshot(Path(change), seed=self.seed, district_name=name)
        )

    def _only_district(self) -> str:
        ids = self.state.district_ids()
        if len(ids) != 1:
            from rollcall.errors import UsageError

            raise UsageError(f"{len(ids)} districts are loaded; say which one with district_id=")
        return ids[0]

    def register_redirect_uri(self, uri: str) -> None:
        """Accept `uri` (a web app's OAuth callback) as a redirect URI too; UsageError when it is not an
        absolute http(s) URL."""
        self.state.tokens.register_redirect_uri(uri)

    @property
    def redirect_uris(self) -> tuple[str, ...]:
        """The OAuth client's registered redirect URIs (the first is used when a request sends none)."""
        return self.state.tokens.redirect_uris

    def sign_in_url(self, base_url: str | None = None) -> str:
        """The OAuth authorize URL a person opens to sign in (the emulator's client, first redirect URI)."""
        return sign_in_url(self.base_url if base_url is None else base_url, self.state.tokens)

    def mint_sso_token(self, user_id: str, role: str | None = None) -> str:
        """A bearer token as if the user had logged in through Clever SSO in `role`."""
        return mint_sso_token(self.state, user_id, role)["access_token"]

    def set_faults(self, plan: FaultPlan | None) -> None:
        """Replace the fault plan (None clears it); counters start again from zero."""
        if plan is None:
            self.extras.faults.clear()
        else:
            self.extras.faults.replace(plan)

    def advance_clock(self, delta: dt.timedelta) -> dt.datetime:
        """Move the emulator's clock forward (events older than 30 days drop off)."""
        return self.state.advance_clock(delta)

    # ---- talking to it ---------------------------------------------------------------------------------

    def sync_transport(self) -> httpx.BaseTransport:
        """For `httpx.Client(transport=emu.sync_transport(), base_url=emu.base_url)`."""
        transport = SyncAsgiTransport(self.app)
        self._transports.append(transport)
        return transport

    def async_transport(self) -> httpx.AsyncBaseTransport:
        """For `httpx.AsyncClient(transport=emu.async_transport(), base_url=emu.base_url)`."""
        return async_transport(self.app)

    def client(self, district_id: str | None = None) -> httpx.Client:
        """A sync httpx client on the in-process transport, authorized as a district app."""
        token = self.district_token(district_id or self._only_district())
        return httpx.Client(
            transport=self.sync_transport(),
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {token}"},
        )

    @contextlib.contextmanager
    def serve_in_thread(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """Serve on a real loopback socket for the duration of the block; yields the base URL."""
        with serve_in_thread(self.app, host, port) as base_url:
            yield base_url

    def close(self) -> None:
        """Stop the background loops of the sync transports handed out."""
        for transport in self._transports:
            transport.close()
        self._transports.clear()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
