from __future__ import annotations

from pathlib import Path

from rollcall.roster import load_roster
from rollcall.roster.primary import primary_school
from tests.roster.rosters import user_by_sis, write_roster

TEACHERS = (
    "School_id,Teacher_id,Teacher_email,First_name,Last_name\n"
    "S1,T1,t1@example.org,Tess,One\nS2,T2,t2@example.org,Ty,Two\nS1,T2,t2@example.org,Ty,Two\n"
)
STUDENTS = (
    "School_id,Student_id,First_name,Last_name\nS1,1001,Amy,Adams\nS1,1002,Ben,Brown\nS2,1003,Cy,Clark\n"
)
SECTIONS_HEADER = "School_id,Section_id,Teacher_id,Teacher_2_id\n"
ENROLLMENTS_HEADER = "School_id,Section_id,Student_id\n"


def _load(tmp_path: Path, sections: str, enrollments: str):  # type: ignore[no-untyped-def]
    files: dict[str, str | bytes | None] = {
        "teachers.csv": TEACHERS,
        "students.csv": STUDENTS,
        "sections.csv": SECTIONS_HEADER + sections,
        "enrollments.csv": ENROLLMENTS_HEADER + enrollments,
    }
    snapshot = load_roster(write_roster(tmp_path / "d", files))
    school = {school.sis_id: school.id for school in snapshot.schools.values()}
    return snapshot, school


def test_the_primary_school_is_where_the_person_has_the_most_sections(tmp_path: Path) -> None:
    snapshot, school = _load(
        tmp_path,
        "S1,A,T1,\nS2,B,T1,\nS2,C,T1,\n",
        "S1,A,1001\nS2,B,1001\nS2,C,1001\nS2,B,1003\n",
    )
    teacher = user_by_sis(snapshot, "teacher", "T1").roles.teacher
    student = user_by_sis(snapshot, "student", "1001").roles.student
    assert teacher is not None
    assert student is not None
    assert teacher.school == school["S2"]
    assert teacher.schools == sorted(school.values())
    assert student.school == school["S2"]
    assert student.schools == sorted(school.values())


def test_co_taught_sections_count_for_the_co_teacher(tmp_path: Path) -> None:
    # T2's rows name S2 first, but it co-teaches two sections at S1.
    snapshot, school = _load(tmp_path, "S1,A,T1,T2\nS1,B,T1,T2\n", "S1,A,1001\nS1,B,1002\n")
    teacher = user_by_sis(snapshot, "teacher", "T2").roles.teacher
    assert teacher is not None
    assert teacher.school == school["S1"]


def test_a_tie_goes_to_the_school_with_the_larger_enrolment_across_those_sections(tmp_path: Path) -> None:
    snapshot, school = _load(tmp_path, "S1,A,T1,\nS2,B,T1,\n", "S1,A,1001\nS2,B,1001\nS2,B,1003\n")
    teacher = user_by_sis(snapshot, "teacher", "T1").roles.teacher
    student = user_by_sis(snapshot, "student", "1001").roles.student
    assert teacher is not None
    assert student is not None
    assert teacher.school == school["S2"]
    assert student.school == school["S2"]


def test_a_full_tie_goes_to_the_smallest_school_id(tmp_path: Path) -> None:
    snapshot, school = _load(tmp_path, "S1,A,T1,\nS2,B,T1,\n", "S1,A,1001\nS2,B,1003\n")
    teacher = user_by_sis(snapshot, "teacher", "T1").roles.teacher
    assert teacher is not None
    assert teacher.school == min(school["S1"], school["S2"])


def test_without_sections_the_primary_school_is_the_first_row_of_the_file(tmp_path: Path) -> None:
    snapshot, school = _load(tmp_path, "S1,A,T1,\n", "S1,A,1001\n")
    teacher = user_by_sis(snapshot, "teacher", "T2").roles.teacher
    student = user_by_sis(snapshot, "student", "1003").roles.student
    assert teacher is not None
    assert student is not None
    assert teacher.school == school["S2"]
    assert teacher.schools == sorted(school.values())
    assert student.school == school["S2"]
    assert student.schools == [school["S2"]]


def test_primary_school_orders_sections_then_enrolment_then_id() -> None:
    assert primary_school({"b": [2, 1], "a": [1, 90]}) == "b"
    assert primary_school({"b": [1, 5], "a": [1, 4]}) == "b"
    assert primary_school({"b": [1, 5], "a": [1, 5]}) == "a"
