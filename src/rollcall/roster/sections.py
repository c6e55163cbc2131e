"""sections.csv and enrollments.csv → sections, with the courses and terms synthesised from section columns
(clever-api.md §8.2). Enrollments are the hot path of a large district: rows go straight into per-section
lists of student ids, with no per-row objects."""

from __future__ import annotations

import sys

from rollcall.domain.district import Course, Section, Term
from rollcall.roster.build import RosterBuild, SectionRow
from rollcall.roster.columns import CO_TEACHER_COLUMNS
from rollcall.roster.identity import T0_STAMP
from rollcall.roster.problem import ProblemLog
from rollcall.roster.table import Table
from rollcall.roster.values import date_problem, parse_term_date

SECTION_COLUMNS = (
    "Name", "Section_number", "Grade", "Course_name", "Course_number", "Period", "Subject", "Term_name",
    "Term_start", "Term_end",
)  # fmt: skip


def read_sections(table: Table, build: RosterBuild) -> None:
    """Add every section of `table` to `build`, with its course and term."""
    head = table.getter("School_id", "Section_id")
    teachers_of = table.getter("Teacher_id", *CO_TEACHER_COLUMNS)
    values_of = table.getter(*SECTION_COLUMNS)
    log, name = build.log, table.name
    check_schools = "schools.csv" in build.usable
    check_teachers = "teachers.csv" in build.usable
    for row in table.rows():
        if not table.check_row(row):
            continue
        line = table.line
        school_sis, sis_id = head(row)
        existing = build.sections.get(sis_id)
        if existing is not None:
            log.error(
                name, line, "Section_id", f"section {sis_id} is repeated (first on line {existing.line})"
            )
            continue
        school = build.school_ids.get(school_sis)
        if school is None and check_schools:
            log.error(name, line, "School_id", f"section {sis_id} is at unknown school {school_sis}")
        section = SectionRow(sys.intern(sis_id), line, school or "")
        for column, teacher in zip(("Teacher_id", *CO_TEACHER_COLUMNS), teachers_of(row), strict=True):
            if not teacher:
                continue
            if teacher in section.teachers:
                log.warning(name, line, column, f"teacher {teacher} is listed twice in section {sis_id}")
            elif check_teachers and teacher not in build.teachers:
                log.error(name, line, column, f"section {sis_id} names unknown teacher {teacher}")
            else:
                section.teachers.append(teacher)
        (section.name, section.number, section.grade, course_name, course_number, section.period,
         section.subject, term_name, term_start, term_end) = values_of(row)  # fmt: skip
        section.course_name = course_name
        if course_name:
            section.course = _course(build, course_name, course_number)
        elif course_number:
            log.warning(
                name,
                line,
                "Course_name",
                f"section {sis_id} has a Course_number but no Course_name, so no course",
            )
        if term_name or term_start or term_end:
            section.term = _term(build, log, name, line, term_name, term_start, term_end)
        build.sections[section.sis_id] = section


def _course(build: RosterBuild, course_name: str, number: str) -> str:
    """The id of the course with this name and number, created on first sight."""
    course_id = build.ids.course(f"{course_name}\x1f{number}")
    if course_id not in build.courses:
        build.courses[course_id] = Course(
            id=course_id, district=build.district_id, name=course_name, number=number or None
        )
    return course_id


def _term(
    build: RosterBuild, log: ProblemLog, file: str, line: int, term_name: str, start: str, end: str
) -> str | None:
    """The id of the term with this name and dates, created on first sight; None when a date is malformed."""
    start_date = parse_term_date(start) if start else ""
    end_date = parse_term_date(end) if end else ""
    if start_date is None:
        log.error(file, line, "Term_start", date_problem("Term_start", start))
    if end_date is None:
        log.error(file, line, "Term_end", date_problem("Term_end", end))
    if start_date is None or end_date is None:
        return None
    if start_date and end_date and start_date > end_date:
        log.warning(file, line, "Term_end", f"term {term_name!r} ends ({end}) before it starts ({start})")
    term_id = build.ids.term(f"{term_name}\x1f{start_date}\x1f{end_date}")
    if term_id not in build.terms:
        build.terms[term_id] = Term(
            id=term_id,
            district=build.district_id,
            name=term_name or None,
            start_date=start_date or None,
            end_date=end_date or None,
        )
    return term_id


