"""A deterministic district of any size, built from domain structs, for the client's tests against the
emulator: three schools, two terms, three courses, two sections per teacher, and people exercising the
multi-role rules (teacher+staff, teacher+district admin, staff only, district admin only, contacts of one
and of two students)."""

from __future__ import annotations

from rollcall.domain.district import Course, District, DistrictContact, Resource, School, Section, Term
from rollcall.domain.ids import derive_object_id
from rollcall.domain.record import Credentials, LmsStatus, Name
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

CREATED = "2026-08-01T00:00:00.000Z"
_EPOCH = 1_785_000_000  # 2026-07: ids carry a creation time, as Clever's do


def _id(serial: int, kind: str) -> str:
    return derive_object_id(_EPOCH + serial, "client-tests", kind, str(serial))


def _legacy(serial: int, role: str) -> str:
    return derive_object_id(_EPOCH - 10_000_000 + serial, "client-tests-legacy", role, str(serial))


def build_district(students: int = 40) -> DistrictSnapshot:
    """`students` students, one teacher per ten students (at least three), contacts for most students."""
    district_id = _id(0, "district")
    school_ids = [_id(1 + n, "school") for n in range(3)]
    term_ids = [_id(10 + n, "term") for n in range(2)]
    course_ids = [_id(20 + n, "course") for n in range(3)]
    serial = 100

    def next_id(kind: str) -> str:
        nonlocal serial
        serial += 1
        return _id(serial, kind)

    users: dict[str, User] = {}
    student_ids: list[str] = []
    for n in range(students):
        school = school_ids[n % 3]
        user = User(
            id=next_id("user"),
            district=district_id,
            name=Name(first=f"Kid{n}", last="Learner"),
            email=f"kid{n}@students.example.org",
            created=CREATED,
            last_modified=CREATED,
            roles=Roles(
                student=Student(
                    sis_id=f"S{n}",
                    school=school,
                    schools=[school],
                    grade=str(1 + n % 12),
                    dob="2/11/2015",
                    credentials=Credentials(district_username=f"kid{n}"),
                )
            ),
        )
        users[user.id] = user
        student_ids.append(user.id)

    teacher_ids: list[str] = []
    for n in range(max(3, students // 10)):
        school = school_ids[n % 3]
        staff = None
        admin = None
        if n % 3 == 0:  # teacher + staff, one school further
            other = school_ids[(n + 1) % 3]
            staff = Staff(
                staff_id=f"ST{n}", schools=[other], roles=["SchoolTechLead"], legacy_id=_legacy(n, "staff")
            )
        if n == 1:  # teacher + district admin
            admin = DistrictAdmin(title="Superintendent", legacy_id=_legacy(n, "district_admin"))
        user = User(
            id=next_id("user"),
            district=district_id,
            name=Name(first=f"Teach{n}", last="Er"),
            email=f"teacher{n}@example.org",
            created=CREATED,
            last_modified=CREATED,
            roles=Roles(
                teacher=Teacher(
                    sis_id=f"T{n}", school=school, schools=[school], legacy_id=_legacy(n, "teacher")
                ),
                staff=staff,
                district_admin=admin,
            ),
        )
        users[user.id] = user
        teacher_ids.append(user.id)

    staff_only = User(
        id=next_id("user"),
        district=district_id,
        name=Name(first="Pat", last="Office"),
        email="pat@example.org",
        created=CREATED,
        last_modified=CREATED,
        roles=Roles(
            staff=Staff(
                staff_id="ST-PAT",
                schools=school_ids[:2],
                roles=["PortalOnly"],
                legacy_id=_legacy(900, "staff"),
            )
        ),
    )
    admin_only = User(
        id=next_id("user"),
        district=district_id,
        name=Name(first="Ada", last="Chief"),
        email="ada@example.org",
        created=CREATED,
        last_modified=CREATED,
        roles=Roles(district_admin=DistrictAdmin(title="CIO", legacy_id=_legacy(901, "district_admin"))),
    )
    users[staff_only.id] = staff_only
    users[admin_only.id] = admin_only

    # Contacts: one per pair of students, the first one guardian of both students of its pair.
    for n in range(0, students - 1, 2):
        pair = student_ids[n : n + 2] if n == 0 else student_ids[n : n + 1]
        relationships = [
            StudentRelationship(student=s, relationship="Parent", type="Parent/Guardian") for s in pair
        ]
        contact = User(
            id=next_id("user"),
            district=district_id,
            name=Name(last=f"Guardian {n}"),
            created=CREATED,
            last_modified=CREATED,
            roles=Roles(
                contact=Contact(
                    student_relationships=relationships,
                    legacy_id=_legacy(1000 + n, "contact"),
                    phone="555-0100",
                    phone_type="Cell",
                )
            ),
        )
        users[contact.id] = contact

    sections: dict[str, Section] = {}
    for n, teacher_id in enumerate(teacher_ids):
        teacher = users[teacher_id].roles.teacher
        assert teacher is not None
        for k in range(2):
            enrolled = [
                s
                for i, s in enumerate(student_ids)
                if users[s].roles.student.school == teacher.school  # type: ignore[union-attr]
                and i % 2 == k
            ]
            co = [teacher_ids[(n + 3) % len(teacher_ids)]] if k == 1 and len(teacher_ids) > 3 else []
            section = Section(
                id=next_id("section"),
                district=district_id,
                school=teacher.school,
                sis_id=f"SEC{n}-{k}",
                name=f"Class {n}-{k}",
                period=str(k + 1),
                grade="5",
                subject="math",
                course=course_ids[(n + k) % 3],
                term_id=term_ids[k],
                teacher=teacher_id,
                teachers=[teacher_id, *[c for c in co if c != teacher_id]],
                students=enrolled[:30],
                created=CREATED,
                last_modified=CREATED,
                lms_status=LmsStatus(synced_in_lms=k == 0),
            )
            sections[section.id] = section

    district = District(
        id=district_id,
        name="Client Test Unified",
        state="success",
        launch_date="2026-08-01",
        last_sync="2026-08-31T00:00:00.000Z",
        login_methods=["Google"],
        lms_type="canvas",
        district_contact=DistrictContact(
            id=_legacy(901, "district_admin"),
            district=district_id,
            name=Name(first="Ada", last="Chief"),
            email="ada@example.org",
        ),
    )
    schools = {
        school_id: School(
            id=school_id,
            district=district_id,
            name=f"School {n}",
            sis_id=f"SCH{n}",
            school_number=str(100 + n),
            low_grade="1",
            high_grade="12",
            created=CREATED,
            last_modified=CREATED,
        )
        for n, school_id in enumerate(school_ids)
    }
    terms = {
        term_ids[0]: Term(
            id=term_ids[0], district=district_id, name="Fall", start_date="2026-08-20", end_date="2026-12-20"
        ),
        term_ids[1]: Term(
            id=term_ids[1],
            district=district_id,
            name="Spring",
            start_date="2027-01-05",
            end_date="2027-06-01",
        ),
    }
    courses = {
        course_id: Course(id=course_id, district=district_id, name=f"Course {n}", number=f"C{n}")
        for n, course_id in enumerate(course_ids)
    }
    resource_id = _id(50, "resource")
    resources = {
        resource_id: Resource(
            id=resource_id,
            district=district_id,
            resource_id="math-101",
            title="Math videos",
            roles=["teacher", "student"],
            created=CREATED,
            updated=CREATED,
        ),
    }
    return DistrictSnapshot(
        district=district,
        schools=schools,
        terms=terms,
        courses=courses,
        sections=sections,
        users=users,
        resources=resources,
    )
