from __future__ import annotations

from pathlib import Path

from rollcall.domain.ids import object_id_time
from rollcall.roster import load_roster, read_roster
from rollcall.roster.record_ids import T0_UNIX, T1_UNIX
from tests.roster.rosters import user_by_sis, users_with_role, write_roster

TEACHERS = (
    "School_id,Teacher_id,Teacher_email,First_name,Middle_name,Last_name,Title,Username\n"
    "S1,T1,robin@example.org,Robin,M,Plant,Math Teacher,rplant\n"
)
STAFF_HEADER = "School_id,Staff_id,Staff_email,First_name,Last_name,Department,Title,Username,Role\n"
ADMIN_HEADER = "District_admin_id,Email,First_name,Last_name,Title\n"


def test_teacher_staff_and_district_admin_sharing_an_email_become_one_user(tmp_path: Path) -> None:
    snapshot = load_roster(
        write_roster(
            tmp_path / "d",
            {
                "teachers.csv": TEACHERS,
                "staff.csv": STAFF_HEADER
                + "S2,ST1, Robin@EXAMPLE.org ,Rob,Plant,Math,Chair,rp2,School Tech Lead\n",
                "district_admins.csv": ADMIN_HEADER + "DA1,ROBIN@example.org,R,Plant,IT Director\n",
            },
        )
    )
    user = user_by_sis(snapshot, "teacher", "T1")
    assert user.role_names() == ("teacher", "staff", "district_admin")
    assert user.roles.staff is not None
    assert user.roles.staff.staff_id == "ST1"
    assert user.roles.staff.roles == ["SchoolTechLead"]
    assert user.roles.district_admin is not None
    assert user.roles.district_admin.title == "IT Director"
    # name and email come from the teacher record
    assert (user.name.first, user.name.middle, user.name.last, user.email) == (
        "Robin",
        "M",
        "Plant",
        "robin@example.org",
    )
    assert snapshot.users_by_roles() == {"district_admin+staff+teacher": 1, "student": 1}


def test_staff_and_district_admin_merge_without_a_teacher_and_take_the_staff_name(tmp_path: Path) -> None:
    snapshot = load_roster(
        write_roster(
            tmp_path / "d",
            {
                "staff.csv": STAFF_HEADER + "S1,ST1,kim@example.org,Kim,Staffer,,,,\n",
                "district_admins.csv": ADMIN_HEADER + "DA1,kim@example.org,Kimberly,Admin,Boss\n",
            },
        )
    )
    user = user_by_sis(snapshot, "staff", "ST1")
    assert user.role_names() == ("staff", "district_admin")
    assert (user.name.first, user.name.last) == ("Kim", "Staffer")
    assert user.roles.staff is not None
    assert user.roles.staff.roles == ["PortalOnly"]


def test_each_role_keeps_its_own_v2_id_and_the_user_gets_a_new_later_id(tmp_path: Path) -> None:
    snapshot = load_roster(
        write_roster(
            tmp_path / "d",
            {
                "teachers.csv": TEACHERS,
                "staff.csv": STAFF_HEADER + "S1,ST1,robin@example.org,Robin,Plant,,,,\n",
            },
        )
    )
    user = user_by_sis(snapshot, "teacher", "T1")
    assert user.roles.teacher is not None
    assert user.roles.staff is not None
    legacy = {user.roles.teacher.legacy_id, user.roles.staff.legacy_id}
    assert len(legacy) == 2
    assert user.id not in legacy
    assert all(object_id_time(legacy_id) == T0_UNIX for legacy_id in legacy if legacy_id)
    assert object_id_time(user.id) == T1_UNIX
    assert user.id > max(legacy_id for legacy_id in legacy if legacy_id)


def test_two_teachers_sharing_an_email_stay_two_users_with_a_warning_naming_both(tmp_path: Path) -> None:
    teachers = TEACHERS + "S1,T2,ROBIN@example.org,Rob,,Plant,,\n"
    report = read_roster(write_roster(tmp_path / "d", {"teachers.csv": teachers}))
    assert report.snapshot is not None
    teachers_found = users_with_role(report.snapshot, "teacher")
    assert len(teachers_found) == 2
    assert len({user.id for user in teachers_found}) == 2
    [warning] = report.warnings
    assert (warning.file, warning.line, warning.column) == ("teachers.csv", 3, "Teacher_email")
    assert "T2" in warning.message
    assert "T1" in warning.message


def test_same_kind_clash_still_lets_the_first_record_merge_with_other_kinds(tmp_path: Path) -> None:
    teachers = TEACHERS + "S1,T2,robin@example.org,Rob,,Plant,,\n"
    snapshot = load_roster(
        write_roster(
            tmp_path / "d",
            {
                "teachers.csv": teachers,
                "staff.csv": STAFF_HEADER + "S1,ST1,robin@example.org,Robin,Plant,,,,\n",
            },
        )
    )
    assert user_by_sis(snapshot, "teacher", "T1").role_names() == ("teacher", "staff")
    assert user_by_sis(snapshot, "teacher", "T2").role_names() == ("teacher",)


