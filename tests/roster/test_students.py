from __future__ import annotations

from pathlib import Path

from rollcall.domain.ids import object_id_time
from rollcall.roster import load_roster, read_roster
from rollcall.roster.record_ids import T0_UNIX, T1_UNIX
from tests.roster.rosters import user_by_sis, users_with_role, write_roster

HEADER = (
    "School_id,Student_id,First_name,Last_name,Grade,DOB,Contact_name,Contact_email,Contact_phone,"
    "Contact_phone_type,Contact_relationship,Contact_type,Contact_sis_id\n"
)
AMY = "S1,1001,Amy,Adams,5,02/11/2014,"
BEN = "S1,1002,Ben,Brown,6,3/4/2013,"
ENROLLMENTS = "School_id,Section_id,Student_id\nS1,SEC1,1001\nS1,SEC1,1002\n"


def _load(tmp_path: Path, students: str):  # type: ignore[no-untyped-def]
    return read_roster(
        write_roster(tmp_path / "d", {"students.csv": students, "enrollments.csv": ENROLLMENTS})
    )


def test_a_student_has_one_id_in_v2_and_v3_and_no_legacy_id(tmp_path: Path) -> None:
    report = _load(tmp_path, HEADER + AMY + ",,,,,,\n" + BEN + ",,,,,,\n")
    assert report.snapshot is not None
    amy = user_by_sis(report.snapshot, "student", "1001")
    assert amy.roles.student is not None
    assert amy.roles.student.legacy_id is None
    assert object_id_time(amy.id) == T0_UNIX
    assert amy.legacy_ids() == {"student": amy.id}
    assert amy.roles.student.dob == "2/11/2014"


def test_repeated_student_rows_add_contacts_and_one_contact_person_serves_several_students(
    tmp_path: Path,
) -> None:
    students = (
        HEADER
        + AMY + "Grace Hopper,grace@example.org,555-0100,Cell,Parent,Parent/Guardian,\n"
        + AMY + "Alan Turing,,555-0111,Home,Aunt/Uncle,Emergency,\n"
        + BEN + "Grace Hopper,GRACE@example.org,555-0100,Cell,Grandparent,Family,\n"
    )  # fmt: skip
    report = _load(tmp_path, students)
    assert report.snapshot is not None
    assert report.problems == []
    snapshot = report.snapshot
    amy, ben = user_by_sis(snapshot, "student", "1001"), user_by_sis(snapshot, "student", "1002")
    contacts = {user.name.last: user for user in users_with_role(snapshot, "contact")}
    assert set(contacts) == {"Grace Hopper", "Alan Turing"}
    grace = contacts["Grace Hopper"]
    assert grace.name.first is None
    assert grace.email == "grace@example.org"
    assert grace.roles.contact is not None
    relationships = [
        (rel.student, rel.relationship, rel.type) for rel in grace.roles.contact.student_relationships
    ]
    assert relationships == [(amy.id, "Parent", "Parent/Guardian"), (ben.id, "Grandparent", "Family")]
    assert object_id_time(grace.id) == T1_UNIX
    assert grace.roles.contact.legacy_id is not None
    assert object_id_time(grace.roles.contact.legacy_id) == T0_UNIX
    assert grace.id != grace.roles.contact.legacy_id


def test_contact_identity_prefers_the_contact_sis_id_over_name_and_email(tmp_path: Path) -> None:
    students = (
        HEADER
        + AMY + "Grace Hopper,grace@example.org,,,Parent,,C1\n"
        + BEN + "G. Hopper,other@example.org,,,Parent,,C1\n"
    )  # fmt: skip
    report = _load(tmp_path, students)
    assert report.snapshot is not None
    [contact] = users_with_role(report.snapshot, "contact")
    assert contact.roles.contact is not None
    assert contact.roles.contact.sis_id == "C1"
    assert len(contact.roles.contact.student_relationships) == 2
    assert [warning.line for warning in report.warnings] == [3]  # the differing details are reported


def test_contacts_without_sis_id_fall_back_to_name_phone_then_name_type_relationship(tmp_path: Path) -> None:
    students = (
        HEADER
        + AMY + "Pat Doe,,555-0100,Cell,Parent,Primary,\n"
        + BEN + "Pat Doe,,555-0100,Cell,Parent,Primary,\n"  # same name + phone: same person
        + AMY + "Sam Roe,,,Home,Sibling,Family,\n"
        + BEN + "Sam Roe,,,Home,Sibling,Emergency,\n"  # same name but another type: another person
    )  # fmt: skip
    report = _load(tmp_path, students)
    assert report.snapshot is not None
    by_name: dict[str, int] = {}
    for user in users_with_role(report.snapshot, "contact"):
        by_name[user.name.last or ""] = by_name.get(user.name.last or "", 0) + 1
    assert by_name == {"Pat Doe": 1, "Sam Roe": 2}


def test_a_teacher_who_is_also_a_parent_is_two_users(tmp_path: Path) -> None:
    teachers = (
        "School_id,Teacher_id,Teacher_email,First_name,Last_name\nS1,T1,grace@example.org,Grace,Hopper\n"
    )
    students = HEADER + AMY + "Grace Hopper,grace@example.org,,,Parent,,\n" + BEN + ",,,,,,\n"
    snapshot = load_roster(
        write_roster(
            tmp_path / "d",
            {"teachers.csv": teachers, "students.csv": students, "enrollments.csv": ENROLLMENTS},
        )
    )
    emails = [user for user in snapshot.users.values() if user.email == "grace@example.org"]
    assert sorted(user.role_names() for user in emails) == [("contact",), ("teacher",)]


