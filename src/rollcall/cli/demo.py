"""`rollcall demo`: the whole story on the embedded default, no server to install. Today it generates a
district with multi-role staff, loads it with Clever's identity rules, and shows one person as v3 and v2.1
see them; each capability that lands extends it (docs/architecture §5)."""

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
from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.user import User
from rollcall.domain.v2 import to_v2_records
from rollcall.roster import load_roster
from rollcall.roster.generator import generate_roster


def most_roles(snapshot: DistrictSnapshot) -> User:
    """The employee with the most roles (ties: the lowest id), the person the demo follows."""
    employees = (user for user in snapshot.users.values() if user.roles.student is None)
    return min(employees, key=lambda user: (-len(user.role_names()), user.id))


def _json(value: object) -> Syntax:
    return Syntax(msgspec.json.format(msgspec.json.encode(value)).decode(), "json", word_wrap=True)


def _roles_table(snapshot: DistrictSnapshot) -> Table:
    table = Table(title=f"{snapshot.district.name}: users by role combination", title_justify="left")
    table.add_column("roles")
    table.add_column("users", justify="right")
    for key, count in snapshot.users_by_roles().items():
        table.add_row(key, f"{count:,}")
    table.caption = (
        f"{len(snapshot.schools)} schools, {len(snapshot.sections):,} sections, "
        f"{snapshot.enrollment_count():,} enrollments"
    )
    return table


def demo(
    students: Annotated[
        int, typer.Option("--students", "-n", help="Size of the generated district.")
    ] = 2_000,
    seed: Annotated[str, typer.Option("--seed", help="Seed of the generated district.")] = "demo",
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Keep the generated SFTP directory here (default: a temp dir)."),
    ] = None,
) -> None:
    """Generate a district, read it with Clever's identity rules, and follow one multi-role person."""
    with tempfile.TemporaryDirectory(prefix="rollcall-demo-") as scratch:
        roster_dir = out_dir if out_dir is not None else Path(scratch) / "district"
        out.rule("1. Generate a district as Clever SFTP files")
        summary = generate_roster(roster_dir, students=students, seed=seed, force=out_dir is not None)
        out.print(
            f"{summary.total_rows:,} CSV rows written to {roster_dir} in {summary.elapsed_seconds:.2f} s"
        )
        out.rule("2. Read it with Clever's identity rules")
        snapshot = load_roster(roster_dir, seed=seed)
        out.print(_roles_table(snapshot))
        person = most_roles(snapshot)
        out.rule(f"3. One person, {person.name.first} {person.name.last}, as API v3.1 shows them")
        out.print(Panel(_json(person), title=f"/v3.1/users/{person.id}"))
        out.rule("4. The same person as API v2.1 shows them: one record per role, each with its legacy id")
        for kind, record in to_v2_records(person):
            out.print(Panel(_json(record), title=f"/v2.1/{kind}/{record.id}"))
