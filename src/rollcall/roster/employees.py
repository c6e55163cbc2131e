"""teachers.csv, staff.csv and district_admins.csv → employee users. Records of different kinds sharing an
e-mail address (trimmed, case-insensitive) become one user with one role of each kind (clever-api.md §8.3)."""

from __future__ import annotations

from collections.abc import Mapping

from rollcall.domain.record import Credentials, Name
from rollcall.domain.user import DistrictAdmin, Roles, Staff, Teacher, User
from rollcall.roster.build import EmployeeRow, RosterBuild
from rollcall.roster.cell_checks import email_problem, normalise_email
from rollcall.roster.record_ids import T1_STAMP
from rollcall.roster.table import Table

TEACHER_VALUE_COLUMNS = (
    "Teacher_number", "State_teacher_id", "Teacher_email", "First_name", "Middle_name", "Last_name", "Title",
    "Username",
)  # fmt: skip
STAFF_VALUE_COLUMNS = ("Staff_email", "First_name", "Last_name", "Department", "Title", "Username", "Role")
ADMIN_VALUE_COLUMNS = ("Email", "First_name", "Last_name", "Title")

# A user's name and e-mail come from its teacher record, else its staff record, else its district admin.
KIND_ORDER = ("teacher", "staff", "district_admin")
ID_COLUMN = {"teacher": "Teacher_id", "staff": "Staff_id", "district_admin": "District_admin_id"}


def _add_row(
    table: Table,
    build: RosterBuild,
    store: dict[str, EmployeeRow],
    kind: str,
    sis_id: str,
    school: str | None,
    values: tuple[str, ...],
    value_columns: tuple[str, ...],
    email_column: str,
) -> EmployeeRow | None:
    """The record for this row: a new one, or the existing one gaining a school. None when the row repeats
    the record at the same school (an error) or has no new school to add."""
    log, name, line = build.log, table.name, table.line
    if school is not None and school not in build.school_ids and "schools.csv" in build.usable:
        log.error(name, line, "School_id", f"{kind.replace('_', ' ')} {sis_id} is at unknown school {school}")
    existing = store.get(sis_id)
    if existing is None:
        email = values[value_columns.index(email_column)].strip()
        if (problem := email_problem(email)) is not None:
            log.error(name, line, email_column, problem)
        record = EmployeeRow(kind, name, sis_id, line, email, email_column)
        record.values = values
        if school is not None:
            record.schools.append(school)
        store[sis_id] = record
        return record
    label = f"{kind.replace('_', ' ')} {sis_id}"
    if school is None:
        log.error(name, line, ID_COLUMN[kind], f"{label} is repeated (first on line {existing.line})")
        return None
    if school in existing.schools:
        log.error(
            name, line, "School_id", f"{label} is repeated at school {school} (first on line {existing.line})"
        )
        return None
    existing.schools.append(school)
    for column, old, new in zip(value_columns, existing.values, values, strict=True):
        if old != new and column != "Role":
            log.warning(
                name,
                line,
                column,
                f"{label} has {new!r} here but {old!r} on line {existing.line}; keeping {old!r}",
            )
    return None


def read_teachers(table: Table, build: RosterBuild) -> None:
    """teachers.csv: one row per teacher and school."""
    school_of = table.getter("School_id", "Teacher_id")
    values_of = table.getter(*TEACHER_VALUE_COLUMNS)
    for row in table.rows():
        if not table.check_row(row, table.line):
            continue
        school, sis_id = school_of(row)
        values = values_of(row)
        record = _add_row(
            table,
            build,
            build.teachers,
            "teacher",
            sis_id,
            school,
            values,
            TEACHER_VALUE_COLUMNS,
            "Teacher_email",
        )
        if record is not None:
            (record.number, record.state_id, _, record.first, record.middle, record.last, record.title,
             record.username) = values  # fmt: skip


def read_staff(table: Table, build: RosterBuild) -> None:
    """staff.csv: one row per staff member and school; `Role` = `School Tech Lead` grants SchoolTechLead."""
    school_of = table.getter("School_id", "Staff_id")
    values_of = table.getter(*STAFF_VALUE_COLUMNS)
    for row in table.rows():
        if not table.check_row(row, table.line):
            continue
        school, sis_id = school_of(row)
        values = values_of(row)
        record = _add_row(
            table, build, build.staff, "staff", sis_id, school, values, STAFF_VALUE_COLUMNS, "Staff_email"
        )
        if record is not None:
            _, record.first, record.last, record.department, record.title, record.username, _ = values
        if values[-1] == "School Tech Lead":
            build.staff[sis_id].tech_lead = True


