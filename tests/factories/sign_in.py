"""The sign-in district: multi-role people for the identity provider's tests (the emulator's SSO).

The people: Robin (teacher at A + staff at B), Pat (district admin who teaches at B), Ada and Ben (students),
Grace (contact of Ada and Ben); a second district holds one teacher, Lee.
"""

from __future__ import annotations

from rollcall.domain.district import Course, District, School, Section, Term
from rollcall.domain.record import Name
from rollcall.domain.snapshot import DistrictSnapshot
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
OTHER_DISTRICT = "5f0000000000000000000002"
SCHOOL_A = "5f00000000000000000000a1"
SCHOOL_B = "5f00000000000000000000b1"
SECTION = "5f00000000000000000000c1"
TERM = "5f00000000000000000000e1"
COURSE = "5f00000000000000000000f1"
ROBIN = "6a0000000000000000000001"
ROBIN_TEACHER_LEGACY = "5a0000000000000000000071"
ROBIN_STAFF_LEGACY = "5a0000000000000000000072"
PAT = "6a0000000000000000000002"
PAT_ADMIN_LEGACY = "5a0000000000000000000081"
PAT_TEACHER_LEGACY = "5a0000000000000000000082"
ADA = "5b0000000000000000000001"
BEN = "5b0000000000000000000002"
GRACE = "6a0000000000000000000003"
GRACE_LEGACY = "5a00000000000000000000c1"
LEE = "6a0000000000000000000004"
LEE_LEGACY = "5a0000000000000000000091"


def people() -> list[User]:
    """Everyone in the main district."""
    return [
        User(
            id=ROBIN, district=DISTRICT, name=Name(first="Robin", middle="M", last="Plant"),
            email="robin@example.org",
            roles=Roles(
                teacher=Teacher(
                    sis_id="T1", school=SCHOOL_A, schools=[SCHOOL_A], legacy_id=ROBIN_TEACHER_LEGACY
                ),
                staff=Staff(
                    staff_id="S1", schools=[SCHOOL_B], roles=["PortalOnly"], legacy_id=ROBIN_STAFF_LEGACY
                ),
            ),
        ),
        User(
            id=PAT, district=DISTRICT, name=Name(first="Pat", last="Lead"), email="pat@example.org",
            roles=Roles(
                teacher=Teacher(
                    sis_id="T2", school=SCHOOL_B, schools=[SCHOOL_B], legacy_id=PAT_TEACHER_LEGACY
                ),
                district_admin=DistrictAdmin(title="Superintendent", legacy_id=PAT_ADMIN_LEGACY),
            ),
        ),
        User(
            id=ADA, district=DISTRICT, name=Name(first="Ada", last="Lovelace"), email="ada@example.org",
            roles=Roles(student=Student(sis_id="1001", school=SCHOOL_A, schools=[SCHOOL_A], grade="5")),
        ),
        User(
            id=BEN, district=DISTRICT, name=Name(first="Ben", last="Franklin"),
            roles=Roles(student=Student(sis_id="1002", school=SCHOOL_A, schools=[SCHOOL_A], grade="5")),
        ),
        User(
            id=GRACE, district=DISTRICT, name=Name(last="Grace Hopper"), email="grace@example.org",
            roles=Roles(
                contact=Contact(
                    legacy_id=GRACE_LEGACY,
                    student_relationships=[
                        StudentRelationship(student=ADA, relationship="Parent", type="Primary"),
                        StudentRelationship(student=BEN, relationship="Aunt/Uncle", type="Family"),
                    ],
                )
            ),
        ),
    ]  # fmt: skip


def snapshot(users: list[User] | None = None) -> DistrictSnapshot:
    """The main district; `users` replaces its people when given."""
    return DistrictSnapshot(
        district=District(id=DISTRICT, name="Maple Unified"),
        schools={
            SCHOOL_A: School(
                id=SCHOOL_A, district=DISTRICT, name="Alder Elementary", sis_id="A", school_number="1"
            ),
            SCHOOL_B: School(
                id=SCHOOL_B, district=DISTRICT, name="Birch Middle", sis_id="B", school_number="2"
            ),
        },
        terms={TERM: Term(id=TERM, district=DISTRICT, name="Fall")},
        courses={COURSE: Course(id=COURSE, district=DISTRICT, name="Math")},
        sections={
            SECTION: Section(
                id=SECTION, district=DISTRICT, school=SCHOOL_A, sis_id="SEC1", name="Math 5",
                course=COURSE, term_id=TERM,
                teacher=ROBIN, teachers=[ROBIN], students=[ADA, BEN],
            )
        },
        users={user.id: user for user in (people() if users is None else users)},
    )  # fmt: skip


def other_snapshot() -> DistrictSnapshot:
    lee = User(
        id=LEE, district=OTHER_DISTRICT, name=Name(first="Lee", last="Park"), email="lee@example.org",
        roles=Roles(teacher=Teacher(sis_id="T9", school=SCHOOL_A, legacy_id=LEE_LEGACY)),
    )  # fmt: skip
    return DistrictSnapshot(
        district=District(id=OTHER_DISTRICT, name="Oak County"),
        schools={}, terms={}, courses={}, sections={}, users={LEE: lee},
    )  # fmt: skip
