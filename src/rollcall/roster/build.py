"""The working state of one roster read: what each file contributed, as plain rows and lookup tables, before
the district snapshot's records are assembled from it."""

from __future__ import annotations

from rollcall.domain.district import Course, School, Term
from rollcall.domain.user import User
from rollcall.roster.problem import ProblemLog
from rollcall.roster.record_ids import RosterIds


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
        "school_sis",
        "sis_id",
        "students",
        "subject",
        "teachers",
        "term",
    )  # fmt: skip

    def __init__(self, sis_id: str, line: int, school: str, school_sis: str) -> None:
        self.sis_id = sis_id
        self.line = line
        self.school = school  # the school's id ("" when its School_id is unknown)
        self.school_sis = school_sis  # its School_id
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


class StudentEntry:
    """A student of students.csv (its user's `school` is the file's until the primary school is chosen) and,
    as enrollments.csv is read, the school of its sections: noted in the enrollment loop itself so that
    millions of enrollments need no second pass to find primary schools."""

    __slots__ = ("contacts", "id", "school", "several", "user")

    def __init__(self, user: User) -> None:
        self.id = user.id
        self.user = user
        self.contacts = 0  # contacts tied to it so far
        self.school: str | None = None  # the school id of its sections while they share one
        self.several = False  # its sections are at several schools

    @property
    def sis_id(self) -> str:
        """Its Student_id."""
        role = self.user.roles.student
        return role.sis_id if role is not None else ""


class ContactRow:
    """One contact person (keyed by Clever's contact identity) and the students it is tied to."""

    __slots__ = ("email", "key", "kinds", "line", "name", "phone", "phone_type", "sis_id", "students")

    def __init__(self, key: str, line: int, sis_id: str, name: str, email: str, phone: str, phone_type: str):
        self.key = key
        self.line = line
        self.sis_id = sis_id
        self.name = name
        self.email = email
        self.phone = phone
        self.phone_type = phone_type
        # Parallel lists (a membership test on `students` stays in C): each student's user id, and the
        # (relationship, type) of this contact to it.
        self.students: list[str] = []
        self.kinds: list[tuple[str, str]] = []


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
        self.course_ids: dict[tuple[str, str], str] = {}  # (Course_name, Course_number) -> course id
        self.term_ids: dict[tuple[str, str, str], str] = {}  # clean (Term_name, Term_start, Term_end) -> id
        self.terms: dict[str, Term] = {}  # term id -> Term
        self.student_ids: dict[str, StudentEntry] = {}  # Student_id -> its entry
        self.contacts: dict[str, ContactRow] = {}  # contact identity key -> contact
        self.teacher_users: dict[str, str] = {}  # Teacher_id -> v3 user id (after the merge)
        # One object per distinct low-variety value (first names, grades, cities, relationship pairs).
        self.shared: dict[str, str] = {}
        self._shared_pairs: dict[tuple[str, str], tuple[str, str]] = {}

    def share(self, value: str) -> str:
        """The one shared object equal to `value`."""
        return self.shared.setdefault(value, value)

    def share_pair(self, pair: tuple[str, str]) -> tuple[str, str]:
        """The one shared tuple equal to `pair`."""
        return self._shared_pairs.setdefault(pair, pair)
