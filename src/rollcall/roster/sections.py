"""sections.csv and enrollments.csv → sections, with the courses and terms synthesised from section columns
(clever-api.md §8.2). Enrollments are the hot path of a large district: rows go straight into per-section
lists of student ids, with no per-row objects."""

from __future__ import annotations

import csv
import sys

from rollcall.domain.district import Course, Section, Term
from rollcall.roster.build import RosterBuild, SectionRow, StudentEntry
from rollcall.roster.cell_checks import date_problem, parse_term_date
from rollcall.roster.columns import CO_TEACHER_COLUMNS
from rollcall.roster.problem import ProblemLog
from rollcall.roster.record_ids import T0_STAMP
from rollcall.roster.table import Table

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
        if not table.check_row(row, table.line):
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
        section = SectionRow(sis_id, line, school or "", sys.intern(school_sis))
        teachers = [teacher for teacher in teachers_of(row) if teacher]
        if len(teachers) == 1 and (teachers[0] in build.teachers or not check_teachers):
            section.teachers = teachers  # the usual section: one known teacher
        else:
            _add_teachers(build, section, teachers_of(row), name, check_teachers)
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


def _add_teachers(
    build: RosterBuild, section: SectionRow, cells: tuple[str, ...], file: str, check_teachers: bool
) -> None:
    """Add a section's teachers column by column, naming unknown and repeated ones."""
    log, line, sis_id = build.log, section.line, section.sis_id
    for column, teacher in zip(("Teacher_id", *CO_TEACHER_COLUMNS), cells, strict=True):
        if not teacher:
            continue
        if teacher in section.teachers:
            log.warning(file, line, column, f"teacher {teacher} is listed twice in section {sis_id}")
        elif check_teachers and teacher not in build.teachers:
            log.error(file, line, column, f"section {sis_id} names unknown teacher {teacher}")
        else:
            section.teachers.append(teacher)


def _course(build: RosterBuild, course_name: str, number: str) -> str:
    """The id of the course with this name and number, created on first sight."""
    course_id = build.course_ids.get((course_name, number))
    if course_id is None:
        course_id = build.ids.course(f"{course_name}\x1f{number}")
        build.course_ids[course_name, number] = course_id
        build.courses[course_id] = Course(
            id=course_id, district=build.district_id, name=course_name, number=number or None
        )
    return course_id


def _term(
    build: RosterBuild, log: ProblemLog, file: str, line: int, term_name: str, start: str, end: str
) -> str | None:
    """The id of the term with this name and dates, created on first sight; None when a date is malformed."""
    term_id = build.term_ids.get((term_name, start, end))
    if term_id is not None:  # only cells that made a term without any problem are remembered
        return term_id
    start_date = parse_term_date(start) if start else ""
    end_date = parse_term_date(end) if end else ""
    if start_date is None:
        log.error(file, line, "Term_start", date_problem("Term_start", start))
    if end_date is None:
        log.error(file, line, "Term_end", date_problem("Term_end", end))
    if start_date is None or end_date is None:
        return None
    term_id = build.ids.term(f"{term_name}\x1f{start_date}\x1f{end_date}")
    if start_date and end_date and start_date > end_date:
        log.warning(file, line, "Term_end", f"term {term_name!r} ends ({end}) before it starts ({start})")
    else:
        build.term_ids[term_name, start, end] = term_id
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
    """Put every student of `table` into its section's list of student ids, noting on each student the school
    of its sections. The hot loop of a large district: two dict lookups and one append per row, no objects;
    anything unusual goes to `_enrollment_problems`."""
    sections_get, students_get = build.sections.get, build.student_ids.get
    reader, width = table.reader, table.width
    school_at, section_at, student_at = (
        table.index("School_id"), table.index("Section_id"), table.index("Student_id"),
    )  # fmt: skip
    rows = 0
    last = reader.line_num
    while True:
        try:
            for row in reader:
                line = last + 1
                last = reader.line_num
                if len(row) != width:
                    table.wrong_width(row, line)
                    continue
                rows += 1
                section = sections_get(row[section_at])
                student = students_get(row[student_at])
                if section is None or student is None or row[school_at] != section.school_sis:
                    _enrollment_problems(table, build, [*row, ""], line, section, student)
                    if section is None or student is None:
                        continue
                school, known = section.school, student.school
                if known is not school:  # ids of one school are one object: usually decided by identity
                    if known is None:
                        student.school = school
                    elif known != school:
                        student.several = True
                section.students.append(student.id)
        except csv.Error as error:
            if table.invalid_csv(error, last):
                last = reader.line_num
                continue
        break
    table.finish(rows)


def _enrollment_problems(
    table: Table,
    build: RosterBuild,
    row: list[str],
    line: int,
    section: SectionRow | None,
    student: StudentEntry | None,
) -> None:
    """The slow path of `read_enrollments`: say what is wrong with one row."""
    log, name = build.log, table.name
    if not table.check_row(row, line):
        return
    school_sis, section_sis, student_sis = (
        row[table.index("School_id")], row[table.index("Section_id")], row[table.index("Student_id")],
    )  # fmt: skip
    if section is None and "sections.csv" in build.usable:
        log.error(name, line, "Section_id", f"enrollment names unknown section {section_sis}")
    if student is None and "students.csv" in build.usable:
        log.error(name, line, "Student_id", f"enrollment names unknown student {student_sis}")
    if school_sis not in build.school_ids:
        if "schools.csv" in build.usable:
            log.error(name, line, "School_id", f"enrollment names unknown school {school_sis}")
    elif section is not None and school_sis != section.school_sis:
        log.warning(
            name, line, "School_id",
            f"section {section_sis} is not at school {school_sis}; the section's school counts",
        )  # fmt: skip


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
    # Without readable students and enrollments every section looks empty: that is their file's error.
    enrolled = {"students.csv", "enrollments.csv"} <= build.usable
    for row in build.sections.values():
        if not row.students and enrolled:
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
