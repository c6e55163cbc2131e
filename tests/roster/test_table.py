from __future__ import annotations

from pathlib import Path

import pytest

from rollcall.errors import RosterError
from rollcall.roster import load_roster, read_roster
from tests.roster.rosters import write_roster


def test_header_names_match_whatever_the_case_spacing_or_order(tmp_path: Path) -> None:
    schools = 'school number,SCHOOL NAME, School_Id \n101,"Lincoln, Elementary",S1\n201,Washington,S2\n'
    snapshot = load_roster(write_roster(tmp_path / "d", {"schools.csv": schools}))
    names = sorted(school.name for school in snapshot.schools.values())
    assert names == ["Lincoln, Elementary", "Washington"]


def test_a_byte_order_mark_and_windows_line_endings_are_accepted(tmp_path: Path) -> None:
    students = "\ufeffSchool_id,Student_id,First_name,Last_name\r\nS1,1001,Amy,Adams\r\n"
    snapshot = load_roster(write_roster(tmp_path / "d", {"students.csv": students.encode("utf-8")}))
    assert [user.name.first for user in snapshot.users.values() if user.roles.student] == ["Amy"]


def test_file_names_match_case_insensitively(tmp_path: Path) -> None:
    directory = write_roster(tmp_path / "d")
    (directory / "schools.csv").rename(directory / "Schools.CSV")
    assert len(load_roster(directory).schools) == 2


def test_line_numbers_count_physical_lines_and_skip_blank_lines(tmp_path: Path) -> None:
    schools = (
        'School_id,School_name,School_number\nS1,"Two\nline name",101\n\nS2,Washington,201\nS2,Again,202\n'
    )
    report = read_roster(write_roster(tmp_path / "d", {"schools.csv": schools}))
    [error] = report.errors
    assert (error.file, error.line, error.column) == ("schools.csv", 6, "School_id")
    assert "first on line 5" in error.message


def test_every_problem_is_reported_at_once_with_file_line_and_column(tmp_path: Path) -> None:
    report = read_roster(
        write_roster(
            tmp_path / "d",
            {
                "schools.csv": "School_id,School_name\nS1,Lincoln\n",  # School_number missing
                "teachers.csv": "School_id,Teacher_id,First_name,Last_name\nS1,T1,Tess\n",  # too few fields
                "students.csv": b"School_id,Student_id,First_name,Last_name\nS1,1001,Am\xff,Adams\n",
            },
        )
    )
    found = [(problem.file, problem.line, problem.column, problem.severity) for problem in report.problems]
    assert ("schools.csv", 1, "School_number", "error") in found
    assert ("teachers.csv", 2, None, "error") in found
    assert ("students.csv", 2, "First_name", "error") in found
    assert found == sorted(found, key=lambda problem: (problem[0], problem[1]))
    assert report.snapshot is None
    messages = {problem.file: problem.message for problem in report.problems}
    assert messages["students.csv"] == "bytes that are not UTF-8 at byte 11 of the line"
    assert messages["teachers.csv"] == "the row has 3 fields but the header has 4"


def test_blank_required_values_empty_files_and_repeated_headers_are_errors(tmp_path: Path) -> None:
    report = read_roster(
        write_roster(
            tmp_path / "d",
            {
                "teachers.csv": "",
                "students.csv": "School_id,Student_id,First_name,Last_name,Grade,grade\nS1,,Amy,Adams,5,5\n",
            },
        )
    )
    found = {(problem.file, problem.line, problem.column) for problem in report.errors}
    assert found >= {
        ("teachers.csv", 1, None),
        ("students.csv", 1, "grade"),
        ("students.csv", 2, "Student_id"),
    }


def test_a_missing_directory_or_required_file_raises_roster_error(tmp_path: Path) -> None:
    with pytest.raises(RosterError, match="does not exist"):
        read_roster(tmp_path / "nowhere")
    directory = write_roster(tmp_path / "d", {"students.csv": None, "enrollments.csv": None})
    with pytest.raises(RosterError, match=r"missing required file\(s\): students.csv, enrollments.csv"):
        load_roster(directory)


def test_load_roster_raises_roster_invalid_with_every_error(tmp_path: Path) -> None:
    from rollcall.errors import RosterInvalid
    from rollcall.roster import Problem

    directory = write_roster(
        tmp_path / "d",
        {"enrollments.csv": "School_id,Section_id,Student_id\nS1,SEC1,1001\nS1,X,1001\nS1,Y,1001\n"},
    )
    with pytest.raises(RosterInvalid) as raised:
        load_roster(directory)
    problems = raised.value.problems
    assert [problem.line for problem in problems if isinstance(problem, Problem)] == [3, 4]
    assert "2 error(s)" in str(raised.value)
    assert "enrollments.csv:3:Section_id" in str(raised.value)
    assert raised.value.exit_code == 3


def test_unknown_columns_are_ignored_with_a_warning(tmp_path: Path) -> None:
    schools = "School_id,School_name,School_number,Mascot\nS1,Lincoln,101,Owl\nS2,Washington,201,Bee\n"
    report = read_roster(write_roster(tmp_path / "d", {"schools.csv": schools}))
    assert report.snapshot is not None
    [warning] = report.warnings
    assert (warning.file, warning.line, warning.column) == ("schools.csv", 1, "Mascot")


def test_bytes_that_are_not_utf8_in_a_header_are_reported_too(tmp_path: Path) -> None:
    report = read_roster(
        write_roster(tmp_path / "d", {"schools.csv": b"School_id,School_n\xe9me\nS1,Lincoln\n"})
    )
    found = {(problem.line, problem.column, problem.severity) for problem in report.problems}
    assert (1, None, "error") in found  # the undecodable byte
    assert (1, "School_name", "error") in found  # hence a missing column


def test_the_student_and_enrollment_loops_count_lines_like_every_other_file(tmp_path: Path) -> None:
    students = (
        "School_id,Student_id,First_name,Last_name,Student_street,Grade\n"
        'S1,1001,Amy,Adams,"1 Main St,\nApt 2",5\n'
        "\n"
        "S1,1002,Ben,Brown,,Fifth\n"
        "S1,1003,Cy\n"
    )
    enrollments = (
        "School_id,Section_id,Student_id\nS1,SEC1,1001\n\nS1,SEC1\nS1,SEC1,1002,extra\nS1,SEC2,1001\n"
    )
    report = read_roster(
        write_roster(tmp_path / "d", {"students.csv": students, "enrollments.csv": enrollments})
    )
    found = [(problem.file, problem.line, problem.column) for problem in report.errors]
    assert found == [
        ("enrollments.csv", 4, None), ("enrollments.csv", 5, None), ("enrollments.csv", 6, "Section_id"),
        ("students.csv", 5, "Grade"), ("students.csv", 6, None),
    ]  # fmt: skip
    assert report.row_counts["students.csv"] == 2
    assert report.row_counts["enrollments.csv"] == 2


def test_the_deprecated_admins_file_is_named_but_not_read(tmp_path: Path) -> None:
    admins = "School_id,Staff_id,Admin_email,First_name,Last_name\nS1,A1,a@example.org,Al,Admin\n"
    report = read_roster(write_roster(tmp_path / "d", {"admins.csv": admins}))
    assert report.snapshot is not None
    [warning] = report.warnings
    assert (warning.file, warning.line) == ("admins.csv", 0)
    assert "staff.csv" in warning.message
    assert report.snapshot.users_by_roles() == {"student": 1, "teacher": 1}
