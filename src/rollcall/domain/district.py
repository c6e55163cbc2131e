"""A district and its non-person records (schools, terms, courses, sections, resources), as Clever's v3.1 wire
sends them. v2.1 and v3.0 are the same minus the v3.1 additions (`lms_status`, district LMS fields)."""

from __future__ import annotations

import msgspec

from rollcall.domain.record import JsonObject, LmsStatus, Location, Name, Record


def primary_first(primary: str | None, others: list[str]) -> list[str]:
    """`primary` (when given), then `others` in order, each once: a section's teachers, a role's schools."""
    if primary is None:
        return list(dict.fromkeys(others)) if len(others) > 1 else list(others)
    if not others or (len(others) == 1 and others[0] == primary):  # Clever's usual shape: no dict needed
        return [primary]
    return list(dict.fromkeys([primary, *others]))


class DistrictContact(Record):
    """The district's main contact (v2.1 calls this shape DistrictAdmin)."""

    id: str
    district: str
    name: Name | None = None
    email: str | None = None
    title: str | None = None


class District(Record):
    """A school district (one Clever district-app token reaches exactly one)."""

    id: str
    name: str
    sis_type: str = "sftp"
    state: str | None = None
    error: str | None = None
    last_sync: str | None = None
    launch_date: str | None = None
    pause_start: str | None = None
    pause_end: str | None = None
    portal_url: str | None = None
    login_methods: list[str] = []
    mdr_number: str | None = None
    nces_id: str | None = None
    district_contact: DistrictContact | None = None
    # v3.1 additions
    last_attendance_sync: str | None = None
    lms_state: str | None = None
    lms_type: str | None = None


class Principal(Record):
    """A school's principal as named in schools.csv."""

    name: str | None = None
    email: str | None = None


class School(Record):
    """A school of the district."""

    id: str
    district: str
    name: str
    sis_id: str
    school_number: str
    state_id: str | None = None
    nces_id: str | None = None
    mdr_number: str | None = None
    low_grade: str | None = None
    high_grade: str | None = None
    phone: str | None = None
    principal: Principal | None = None
    location: Location | None = None
    ext: JsonObject = {}
    created: str | None = None
    last_modified: str | None = None


class Term(Record):
    """A term, synthesised from section columns. Dates are `YYYY-MM-DD`."""

    id: str
    district: str
    name: str | None = None
    start_date: str | None = None
    end_date: str | None = None


class Course(Record):
    """A course, synthesised from section columns."""

    id: str
    district: str
    name: str | None = None
    number: str | None = None


class Section(Record):
    """A class: `teacher` the primary teacher, `teachers` all (≤ 10, primary first), `students` enrolled."""

    id: str
    district: str
    school: str
    sis_id: str
    name: str
    section_number: str | None = None
    period: str | None = None
    grade: str | None = None
    subject: str | None = None
    course: str | None = None
    term_id: str | None = None
    teacher: str | None = None
    teachers: list[str] = []
    students: list[str] = []
    ext: JsonObject = {}
    created: str | None = None
    last_modified: str | None = None
    lms_status: LmsStatus | None = None  # v3.1

    def teacher_ids(self) -> list[str]:
        """Everyone who teaches the section, primary first and each once: `teacher`, then `teachers` in
        order (co-teachers teach it as fully as the primary teacher)."""
        return primary_first(self.teacher, self.teachers)


class Resource(Record):
    """A content-mapping resource (v3.0+). SFTP rosters carry none; the emulator serves what it is given."""

    id: str
    district: str
    resource_id: str
    title: str | None = None
    roles: list[str] = []
    created: str | None = None
    updated: str | None = None


def district_to_v30(district: District) -> District:
    """The district as v3.0 and v2.1 show it: without the v3.1 LMS and attendance fields."""
    return msgspec.structs.replace(district, last_attendance_sync=None, lms_state=None, lms_type=None)


def section_to_v30(section: Section) -> Section:
    """The section as v3.0 and v2.1 show it: without `lms_status`."""
    if section.lms_status is None:
        return section
    return msgspec.structs.replace(section, lms_status=None)
