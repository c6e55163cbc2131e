"""The district the web tests sign in to: Robin (teacher at Alder + staff at Birch), Pat (district admin who
teaches at Birch), Sam (School Tech Lead at Alder), Grace (contact of three students), four students, and
Tess who only teaches at Birch."""

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
ALDER = "5f00000000000000000000a1"
BIRCH = "5f00000000000000000000b1"
TERM = "5f00000000000000000000e1"
COURSE = "5f00000000000000000000f1"
MATH = "5f00000000000000000000c1"
SCIENCE = "5f00000000000000000000c2"
ART = "5f00000000000000000000c3"
ROBIN = "6a0000000000000000000001"
LEGACY = "5a00000000000000000000"  # + two hex digits: a v2.1 id
PAT = "6a0000000000000000000002"
GRACE = "6a0000000000000000000003"
SAM = "6a0000000000000000000004"
TESS = "6a0000000000000000000005"
ADA = "5b0000000000000000000001"
BEN = "5b0000000000000000000002"
CY = "5b0000000000000000000003"
DEE = "5b0000000000000000000004"


def _student(user_id: str, first: str, school: str, *more: str) -> User:
    return User(
        id=user_id, district=DISTRICT, name=Name(first=first, last="Student"),
        roles=Roles(student=Student(sis_id=f"S{user_id[-2:]}", school=school, schools=[school, *more])),
    )  # fmt: skip


def people() -> list[User]:
    return [
        User(
            id=ROBIN, district=DISTRICT, name=Name(first="Robin", last="Plant"), email="robin@example.org",
            roles=Roles(
                teacher=Teacher(sis_id="T1", school=ALDER, schools=[ALDER], legacy_id=LEGACY + "71"),
                staff=Staff(staff_id="S1", schools=[BIRCH], roles=["PortalOnly"],
                            legacy_id=LEGACY + "72"),
            ),
        ),
        User(
            id=PAT, district=DISTRICT, name=Name(first="Pat", last="Lead"), email="pat@example.org",
            roles=Roles(
                teacher=Teacher(sis_id="T2", school=BIRCH, schools=[BIRCH], legacy_id=LEGACY + "82"),
                district_admin=DistrictAdmin(title="Superintendent", legacy_id=LEGACY + "81"),
            ),
        ),
        User(
            id=SAM, district=DISTRICT, name=Name(first="Sam", last="Wire"), email="sam@example.org",
            roles=Roles(staff=Staff(staff_id="S2", schools=[ALDER], roles=["SchoolTechLead"],
                                    legacy_id=LEGACY + "91")),
        ),
        User(
            id=TESS, district=DISTRICT, name=Name(first="Tess", last="Brush"), email="tess@example.org",
            roles=Roles(teacher=Teacher(sis_id="T3", school=BIRCH, schools=[BIRCH],
                                        legacy_id=LEGACY + "a1")),
        ),
        User(
            id=GRACE, district=DISTRICT, name=Name(first="Grace", last="Hopper"), email="grace@example.org",
            roles=Roles(contact=Contact(legacy_id=LEGACY + "c1", student_relationships=[
                StudentRelationship(student=ADA, relationship="Parent", type="Primary"),
                StudentRelationship(student=BEN, relationship="Parent", type="Primary"),
                StudentRelationship(student=CY, relationship="Aunt/Uncle", type="Family"),
            ])),
        ),
        _student(ADA, "Ada", ALDER),
        _student(BEN, "Ben", ALDER),
        _student(CY, "Cy", ALDER, BIRCH),
        _student(DEE, "Dee", BIRCH),
    ]  # fmt: skip


def schools() -> dict[str, School]:
    return {
        school_id: School(id=school_id, district=DISTRICT, name=name, sis_id=name[0], school_number=number)
        for school_id, name, number in ((ALDER, "Alder Elementary", "1"), (BIRCH, "Birch Middle", "2"))
    }


def snapshot(users: list[User] | None = None) -> DistrictSnapshot:
    def section(section_id: str, name: str, school: str, teacher: str, students: list[str]) -> Section:
        return Section(
            id=section_id, district=DISTRICT, school=school, sis_id=name, name=name, course=COURSE,
            term_id=TERM, teacher=teacher, teachers=[teacher], students=students,
        )  # fmt: skip

    return DistrictSnapshot(
        district=District(id=DISTRICT, name="Maple Unified"),
        schools=schools(),
        terms={TERM: Term(id=TERM, district=DISTRICT, name="Fall")},
        courses={COURSE: Course(id=COURSE, district=DISTRICT, name="Math")},
        sections={
            MATH: section(MATH, "Math 5", ALDER, ROBIN, [ADA, BEN, CY]),
            SCIENCE: section(SCIENCE, "Science 7", BIRCH, PAT, [CY, DEE]),
            ART: section(ART, "Art 7", BIRCH, TESS, [DEE]),
        },
        users={user.id: user for user in (people() if users is None else users)},
    )  # fmt: skip
