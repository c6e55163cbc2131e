"""A small, realistic multi-role district built from domain structs, shared by the emulator tests.

Two schools, two terms, two courses, four sections (one co-taught), and people who exercise every rule:
Robin teaches at North and is staff at South and a district admin; Dana is a district admin who teaches
at South; Sam teaches at both schools; Pat is staff only; Grace is the contact of two students.
"""

from __future__ import annotations

import msgspec

from rollcall.domain.district import (
    Course,
    District,
    DistrictContact,
    Principal,
    Resource,
    School,
    Section,
    Term,
)
from rollcall.domain.record import Credentials, LmsStatus, Location, Name
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

DISTRICT = "64f000000000000000000001"
NORTH = "64f0000000000000000000a1"
SOUTH = "64f0000000000000000000a2"
FALL = "64f0000000000000000000b1"
SPRING = "64f0000000000000000000b2"
MATH = "64f0000000000000000000c1"
ART = "64f0000000000000000000c2"
SECTION_MATH_N = "64f0000000000000000000d1"
SECTION_ART_N = "64f0000000000000000000d2"
SECTION_MATH_S = "64f0000000000000000000d3"
SECTION_ART_S = "64f0000000000000000000d4"
ROBIN = "6500000000000000000000e1"
DANA = "6500000000000000000000e2"
SAM = "6500000000000000000000e3"
PAT = "6500000000000000000000e4"
GRACE = "6500000000000000000000e5"
LEE = "6500000000000000000000e6"
STUDENTS = [f"64f10000000000000000{n:04x}" for n in range(1, 9)]
RESOURCE = "64f0000000000000000000f1"
CREATED = "2026-08-01T00:00:00.000Z"

OTHER_DISTRICT = "64f000000000000000000002"


def _legacy(n: int) -> str:
    return f"5a00000000000000000000{n:02x}"


def _student(n: int, user_id: str, school: str, grade: str) -> User:
    return User(
        id=user_id, district=DISTRICT, name=Name(first=f"Kid{n}", last="Learner"),
        email=f"kid{n}@students.example.org", created=CREATED, last_modified=CREATED,
        roles=Roles(
            student=Student(
                sis_id=f"S{n}", school=school, schools=[school], grade=grade, dob="2/11/2015",
                gender="F" if n % 2 else "M", credentials=Credentials(district_username=f"kid{n}"),
                location=Location(zip="10001"), gifted_status="Y" if n == 1 else None,
            )
        ),
    )  # fmt: skip


def _people() -> list[User]:
    s = STUDENTS
    students = [_student(n + 1, uid, NORTH if n < 5 else SOUTH, "5") for n, uid in enumerate(s)]
    # Student 3 attends sections at both schools (primary North).
    students[2] = msgspec.structs.replace(
        students[2],
        roles=Roles(student=msgspec.structs.replace(students[2].roles.student, schools=[NORTH, SOUTH])),
    )
    robin = User(
        id=ROBIN, district=DISTRICT, name=Name(first="Robin", middle="M", last="Plant"),
        email="robin@example.org", created=CREATED, last_modified=CREATED,
        roles=Roles(
            teacher=Teacher(
                sis_id="T1", school=NORTH, schools=[NORTH], legacy_id=_legacy(1), title="Teacher"
            ),
            staff=Staff(staff_id="ST1", schools=[SOUTH], roles=["SchoolTechLead"], legacy_id=_legacy(2)),
            district_admin=DistrictAdmin(title="Curriculum Lead", legacy_id=_legacy(3)),
        ),
    )  # fmt: skip
    dana = User(
        id=DANA, district=DISTRICT, name=Name(first="Dana", last="Chief"), email="dana@example.org",
        created=CREATED, last_modified=CREATED,
        roles=Roles(
            teacher=Teacher(sis_id="T2", school=SOUTH, schools=[SOUTH], legacy_id=_legacy(4)),
            district_admin=DistrictAdmin(title="Superintendent", legacy_id=_legacy(5)),
        ),
    )  # fmt: skip
    sam = User(
        id=SAM, district=DISTRICT, name=Name(first="Sam", last="Both"), email="sam@example.org",
        created=CREATED, last_modified=CREATED,
        roles=Roles(teacher=Teacher(sis_id="T3", school=NORTH, schools=[NORTH, SOUTH], legacy_id=_legacy(6))),
    )  # fmt: skip
    pat = User(
        id=PAT, district=DISTRICT, name=Name(first="Pat", last="Office"), email="pat@example.org",
        created=CREATED, last_modified=CREATED,
        roles=Roles(
            staff=Staff(
                staff_id="ST2", schools=[NORTH], roles=["PortalOnly"], legacy_id=_legacy(7),
                department="Office",
            )
        ),
    )  # fmt: skip
    grace = User(
        id=GRACE, district=DISTRICT, name=Name(last="Grace Hopper"), email="grace@example.org",
        created=CREATED, last_modified=CREATED,
        roles=Roles(
            contact=Contact(
                legacy_id=_legacy(8), phone="555-0100", phone_type="Cell",
                student_relationships=[
                    StudentRelationship(student=s[0], relationship="Parent", type="Parent/Guardian"),
                    StudentRelationship(student=s[5], relationship="Aunt/Uncle", type="Family"),
                ],
            )
        ),
    )  # fmt: skip
    lee = User(
        id=LEE, district=DISTRICT, name=Name(last="Lee Park"), created=CREATED, last_modified=CREATED,
        roles=Roles(
            contact=Contact(
                legacy_id=_legacy(9),
                student_relationships=[
                    StudentRelationship(student=s[1], relationship="Parent", type="Primary")
                ],
            )
        ),
    )  # fmt: skip
    return [*students, robin, dana, sam, pat, grace, lee]


