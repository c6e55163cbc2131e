"""`rollcall demo`: the whole story on the embedded default, no server to install. It generates a district
with multi-role staff, serves it from the in-process emulator, reads one person through API v2.1 and v3.1,
syncs v3.1 into SQLite and resolves every legacy id to the person's v3 id; each capability that lands
extends it (architecture §5) by adding a step to `STEPS`."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import msgspec
import typer
from rich.markup import escape
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table

from rollcall.cli.console import out
from rollcall.cli.demo_access import show_permissions
from rollcall.cli.demo_migrate import migrate_accounts
from rollcall.cli.demo_run import DemoRun
from rollcall.cli.roster import roles_table
from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.user import User
from rollcall.emulator import Emulator
from rollcall.errors import UsageError
from rollcall.roster import generate_roster, generated_district_name
from rollcall.store import Store
from rollcall.sync import sync_district

ID_WIDTH = 24  # an ObjectID: tables keep every character of it, however narrow the output


def most_roles(snapshot: DistrictSnapshot) -> User:
    """The employee with the most roles (ties: the lowest id), the person the demo follows."""
    employees = (user for user in snapshot.users.values() if user.roles.student is None)
    return min(employees, key=lambda user: (-len(user.role_names()), user.id))


def _json(value: object) -> Syntax:
    return Syntax(msgspec.json.format(msgspec.json.encode(value)).decode(), "json", word_wrap=True)


# ---- the steps, in the order of the story ----------------------------------------------------------------


def generate_district(run: DemoRun) -> None:
    """Write the district as Clever SFTP files, and say where they live and for how long."""
    run.chapter("Generate a district as Clever SFTP files")
    summary = generate_roster(run.roster_dir, students=run.students, seed=run.seed, force=run.kept)
    seconds = summary.elapsed_seconds
    out.print(f"{summary.total_rows:,} CSV rows for {run.district_name} written in {seconds:.2f} s")
    out.print(f"  files: {run.roster_dir}", markup=False)
    if not run.kept:
        out.print("  (a temporary directory, deleted when the demo ends: keep the files with --out DIR)")


def serve_district(run: DemoRun) -> None:
    """Load the files into the in-process emulator and pick the person the story follows."""
    run.chapter("Serve it from the emulator (Clever's identity rules applied)")
    run.emulator = run.resources.enter_context(Emulator(seed=run.seed))
    run.district_id = run.emulator.load_sftp(run.roster_dir, district_name=run.district_name)
    run.snapshot = run.emulator.state.snapshot(run.district_id)
    run.person = most_roles(run.snapshot)
    out.print(_roles_table(run.snapshot))


def _roles_table(snapshot: DistrictSnapshot) -> Table:
    table = roles_table(snapshot.users_by_roles(), f"{snapshot.district.name}: users by role combination")
    table.caption = (
        f"{len(snapshot.schools)} schools, {len(snapshot.sections):,} sections, "
        f"{snapshot.enrollment_count():,} enrollments"
    )
    return table


def show_v2_records(run: DemoRun) -> None:
    """The followed person in API v2.1: one record per role, each with its own id."""
    run.chapter(f"{run.person_name} in API v2.1: one record per role, each with its own id")
    with run.client("v2.1") as client:
        for role, legacy_id in run.followed.legacy_ids().items():
            query = client.endpoints.v2_person(role, legacy_id)
            out.print(Panel(_json(client.get(query)), title=escape(f"GET {query.path}")))


def show_v3_user(run: DemoRun) -> None:
    """The followed person in API v3.1: one user holding every role, each with its legacy id."""
    run.chapter(f"{run.person_name} in API v3.1: one user, every role, each role's legacy_id")
    with run.client("v3.1") as client:
        query = client.endpoints.user(run.followed.id)
        out.print(Panel(_json(client.get(query)), title=f"GET {query.path}"))


def sync_store(run: DemoRun) -> None:
    """Sync the district's v3.1 API into SQL, as `rollcall sync` does."""
    run.chapter("Sync v3.1 into SQL")
    run.store = run.resources.enter_context(Store.open(run.db_url))
    with run.client("v3.1") as client:
        result = sync_district(client, run.store, mode="full")
    out.print(result.render_text(), markup=False)
    out.print(f"  database: {run.db_url}", markup=False)
    if not run.db_kept:
        out.print("  (a temporary SQLite file, deleted when the demo ends: keep it with --db sqlite:///FILE)")


