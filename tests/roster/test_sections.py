from __future__ import annotations

from pathlib import Path

from rollcall.roster import load_roster, read_roster
from tests.roster.rosters import user_by_sis, write_roster

TEACHERS = (
    "School_id,Teacher_id,Teacher_email,First_name,Last_name\n"
    "S1,T1,t1@example.org,Tess,One\nS1,T2,t2@example.org,Ty,Two\nS1,T3,t3@example.org,Tom,Three\n"
)
HEADER = (
    "School_id,Section_id,Teacher_id,Teacher_2_id,Teacher_3_id,Name,Course_name,Course_number,Period,Subject,"
    "Grade,Term_name,Term_start,Term_end\n"
)


def _read(tmp_path: Path, sections: str, enrollments: str | None = None):  # type: ignore[no-untyped-def]
    files: dict[str, str | bytes | None] = {"teachers.csv": TEACHERS, "sections.csv": HEADER + sections}
    if enrollments is not None:
        files["enrollments.csv"] = "School_id,Section_id,Student_id\n" + enrollments
    return read_roster(write_roster(tmp_path / "d", files))


def test_sections_get_clevers_generated_name_unless_the_file_names_them(tmp_path: Path) -> None:
    report = _read(
        tmp_path,
        "S1,SEC1,T1,,,,Algebra,,3,,,,,\nS1,SEC2,T2,,,Period Two,Algebra,,2,,,,,\nS1,SEC3,T3,,,,,,,,,,,\n",
        "S1,SEC1,1001\nS1,SEC2,1001\nS1,SEC3,1001\n",
    )
    assert report.snapshot is not None
    names = {section.sis_id: section.name for section in report.snapshot.sections.values()}
    assert names == {"SEC1": "Algebra - One - 3", "SEC2": "Period Two", "SEC3": "Three"}


def test_courses_and_terms_are_synthesised_and_shared(tmp_path: Path) -> None:
    report = _read(
        tmp_path,
        "S1,SEC1,T1,,,,Algebra,ALG1,1,math,9,Fall,08/15/2024,12/20/2024\n"
        "S1,SEC2,T2,,,,Algebra,ALG1,2,math,9,Fall,8/15/2024,12/20/2024\n"
        "S1,SEC3,T3,,,,,ALG2,3,,,,,\n",
        "S1,SEC1,1001\nS1,SEC2,1001\nS1,SEC3,1001\n",
    )
    snapshot = report.snapshot
    assert snapshot is not None
    [course] = snapshot.courses.values()
    assert (course.name, course.number) == ("Algebra", "ALG1")
    [term] = snapshot.terms.values()
    assert (term.name, term.start_date, term.end_date) == ("Fall", "2024-08-15", "2024-12-20")
    by_sis = {section.sis_id: section for section in snapshot.sections.values()}
    assert by_sis["SEC1"].course == by_sis["SEC2"].course == course.id
    assert by_sis["SEC1"].term_id == by_sis["SEC2"].term_id == term.id
    assert by_sis["SEC3"].course is None
    assert by_sis["SEC3"].term_id is None
    [warning] = report.warnings  # a course needs a name
    assert (warning.line, warning.column) == (4, "Course_name")


def test_section_teachers_are_v3_user_ids_with_the_primary_first(tmp_path: Path) -> None:
    snapshot = load_roster(
        write_roster(
            tmp_path / "d",
            {"teachers.csv": TEACHERS, "sections.csv": HEADER + "S1,SEC1,T2,T3,T1,,,,,,,,,\n"},
        )
    )
    [section] = snapshot.sections.values()
    ids = [user_by_sis(snapshot, "teacher", sis).id for sis in ("T2", "T3", "T1")]
    assert section.teacher == ids[0]
    assert section.teachers == ids
    assert section.students == [user_by_sis(snapshot, "student", "1001").id]


def test_bad_section_rows_are_errors_at_their_line_and_column(tmp_path: Path) -> None:
    report = _read(
        tmp_path,
        "S1,SEC1,T1,,,,,,,,,,,\n"
        "S1,SEC1,T2,,,,,,,,,,,\n"  # repeated id
        "S9,SEC2,T1,,T7,,,,,,,,,\n"  # unknown school, unknown co-teacher
        "S1,SEC3,T1,,,,,,,maths,13th,,02/30/2024,2024-12-20\n",  # enums and dates
    )
    found = [(error.line, error.column) for error in report.errors]
    assert found == [
        (3, "Section_id"), (4, "School_id"), (4, "Teacher_3_id"), (5, "Grade"), (5, "Subject"),
        (5, "Term_start"), (5, "Term_end"),
    ]  # fmt: skip
    assert report.snapshot is None


def test_a_section_without_students_is_a_warning(tmp_path: Path) -> None:
    report = _read(tmp_path, "S1,SEC1,T1,,,,,,,,,,,\nS1,SEC2,T1,,,,,,,,,,,\n")
    assert report.snapshot is not None
    [warning] = report.warnings
    assert (warning.file, warning.line, warning.message) == (
        "sections.csv",
        3,
        "section SEC2 has no students",
    )


def test_enrollments_naming_unknown_records_are_errors(tmp_path: Path) -> None:
    report = _read(
        tmp_path, "S1,SEC1,T1,,,,,,,,,,,\n", "S1,SEC1,1001\nS1,SEC9,1001\nS1,SEC1,9999\nS7,SEC1,1001\n"
    )
    found = [(error.file, error.line, error.column) for error in report.errors]
    assert found == [
        ("enrollments.csv", 3, "Section_id"), ("enrollments.csv", 4, "Student_id"),
        ("enrollments.csv", 5, "School_id"),
    ]  # fmt: skip


def test_a_repeated_enrollment_is_a_warning_and_counted_once(tmp_path: Path) -> None:
    report = _read(tmp_path, "S1,SEC1,T1,,,,,,,,,,,\n", "S1,SEC1,1001\nS1,SEC1,1001\n")
    assert report.snapshot is not None
    [section] = report.snapshot.sections.values()
    assert len(section.students) == 1
    [warning] = report.warnings
    assert (warning.file, warning.line, warning.column) == ("enrollments.csv", 3, "Student_id")
    assert "first on line 2" in warning.message


def test_an_enrollment_at_another_school_than_its_section_is_a_warning(tmp_path: Path) -> None:
    report = _read(tmp_path, "S1,SEC1,T1,,,,,,,,,,,\n", "S2,SEC1,1001\n")
    assert report.snapshot is not None
    [warning] = report.warnings
    assert (warning.line, warning.column) == (2, "School_id")


def test_term_problems_are_reported_on_every_row_that_has_them(tmp_path: Path) -> None:
    report = _read(
        tmp_path,
        "S1,SEC1,T1,,,,,,,,,Fall,12/20/2024,08/15/2024\n"
        "S1,SEC2,T1,,,,,,,,,Fall,12/20/2024,08/15/2024\n"
        "S1,SEC3,T1,,,,,,,,,Fall,13/01/2024,\n"
        "S1,SEC4,T1,,,,,,,,,Fall,13/01/2024,\n",
        "S1,SEC1,1001\nS1,SEC2,1001\nS1,SEC3,1001\nS1,SEC4,1001\n",
    )
    warnings = [(warning.line, warning.column) for warning in report.warnings]
    assert warnings == [(2, "Term_end"), (3, "Term_end")]
    assert [(error.line, error.column) for error in report.errors] == [(4, "Term_start"), (5, "Term_start")]
