"""The synthetic district generator: determinism, shape, referential integrity, valid values, safe writes."""

from __future__ import annotations

import csv
import re
import tempfile
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rollcall.domain import vocabulary
from rollcall.errors import UsageError
from rollcall.roster.generator import vocabulary as words
from rollcall.roster.generator.writer import HEADERS, PARTIAL_SUFFIX, generate_roster

Rows = list[dict[str, str]]

REQUIRED_COLUMNS = {
    "schools.csv": {"School_id", "School_name", "School_number"},
    "students.csv": {"School_id", "Student_id", "Last_name", "First_name"},
    "teachers.csv": {"School_id", "Teacher_id", "First_name", "Last_name"},
    "staff.csv": {"School_id", "Staff_id", "Staff_email", "First_name", "Last_name"},
    "sections.csv": {"School_id", "Section_id", "Teacher_id"},
    "enrollments.csv": {"School_id", "Section_id", "Student_id"},
    "district_admins.csv": {"District_admin_id", "Email", "First_name", "Last_name", "Title"},
}
BAND_GRADES = {
    "Kindergarten": {"Kindergarten", "1", "2", "3", "4", "5"},
    "6": {"6", "7", "8"},
    "9": {"9", "10", "11", "12"},
}
EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+\.[a-z]+$")
STUDENTS = 2000