def test_a_sixth_contact_is_an_error_on_its_row(tmp_path: Path) -> None:
    rows = "".join(AMY + f"Contact {n},,555-010{n},,Parent,,\n" for n in range(1, 7))
    report = _load(tmp_path, HEADER + rows + BEN + ",,,,,,\n")
    assert report.snapshot is None
    [error] = report.errors
    assert (error.file, error.line, error.column) == ("students.csv", 7, "Contact_name")
    assert "more than 5 contacts" in error.message


def test_repeated_student_rows_may_differ_only_in_contact_columns(tmp_path: Path) -> None:
    students = HEADER + AMY + "A,,1,,,,\n" + "S1,1001,Amy,Adamson,6,02/11/2014,B,,2,,,,\n" + BEN + ",,,,,,\n"
    report = _load(tmp_path, students)
    [error] = report.errors
    assert (error.file, error.line, error.column) == ("students.csv", 3, "Last_name")
    assert "Last_name, Grade" in error.message


def test_a_student_at_an_unknown_school_is_an_error(tmp_path: Path) -> None:
    report = _load(tmp_path, HEADER + AMY + ",,,,,,\n" + "S9,1002,Ben,Brown,6,,,,,,,,\n")
    [error] = report.errors
    assert (error.file, error.line, error.column) == ("students.csv", 3, "School_id")
    assert "unknown school S9" in error.message


def test_an_unknown_school_on_one_of_a_students_rows_is_one_error_not_two(tmp_path: Path) -> None:
    mom = "Ann Adams,ann@example.org,,,Parent,Parent/Guardian,C1\n"
    dad = "Al Adams,al@example.org,,,Parent,Parent/Guardian,C2\n"
    typo = AMY.replace("S1,", "S9,", 1)
    ben = BEN + ",,,,,,\n"
    # the typo on the student's first row, then on a later one
    for case, rows in enumerate((typo + mom + AMY + dad, AMY + mom + typo + dad)):
        report = _load(tmp_path / str(case), HEADER + rows + ben)
        assert [(e.line, e.message) for e in report.errors] == [
            (2 + case, "student 1001 is at unknown school S9")
        ]
    other = _load(tmp_path / "both", HEADER + typo + mom + AMY.replace("Adams", "Adamson") + dad + ben)
    assert [e.column for e in other.errors] == ["School_id", "Last_name"]  # other differences still count


def test_student_enum_email_and_date_values_are_checked(tmp_path: Path) -> None:
    students = (
        "School_id,Student_id,First_name,Last_name,Grade,Gender,Race,Hispanic_Latino,Ell_status,DOB,Student_email,"
        "Contact_name,Contact_relationship,Contact_type,Contact_phone_type,Contact_email\n"
        "S1,1001,Amy,Adams,Fifth,Q,Martian,Yes,maybe,02/30/2014,amy@@example.org,"
        "Pat,Mom,Guardian,Pager,pat at x\n"
        "S1,1002,Ben,Brown,5,M,Asian,Y,N,2014-02-11,ben@example.org,,,,,\n"
    )
    report = _load(tmp_path, students)
    columns = {(error.line, error.column) for error in report.errors}
    expected_line_2 = {
        "Grade", "Gender", "Race", "Hispanic_Latino", "Ell_status", "DOB", "Student_email",
        "Contact_relationship", "Contact_type", "Contact_phone_type", "Contact_email",
    }  # fmt: skip
    assert columns == {(2, column) for column in expected_line_2} | {(3, "DOB")}


def test_a_students_rows_need_not_follow_each_other(tmp_path: Path) -> None:
    students = (
        HEADER
        + AMY + "Pat Doe,,555-0100,,Parent,,\n"
        + BEN + ",,,,,,\n"
        + AMY + "Sam Roe,,555-0101,,Sibling,,\n"
        + "S1,1001,Amy,Adams,5,02/12/2014,Lee Poe,,555-0102,,Parent,,\n"  # another DOB
    )  # fmt: skip
    report = _load(tmp_path, students)
    [error] = report.errors
    assert (error.line, error.column) == (5, "DOB")
    assert report.counts is not None
    assert report.counts.users_by_roles == {"contact": 3, "student": 2, "teacher": 1}


def test_a_problem_in_the_student_cells_is_reported_on_each_of_its_rows(tmp_path: Path) -> None:
    bad = "S1,1001,Amy,Adams,Fifth,02/11/2014,"
    report = _load(tmp_path, HEADER + bad + "Pat,,1,,,,\n" + bad + "Sam,,2,,,,\n" + BEN + ",,,,,,\n")
    assert [(error.line, error.column) for error in report.errors] == [(2, "Grade"), (3, "Grade")]


def test_a_repeat_that_adds_an_address_or_username_names_those_columns(tmp_path: Path) -> None:
    header = "School_id,Student_id,First_name,Last_name,Student_street,Username,Contact_name\n"
    students = header + "S1,1001,Amy,Adams,,,Pat\nS1,1001,Amy,Adams,1 Main St,aadams,Sam\n"
    report = read_roster(write_roster(tmp_path / "d", {"students.csv": students}))
    [error] = report.errors
    assert (error.line, error.column) == (3, "Student_street")
    assert "different Student_street, Username;" in error.message