def _section(
    section_id: str, school: str, course: str, term: str, teachers: list[str], students: list[str]
) -> Section:
    return Section(
        id=section_id, district=DISTRICT, school=school, sis_id=f"SEC-{section_id[-2:]}",
        name=f"Section {section_id[-2:]}", period="1", grade="5", subject="math", course=course,
        term_id=term, teacher=teachers[0], teachers=teachers, students=students,
        created=CREATED, last_modified=CREATED, lms_status=LmsStatus(synced_in_lms=True),
    )  # fmt: skip


def sample_snapshot() -> DistrictSnapshot:
    """The shared test district (ids ascend in creation order, as Clever's do)."""
    s = STUDENTS
    district = District(
        id=DISTRICT, name="Maple Unified", state="success", launch_date="2026-08-01",
        last_sync="2026-08-31T00:00:00.000Z", login_methods=["Google"], lms_type="canvas",
        district_contact=DistrictContact(
            id=_legacy(5), district=DISTRICT, name=Name(first="Dana", last="Chief"), email="dana@example.org"
        ),
    )  # fmt: skip
    schools = {
        NORTH: School(
            id=NORTH, district=DISTRICT, name="North Elementary", sis_id="N1", school_number="101",
            low_grade="Kindergarten", high_grade="5",
            principal=Principal(name="Ann", email="ann@example.org"),
            created=CREATED, last_modified=CREATED,
        ),
        SOUTH: School(
            id=SOUTH, district=DISTRICT, name="South Elementary", sis_id="S1", school_number="102",
            created=CREATED, last_modified=CREATED, ext={"charter_school": "N"},
        ),
    }  # fmt: skip
    terms = {
        FALL: Term(id=FALL, district=DISTRICT, name="Fall", start_date="2026-08-20", end_date="2026-12-20"),
        SPRING: Term(
            id=SPRING, district=DISTRICT, name="Spring", start_date="2027-01-05", end_date="2027-06-01"
        ),
    }
    courses = {
        MATH: Course(id=MATH, district=DISTRICT, name="Math 5", number="M5"),
        ART: Course(id=ART, district=DISTRICT, name="Art", number="A1"),
    }
    sections = {
        SECTION_MATH_N: _section(SECTION_MATH_N, NORTH, MATH, FALL, [ROBIN, SAM], [s[0], s[1], s[2]]),
        SECTION_ART_N: _section(SECTION_ART_N, NORTH, ART, SPRING, [SAM], [s[3], s[4]]),
        SECTION_MATH_S: _section(SECTION_MATH_S, SOUTH, MATH, FALL, [DANA], [s[5], s[6], s[2]]),
        SECTION_ART_S: _section(SECTION_ART_S, SOUTH, ART, FALL, [SAM, DANA], [s[7]]),
    }
    resources = {
        RESOURCE: Resource(
            id=RESOURCE, district=DISTRICT, resource_id="math-101", title="Math videos", roles=["teacher"],
            created=CREATED, updated=CREATED,
        )
    }  # fmt: skip
    users = {user.id: user for user in _people()}
    return DistrictSnapshot(
        district=district, schools=schools, terms=terms, courses=courses, sections=sections, users=users,
        resources=resources,
    )  # fmt: skip


def other_snapshot() -> DistrictSnapshot:
    """A second, tiny district (one school, one student) to prove tokens stay in their district."""
    school_id = "64f0000000000000000001a1"
    student_id = "64f1000000000000000100a1"
    return DistrictSnapshot(
        district=District(id=OTHER_DISTRICT, name="Oak County"),
        schools={
            school_id: School(
                id=school_id, district=OTHER_DISTRICT, name="Oak", sis_id="O1", school_number="1"
            )
        },
        terms={}, courses={}, sections={},
        users={
            student_id: User(
                id=student_id, district=OTHER_DISTRICT, name=Name(first="Oli", last="Oak"),
                roles=Roles(student=Student(sis_id="O-1", school=school_id, schools=[school_id])),
            )
        },
    )  # fmt: skip