def test_an_employee_without_email_is_not_merged_and_is_warned_about(tmp_path: Path) -> None:
    teachers = TEACHERS + "S1,T9,,Nora,,Nomail,,\n"
    staff = STAFF_HEADER + "S1,ST9,,Nora,Nomail,,,,\n"
    report = read_roster(write_roster(tmp_path / "d", {"teachers.csv": teachers, "staff.csv": staff}))
    assert report.snapshot is not None
    assert user_by_sis(report.snapshot, "teacher", "T9").role_names() == ("teacher",)
    assert user_by_sis(report.snapshot, "staff", "ST9").role_names() == ("staff",)
    messages = [(problem.file, problem.line, problem.message) for problem in report.warnings]
    assert ("teachers.csv", 3, "teacher T9 has no email; it cannot be merged with other roles") in messages
    assert ("staff.csv", 2, "staff ST9 has no email; it cannot be merged with other roles") in messages


def test_a_student_never_merges_with_an_employee_sharing_the_email(tmp_path: Path) -> None:
    students = (
        "School_id,Student_id,First_name,Last_name,Student_email\nS1,1001,Robin,Plant,robin@example.org\n"
    )
    snapshot = load_roster(write_roster(tmp_path / "d", {"teachers.csv": TEACHERS, "students.csv": students}))
    assert snapshot.users_by_roles() == {"student": 1, "teacher": 1}
    assert {user.email for user in snapshot.users.values()} == {"robin@example.org"}


def test_a_teacher_at_several_schools_is_one_record_and_a_repeat_at_one_school_is_an_error(
    tmp_path: Path,
) -> None:
    teachers = TEACHERS + "S2,T1,robin@example.org,Robin,M,Plant,Math Teacher,rplant\n"
    snapshot = load_roster(write_roster(tmp_path / "ok", {"teachers.csv": teachers}))
    teacher = user_by_sis(snapshot, "teacher", "T1").roles.teacher
    assert teacher is not None
    assert teacher.schools == sorted(snapshot.schools)

    repeated = teachers + "S1,T1,robin@example.org,Robin,M,Plant,Math Teacher,rplant\n"
    report = read_roster(write_roster(tmp_path / "bad", {"teachers.csv": repeated}))
    assert report.snapshot is None
    [error] = report.errors
    assert (error.file, error.line, error.column) == ("teachers.csv", 4, "School_id")
    assert "repeated at school S1" in error.message
    assert "line 2" in error.message


def test_staff_at_several_schools_lists_them_all_without_a_primary_school(tmp_path: Path) -> None:
    staff = STAFF_HEADER + "S2,ST1,kim@example.org,Kim,Staffer,,,,\nS1,ST1,kim@example.org,Kim,Staffer,,,,\n"
    snapshot = load_roster(write_roster(tmp_path / "d", {"staff.csv": staff}))
    role = user_by_sis(snapshot, "staff", "ST1").roles.staff
    assert role is not None
    assert role.schools == sorted(snapshot.schools)
    assert not hasattr(role, "school")

    report = read_roster(
        write_roster(tmp_path / "bad", {"staff.csv": staff + "S1,ST1,kim@example.org,Kim,S,,,,\n"})
    )
    assert [(error.line, error.column) for error in report.errors] == [(4, "School_id")]


def test_a_district_admin_has_no_schools_and_becomes_the_district_contact(tmp_path: Path) -> None:
    admins = ADMIN_HEADER + "DA1,dana@example.org,Dana,Boss,Superintendent\nDA2,eve@example.org,Eve,Two,\n"
    snapshot = load_roster(write_roster(tmp_path / "d", {"district_admins.csv": admins}))
    dana = next(user for user in snapshot.users.values() if user.email == "dana@example.org")
    assert dana.role_names() == ("district_admin",)
    assert dana.school_ids() == frozenset()
    contact = snapshot.district.district_contact
    assert contact is not None
    assert (contact.id, contact.email, contact.title) == (dana.id, "dana@example.org", "Superintendent")


def test_without_district_admins_the_district_has_no_contact(tmp_path: Path) -> None:
    assert load_roster(write_roster(tmp_path / "d")).district.district_contact is None


def test_staff_role_column_accepts_only_school_tech_lead_or_blank(tmp_path: Path) -> None:
    staff = STAFF_HEADER + "S1,ST1,kim@example.org,Kim,Staffer,,,,Principal\n"
    report = read_roster(write_roster(tmp_path / "d", {"staff.csv": staff}))
    [error] = report.errors
    assert (error.file, error.line, error.column) == ("staff.csv", 2, "Role")
    assert "'Principal'" in error.message


def test_username_becomes_the_district_username(tmp_path: Path) -> None:
    snapshot = load_roster(write_roster(tmp_path / "d", {"teachers.csv": TEACHERS}))
    teacher = user_by_sis(snapshot, "teacher", "T1").roles.teacher
    assert teacher is not None
    assert teacher.credentials is not None
    assert teacher.credentials.district_username == "rplant"


def test_a_repeated_district_admin_id_is_an_error(tmp_path: Path) -> None:
    admins = ADMIN_HEADER + "DA1,dana@example.org,Dana,Boss,\nDA1,dana2@example.org,Dana,Boss,\n"
    report = read_roster(write_roster(tmp_path / "d", {"district_admins.csv": admins}))
    [error] = report.errors
    assert (error.file, error.line, error.column) == ("district_admins.csv", 3, "District_admin_id")
    assert "first on line 2" in error.message


def test_employee_emails_must_be_addresses(tmp_path: Path) -> None:
    teachers = (
        "School_id,Teacher_id,Teacher_email,First_name,Last_name\nS1,T1,robin at example.org,Robin,Plant\n"
    )
    report = read_roster(write_roster(tmp_path / "d", {"teachers.csv": teachers}))
    [error] = report.errors
    assert (error.file, error.line, error.column) == ("teachers.csv", 2, "Teacher_email")
