"""The working state of one roster read: what each file contributed, as plain rows and lookup tables, before
the district snapshot's records are assembled from it."""

from __future__ import annotations

from rollcall.domain.district import Course, School, Term
from rollcall.domain.user import User
from rollcall.roster.identity import RosterIds
from rollcall.roster.problem import ProblemLog


class EmployeeRow:
    """One teacher, staff or district-admin record as its file gives it (several rows when multi-school)."""

    __slots__ = (
        "department", "email", "email_column", "file", "first", "kind", "last", "line", "middle", "number",
        "schools", "sis_id", "state_id", "tech_lead", "title", "username", "values",
    )  # fmt: skip

    def __init__(self, kind: str, file: str, sis_id: str, line: int, email: str, email_column: str) -> None:
        self.kind = kind
        self.file = file
        self.sis_id = sis_id
        self.line = line
        self.email = email
        self.email_column = email_column
        self.schools: list[str] = []  # School_id values, in file order
        self.first = ""
        self.middle = ""
        self.last = ""
        self.title = ""
        self.number = ""
        self.state_id = ""
        self.department = ""
        self.username = ""
        self.tech_lead = False
        self.values: tuple[str, ...] = ()  # the non-school cells of the first row, to spot conflicting rows


class SectionRow:
    """One section of sections.csv, and the students enrollments.csv puts in it."""

    __slots__ = (
        "course",
        "course_name",
        "grade",
        "line",
        "name",
        "number",
        "period",
        "school",
        "sis_id",
        "students",
        "subject",
        "teachers",
        "term",
    )  # fmt: skip

    def __init__(self, sis_id: str, line: int, school: str) -> None:
        self.sis_id = sis_id
        self.line = line
        self.school = school  # the school's id (not its School_id)
        self.teachers: list[str] = []  # Teacher_id values, primary first
        self.students: list[str] = []  # student user ids, in enrollments.csv order
        self.name = ""
        self.number = ""
        self.period = ""
        self.grade = ""
        self.subject = ""
        self.course_name = ""
        self.course: str | None = None
        self.term: str | None = None


class ContactRow:
    """One contact person (keyed by Clever's contact identity) and the students it is tied to."""

    __slots__ = ("email", "key", "line", "name", "phone", "phone_type", "relationships", "sis_id")

    def __init__(self, key: str, line: int, sis_id: str, name: str, email: str, phone: str, phone_type: str):
        self.key = key
        self.line = line
        self.sis_id = sis_id
        self.name = name
        self.email = email
        self.phone = phone
        self.phone_type = phone_type
        self.relationships: list[tuple[str, str, str]] = []  # (student user id, relationship, type)


class RosterBuild:
    """Everything read so far. Lookups are keyed by the SIS ids the files use."""

    def __init__(self, ids: RosterIds, log: ProblemLog, district_id: str) -> None:
        self.ids = ids
        self.log = log
        self.district_id = district_id
        self.usable: set[str] = set()  # files whose header allowed reading their rows
        self.school_ids: dict[str, str] = {}  # School_id -> school id
        self.schools: dict[str, School] = {}  # school id -> School
        self.teachers: dict[str, EmployeeRow] = {}
        self.staff: dict[str, EmployeeRow] = {}
        self.district_admins: dict[str, EmployeeRow] = {}
        self.sections: dict[str, SectionRow] = {}
        self.courses: dict[str, Course] = {}  # course id -> Course
        self.terms: dict[str, Term] = {}  # term id -> Term
        self.student_ids: dict[str, str] = {}  # Student_id -> user id
        self.students: dict[str, User] = {}  # user id -> User (primary school still the file's)
        self.contacts: dict[str, ContactRow] = {}  # contact identity key -> contact
        self.teacher_users: dict[str, str] = {}  # Teacher_id -> v3 user id (after the merge)
