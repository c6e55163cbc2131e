"""`rollcall roster generate`: write a seeded synthetic district as a Clever SFTP directory."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from rollcall.cli.console import err, out
from rollcall.roster import GenerationSummary, generate_roster

# Below this many students a run takes well under a second: a progress bar would only flicker.
PROGRESS_FROM_STUDENTS = 20_000


def parse_seed(text: str) -> int | str:
    """An integer seed when the text is one (`42`, `-7`), else the text itself: both are reproducible."""
    return int(text) if re.fullmatch(r"-?\d+", text.strip()) else text


def summary_table(summary: GenerationSummary) -> Table:
    """Rows and megabytes per file, then the totals with time and throughput."""
    table = Table(
        title=f"Synthetic district in {summary.out_dir} (seed {summary.seed!r})", title_justify="left"
    )
    table.add_column("file")
    table.add_column("rows", justify="right")
    table.add_column("MB", justify="right")
    for name, rows in summary.rows.items():
        table.add_row(name, f"{rows:,}", f"{summary.bytes[name] / 1e6:,.1f}")
    table.add_section()
    table.add_row("total", f"{summary.total_rows:,}", f"{summary.total_bytes / 1e6:,.1f}")
    megabytes_per_second = summary.total_bytes / 1e6 / max(summary.elapsed_seconds, 1e-9)
    table.caption = (
        f"{summary.students:,} students in {summary.elapsed_seconds:,.2f} s: "
        f"{summary.rows_per_second:,.0f} rows/s, {megabytes_per_second:,.1f} MB/s"
    )
    table.caption_justify = "left"
    return table


def generate(
    students: Annotated[
        int, typer.Option("--students", "-n", metavar="N", help="Number of students (at least 1).")
    ],
    seed: Annotated[
        str,
        typer.Option(
            "--seed", metavar="SEED", help="Seed: the same seed and size give byte-identical files."
        ),
    ],
    out_dir: Annotated[
        Path, typer.Option("--out", metavar="DIR", help="Directory to write the CSV files into (created).")
    ],
    force: Annotated[
        bool, typer.Option("--force", help="Write into a non-empty directory, replacing its roster files.")
    ] = False,
) -> None:
    """Generate a synthetic district as Clever SFTP files. It holds schools, students with contacts,
    teachers, staff, sections, enrollments and district admins, with multi-role employees, and is written
    school by school in bounded memory."""
    if students < PROGRESS_FROM_STUDENTS:
        summary = generate_roster(out_dir, students=students, seed=parse_seed(seed), force=force)
    else:
        columns = (TextColumn("generating"), BarColumn(), MofNCompleteColumn(), TextColumn("students"))
        with Progress(*columns, TimeElapsedColumn(), console=err, transient=True) as progress:
            task = progress.add_task("students", total=students)
            summary = generate_roster(
                out_dir,
                students=students,
                seed=parse_seed(seed),
                force=force,
                progress=lambda _stage, done: progress.update(task, completed=done),
            )
    out.print(summary_table(summary))