def read_district_admins(table: Table, build: RosterBuild) -> None:
    """district_admins.csv (rollcall's extension; Clever configures district admins in its dashboard)."""
    values_of = table.getter(*ADMIN_VALUE_COLUMNS)
    id_position = table.index("District_admin_id")
    for row in table.rows():
        if not table.check_row(row, table.line):
            continue
        values = values_of(row)
        record = _add_row(
            table, build, build.district_admins, "district_admin", row[id_position], None, values,
            ADMIN_VALUE_COLUMNS, "Email",
        )  # fmt: skip
        if record is not None:
            _, record.first, record.last, record.title = values


def group_employees(build: RosterBuild) -> list[tuple[str, dict[str, EmployeeRow]]]:
    """The employee users to build, each as (user id, records by kind), in file order. Records without an
    e-mail, or whose e-mail already holds a record of the same kind, stay on their own (with a warning)."""
    log, ids = build.log, build.ids
    by_email: dict[str, dict[str, EmployeeRow]] = {}
    groups: list[tuple[str, dict[str, EmployeeRow]]] = []
    stores: Mapping[str, dict[str, EmployeeRow]] = {
        "teacher": build.teachers, "staff": build.staff, "district_admin": build.district_admins,
    }  # fmt: skip
    for kind in KIND_ORDER:
        label = kind.replace("_", " ")
        for record in stores[kind].values():
            key = normalise_email(record.email)
            if not key:
                log.warning(
                    record.file, record.line, record.email_column,
                    f"{label} {record.sis_id} has no email; it cannot be merged with other roles",
                )  # fmt: skip
            elif kind in (group := by_email.setdefault(key, {})):
                other = group[kind]
                log.warning(
                    record.file, record.line, record.email_column,
                    f"{label} {record.sis_id} has the same email as {label} {other.sis_id} "
                    f"(line {other.line}); a user holds at most one {label} role, so they stay separate",
                )  # fmt: skip
            else:
                if not group:
                    groups.append((ids.employee_user(key), group))
                group[kind] = record
                continue
            groups.append((ids.solo_employee_user(kind, record.sis_id), {kind: record}))
    return groups


def build_employee_users(
    build: RosterBuild, teacher_schools: Mapping[str, tuple[str, list[str]]]
) -> dict[str, User]:
    """Every employee user; `teacher_schools` gives each Teacher_id its (primary school, schools) ids."""
    ids, district = build.ids, build.district_id
    users: dict[str, User] = {}
    for user_id, records in group_employees(build):
        teacher, staff, admin = records.get("teacher"), records.get("staff"), records.get("district_admin")
        source = teacher or staff or admin
        assert source is not None  # a group always holds at least one record
        roles = Roles(
            teacher=None if teacher is None else _teacher_role(build, teacher, teacher_schools),
            staff=None if staff is None else _staff_role(build, staff),
            district_admin=None
            if admin is None
            else DistrictAdmin(
                legacy_id=ids.legacy("district_admin", admin.sis_id), title=admin.title or None
            ),
        )
        if teacher is not None:
            build.teacher_users[teacher.sis_id] = user_id
        users[user_id] = User(
            id=user_id,
            district=district,
            name=Name(first=source.first or None, middle=source.middle or None, last=source.last or None),
            email=source.email or None,
            created=T1_STAMP,
            last_modified=T1_STAMP,
            roles=roles,
        )
    return users


def _credentials(username: str) -> Credentials | None:
    return Credentials(district_username=username) if username else None


def _teacher_role(
    build: RosterBuild, record: EmployeeRow, teacher_schools: Mapping[str, tuple[str, list[str]]]
) -> Teacher:
    school, schools = teacher_schools[record.sis_id]
    return Teacher(
        sis_id=record.sis_id,
        school=school,
        schools=schools,
        legacy_id=build.ids.legacy("teacher", record.sis_id),
        teacher_number=record.number or None,
        state_id=record.state_id or None,
        title=record.title or None,
        credentials=_credentials(record.username),
    )


def _staff_role(build: RosterBuild, record: EmployeeRow) -> Staff:
    schools = sorted({build.school_ids[sis] for sis in record.schools if sis in build.school_ids})
    return Staff(
        staff_id=record.sis_id,
        schools=schools,
        roles=["SchoolTechLead" if record.tech_lead else "PortalOnly"],
        legacy_id=build.ids.legacy("staff", record.sis_id),
        title=record.title or None,
        department=record.department or None,
        credentials=_credentials(record.username),
    )