def show_legacy_lookup(run: DemoRun) -> None:
    """The migration's question: which v3 user is each old (v2) account?"""
    run.chapter("Migrate: find each old account's v3 user")
    out.print(_legacy_table(run.synced, run.followed))


def _legacy_table(store: Store, person: User) -> Table:
    table = Table(
        title="The migration lookup: each v2 id → the v3 user in the synced store", title_justify="left"
    )
    table.add_column("role", no_wrap=True)
    table.add_column("v2 (legacy) id", min_width=ID_WIDTH, no_wrap=True, overflow="fold")
    table.add_column("v3 user id", min_width=ID_WIDTH, no_wrap=True, overflow="fold")
    table.add_column("same?", no_wrap=True)
    for role, legacy_id in person.legacy_ids().items():
        found = store.find_user_by_legacy_id(legacy_id)
        user_id = found[0].id if found else "not found"
        table.add_row(role, legacy_id, user_id, "yes" if user_id == person.id else "NO")
    return table


def show_next(run: DemoRun) -> None:
    """What to try next: the same district served over HTTP, synced by the CLI, the files inspected."""
    run.chapter("Next")
    token = run.served.district_token(run.district_id)
    lines = [
        "Serve this same district over HTTP (same ids, same token):",
        f"  rollcall emulator serve --generate-students {run.students} --seed {run.seed} --port 8765",
        "Sync it into a SQLite file, then apply only what changed:",
        f"  rollcall sync --clever-url http://127.0.0.1:8765 --token {token} --db sqlite:///rollcall.db",
        f"  rollcall sync --clever-url http://127.0.0.1:8765 --token {token} --db sqlite:///rollcall.db "
        "--incremental",
    ]
    if run.kept:
        lines += [
            "Check the generated files:",
            f"  rollcall roster inspect {run.roster_dir} --district-name '{run.district_name}' "
            f"--seed {run.seed}",
        ]
    else:
        lines += ["Keep the generated files to read or serve them:", "  rollcall demo --out DIR"]
    lines.append("Every command explains itself: rollcall --help, rollcall sync --help, …")
    out.print("\n".join(lines), markup=False)


# The story, in order. A step is a function of the run: to extend the demo, add ONE line here (a step may use
# what the steps before it set on the run). `show_next` stays last.
STEPS: tuple[Callable[[DemoRun], None], ...] = (
    generate_district,
    serve_district,
    show_v2_records,
    show_v3_user,
    sync_store,
    show_legacy_lookup,
    migrate_accounts,
    show_permissions,
    show_next,
)


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
            "--out", metavar="DIR", help="Keep the generated SFTP files in DIR (default: a temporary one)."
        ),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", metavar="URL", help="Sync into this database (default: a temporary SQLite file)."
        ),
    ] = None,
    serve: Annotated[
        bool,
        typer.Option(
            "--serve", help="Then keep the emulator and the web app running on loopback until Ctrl-C."
        ),
    ] = False,
    port: Annotated[
        int, typer.Option("--port", metavar="N", help="With --serve: the web app's port (0: any free one).")
    ] = 8000,
    emulator_port: Annotated[
        int,
        typer.Option(
            "--emulator-port", metavar="N", help="With --serve: the emulator's port (0: any free one)."
        ),
    ] = 8765,
) -> None:
    """Run the v2 → v3 story on a generated district, nothing to install. It generates a district, serves it
    from the emulator, follows one multi-role person through v2.1 and v3.1, syncs v3.1 into SQLite and
    resolves the person's legacy ids. With --serve it then keeps the emulator and the web app running for a
    person to sign in and click through (docs/web.md)."""
    if students < 1:
        raise UsageError(f"--students must be at least 1 (got {students})")
    with tempfile.TemporaryDirectory(prefix="rollcall-demo-") as scratch, ExitStack() as resources:
        run = DemoRun(
            students=students,
            seed=seed,
            roster_dir=out_dir if out_dir is not None else Path(scratch) / "sftp",
            kept=out_dir is not None,
            db_url=db or f"sqlite:///{Path(scratch) / 'rollcall.db'}",
            db_kept=db is not None,
            scratch=Path(scratch),
            district_name=generated_district_name(seed),
            resources=resources,
        )
        for step in STEPS:
            step(run)
        if serve:
            from rollcall.cli.demo_serve import serve_demo

            serve_demo(run, host="127.0.0.1", port=port, emulator_port=emulator_port)
