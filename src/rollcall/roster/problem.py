"""A problem found in a roster (file, line, column, severity, message) and the log that collects them."""

from __future__ import annotations

from typing import Final, Literal

import msgspec

Severity = Literal["error", "warning"]

# A broken generator can make every one of millions of rows wrong; past this many problems in one file the
# rest are counted, not kept, so the report stays readable and memory stays bounded.
PROBLEMS_KEPT_PER_FILE: Final = 10_000


class Problem(msgspec.Struct, frozen=True):
    """One thing wrong with a roster. `line` is 1-based with the header on line 1; 0 means the whole file."""

    file: str
    line: int
    column: str | None
    severity: Severity
    message: str

    def render(self) -> str:
        """`students.csv:12:Grade error: …`, the one-line form the CLI prints."""
        where = f"{self.file}:{self.line}"
        if self.column:
            where += f":{self.column}"
        return f"{where} {self.severity}: {self.message}"


class ProblemLog:
    """Collects every problem of one read so that all of them can be reported at once."""

    def __init__(self, kept_per_file: int = PROBLEMS_KEPT_PER_FILE) -> None:
        self._problems: list[Problem] = []
        self._kept_per_file = kept_per_file
        self._per_file: dict[str, int] = {}
        self._dropped: dict[str, list[int]] = {}  # file -> [errors, warnings] not kept
        self.error_count = 0
        self.warning_count = 0

    def error(self, file: str, line: int, column: str | None, message: str) -> None:
        """Record a problem that stops the load."""
        self.error_count += 1
        self._add(file, line, column, "error", message)

    def warning(self, file: str, line: int, column: str | None, message: str) -> None:
        """Record a problem that is reported but does not stop the load."""
        self.warning_count += 1
        self._add(file, line, column, "warning", message)

    def _add(self, file: str, line: int, column: str | None, severity: Severity, message: str) -> None:
        seen = self._per_file.get(file, 0)
        self._per_file[file] = seen + 1
        if seen >= self._kept_per_file:
            dropped = self._dropped.setdefault(file, [0, 0])
            dropped[0 if severity == "error" else 1] += 1
            return
        self._problems.append(
            Problem(file=file, line=line, column=column, severity=severity, message=message)
        )

    def sorted(self) -> list[Problem]:
        """Every problem, by file then line (the order found is kept within a line); a file with more problems
        than are kept gets one more problem, on line 0, counting the rest."""
        found = list(self._problems)
        for file, (errors, warnings) in sorted(self._dropped.items()):
            severity: Severity = "error" if errors else "warning"
            summary = Problem(
                file=file,
                line=0,
                column=None,
                severity=severity,
                message=f"{errors} more errors and {warnings} more warnings in this file are not listed",
            )
            found.append(summary)
        return sorted(found, key=lambda problem: (problem.file, problem.line))
