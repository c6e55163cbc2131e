"""Seeded synthetic districts written as a Clever SFTP directory, school by school, in bounded memory.

`generate_roster(out_dir, students=N, seed=S)` writes `schools.csv, students.csv, teachers.csv, staff.csv,
sections.csv, enrollments.csv` (Clever's SFTP columns, clever-api.md §8) and rollcall's extension
`district_admins.csv` (`District_admin_id, Email, First_name, Last_name, Title`). The same N and seed give
byte-identical files: all randomness comes from one `random.Random(seed)`, consumed in a fixed order.

The model (constants in `shape`, words in `vocabulary`):

* Schools. Students are split over bands by their number of grades, 6 : 3 : 4 — elementary (Kindergarten…5),
  middle (6…8), high (9…12) — then cut into schools of 250–900, 400–1 400 and 600–2 200 students (the last
  school of a band takes the remainder); the schools are shuffled, and each school's students are spread
  evenly over its grades. A school's first staff member is its principal (`Principal`, `Principal_email`).
* Sections. Every student of a grade takes every class ("slot") of the band's curriculum, 8 in each band:
  elementary (homeroom, ELA, math, science, social studies, PE, art in the fall, music in the spring —
  self-contained classrooms: the same children in every slot), middle (advisory, the four core subjects,
  PE in the fall, health in the spring, one elective), high (the four core subjects, a world language, PE,
  health, one elective). A grade's slot is cut into max(1, round(students / class size)) sections, class
  size 20 / 17 / 15 by band times a per-school factor in [0.9, 1.1]; middle and high schools reshuffle the
  grade for each slot. Hence exactly 8 enrollments and ≈ 0.46 sections per student (≈ 17 students per
  section). Terms: `2026-2027` (08/24/2026–06/11/2027), `Fall 2026` and `Spring 2027`; courses are named
  and numbered district-wide (`C0001`…); `Period` is the slot's position.
* Teachers. round(students / 13 × U(0.92, 1.08)) hired per school; 4 % of each school's teachers also teach
  part-time at the next school (a second `teachers.csv` row, same `Teacher_id`). A school's teachers are
  spread over departments (a grade's core classes in elementary schools, the subject elsewhere) in
  proportion to their sections, at least one each. 7 % of sections have co-teachers (`Teacher_2_id`…):
  1 mostly, 2 in 1.3 %, 3–9 in 0.2 %; all are teachers of that school.
* Staff. round(students / 40) rows per school (stochastic rounding): the principal, then 27 % held by
  teachers — half of them teachers of the previous school (teacher and staff at different schools), half of
  this school's — then staff who do not teach; 3 % of those also work at the next school (same `Staff_id`).
  60 % of schools have one `School Tech Lead` among the non-principal rows. Teacher + staff users come to
  about 7.5 % of employees.
* District admins: 3, plus one per 200 000 students, at most 8, in the repeating pattern pure, teacher,
  teacher + staff, …; a teaching one is picked when generation reaches its school (spread along the
  district): a teacher-only teacher of that school, or one of the latest 64 teacher + staff users. Its email
  is then that teacher's email. A pick no school could provide (a tiny district) becomes a pure admin. At
  small sizes (a few hundred students) the admins alone can push the multi-role share above 10 %.
* Students and contacts. Each student belongs to a family: 22 % join an open family (a sibling already
  enrolled, possibly at another school; the family's guardians, address and usually surname are shared),
  the rest start one with 1 / 2 / 3 guardians (30 / 55 / 15 %) and room for 0 / 1 / 2 more children
  (72 / 20 / 8 %). Each guardian is one `students.csv` row for that student (so 1–3 rows, never more than
  5), with one `Contact_sis_id`, name, phone and email for all siblings; a sibling's relationship to a
  guardian differs 12 % of the time (a step-parent: `Parent` → `Other`). 0.4 % of new families, and at
  least one per district, have a teacher of the school as a guardian: same name and email as the
  teacher, but a contact of its own. 85 % of contacts have an email, 95 % a phone.
* Ids and emails: `SCH00001`, `T0000001`, `E0000001` (staff), `SEC00000001`, `C00000001` (contacts),
  `DA0001`, students `200000001`…; emails are unique per person (they embed a per-person number) on
  RFC 2606 domains, except the deliberate overlaps: one employee's roles, and teacher-parents.

Streaming: a school's rows are written as soon as it is built, each file under a temporary name renamed
when every file is complete; between schools the builder keeps only counters, the previous school's
teachers and at most 4 000 open families, so memory does not grow with N.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Final, TextIO

import msgspec

from rollcall.errors import UsageError
from rollcall.roster.generator.district import (
    DISTRICT_ADMINS_HEADER,
    ENROLLMENTS_HEADER,
    SCHOOLS_HEADER,
    SECTIONS_HEADER,
    STAFF_HEADER,
    STUDENTS_HEADER,
    TEACHERS_HEADER,
    DistrictBuilder,
)
from rollcall.roster.generator.shape import district_admin_count, plan_schools

HEADERS: Final[dict[str, tuple[str, ...]]] = {
    "schools.csv": SCHOOLS_HEADER,
    "students.csv": STUDENTS_HEADER,
    "teachers.csv": TEACHERS_HEADER,
    "staff.csv": STAFF_HEADER,
    "sections.csv": SECTIONS_HEADER,
    "enrollments.csv": ENROLLMENTS_HEADER,
    "district_admins.csv": DISTRICT_ADMINS_HEADER,
}
ADMIN_PATTERN: Final = ("pure", "teacher", "teacher+staff")
PARTIAL_SUFFIX: Final = ".partial"
_BUFFER: Final = 1 << 20

Progress = Callable[[str, int], None]


class GenerationSummary(msgspec.Struct, frozen=True):
    """What one generation wrote: data rows and bytes per file (headers excluded from rows), and time."""

    out_dir: str
    students: int
    seed: int | str
    rows: dict[str, int]
    bytes: dict[str, int]
    elapsed_seconds: float

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def total_bytes(self) -> int:
        return sum(self.bytes.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.elapsed_seconds if self.elapsed_seconds > 0 else 0.0


class _PartialFiles:
    """The output files, open under temporary names; renamed together on success, removed on failure."""

    def __init__(self, out_dir: Path, names: Sequence[str]) -> None:
        self.out_dir = out_dir
        self.names = tuple(names)
        self.handles: dict[str, TextIO] = {}
        self.rows = dict.fromkeys(self.names, 0)

    def _partial(self, name: str) -> Path:
        return self.out_dir / f".{name}{PARTIAL_SUFFIX}"

    def __enter__(self) -> _PartialFiles:
        try:
            for name in self.names:
                self.handles[name] = open(
                    self._partial(name), "w", encoding="utf-8", newline="", buffering=_BUFFER
                )
        except BaseException:
            self._discard()
            raise
        return self

    def write(self, name: str, lines: list[str]) -> None:
        self.handles[name].write("".join(lines))
        self.rows[name] += len(lines)

    def _discard(self) -> None:
        for name, handle in self.handles.items():
            handle.close()
            self._partial(name).unlink(missing_ok=True)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is not None:
            self._discard()
            return
        try:
            for handle in self.handles.values():
                handle.close()  # flushes: a full disk shows up here
        except BaseException:
            self._discard()
            raise
        for name in self.names:
            os.replace(self._partial(name), self.out_dir / name)


def _prepare(out_dir: Path, force: bool) -> None:
    try:
        if out_dir.exists() and not out_dir.is_dir():
            raise UsageError(f"{out_dir} exists and is not a directory")
        if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
            raise UsageError(f"{out_dir} is not empty; pass --force to overwrite its roster files")
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(
            f"cannot use {out_dir} as the roster directory: {error.strerror or error}"
        ) from error


def _admin_kinds(students: int) -> list[str]:
    count = district_admin_count(students)
    return [ADMIN_PATTERN[i % len(ADMIN_PATTERN)] for i in range(count)]


def generated_district_name(seed: int | str) -> str:
    """The name a generated district is read under (and so its ids' namespace): the same for the same seed,
    whether `rollcall emulator serve --generate-students` or `rollcall demo` generated it."""
    return f"Generated District (seed {seed})"


def generate_roster(
    out_dir: Path,
    *,
    students: int,
    seed: int | str,
    progress: Progress | None = None,
    force: bool = False,
) -> GenerationSummary:
    """Write a synthetic district of `students` students into `out_dir` (see the module docstring).

    `progress("students", done)` is called after each school with the students written so far. A
    non-empty `out_dir` is refused unless `force` (then the seven roster files are replaced, other files
    are left alone). Raises `UsageError` for `students < 1` or a directory that cannot be written.
    """
    if students < 1:
        raise UsageError(f"--students must be at least 1 (got {students})")
    out_dir = Path(out_dir)
    _prepare(out_dir, force)
    started = time.perf_counter()
    rng = random.Random(seed)
    plans = plan_schools(students, rng)
    builder = DistrictBuilder(rng, _admin_kinds(students), len(plans))
    try:
        with _PartialFiles(out_dir, tuple(HEADERS)) as files:
            for name, header in HEADERS.items():
                files.handles[name].write(",".join(header) + "\n")
            done = 0
            for plan in plans:
                school = builder.build_school(plan)
                for name, lines in school.lines.items():
                    files.write(name, lines)
                done += school.students
                if progress is not None:
                    progress("students", done)
            files.write("district_admins.csv", builder.district_admin_lines())
    except OSError as error:
        raise UsageError(f"cannot write the roster to {out_dir}: {error.strerror or error}") from error
    elapsed = time.perf_counter() - started
    return GenerationSummary(
        out_dir=str(out_dir),
        students=students,
        seed=seed,
        rows=dict(files.rows),
        bytes={name: (out_dir / name).stat().st_size for name in HEADERS},
        elapsed_seconds=elapsed,
    )
