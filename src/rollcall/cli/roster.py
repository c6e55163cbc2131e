"""`rollcall roster …`: read, check and generate SFTP roster directories in Clever's CSV format."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import msgspec
import typer
from rich.markup import escape
from rich.table import Table

from rollcall.cli.console import out
from rollcall.cli.roster_generate import generate
from rollcall.errors import RosterInvalid
from rollcall.roster import RosterCounts, RosterReport, read_roster

app = typer.Typer(
    help="Read, check and generate SFTP roster directories in Clever's CSV format.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

SeedOption = Annotated[str, typer.Option("--seed", metavar="SEED", help="Namespace of the derived ids.")]
DistrictNameOption = Annotated[
    str | None,
    typer.Option("--district-name", metavar="NAME", help="District name (default: the directory's name)."),
]


@app.command()
def inspect(
    directory: Annotated[
        Path, typer.Argument(metavar="DIRECTORY", help="Directory holding schools.csv, students.csv, …")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON document instead of tables.")
    ] = False,
    seed: SeedOption = "rollcall",
    district_name: DistrictNameOption = None,
) -> None:
    """Show what a roster directory holds and every problem in it. Exits 3 when any problem is an error."""
    report = read_roster(directory, seed=seed, district_name=district_name)
    if as_json:
        typer.echo(msgspec.json.encode(inspection_document(directory, report)).decode())
    else:
        _print_report(directory, report)
    if report.errors:
        raise typer.Exit(RosterInvalid.exit_code)


def inspection_document(directory: Path, report: RosterReport) -> dict[str, object]:
    """The `--json` form of a report."""
    counts = report.counts
    assert counts is not None  # read_roster always counts
    return {
        "directory": str(directory),
        "valid": not report.errors,
        "rows": report.row_counts,
        "schools": counts.schools,
        "terms": counts.terms,
        "courses": counts.courses,
        "sections": counts.sections,
        "enrollments": counts.enrollments,
        "contacts": counts.contacts,
        "users": {
            "total": counts.users,
            "by_roles": counts.users_by_roles,
            "multi_role": counts.multi_role_users,
        },
        "unread_files": report.unread,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "problems": [msgspec.to_builtins(problem) for problem in report.problems],
    }


def _print_report(directory: Path, report: RosterReport) -> None:
    counts = report.counts
    assert counts is not None  # read_roster always counts
    if not report.unread:  # else the counts would describe a district with whole files left out
        out.print(_records_table(directory, counts))
        out.print(roles_table(counts.users_by_roles))
    for problem in report.problems:
        style = "red" if problem.severity == "error" else "yellow"
        out.print(f"[{style}]{escape(problem.render())}[/]", markup=True, highlight=False)
    errors, warnings = len(report.errors), len(report.warnings)
    verdict = "[red]invalid[/]" if errors else "[green]valid[/]"
    out.print(f"{verdict}: {errors} error(s), {warnings} warning(s)", markup=True)
    if report.unread:
        files = ", ".join(report.unread)
        out.print(
            f"the load stopped: the rows of {files} could not be read (see the header error above), so no "
            "counts are shown; fix the header and run again",
            markup=False,
        )


def roles_table(users_by_roles: dict[str, int], title: str = "Users by role combination") -> Table:
    """How many users hold each combination of roles (`staff+teacher`, …)."""
    table = Table(title=escape(title), title_justify="left")
    table.add_column("roles")
    table.add_column("users", justify="right")
    for key, count in users_by_roles.items():
        table.add_row(escape(key), f"{count:,}")
    return table


def _records_table(directory: Path, counts: RosterCounts) -> Table:
    table = Table(title=escape(f"Roster {directory}"))
    table.add_column("records")
    table.add_column("count", justify="right")
    rows = (
        ("schools", counts.schools), ("terms", counts.terms), ("courses", counts.courses),
        ("sections", counts.sections), ("enrollments", counts.enrollments), ("users", counts.users),
        ("contacts", counts.contacts), ("multi-role users", counts.multi_role_users),
    )  # fmt: skip
    for label, count in rows:
        table.add_row(label, f"{count:,}")
    return table


app.command("generate")(generate)
