"""Hypothesis strategies: small random districts with multi-role employees, contacts and sections."""

from __future__ import annotations

from hypothesis import strategies as st

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

DISTRICT_ID = "650000000000000000000001"
EMPLOYEE_ROLE_SETS = [("teacher",), ("staff",), ("teacher", "staff"), ("teacher", "district_admin"),
                      ("staff", "district_admin"), ("teacher", "staff", "district_admin")]  # fmt: skip


def _oid(n: int) -> str:
    return f"{n:024x}"


@st.composite
def districts(draw: st.DrawFn) -> DistrictSnapshot:
    """A district of 1–3 schools, up to 25 students, up to 8 employees, up to 4 contacts, up to 6 sections."""
    numbers = iter(draw(st.lists(st.integers(1, 2**40), min_size=60, max_size=60, unique=True)))
    schools = [_oid(next(numbers)) for _ in range(draw(st.integers(1, 3)))]
    users: dict[str, User] = {}
    legacy = iter(range(2**41, 2**41 + 10_000))  # v2.1 ids apart from the user ids, as ObjectIDs are
    students = []
    for n in range(draw(st.integers(1, 25))):
        home = draw(st.sampled_from(schools))
        user_id = _oid(next(numbers))
        students.append(user_id)
        users[user_id] = User(
            id=user_id, district=DISTRICT_ID, name=Name(first=f"S{n}", last="Kid"),
            roles=Roles(student=Student(sis_id=f"S{n}", school=home, schools=[home])),
        )  # fmt: skip
    teachers = []
    for n in range(draw(st.integers(1, 8))):
        held = draw(st.sampled_from(EMPLOYEE_ROLE_SETS))
        home = draw(st.sampled_from(schools))
        staff_schools = draw(st.lists(st.sampled_from(schools), min_size=1, unique=True))
        user_id = _oid(next(numbers))
        roles = Roles(
            teacher=Teacher(sis_id=f"T{n}", school=home, schools=[home], legacy_id=_oid(next(legacy)))
            if "teacher" in held else None,
            staff=Staff(staff_id=f"ST{n}", schools=staff_schools, legacy_id=_oid(next(legacy)))
            if "staff" in held else None,
            district_admin=DistrictAdmin(legacy_id=_oid(next(legacy))) if "district_admin" in held else None,
        )  # fmt: skip
        if roles.teacher is not None:
            teachers.append(user_id)
        users[user_id] = User(
            id=user_id,
            district=DISTRICT_ID,
            name=Name(first=f"E{n}", last="Adult"),
            email=f"e{n}@x.org",
            roles=roles,
        )
    for n in range(draw(st.integers(0, 4))):
        kids = draw(st.lists(st.sampled_from(students), min_size=1, max_size=3, unique=True))
        user_id = _oid(next(numbers))
        users[user_id] = User(
            id=user_id, district=DISTRICT_ID, name=Name(last=f"Parent {n}"),
            roles=Roles(contact=Contact(
                legacy_id=_oid(next(legacy)),
                student_relationships=[StudentRelationship(student=k, relationship="Parent") for k in kids],
            )),
        )  # fmt: skip
    sections = {}
    for n in range(draw(st.integers(0, 6)) if teachers else 0):
        section_id = _oid(next(numbers))
        taught_by = draw(st.lists(st.sampled_from(teachers), min_size=1, max_size=3, unique=True))
        sections[section_id] = Section(
            id=section_id, district=DISTRICT_ID, school=draw(st.sampled_from(schools)), sis_id=f"SEC{n}",
            name=f"Section {n}", teacher=taught_by[0], teachers=taught_by,
            students=draw(st.lists(st.sampled_from(students), max_size=10, unique=True)),
        )  # fmt: skip
    return DistrictSnapshot(
        district=District(id=DISTRICT_ID, name="Hypothesis ISD"),
        schools={s: School(id=s, district=DISTRICT_ID, name=s, sis_id=s, school_number=s) for s in schools},
        terms={}, courses={}, sections=sections, users=users,
    )  # fmt: skip
