"""Hand-built district records for the store tests (users come from tests.domain.factories)."""

from __future__ import annotations

from rollcall.domain.district import Course, District, DistrictContact, School, Section, Term
from rollcall.domain.record import LmsStatus, Location, Name
from rollcall.domain.user import Roles, Teacher, User
from tests.domain.factories import DISTRICT, SCHOOL_A, SCHOOL_B

TEACHER_2 = "6a0000000000000000000003"
TEACHER_3 = "6a0000000000000000000004"
STUDENT_1 = "5b0000000000000000000001"
STUDENT_2 = "5b0000000000000000000002"
TERM = "5f00000000000000000000e1"
COURSE = "5f00000000000000000000c1"
SECTION = "5f00000000000000000000d1"


def district() -> District:
    return District(
        id=DISTRICT,
        name="Sample District",
        state="success",
        login_methods=["google"],
        district_contact=DistrictContact(id="6c0000000000000000000001", district=DISTRICT, email="it@d.org"),
        lms_state="success",
    )


def schools() -> list[School]:
    return [
        School(
            id=SCHOOL_A, district=DISTRICT, name="Alpha Elementary", sis_id="A", school_number="100",
            low_grade="Kindergarten", high_grade="5", location=Location(city="Springfield"), ext={"x": 1},
        ),
        School(id=SCHOOL_B, district=DISTRICT, name="Beta Middle", sis_id="B", school_number="200"),
    ]  # fmt: skip


def term() -> Term:
    return Term(id=TERM, district=DISTRICT, name="Fall", start_date="2026-08-15", end_date="2026-12-20")


def course() -> Course:
    return Course(id=COURSE, district=DISTRICT, name="Math 5", number="M5")


def co_taught_section() -> Section:
    """A section with a primary teacher and two co-teachers, two students, and v3.1 `lms_status`."""
    return Section(
        id=SECTION, district=DISTRICT, school=SCHOOL_A, sis_id="S-1", name="Math 5 (1)", period="1",
        grade="5", subject="math", course=COURSE, term_id=TERM, teacher=TEACHER_2,
        teachers=[TEACHER_2, TEACHER_3, "6a0000000000000000000001"], students=[STUDENT_1, STUDENT_2],
        lms_status=LmsStatus(synced_in_lms=True),
    )  # fmt: skip


def teacher(user_id: str, sis_id: str) -> User:
    return User(
        id=user_id,
        district=DISTRICT,
        name=Name(first="Tea", last=sis_id),
        email=f"{sis_id.lower()}@example.org",
        roles=Roles(teacher=Teacher(sis_id=sis_id, school=SCHOOL_A, schools=[SCHOOL_A])),
    )