def read_enrollments(table: Table, build: RosterBuild) -> None:
    """Put every student of `table` into its section's list of student ids."""
    sections, student_ids, school_ids = build.sections, build.student_ids, build.school_ids
    log, name = build.log, table.name
    check_sections = "sections.csv" in build.usable
    check_students = "students.csv" in build.usable
    check_schools = "schools.csv" in build.usable
    school_at, section_at, student_at = (
        table.index("School_id"), table.index("Section_id"), table.index("Student_id"),
    )  # fmt: skip
    for row in table.rows():
        school_sis, section_sis, student_sis = row[school_at], row[section_at], row[student_at]
        section = sections.get(section_sis)
        student = student_ids.get(student_sis)
        if section is None or student is None or school_ids.get(school_sis) != section.school:
            _enrollment_problems(
                table, log, name, row, section, student, check_sections, check_students, check_schools, build
            )
            if section is None or student is None:
                continue
        section.students.append(student)


def _enrollment_problems(
    table: Table,
    log: ProblemLog,
    name: str,
    row: list[str],
    section: SectionRow | None,
    student: str | None,
    check_sections: bool,
    check_students: bool,
    check_schools: bool,
    build: RosterBuild,
) -> None:
    """The slow path of `read_enrollments`: say what is wrong with one row."""
    line = table.line
    if not table.check_row(row):
        return
    school_sis, section_sis, student_sis = (
        row[table.index("School_id")], row[table.index("Section_id")], row[table.index("Student_id")],
    )  # fmt: skip
    if section is None and check_sections:
        log.error(name, line, "Section_id", f"enrollment names unknown section {section_sis}")
    if student is None and check_students:
        log.error(name, line, "Student_id", f"enrollment names unknown student {student_sis}")
    school = build.school_ids.get(school_sis)
    if school is None:
        if check_schools:
            log.error(name, line, "School_id", f"enrollment names unknown school {school_sis}")
    elif section is not None and school != section.school:
        log.warning(
            name,
            line,
            "School_id",
            f"section {section_sis} is not at school {school_sis}; the section's school counts",
        )


def dedupe_enrollments(build: RosterBuild) -> set[str]:
    """Drop repeated students from every section; the sections that had repeats (their Section_id values)."""
    repeated: set[str] = set()
    for section in build.sections.values():
        students = section.students
        if len(students) != len(set(students)):
            section.students = list(dict.fromkeys(students))
            repeated.add(section.sis_id)
    return repeated


def report_repeated_enrollments(table: Table, build: RosterBuild, sections: set[str]) -> None:
    """Name the line of each repeated enrollment in `sections` (a second pass, only when there are some)."""
    section_at, student_at = table.index("Section_id"), table.index("Student_id")
    first: dict[tuple[str, str], int] = {}
    for row in table.rows():
        section_sis, student_sis = row[section_at], row[student_at]
        if section_sis not in sections:
            continue
        seen = first.setdefault((section_sis, student_sis), table.line)
        if seen != table.line:
            build.log.warning(
                table.name, table.line, "Student_id",
                f"student {student_sis} is enrolled in section {section_sis} again (first on line {seen})",
            )  # fmt: skip


def build_sections(build: RosterBuild) -> dict[str, Section]:
    """The Section records: teachers as v3 user ids (primary first), Clever's generated name when the file
    gives none (`<course name> - <primary teacher last name> - <period>`)."""
    ids, district, log = build.ids, build.district_id, build.log
    teacher_users, teachers = build.teacher_users, build.teachers
    sections: dict[str, Section] = {}
    for row in build.sections.values():
        if not row.students:
            log.warning("sections.csv", row.line, "Section_id", f"section {row.sis_id} has no students")
        teacher_ids = [teacher_users[sis] for sis in row.teachers if sis in teacher_users]
        name = row.name
        if not name:
            primary = teachers.get(row.teachers[0]) if row.teachers else None
            parts = (row.course_name, primary.last if primary else "", row.period)
            name = " - ".join(part for part in parts if part) or row.sis_id
        section_id = ids.section(row.sis_id)
        sections[section_id] = Section(
            id=section_id,
            district=district,
            school=row.school,
            sis_id=row.sis_id,
            name=name,
            section_number=row.number or None,
            period=row.period or None,
            grade=row.grade or None,
            subject=row.subject or None,
            course=row.course,
            term_id=row.term,
            teacher=teacher_ids[0] if teacher_ids else None,
            teachers=teacher_ids,
            students=row.students,
            created=T0_STAMP,
            last_modified=T0_STAMP,
        )
    return sections
