"""Reading an SFTP roster directory into a `DistrictSnapshot`: every file streamed once, every problem
collected with its file, line and column, and a snapshot only when no problem is an error."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import msgspec

from rollcall.domain.collector import paused_collector
from rollcall.domain.district import District, DistrictContact
from rollcall.domain.record import Name
from rollcall.domain.snapshot import DistrictSnapshot
from rollcall.domain.user import User, role_key
from rollcall.errors import RosterError, RosterInvalid
from rollcall.roster.build import RosterBuild
from rollcall.roster.columns import (
    DISTRICT_ADMINS,
    ENROLLMENTS,
    REQUIRED_FILES,
    SCHOOLS,
    SECTIONS,
    STAFF,
    STUDENTS,
    TEACHERS,
    FileSpec,
)
from rollcall.roster.counts import RosterCounts
from rollcall.roster.employees import build_employee_users, read_district_admins, read_staff, read_teachers
from rollcall.roster.primary import assign_student_schools, teacher_schools
from rollcall.roster.problem import Problem, ProblemLog
from rollcall.roster.record_ids import LAUNCH_DATE, T1_STAMP, RosterIds
from rollcall.roster.schools import read_schools
from rollcall.roster.sections import (
    build_sections,
    dedupe_enrollments,
    read_enrollments,
    read_sections,
    report_repeated_enrollments,
)
from rollcall.roster.students import build_contact_users, read_students
from rollcall.roster.table import Table, find_file

LOGIN_METHODS = ["Clever Badges", "Clever Passwords", "Google"]

# Files in the order their references need: schools before everyone, people before sections, sections and
# students before enrollments.
READ_ORDER: tuple[tuple[FileSpec, Callable[[Table, RosterBuild], None]], ...] = (
    (SCHOOLS, read_schools),
    (TEACHERS, read_teachers),
    (STAFF, read_staff),
    (DISTRICT_ADMINS, read_district_admins),
    (SECTIONS, read_sections),
    (STUDENTS, read_students),
    (ENROLLMENTS, read_enrollments),
)


class RosterReport(msgspec.Struct):
    """What one read found: the snapshot (None when any problem is an error), every problem, rows per file,
    and the record counts of what was read (kept even when errors withhold the snapshot). `unread` names the
    files whose header stopped their rows being read (a required column missing): the counts then describe a
    partial district."""

    snapshot: DistrictSnapshot | None
    problems: list[Problem]
    row_counts: dict[str, int]
    counts: RosterCounts | None = None
    unread: list[str] = msgspec.field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """The problems that stop the load."""
        return [problem for problem in self.problems if problem.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems that are only reported."""
        return [problem for problem in self.problems if problem.severity == "warning"]


def read_roster(directory: Path, *, seed: str = "rollcall", district_name: str | None = None) -> RosterReport:
    """Read the roster in `directory`. Raises RosterError only when the directory or a required file is
    missing or unreadable; every other problem is in the report."""
    # A large roster allocates millions of lists and tuples that the cyclic collector would scan over and
    # over (it more than doubled the load time); none of them form cycles, so pause it during the read.
    with paused_collector():
        return _read_roster(Path(directory), seed, district_name)


