"""`ProgressReporter`: how a long job (a sync, a migration's apply) tells its caller what it is doing. The CLI
draws Rich bars from it and the web app streams it; the engines themselves never touch a terminal."""

from __future__ import annotations

from typing import Protocol


class ProgressReporter(Protocol):
    """Told, in order, about each step a job walks (a sync's collections, a migration's tables) and how many
    items each batch finished. `subject` names what the job works on (a district, a vendor database), so one
    reporter can follow several jobs; `total` is given when the step knows its size up front."""

    def step_started(self, subject: str, step: str, total: int | None = None) -> None: ...

    def advanced(self, subject: str, step: str, count: int) -> None: ...

    def step_finished(self, subject: str, step: str) -> None: ...


class SilentReporter:
    """Reports nothing (tests, benchmarks, `--json` without a terminal)."""

    def step_started(self, subject: str, step: str, total: int | None = None) -> None:
        pass

    def advanced(self, subject: str, step: str, count: int) -> None:
        pass

    def step_finished(self, subject: str, step: str) -> None:
        pass
