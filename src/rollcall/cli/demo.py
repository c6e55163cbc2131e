"""`rollcall demo`: the whole story on the embedded default, no server to install. It generates a district
with multi-role staff, serves it from the in-process emulator, reads one person through API v2.1 and v3.1,
syncs v3.1 into SQLite and resolves every legacy id to the person's v3 id; each capability that lands
extends it (architecture §5)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import msgspec
import typer
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table

from rollcall.cli.console import out
from rollcall.cli.roster import roles_table
from rollcall.client import CleverClient, v2_person
from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.user import User
from rollcall.emulator import Emulator
from rollcall.errors import UsageError
from rollcall.roster.generator import generate_roster
from rollcall.store import Store
from rollcall.sync import sync_district


def most_roles(snapshot: DistrictSnapshot) -> User:
    """The employee with the most roles (ties: the lowest id), the person the demo follows."""
    employees = (user for user in snapshot.users.values() if user.roles.student is None)
    return min(employees, key=lambda user: (-len(user.role_names()), user.id))


def _json(value: object) -> Syntax:
    return Syntax(msgspec.json.format(msgspec.json.encode(value)).decode(), "json", word_wrap=True)


def _roles_table(snapshot: DistrictSnapshot) -> Table:
    table = roles_table(snapshot.users_by_roles(), f"{snapshot.district.name}: users by role combination")
    table.caption = (
        f"{len(snapshot.schools)} schools, {len(snapshot.sections):,} sections, "
        f"{snapshot.enrollment_count():,} enrollments"
    )
    return table


def _show_v2_records(client: CleverClient, person: User) -> None:
    for role, legacy_id in person.legacy_ids().items():
        query = v2_person(client.api_version, role, legacy_id)
        out.print(Panel(_json(client.get(query)), title=f"GET {query.path}"))


def _legacy_table(store: Store, person: User) -> Table:
    table = Table(
        title="The migration lookup: each v2 id → the v3 user in the synced store", title_justify="left"
    )
    for column in ("role", "v2 (legacy) id", "v3 user id", "same person"):
        table.add_column(column)
    for role, legacy_id in person.legacy_ids().items():
        found = store.find_user_by_legacy_id(legacy_id)
        user_id = found[0].id if found else "not found"
        table.add_row(role, legacy_id, user_id, "yes" if user_id == person.id else "NO")
    return table


def demo(
    students: Annotated[
        int, typer.Option("--students", "-n", metavar="N", help="Size of the generated district.")
    ] = 2_000,
    seed: Annotated[
        str, typer.Option("--seed", metavar="SEED", help="Seed of the generated district.")
    ] = "demo",
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out", metavar="DIR", help="Keep the generated SFTP directory here (default: a temp dir)."
        ),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", metavar="URL", help="Sync into this database URL (default: a temp SQLite file)."
        ),
    ] = None,
) -> None:
    """Generate a district, serve it from the emulator, follow one multi-role person through v2.1 and v3.1,
    sync v3.1 into SQLite and resolve the person's legacy ids."""
    if students < 1:
        raise UsageError(f"--students must be at least 1 (got {students})")
    with tempfile.TemporaryDirectory(prefix="rollcall-demo-") as scratch:
        roster_dir = out_dir if out_dir is not None else Path(scratch) / "district"
        out.rule("1. Generate a district as Clever SFTP files")
        summary = generate_roster(roster_dir, students=students, seed=seed, force=out_dir is not None)
        out.print(
            f"{summary.total_rows:,} CSV rows written to {roster_dir} in {summary.elapsed_seconds:.2f} s"
        )

        out.rule("2. Serve it from the emulator (Clever's identity rules applied)")
        with Emulator(seed=seed) as emulator:
            district_id = emulator.load_sftp(roster_dir)
            snapshot = emulator.state.snapshot(district_id)
            out.print(_roles_table(snapshot))
            token = emulator.district_token(district_id)
            person = most_roles(snapshot)
            name = f"{person.name.first} {person.name.last}"

            def client(version: str) -> CleverClient:
                return CleverClient(
                    token,
                    api_version=version,
                    base_url=emulator.base_url,
                    transport=emulator.sync_transport(),
                )

            out.rule(f"3. {name} in API v2.1: one record per role, each with its own id")
            with client("v2.1") as v2:
                _show_v2_records(v2, person)
            out.rule(f"4. {name} in API v3.1: one user, every role, each role's legacy_id")
            with client("v3.1") as v3:
                out.print(Panel(_json(v3.get_user(person.id)), title=f"GET /v3.1/users/{person.id}"))

                out.rule("5. Sync v3.1 into SQL")
                url = db or f"sqlite:///{Path(scratch) / 'rollcall.db'}"
                store = Store.open(url)
                try:
                    result = sync_district(v3, store, mode="full")
                    out.print(result.render_text())
                    out.rule("6. Migrate: find each old account's v3 user")
                    out.print(_legacy_table(store, person))
                finally:
                    store.close()
