"""The unit district: a few hand-built people and records (one of each kind) for the domain, store and sync
tests, which check one rule at a time."""

from __future__ import annotations

from rollcall.domain.district import Course, District, DistrictContact, School, Section, Term
from rollcall.domain.record import LmsStatus, Location, Name
from rollcall.domain.user import (
    Contact,
    DistrictAdmin,
    Roles,
    Staff,
    Student,
    StudentRelationship,
    Teacher,
    User,
)

DISTRICT = "5f0000000000000000000001"
SCHOOL_A = "5f00000000000000000000a1"
SCHOOL_B = "5f00000000000000000000b1"
TEACHER_2 = "6a0000000000000000000003"
TEACHER_3 = "6a0000000000000000000004"
STUDENT_1 = "5b0000000000000000000001"
STUDENT_2 = "5b0000000000000000000002"
TERM = "5f00000000000000000000e1"
COURSE = "5f00000000000000000000c1"
SECTION = "5f00000000000000000000d1"


def teacher_staff_admin() -> User:
    """Robin: teacher at A, staff (tech lead) at B, and district admin."""
    return User(
        id="6a0000000000000000000001",
        district=DISTRICT,
        name=Name(first="Robin", middle="M", last="Plant"),
        email="robin@example.org",
        created="2026-08-01T00:00:00.000Z",
        last_modified="2026-08-01T00:00:00.000Z",
        roles=Roles(
            teacher=Teacher(
                sis_id="T77", school=SCHOOL_A, schools=[SCHOOL_A], legacy_id="5a0000000000000000000077"
            ),
            staff=Staff(
                staff_id="S77",
                schools=[SCHOOL_B],
                roles=["SchoolTechLead"],
                legacy_id="5a0000000000000000000078",
            ),
            district_admin=DistrictAdmin(title="Superintendent", legacy_id="5a0000000000000000000079"),
        ),
    )


def student() -> User:
    return User(
        id="5b0000000000000000000001",
        district=DISTRICT,
        name=Name(first="Ada", last="Lovelace"),
        roles=Roles(
            student=Student(sis_id="1001", school=SCHOOL_A, schools=[SCHOOL_A], grade="5", gifted_status="Y")
        ),
    )


def guardian_of_two() -> User:
    return User(
        id="6a0000000000000000000002",
        district=DISTRICT,
        name=Name(last="Grace Hopper"),
        email="grace@example.org",
        roles=Roles(
            contact=Contact(
                legacy_id="5a00000000000000000000c1",
                phone="555-0100",
                student_relationships=[
                    StudentRelationship(
                        student="5b0000000000000000000001", relationship="Parent", type="Primary"
                    ),
                    StudentRelationship(
                        student="5b0000000000000000000002", relationship="Aunt/Uncle", type="Family"
                    ),
                ],
            )
        ),
    )


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
