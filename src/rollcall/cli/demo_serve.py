"""`rollcall demo --serve`: after the story, the demo's emulator (with its OAuth sign-in page) and the web app
over the demo's synced store, both on loopback, and a few people to sign in as — until Ctrl-C."""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Final

import uvicorn
from rich.table import Table
from starlette.types import ASGIApp

from rollcall.cli.console import out
from rollcall.cli.demo_run import DemoRun
from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.user import User
from rollcall.emulator import bind
from rollcall.errors import UsageError
from rollcall.web import WebSettings, create_app

STARTUP_SECONDS: Final = 15.0


def pick_people(snapshot: DistrictSnapshot) -> list[tuple[str, User]]:
    """The people worth signing in as: a teacher who is also staff, a district admin who teaches, a contact
    of the most students, a School Tech Lead, a student (lowest ids first: a seed picks the same)."""
    users = sorted(snapshot.users.values(), key=lambda user: user.id)

    def first(why: str, test: Callable[[User], bool]) -> list[tuple[str, User]]:
        found = next((user for user in users if test(user)), None)
        return [] if found is None else [(why, found)]

    def contacts(user: User) -> int:
        return len(user.roles.contact.student_relationships) if user.roles.contact is not None else 0

    most = max(users, key=contacts, default=None)
    return [
        *(
            first("teacher + staff", lambda u: u.role_names() == ("teacher", "staff"))
            or first("teacher + staff", lambda u: {"teacher", "staff"} <= set(u.role_names()))
        ),
        *first("district admin who teaches", lambda u: {"teacher", "district_admin"} <= set(u.role_names())),
        *(
            [("contact of " + str(contacts(most)) + " students", most)]
            if most is not None and contacts(most)
            else []
        ),
        *first(
            "School Tech Lead",
            lambda u: u.roles.staff is not None and "SchoolTechLead" in u.roles.staff.roles,
        ),
        *first("student", lambda u: u.roles.student is not None),
    ]


@contextmanager
def _serving(app: ASGIApp, sock: socket.socket, name: str) -> Iterator[None]:
    host, port = sock.getsockname()[:2]
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=name, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise UsageError(f"the {name} did not start on {host}:{port}")
        time.sleep(0.02)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_SECONDS)


def _people_table(people: list[tuple[str, User]], snapshot: DistrictSnapshot) -> Table:
    table = Table(title="Sign in as (filter by name on the emulator's page)", title_justify="left")
    for column in ("who", "name", "roles", "schools"):
        table.add_column(column)
    for why, user in people:
        name = " ".join(part for part in (user.name.first, user.name.last) if part)
        schools = sorted({snapshot.schools[s].name for s in user.school_ids() if s in snapshot.schools})
        table.add_row(why, name, ", ".join(user.role_names()), ", ".join(schools) or "—")
    return table


def serve_demo(run: DemoRun, *, host: str, port: int, emulator_port: int) -> None:
    """The demo's last chapter: serve the run's emulator and the web app over its synced store on loopback,
    print who to sign in as, and keep both up until interrupted."""
    emulator_sock = bind(host, emulator_port)
    web_sock = bind(host, port)
    clever_url = f"http://{host}:{emulator_sock.getsockname()[1]}"
    web_url = f"http://{host}:{web_sock.getsockname()[1]}"
    emulator, store = run.served, run.synced
    tokens = emulator.state.tokens
    # The migration chapters leave their config and the (rolled back) vendor database in the scratch
    # directory: the operators' dashboard drives that same migration, behind a password made for this run.
    config_path = run.scratch / "migrate.toml"
    migrate_config = config_path if config_path.is_file() else None
    operator_password = secrets.token_urlsafe(9) if migrate_config is not None else None
    settings = WebSettings(
        client_id=tokens.client_id,
        client_secret=tokens.client_secret,
        session_secret=secrets.token_urlsafe(32),  # per run: the demo's sessions end with it
        db_url=run.db_url,
        public_url=web_url,
        clever_url=clever_url,
        oauth_url=clever_url,
        operator_password=operator_password,
        migrate_config=migrate_config,
    )
    emulator.register_redirect_uri(settings.redirect_uri)
    # The app checks id_token expiry on the emulator's clock, whichever clock the emulator keeps.
    app = create_app(settings, store=store, clock=emulator.state.clock)
    snapshot = emulator.state.snapshot(run.district_id)
    with _serving(emulator.app, emulator_sock, "emulator"), _serving(app, web_sock, "web app"):
        run.chapter("Click through it: Sign in with Clever, every role")
        out.print(f"web app   {web_url}", markup=False)
        out.print(f"emulator  {clever_url}  (Clever's API and sign-in page)", markup=False)
        if operator_password is not None:
            out.print(f"operators {web_url}/operator  password {operator_password}", markup=False)
        out.print(_people_table(pick_people(snapshot), snapshot))
        out.print("Open the web app and choose Sign in with Clever. Press Ctrl-C to stop.", markup=False)
        out.file.flush()
        while True:
            time.sleep(0.5)
