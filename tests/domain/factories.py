"""Small hand-built users shared by the domain tests."""

from __future__ import annotations

from rollcall.domain.record import Name
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
