from __future__ import annotations

import io

from rich.console import Console
from rich.progress import Progress, TextColumn

from rollcall.cli.sync import RichReporter


def test_the_progress_lines_count_records_per_district_and_collection() -> None:
    console = Console(file=io.StringIO(), force_terminal=False, width=100)
    with Progress(TextColumn("{task.description} {task.completed:.0f}"), console=console) as progress:
        reporter = RichReporter(progress, {"5f0000000000000000abcdef": "Maple Unified"})
        reporter.step_started("5f0000000000000000abcdef", "users")
        reporter.advanced("5f0000000000000000abcdef", "users", 100)
        reporter.advanced("5f0000000000000000abcdef", "users", 23)
        reporter.step_finished("5f0000000000000000abcdef", "users")
        [task] = progress.tasks
    assert (task.description, task.completed, task.total, task.finished) == (
        "Maple Unified: users",
        123,
        123,
        True,
    )