def _read_roster(directory: Path, seed: str, district_name: str | None) -> RosterReport:
    if not directory.is_dir():
        raise RosterError(f"roster directory {directory} does not exist or is not a directory")
    try:
        paths = {spec.name: find_file(directory, spec.name) for spec, _ in READ_ORDER}
        deprecated_admins = paths[STAFF.name] is None and find_file(directory, "admins.csv") is not None
    except OSError as error:
        raise RosterError(f"cannot list roster directory {directory}: {error.strerror or error}") from error
    missing = [spec.name for spec in REQUIRED_FILES if paths[spec.name] is None]
    if missing:
        raise RosterError(f"roster directory {directory} is missing required file(s): {', '.join(missing)}")
    name = district_name if district_name is not None else directory.resolve().name
    ids = RosterIds(seed, name)
    log = ProblemLog()
    build = RosterBuild(ids, log, ids.district(name))
    if deprecated_admins:
        message = "admins.csv is Clever's deprecated name for staff.csv; it is not read"
        log.warning("admins.csv", 0, None, message)
    row_counts: dict[str, int] = {}
    unread: list[str] = []
    for spec, read in READ_ORDER:
        path = paths[spec.name]
        if path is None:
            continue
        try:
            with Table(spec, path, log) as table:
                if table.usable:
                    build.usable.add(spec.name)
                    read(table, build)
                else:
                    unread.append(spec.name)
                row_counts[spec.name] = table.row_count
        except OSError as error:
            raise RosterError(f"cannot read {path}: {error.strerror or error}") from error
    repeated = dedupe_enrollments(build)
    if repeated:
        enrollments = paths[ENROLLMENTS.name]
        assert enrollments is not None  # a required file
        with Table(ENROLLMENTS, enrollments, ProblemLog()) as table:
            report_repeated_enrollments(table, build, repeated)
    snapshot, by_roles = _assemble(build, name)
    return RosterReport(
        snapshot=snapshot if log.error_count == 0 else None,
        problems=log.sorted(),
        row_counts=row_counts,
        counts=RosterCounts.of(snapshot, by_roles),
        unread=unread,
    )


def _assemble(build: RosterBuild, name: str) -> tuple[DistrictSnapshot, dict[str, int]]:
    """The snapshot's records, built once from everything read, and its users counted by role combination
    (students and contacts hold one role each, so only employees need looking at)."""
    # Working state is dropped as soon as its records exist, so the peak memory is not both at once.
    assign_student_schools(build)
    employees = build_employee_users(build, teacher_schools(build))
    student_count = len(build.student_ids)
    users: dict[str, User] = {entry.id: entry.user for entry in build.student_ids.values()}
    build.student_ids.clear()
    sections = build_sections(build)
    build.sections.clear()
    contacts = build_contact_users(build)
    users.update(employees)
    users.update(contacts)
    district = District(
        id=build.district_id,
        name=name,
        sis_type="sftp",
        state="success",
        last_sync=T1_STAMP,
        launch_date=LAUNCH_DATE,
        login_methods=list(LOGIN_METHODS),
        district_contact=_district_contact(build, employees),
    )
    by_roles = Counter(role_key(user.role_names()) for user in employees.values())
    by_roles.update({"student": student_count, "contact": len(contacts)})
    snapshot = DistrictSnapshot(
        district=district,
        schools=build.schools,
        terms=build.terms,
        courses=build.courses,
        sections=sections,
        users=users,
    )
    return snapshot, {key: count for key, count in sorted(by_roles.items()) if count}


def _district_contact(build: RosterBuild, employees: dict[str, User]) -> DistrictContact | None:
    """The first district admin of district_admins.csv, as the district's contact."""
    first = next(iter(build.district_admins.values()), None)
    if first is None:
        return None
    legacy = build.ids.legacy("district_admin", first.sis_id)
    for user in employees.values():
        admin = user.roles.district_admin
        if admin is not None and admin.legacy_id == legacy:
            return DistrictContact(
                id=user.id,
                district=build.district_id,
                name=Name(first=first.first or None, last=first.last or None),
                email=first.email or None,
                title=first.title or None,
            )
    return None


def load_roster(
    directory: Path, *, seed: str = "rollcall", district_name: str | None = None
) -> DistrictSnapshot:
    """The snapshot of the roster in `directory`. Raises RosterInvalid (with every error) when any problem is
    an error, RosterError when the directory or a required file is missing or unreadable."""
    report = read_roster(directory, seed=seed, district_name=district_name)
    if report.snapshot is None:
        errors = report.errors
        first = errors[0].render() if errors else "unknown problem"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise RosterInvalid(
            f"roster {directory} has {len(errors)} error(s): {first}{more}", problems=tuple(errors)
        )
    return report.snapshot
