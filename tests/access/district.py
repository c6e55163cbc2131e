"""A small hand-built district holding every case of Clever's multi-role guidance (the seeds), by name."""

from __future__ import annotations

from rollcall.domain.district import District, School, Section
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

DISTRICT = "d-springfield"
OAK, ELM, PINE = "sc-oak", "sc-elm", "sc-pine"
SCIENCE_7, ALGEBRA_9, HISTORY_9, ART_3 = "se-science7", "se-algebra9", "se-history9", "se-art3"
# People
DANNY = "u-danny"  # teacher at Elm (Algebra 9), PortalOnly staff at Oak
OLIVE = "u-olive"  # teacher at Oak, primary teacher of Science 7
CARL = "u-carl"  # co-teacher of Science 7
TESS = "u-tess"  # SchoolTechLead at Oak
PORTIA = "u-portia"  # PortalOnly staff at Oak
DANA = "u-dana"  # district admin who teaches History 9 at Elm
SAM = "u-sam"  # district admin and staff at Pine
NORA = "u-nora"  # teacher without an email, Art 3 at Pine
TERRY = "u-terry"  # teacher at Pine (no section) ...
TERRY_PARENT = "u-terry-parent"  # ... and, as a separate user with the same email, a parent of Sue
PAT = "u-pat"  # contact of Ann, Ben (parent) and Cal (grandparent)
NOBODY = "u-nobody"  # a user with no role
ANN, BEN, CAL, SUE, EVE = "u-ann", "u-ben", "u-cal", "u-sue", "u-eve"
UNKNOWN = "u-unknown"


def _user(user_id: str, first: str, last: str, roles: Roles, email: str | None = None) -> User:
    return User(id=user_id, district=DISTRICT, name=Name(first=first, last=last), roles=roles, email=email)


def _student(user_id: str, first: str, school: str) -> User:
    return _user(
        user_id, first, "Student", Roles(student=Student(sis_id=user_id, school=school, schools=[school]))
    )


def _teacher(school: str, *others: str) -> Teacher:
    return Teacher(sis_id="t", school=school, schools=[school, *others])


def users() -> list[User]:
    return [
        _user(DANNY, "Danny", "Brakus", Roles(
            teacher=_teacher(ELM), staff=Staff(staff_id="s1", schools=[OAK], roles=["PortalOnly"]),
        ), "danny@springfield.org"),
        _user(OLIVE, "Olive", "Oyl", Roles(teacher=_teacher(OAK)), "olive@springfield.org"),
        _user(CARL, "Carl", "Coteach", Roles(teacher=_teacher(OAK)), "carl@springfield.org"),
        _user(TESS, "Tess", "Techlead", Roles(
            staff=Staff(staff_id="s2", schools=[OAK], roles=["SchoolTechLead"]),
        ), "tess@springfield.org"),
        _user(PORTIA, "Portia", "Portal", Roles(
            staff=Staff(staff_id="s3", schools=[OAK], roles=["PortalOnly"]),
        ), "portia@springfield.org"),
        _user(DANA, "Dana", "Admin", Roles(teacher=_teacher(ELM), district_admin=DistrictAdmin()),
              "dana@springfield.org"),
        _user(SAM, "Sam", "Superintendent", Roles(
            staff=Staff(staff_id="s4", schools=[PINE], roles=["PortalOnly"]), district_admin=DistrictAdmin(),
        ), "sam@springfield.org"),
        _user(NORA, "Nora", "Noemail", Roles(teacher=_teacher(PINE))),
        _user(TERRY, "Terry", "Twohats", Roles(teacher=_teacher(PINE)), "terry@springfield.org"),
        _user(TERRY_PARENT, "", "Terry Twohats", Roles(contact=Contact(student_relationships=[
            StudentRelationship(student=SUE, relationship="Parent", type="parent/guardian"),
        ])), "terry@springfield.org"),
        _user(PAT, "", "Pat Parent", Roles(contact=Contact(student_relationships=[
            StudentRelationship(student=ANN, relationship="Parent", type="parent/guardian"),
            StudentRelationship(student=BEN, relationship="Parent", type="parent/guardian"),
            StudentRelationship(student=CAL, relationship="Grandparent", type="family"),
        ])), "pat@example.org"),
        _user(NOBODY, "No", "Body", Roles()),
        _student(ANN, "Ann", OAK),
        _student(BEN, "Ben", OAK),
        _student(CAL, "Cal", ELM),
        _student(SUE, "Sue", PINE),
        _student(EVE, "Eve", ELM),
    ]  # fmt: skip


def schools() -> list[School]:
    return [
        School(id=OAK, district=DISTRICT, name="Oak Middle", sis_id="1", school_number="1"),
        School(id=ELM, district=DISTRICT, name="Elm High", sis_id="2", school_number="2"),
        School(id=PINE, district=DISTRICT, name="Pine Elementary", sis_id="3", school_number="3"),
    ]


def sections() -> list[Section]:
    def section(section_id: str, name: str, school: str, teachers: list[str], students: list[str]) -> Section:
        return Section(
            id=section_id, district=DISTRICT, school=school, sis_id=section_id, name=name,
            teacher=teachers[0], teachers=teachers, students=students,
        )  # fmt: skip

    return [
        section(SCIENCE_7, "Science 7", OAK, [OLIVE, CARL], [ANN, BEN]),
        section(ALGEBRA_9, "Algebra 9", ELM, [DANNY], [CAL]),
        section(HISTORY_9, "History 9", ELM, [DANA], [EVE]),
        section(ART_3, "Art 3", PINE, [NORA], [SUE]),
    ]


def snapshot() -> DistrictSnapshot:
    return DistrictSnapshot(
        district=District(id=DISTRICT, name="Springfield USD"),
        schools={school.id: school for school in schools()},
        terms={},
        courses={},
        sections={section.id: section for section in sections()},
        users={user.id: user for user in users()},
    )