def _read(path: Path) -> Rows:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class District:
    """A generated district's files, read back with the standard csv module."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = {name: _read(root / name) for name in HEADERS}

    def __getitem__(self, name: str) -> Rows:
        return self.files[name]

    def emails(self, name: str, column: str) -> set[str]:
        return {row[column] for row in self.files[name]}


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> District:
    root = tmp_path_factory.mktemp("district")
    generate_roster(root, students=STUDENTS, seed=20260824)
    return District(root)


def _student_ids(district: District) -> set[str]:
    return {row["Student_id"] for row in district["students.csv"]}


def test_the_same_seed_writes_byte_identical_files_and_another_seed_does_not(tmp_path: Path) -> None:
    for name, seed in (("a", 7), ("b", 7), ("c", 8), ("d", "seven"), ("e", "seven")):
        generate_roster(tmp_path / name, students=600, seed=seed)
    for file in HEADERS:
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes(), file
        assert (tmp_path / "d" / file).read_bytes() == (tmp_path / "e" / file).read_bytes(), file
    assert (tmp_path / "a" / "students.csv").read_bytes() != (tmp_path / "c" / "students.csv").read_bytes()
    assert (tmp_path / "a" / "students.csv").read_bytes() != (tmp_path / "d" / "students.csv").read_bytes()


def test_every_file_has_its_header_its_required_columns_and_rectangular_rows(district: District) -> None:
    for name, required in REQUIRED_COLUMNS.items():
        with (district.root / name).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        assert tuple(rows[0]) == HEADERS[name]
        assert required <= set(rows[0]), name
        assert all(len(row) == len(rows[0]) for row in rows), name
        for row in rows[1:]:
            for column in required:
                assert row[rows[0].index(column)], (name, column, row)


def test_the_summary_counts_the_rows_and_bytes_written(tmp_path: Path) -> None:
    summary = generate_roster(tmp_path, students=300, seed=1)
    for name in HEADERS:
        assert summary.rows[name] == len(_read(tmp_path / name))
        assert summary.bytes[name] == (tmp_path / name).stat().st_size
    assert summary.total_rows == sum(summary.rows.values())
    assert summary.rows_per_second > 0


def test_the_shape_matches_the_documented_ratios(district: District) -> None:
    assert len(_student_ids(district)) == STUDENTS
    sections = len(district["sections.csv"])
    enrollments = len(district["enrollments.csv"])
    teachers = len({row["Teacher_id"] for row in district["teachers.csv"]})
    staff = len({row["Staff_id"] for row in district["staff.csv"]})
    assert sections / STUDENTS == pytest.approx(0.46, abs=0.1)
    assert enrollments / STUDENTS == pytest.approx(8, abs=1.5)
    assert teachers == pytest.approx(STUDENTS / 13, rel=0.25)
    assert staff == pytest.approx(STUDENTS / 40, rel=0.3)
    assert 2 <= len(district["district_admins.csv"]) <= 8
    sizes = Counter(row["School_id"] for row in district["students.csv"] if row["Contact_type"] == "Primary")
    assert len(district["schools.csv"]) >= 3  # elementary, middle and high at this size
    assert all(size <= 2_200 * 1.3 for size in sizes.values())


def test_five_to_ten_percent_of_employees_hold_several_roles(district: District) -> None:
    teachers = district.emails("teachers.csv", "Teacher_email")
    staff = district.emails("staff.csv", "Staff_email")
    admins = district.emails("district_admins.csv", "Email")
    employees = teachers | staff | admins
    roles = {email: (email in admins, email in staff, email in teachers) for email in employees}
    several = [email for email, held in roles.items() if sum(held) >= 2]
    assert 0.05 <= len(several) / len(employees) <= 0.10
    assert any(held == (False, True, True) for held in roles.values()), "teacher + staff"
    assert any(held == (True, False, True) for held in roles.values()), "district admin + teacher"
    assert any(held == (True, True, True) for held in roles.values()), "district admin + staff + teacher"
    assert any(held == (True, False, False) for held in roles.values()), "a district admin only"


def test_teacher_staff_users_work_at_the_same_school_or_at_another(district: District) -> None:
    teaches_at: defaultdict[str, set[str]] = defaultdict(set)
    for row in district["teachers.csv"]:
        teaches_at[row["Teacher_email"]].add(row["School_id"])
    same = elsewhere = 0
    for row in district["staff.csv"]:
        if row["Staff_email"] in teaches_at:
            if row["School_id"] in teaches_at[row["Staff_email"]]:
                same += 1
            else:
                elsewhere += 1
    assert same > 0
    assert elsewhere > 0


def test_some_staff_are_school_tech_leads_and_roles_are_valid(district: District) -> None:
    roles = Counter(row["Role"] for row in district["staff.csv"])
    assert set(roles) <= {"School Tech Lead", ""}
    assert roles["School Tech Lead"] >= 1


def test_some_teachers_teach_at_several_schools_and_some_sections_have_co_teachers(
    district: District,
) -> None:
    schools_per_teacher = Counter(row["Teacher_id"] for row in district["teachers.csv"])
    assert max(schools_per_teacher.values()) >= 2
    assert len(district["teachers.csv"]) == len(
        {(r["School_id"], r["Teacher_id"]) for r in district["teachers.csv"]}
    )
    co_taught = [row for row in district["sections.csv"] if row["Teacher_2_id"]]
    assert 0.02 <= len(co_taught) / len(district["sections.csv"]) <= 0.15
    for row in district["sections.csv"]:
        ids = [row["Teacher_id"]] + [row[f"Teacher_{n}_id"] for n in range(2, 11)]
        filled = [i for i in ids if i]
        assert ids[: len(filled)] == filled, "co-teacher columns fill from Teacher_2_id"
        assert len(set(filled)) == len(filled)


def test_every_reference_resolves_and_students_enrol_only_at_their_school(district: District) -> None:
    schools = {row["School_id"] for row in district["schools.csv"]}
    teacher_schools = {(row["Teacher_id"], row["School_id"]) for row in district["teachers.csv"]}
    student_school = {row["Student_id"]: row["School_id"] for row in district["students.csv"]}
    section_school = {row["Section_id"]: row["School_id"] for row in district["sections.csv"]}
    assert len(section_school) == len(district["sections.csv"])
    for name in ("students.csv", "teachers.csv", "staff.csv", "sections.csv", "enrollments.csv"):
        assert {row["School_id"] for row in district[name]} <= schools, name
    for row in district["sections.csv"]:
        for column in ("Teacher_id", *(f"Teacher_{n}_id" for n in range(2, 11))):
            if row[column]:
                assert (row[column], row["School_id"]) in teacher_schools, row
    pairs = set()
    for row in district["enrollments.csv"]:
        assert row["Section_id"] in section_school
        assert row["Student_id"] in student_school
        assert section_school[row["Section_id"]] == row["School_id"] == student_school[row["Student_id"]]
        pairs.add((row["Section_id"], row["Student_id"]))
    assert len(pairs) == len(district["enrollments.csv"]), "one row per student per section"
    assert {row["Student_id"] for row in district["enrollments.csv"]} == set(student_school)
    principals = {row["Principal_email"] for row in district["schools.csv"]}
    assert principals <= district.emails("staff.csv", "Staff_email")


def test_students_have_one_to_three_contacts_repeating_the_same_student_columns(district: District) -> None:
    rows_by_student: defaultdict[str, list[dict[str, str]]] = defaultdict(list)
    for row in district["students.csv"]:
        rows_by_student[row["Student_id"]].append(row)
    contact_columns = {column for column in HEADERS["students.csv"] if column.startswith("Contact_")}
    for rows in rows_by_student.values():
        assert 1 <= len(rows) <= 3 <= 5
        student_parts = {tuple(v for k, v in row.items() if k not in contact_columns) for row in rows}
        assert len(student_parts) == 1
        assert len({row["Contact_sis_id"] for row in rows}) == len(rows)


def test_siblings_share_contacts_whose_relationship_may_differ_per_child(district: District) -> None:
    students_of: defaultdict[str, set[str]] = defaultdict(set)
    identity: defaultdict[str, set[tuple[str, str, str]]] = defaultdict(set)
    relationships: defaultdict[str, set[str]] = defaultdict(set)
    for row in district["students.csv"]:
        sis_id = row["Contact_sis_id"]
        students_of[sis_id].add(row["Student_id"])
        identity[sis_id].add((row["Contact_name"], row["Contact_email"], row["Contact_phone"]))
        relationships[sis_id].add(row["Contact_relationship"])
    shared = [sis_id for sis_id, kids in students_of.items() if len(kids) >= 2]
    assert len(shared) >= STUDENTS * 0.05
    assert all(len(identity[sis_id]) == 1 for sis_id in students_of)
    assert any(len(relationships[sis_id]) >= 2 for sis_id in shared)
    schools_of_family = {
        sis_id: {row["School_id"] for row in district["students.csv"] if row["Contact_sis_id"] == sis_id}
        for sis_id in shared[:200]
    }
    assert any(len(schools) >= 2 for schools in schools_of_family.values()), "siblings at different schools"


def test_a_teacher_is_also_a_parent_as_a_separate_contact(district: District) -> None:
    teachers = {row["Teacher_email"]: row for row in district["teachers.csv"]}
    parents = [row for row in district["students.csv"] if row["Contact_email"] in teachers]
    assert parents
    for row in parents:
        teacher = teachers[row["Contact_email"]]
        assert row["Contact_name"] == f"{teacher['First_name']} {teacher['Last_name']}"
        assert row["Contact_sis_id"] != teacher["Teacher_id"]


def test_emails_are_valid_and_unique_per_person_except_the_deliberate_overlaps(district: District) -> None:
    owners: defaultdict[str, set[tuple[str, str]]] = defaultdict(set)
    sources = (
        ("students.csv", "Student_email", "Student_id", "student"),
        ("students.csv", "Contact_email", "Contact_sis_id", "contact"),
        ("teachers.csv", "Teacher_email", "Teacher_id", "teacher"),
        ("staff.csv", "Staff_email", "Staff_id", "staff"),
        ("district_admins.csv", "Email", "District_admin_id", "district_admin"),
        ("schools.csv", "Principal_email", "School_id", "principal"),
    )
    for name, column, key, kind in sources:
        for row in district[name]:
            if row[column]:
                assert EMAIL.match(row[column]), (name, row[column])
                assert row[column].count("@") == 1
                if kind != "principal":
                    owners[row[column]].add((kind, row[key]))
    for email, held in owners.items():
        kinds = Counter(kind for kind, _ in held)
        assert all(count == 1 for count in kinds.values()), (email, held)  # one person per role kind
        if len(kinds) > 1:
            assert "student" not in kinds, email
            assert set(kinds) - {"contact"} <= {"teacher", "staff", "district_admin"}, email
            assert "contact" not in kinds or "teacher" in kinds, email


def test_every_enumerated_value_is_one_clever_accepts(district: District) -> None:
    checks = {
        "students.csv": {
            "Grade": vocabulary.GRADES,
            "Gender": vocabulary.GENDERS,
            "Race": vocabulary.RACES,
            "Hispanic_Latino": vocabulary.YES_NO,
            "Ell_status": vocabulary.YES_NO,
            "IEP_status": vocabulary.YES_NO,
            "Frl_status": vocabulary.FRL_STATUSES,
            "Contact_relationship": vocabulary.RELATIONSHIPS,
            "Contact_type": vocabulary.CONTACT_TYPES,
            "Contact_phone_type": vocabulary.PHONE_TYPES,
        },
        "sections.csv": {"Grade": vocabulary.GRADES, "Subject": vocabulary.SUBJECTS},
        "schools.csv": {"Low_grade": vocabulary.GRADES, "High_grade": vocabulary.GRADES},
    }
    for name, columns in checks.items():
        for column, allowed in columns.items():
            seen = {row[column] for row in district[name]}
            assert seen <= allowed, (name, column, seen - allowed)
    assert {row["Subject"] for row in district["sections.csv"]} >= {"math", "science", "arts and music"}


def test_dates_are_month_day_year_and_plausible(district: District) -> None:
    for row in district["students.csv"]:
        born = datetime.strptime(row["DOB"], "%m/%d/%Y")
        assert 2007 <= born.year <= 2021
        assert re.fullmatch(r"\d\d/\d\d/\d{4}", row["DOB"])
    for row in district["sections.csv"]:
        start = datetime.strptime(row["Term_start"], "%m/%d/%Y")
        end = datetime.strptime(row["Term_end"], "%m/%d/%Y")
        assert start < end
    terms = {row["Term_name"] for row in district["sections.csv"]}
    assert terms == {"2026-2027", "Fall 2026", "Spring 2027"}


def test_students_and_sections_have_grades_of_their_schools_band(district: District) -> None:
    band = {row["School_id"]: BAND_GRADES[row["Low_grade"]] for row in district["schools.csv"]}
    assert len(set(map(frozenset, band.values()))) == 3
    for name in ("students.csv", "sections.csv"):
        for row in district[name]:
            assert row["Grade"] in band[row["School_id"]], (name, row)
    grade_of = {row["Student_id"]: row["Grade"] for row in district["students.csv"]}
    section_grade = {row["Section_id"]: row["Grade"] for row in district["sections.csv"]}
    for row in district["enrollments.csv"]:
        assert section_grade[row["Section_id"]] == grade_of[row["Student_id"]]


def test_courses_have_one_number_per_name_across_schools(district: District) -> None:
    numbers: defaultdict[str, set[str]] = defaultdict(set)
    for row in district["sections.csv"]:
        numbers[row["Course_name"]].add(row["Course_number"])
    assert all(len(found) == 1 for found in numbers.values())


def test_no_vocabulary_word_needs_csv_quoting() -> None:
    values: list[str] = [
        *words.FIRST_NAMES_F, *words.FIRST_NAMES_M, *words.FIRST_NAMES_X, *words.LAST_NAMES,
        *words.STREETS, *(city for city, _ in words.CITIES), *words.SCHOOL_PLACES, *words.TEACHER_TITLES,
        *(t for pair in (*words.PURE_STAFF_TITLES, *words.TEACHER_STAFF_TITLES) for t in pair),
        *words.PURE_ADMIN_TITLES, *words.TEACHING_ADMIN_TITLES,
        *(course.name for slots in words.CURRICULUM.values() for slot in slots
          for courses in slot.courses for course in courses),
    ]  # fmt: skip
    assert not [value for value in values if set(value) & set(',"\r\n')]
    assert all(
        words.email_slug(name) for name in (*words.FIRST_NAMES_F, *words.FIRST_NAMES_M, *words.LAST_NAMES)
    )


def test_a_one_student_district_is_still_complete(tmp_path: Path) -> None:
    summary = generate_roster(tmp_path, students=1, seed=0)
    assert summary.rows["schools.csv"] == 1
    assert summary.rows["enrollments.csv"] == 8
    assert summary.rows["district_admins.csv"] >= 2


def test_fewer_than_one_student_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="at least 1"):
        generate_roster(tmp_path / "out", students=0, seed=1)
    assert not (tmp_path / "out").exists()


def test_a_non_empty_directory_is_refused_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    (tmp_path / "students.csv").write_text("old")
    with pytest.raises(UsageError, match="not empty"):
        generate_roster(tmp_path, students=50, seed=1)
    assert (tmp_path / "students.csv").read_text() == "old"
    generate_roster(tmp_path, students=50, seed=1, force=True)
    assert (tmp_path / "students.csv").read_text().startswith("School_id,Student_id")
    assert (tmp_path / "notes.txt").read_text() == "keep me"


def test_a_path_that_is_a_file_or_under_a_file_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UsageError, match="not a directory"):
        generate_roster(blocker, students=10, seed=1)
    with pytest.raises(UsageError, match="cannot use"):
        generate_roster(blocker / "district", students=10, seed=1)


def test_a_failure_midway_leaves_neither_partial_nor_half_written_files(tmp_path: Path) -> None:
    def explode(stage: str, done: int) -> None:
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        generate_roster(tmp_path, students=3000, seed=1, progress=explode)
    assert list(tmp_path.iterdir()) == []


def test_progress_reports_students_done_up_to_the_total(tmp_path: Path) -> None:
    seen: list[tuple[str, int]] = []
    generate_roster(tmp_path, students=2500, seed=3, progress=lambda stage, done: seen.append((stage, done)))
    assert {stage for stage, _ in seen} == {"students"}
    done = [count for _, count in seen]
    assert done == sorted(done)
    assert done[-1] == 2500
    assert not list(tmp_path.glob(f"*{PARTIAL_SUFFIX}"))


def test_a_file_that_cannot_be_opened_is_a_usage_error_and_leaves_no_partial_files(tmp_path: Path) -> None:
    (tmp_path / f".enrollments.csv{PARTIAL_SUFFIX}").mkdir()  # in the way of one temporary file
    with pytest.raises(UsageError, match="cannot write the roster"):
        generate_roster(tmp_path, students=20, seed=1, force=True)
    assert [p.name for p in tmp_path.iterdir()] == [f".enrollments.csv{PARTIAL_SUFFIX}"]


@settings(max_examples=15, deadline=None)
@given(students=st.integers(min_value=1, max_value=1500), seed=st.integers() | st.text(max_size=8))
def test_any_size_and_seed_gives_a_district_whose_references_all_resolve(
    students: int, seed: int | str
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        summary = generate_roster(root, students=students, seed=seed)
        found = District(root)
    assert len(_student_ids(found)) == students
    assert summary.rows["enrollments.csv"] == 8 * students
    teacher_schools = {(row["Teacher_id"], row["School_id"]) for row in found["teachers.csv"]}
    student_school = {row["Student_id"]: row["School_id"] for row in found["students.csv"]}
    section_school = {row["Section_id"]: row["School_id"] for row in found["sections.csv"]}
    for row in found["sections.csv"]:
        assert (row["Teacher_id"], row["School_id"]) in teacher_schools
    for row in found["enrollments.csv"]:
        assert section_school[row["Section_id"]] == student_school[row["Student_id"]] == row["School_id"]
    assert len(found["district_admins.csv"]) >= 3
    assert Counter(row["Student_id"] for row in found["students.csv"]).most_common(1)[0][1] <= 5
