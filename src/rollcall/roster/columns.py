"""The SFTP roster's files and columns as Clever documents them (clever-api.md §8.2), plus our
district_admins.csv extension: which columns each file has, which are required, which must not be blank."""

from __future__ import annotations

from typing import Final, NamedTuple


def column_key(header: str) -> str:
    """The spelling-independent key of a header: `School_id`, `school id` and ` SCHOOL_ID` → `school_id`."""
    return "_".join(header.replace("_", " ").lower().split())


class FileSpec(NamedTuple):
    """One roster file: its name, its columns (Clever's spelling), the required ones and those that need a
    value on every row."""

    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    nonblank: tuple[str, ...]

    def spelling(self, key: str) -> str:
        """Clever's spelling of the column with this key (the key itself for an unknown column)."""
        for column in self.columns:
            if column_key(column) == key:
                return column
        return key


SCHOOLS: Final = FileSpec(
    name="schools.csv",
    columns=(
        "School_id", "School_name", "School_number", "State_id", "Low_grade", "High_grade", "Principal",
        "Principal_email", "School_address", "School_city", "School_state", "School_zip", "School_phone",
    ),
    required=("School_id", "School_name", "School_number"),
    nonblank=("School_id", "School_name"),
)  # fmt: skip

CONTACT_COLUMNS: Final = (
    "Contact_relationship", "Contact_type", "Contact_name", "Contact_phone", "Contact_phone_type",
    "Contact_email", "Contact_sis_id",
)  # fmt: skip

STUDENTS: Final = FileSpec(
    name="students.csv",
    columns=(
        "School_id", "Student_id", "Student_number", "State_id", "Last_name", "Middle_name", "First_name",
        "Grade", "Gender", "Graduation_year", "DOB", "Race", "Hispanic_Latino", "Home_language",
        "Ell_status", "Frl_status", "IEP_status", "Student_street", "Student_city", "Student_state",
        "Student_zip", "Student_email", *CONTACT_COLUMNS, "Username", "Password", "Unweighted_gpa",
        "Weighted_gpa",
    ),
    required=("School_id", "Student_id", "Last_name", "First_name"),
    nonblank=("School_id", "Student_id", "Last_name", "First_name"),
)  # fmt: skip

TEACHERS: Final = FileSpec(
    name="teachers.csv",
    columns=(
        "School_id", "Teacher_id", "Teacher_number", "State_teacher_id", "Teacher_email", "First_name",
        "Middle_name", "Last_name", "Title", "Username", "Password",
    ),
    required=("School_id", "Teacher_id", "First_name", "Last_name"),
    nonblank=("School_id", "Teacher_id", "First_name", "Last_name"),
)  # fmt: skip

STAFF: Final = FileSpec(
    name="staff.csv",
    columns=(
        "School_id", "Staff_id", "Staff_email", "First_name", "Last_name", "Department", "Title", "Username",
        "Password", "Role",
    ),
    required=("School_id", "Staff_id", "Staff_email", "First_name", "Last_name"),
    nonblank=("School_id", "Staff_id", "First_name", "Last_name"),
)  # fmt: skip

DISTRICT_ADMINS: Final = FileSpec(
    name="district_admins.csv",
    columns=("District_admin_id", "Email", "First_name", "Last_name", "Title"),
    required=("District_admin_id", "Email", "First_name", "Last_name"),
    nonblank=("District_admin_id",),
)

CO_TEACHER_COLUMNS: Final = tuple(f"Teacher_{n}_id" for n in range(2, 11))

SECTIONS: Final = FileSpec(
    name="sections.csv",
    columns=(
        "School_id", "Section_id", "Teacher_id", *CO_TEACHER_COLUMNS, "Name", "Section_number", "Grade",
        "Course_name", "Course_number", "Course_description", "Period", "Subject", "Term_name", "Term_start",
        "Term_end",
    ),
    required=("School_id", "Section_id", "Teacher_id"),
    nonblank=("School_id", "Section_id", "Teacher_id"),
)  # fmt: skip

ENROLLMENTS: Final = FileSpec(
    name="enrollments.csv",
    columns=("School_id", "Section_id", "Student_id"),
    required=("School_id", "Section_id", "Student_id"),
    nonblank=("School_id", "Section_id", "Student_id"),
)

REQUIRED_FILES: Final = (SCHOOLS, STUDENTS, TEACHERS, SECTIONS, ENROLLMENTS)
OPTIONAL_FILES: Final = (STAFF, DISTRICT_ADMINS)
