"""The district builder: turns one `SchoolPlan` at a time into CSV lines, keeping only bounded state between
schools (counters, the previous school's teachers, open sibling families, pending district-admin picks).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final

from rollcall.roster.generator import vocabulary as vocab
from rollcall.roster.generator.shape import (
    CLASS_SIZE_JITTER,
    CLASS_SIZES,
    CO_TEACHER_ODDS,
    CONTACT_HAS_EMAIL,
    CONTACT_HAS_PHONE,
    EXTRA_CHILDREN,
    GUARDIANS_PER_FAMILY,
    JOIN_SIBLING_FAMILY,
    OPEN_FAMILIES_KEPT,
    SIBLING_RELATIONSHIP_DIFFERS,
    STAFF_ALSO_NEXT_SCHOOL,
    STUDENTS_PER_STAFF,
    STUDENTS_PER_TEACHER,
    TEACHER_ALSO_NEXT_SCHOOL,
    TEACHER_IS_PARENT,
    TEACHER_STAFF_ELSEWHERE,
    TEACHER_STAFF_SHARE,
    TECH_LEAD_PER_SCHOOL,
    SchoolPlan,
    Weighted,
    allocate,
    split_evenly,
    stochastic_round,
)
from rollcall.roster.generator.vocabulary import Course, Slot, Term

SCHOOLS_HEADER: Final = (
    "School_id", "School_name", "School_number", "State_id", "Low_grade", "High_grade", "Principal",
    "Principal_email", "School_address", "School_city", "School_state", "School_zip", "School_phone",
)  # fmt: skip
STUDENTS_HEADER: Final = (
    "School_id", "Student_id", "Student_number", "State_id", "Last_name", "Middle_name", "First_name",
    "Grade", "Gender", "Graduation_year", "DOB", "Race", "Hispanic_Latino", "Home_language", "Ell_status",
    "Frl_status", "IEP_status", "Student_street", "Student_city", "Student_state", "Student_zip",
    "Student_email", "Username", "Contact_relationship", "Contact_type", "Contact_name", "Contact_phone",
    "Contact_phone_type", "Contact_email", "Contact_sis_id",
)  # fmt: skip
TEACHERS_HEADER: Final = (
    "School_id", "Teacher_id", "Teacher_number", "State_teacher_id", "Teacher_email", "First_name",
    "Middle_name", "Last_name", "Title", "Username",
)  # fmt: skip
STAFF_HEADER: Final = (
    "School_id", "Staff_id", "Staff_email", "First_name", "Last_name", "Department", "Title", "Username",
    "Role",
)  # fmt: skip
CO_TEACHER_COLUMNS: Final = tuple(f"Teacher_{n}_id" for n in range(2, 11))
SECTIONS_HEADER: Final = (
    "School_id", "Section_id", "Teacher_id", *CO_TEACHER_COLUMNS, "Name", "Section_number", "Grade",
    "Course_name", "Course_number", "Period", "Subject", "Term_name", "Term_start", "Term_end",
)  # fmt: skip
ENROLLMENTS_HEADER: Final = ("School_id", "Section_id", "Student_id")
DISTRICT_ADMINS_HEADER: Final = ("District_admin_id", "Email", "First_name", "Last_name", "Title")

_CORE_ELEMENTARY: Final = frozenset({vocab.HOMEROOM, vocab.ELA, vocab.MATH, vocab.SCIENCE, vocab.SOCIAL})
_FIRST_NAMES: Final = {"F": vocab.FIRST_NAMES_F, "M": vocab.FIRST_NAMES_M, "X": vocab.FIRST_NAMES_X}
_ADULT_FIRST_NAMES: Final = vocab.FIRST_NAMES_F + vocab.FIRST_NAMES_M
_SLUGS: Final = {
    name: vocab.email_slug(name)
    for name in (*vocab.FIRST_NAMES_F, *vocab.FIRST_NAMES_M, *vocab.FIRST_NAMES_X, *vocab.LAST_NAMES)
}


def _dob_choices(grade_index: int) -> tuple[str, ...]:
    # A kindergartner turns 5 by 1 September of the school year; one choice per day of the birth year.
    first = date(vocab.SCHOOL_YEAR_START - 6 - grade_index, 9, 2)
    return tuple(f"{d:%m/%d/%Y}" for d in (first + timedelta(days=n) for n in range(365)))


_DOBS: Final = tuple(_dob_choices(g) for g in range(13))
_GENDERS: Final = Weighted(vocab.GENDERS)
_RACES: Final = Weighted(vocab.RACES)
_LANGUAGES: Final = Weighted(vocab.HOME_LANGUAGES)
_FRL: Final = Weighted(vocab.FRL_STATUSES)
_PHONE_TYPES: Final = Weighted(vocab.PHONE_TYPES)
_RELATIONSHIPS: Final = Weighted(vocab.GUARDIAN_RELATIONSHIPS)
_GUARDIAN_COUNTS: Final = Weighted(GUARDIANS_PER_FAMILY)
_EXTRA_CHILDREN: Final = Weighted(EXTRA_CHILDREN)


class Employee:
    """A person employed by the district (teacher, staff, district admin, or several of these at once)."""

    __slots__ = (
        "email",
        "first",
        "is_admin",
        "is_parent",
        "is_staff",
        "last",
        "middle",
        "number",
        "username",
    )

    def __init__(self, number: int, first: str, middle: str, last: str) -> None:
        self.number = number
        self.first = first
        self.middle = middle
        self.last = last
        self.username = f"{_SLUGS[first]}.{_SLUGS[last]}{number}"
        self.email = f"{self.username}@{vocab.EMPLOYEE_DOMAIN}"
        self.is_staff = False
        self.is_admin = False
        self.is_parent = False


class Teacher:
    """A teaching role: its SIS id and the `teachers.csv` columns that are the same at every school."""

    __slots__ = ("person", "row_tail", "teacher_id")

    def __init__(self, person: Employee, teacher_id: str, title: str) -> None:
        self.person = person
        self.teacher_id = teacher_id
        p = person
        self.row_tail = (
            f"{teacher_id},{p.number},CA{p.number:09d},{p.email},{p.first},{p.middle},{p.last},"
            f"{title},{p.username}\n"
        )


class Guardian:
    """A contact (one person) shared by every child of a family; `tail` is its part of a students.csv row."""

    __slots__ = ("contact_type", "relationship", "tail")

    def __init__(self, tail: str, relationship: str, contact_type: str) -> None:
        self.tail = tail
        self.relationship = relationship
        self.contact_type = contact_type


class Family:
    """Children who share a surname, a home address and their guardians (contacts)."""

    __slots__ = ("address", "guardians", "room", "surname")

    def __init__(self, surname: str, address: str, guardians: list[Guardian], room: int) -> None:
        self.surname = surname
        self.address = address
        self.guardians = guardians
        self.room = room


@dataclass
class SchoolRows:
    """The CSV lines (each ending in a newline) one school adds to each file, and its student count."""

    students: int
    lines: dict[str, list[str]]


@dataclass
class _AdminPick:
    kind: str  # "pure", "teacher" or "teacher+staff"
    from_school: int
    person: Employee | None = None
    title: str = ""


@dataclass
class _Section:
    section_id: str
    grade: int
    course: Course
    term: Term
    period: int
    number: int
    students: Sequence[str]
    department: str
    teachers: list[Teacher] = field(default_factory=list)


class DistrictBuilder:
    """Builds a district school by school; what it keeps between schools is bounded, whatever the size."""

    def __init__(self, rng: random.Random, admin_kinds: Sequence[str], schools: int) -> None:
        self.rng = rng
        self.next_employee = 1001
        self.next_teacher = 1
        self.next_staff = 1
        self.next_student = 1
        self.next_section = 1
        self.next_contact = 1
        self.open_families: list[Family] = []
        self.carried_teachers: list[Teacher] = []
        self.carried_staff: list[tuple[Employee, str, str, str]] = []
        self.previous_teachers: list[Teacher] = []
        self.teacher_parent_made = False
        self.school_names: dict[str, int] = {}
        self.recent_teacher_staff: list[Employee] = []
        self.admin_picks = [
            _AdminPick(kind, from_school=i * schools // len(admin_kinds))
            for i, kind in enumerate(admin_kinds)
        ]

    # -- people -------------------------------------------------------------------------------------

    def _employee(self) -> Employee:
        rng = self.rng
        number = self.next_employee
        self.next_employee += 1
        first = rng.choice(_ADULT_FIRST_NAMES)
        middle = rng.choice(_ADULT_FIRST_NAMES) if rng.random() < 0.5 else ""
        return Employee(number, first, middle, rng.choice(vocab.LAST_NAMES))

    def _teacher(self) -> Teacher:
        teacher_id = f"T{self.next_teacher:07d}"
        self.next_teacher += 1
        return Teacher(self._employee(), teacher_id, self.rng.choice(vocab.TEACHER_TITLES))

    def _staff_id(self) -> str:
        staff_id = f"E{self.next_staff:07d}"
        self.next_staff += 1
        return staff_id

    def _phone(self) -> str:
        rng = self.rng
        return f"{rng.choice(vocab.AREA_CODES)}-555-{rng.randrange(10000):04d}"

    def _address(self) -> str:
        rng = self.rng
        city, zip_code = rng.choice(vocab.CITIES)
        street = f"{rng.randint(1, 9999)} {rng.choice(vocab.STREETS)}"
        return f"{street},{city},{vocab.DISTRICT_STATE},{zip_code}"

    def _guardian(self, position: int, surname: str, teacher: Teacher | None) -> Guardian:
        rng = self.rng
        sis_id = f"C{self.next_contact:08d}"
        self.next_contact += 1
        if teacher is not None:
            # The teacher is a parent too: same name and email, but a separate contact person in Clever.
            first, last, email = teacher.person.first, teacher.person.last, teacher.person.email
        else:
            first = rng.choice(_ADULT_FIRST_NAMES)
            last = surname if position < 2 or rng.random() < 0.5 else rng.choice(vocab.LAST_NAMES)
            email = ""
            if rng.random() < CONTACT_HAS_EMAIL:
                domain = rng.choice(vocab.CONTACT_DOMAINS)
                email = f"{_SLUGS[first]}.{_SLUGS[last]}{self.next_contact - 1}@{domain}"
        phone = self._phone() if rng.random() < CONTACT_HAS_PHONE else ""
        phone_type = _PHONE_TYPES.draw(rng) if phone else ""
        relationship = "Parent" if teacher is not None else _RELATIONSHIPS.draw(rng)
        contact_type = vocab.CONTACT_TYPES_BY_POSITION[position]
        if position < 2 and rng.random() < 0.2:
            contact_type = "Parent/Guardian"
        tail = f"{first} {last},{phone},{phone_type},{email},{sis_id}\n"
        return Guardian(tail, relationship, contact_type)

    def _family(self, parent_teacher: Teacher | None) -> Family:
        rng = self.rng
        surname = parent_teacher.person.last if parent_teacher else rng.choice(vocab.LAST_NAMES)
        count = _GUARDIAN_COUNTS.draw(rng)
        guardians = [self._guardian(0, surname, parent_teacher)]
        guardians += [self._guardian(position, surname, None) for position in range(1, count)]
        return Family(surname, self._address(), guardians, _EXTRA_CHILDREN.draw(rng))

    def _family_for_next_child(
        self, teachers: Sequence[Teacher], force_teacher_parent: bool
    ) -> tuple[Family, bool]:
        """An open family (True: a sibling is already enrolled) or a new one (False); at most
        2 × OPEN_FAMILIES_KEPT open families are kept, the oldest dropped first."""
        rng = self.rng
        families = self.open_families
        if families and not force_teacher_parent and rng.random() < JOIN_SIBLING_FAMILY:
            at = rng.randrange(len(families))
            family = families[at]
            family.room -= 1
            if family.room == 0:
                families[at] = families[-1]
                families.pop()
            return family, True
        parent: Teacher | None = None
        if force_teacher_parent or rng.random() < TEACHER_IS_PARENT:
            free = [t for t in teachers if not t.person.is_parent]
            if free:
                parent = rng.choice(free)
                parent.person.is_parent = True
                self.teacher_parent_made = True
        family = self._family(parent)
        if family.room:
            families.append(family)
            if len(families) > 2 * OPEN_FAMILIES_KEPT:
                del families[:OPEN_FAMILIES_KEPT]
        return family, False

    # -- one school -----------------------------------------------------------------------------------

    def _school_name(self, band: str) -> str:
        place = self.rng.choice(vocab.SCHOOL_PLACES)
        kind = vocab.BAND_SCHOOL_KIND[band]
        used = self.school_names.get(f"{place} {kind}", 0) + 1
        self.school_names[f"{place} {kind}"] = used
        return f"{place} {kind}" if used == 1 else f"{place} {kind} {used}"

    def build_school(self, plan: SchoolPlan) -> SchoolRows:
        """Every row one school contributes: its teachers, students (with contacts), sections, enrollments
        and staff, plus the school row itself."""
        rng = self.rng
        school_id = f"SCH{plan.position + 1:05d}"
        size = plan.students
        carried = self.carried_teachers
        # Teachers carried in from the previous school teach here part-time: they do not replace hires.
        hires = max(1, stochastic_round(size / STUDENTS_PER_TEACHER * rng.uniform(0.92, 1.08), rng))
        local = [self._teacher() for _ in range(hires)]
        teachers = local + carried
        lines: dict[str, list[str]] = {
            "teachers.csv": [f"{school_id},{t.row_tail}" for t in teachers],
        }
        student_lines, ids_by_grade = self._students(plan, school_id, teachers)
        lines["students.csv"] = student_lines
        sections = self._sections(plan, ids_by_grade)
        self._assign_teachers(sections, teachers)
        lines["sections.csv"], lines["enrollments.csv"] = self._section_lines(school_id, sections)
        staff_lines, principal = self._staff(school_id, size, local)
        lines["staff.csv"] = staff_lines
        lines["schools.csv"] = [self._school_line(plan, school_id, principal)]
        self._pick_admins(plan.position, local)
        self.previous_teachers = local
        self.carried_teachers = [t for t in local if rng.random() < TEACHER_ALSO_NEXT_SCHOOL]
        return SchoolRows(size, lines)

    def _school_line(self, plan: SchoolPlan, school_id: str, principal: Employee) -> str:
        grades = vocab.BANDS[plan.band]
        low, high = vocab.GRADE_NAMES[grades[0]], vocab.GRADE_NAMES[grades[-1]]
        fields = (
            school_id,
            self._school_name(plan.band),
            f"{plan.position + 1:04d}",
            f"06{plan.position + 1:06d}",
            low,
            high,
            f"{principal.first} {principal.last}",
            principal.email,
            self._address(),
            self._phone(),
        )
        return ",".join(fields) + "\n"

    def _students(
        self, plan: SchoolPlan, school_id: str, teachers: Sequence[Teacher]
    ) -> tuple[list[str], dict[int, list[str]]]:
        rng = self.rng
        lines: list[str] = []
        ids_by_grade: dict[int, list[str]] = {}
        # Make sure the district has a teacher who is also a parent, early and wherever it lands.
        force_at = rng.randrange(plan.students) if not self.teacher_parent_made and plan.students else -1
        position = 0
        for grade, count in plan.students_by_grade:
            grade_name = vocab.GRADE_NAMES[grade]
            graduation = str(vocab.SCHOOL_YEAR_START + 13 - grade)
            dobs = _DOBS[grade]
            ids = ids_by_grade[grade] = []
            for _ in range(count):
                force = not self.teacher_parent_made and 0 <= force_at <= position
                position += 1
                family, sibling = self._family_for_next_child(teachers, force)
                number = self.next_student
                self.next_student += 1
                student_id = str(200_000_000 + number)
                ids.append(student_id)
                gender = _GENDERS.draw(rng)
                first = rng.choice(_FIRST_NAMES[gender])
                middle = rng.choice(_FIRST_NAMES[gender]) if rng.random() < 0.6 else ""
                last = family.surname if rng.random() < 0.92 else rng.choice(vocab.LAST_NAMES)
                language = _LANGUAGES.draw(rng)
                ell = "N" if language == "English" or rng.random() < 0.45 else "Y"
                username = f"{_SLUGS[first]}.{_SLUGS[last]}{student_id}"
                base = (
                    f"{school_id},{student_id},{number:07d},{8_000_000_000 + number},"
                    f"{last},{middle},{first},{grade_name},{gender},{graduation},{dobs[rng.randrange(365)]},"
                    f"{_RACES.draw(rng)},{'Y' if rng.random() < 0.3 else 'N'},{language},{ell},"
                    f"{_FRL.draw(rng)},{'Y' if rng.random() < 0.13 else 'N'},{family.address},"
                    f"{username}@{vocab.STUDENT_DOMAIN},{username},"
                )
                for guardian in family.guardians:
                    relationship = guardian.relationship
                    if sibling and rng.random() < SIBLING_RELATIONSHIP_DIFFERS:
                        # A step-parent, or a grandparent raising one of the children: per-student wording.
                        relationship = vocab.OTHER_RELATIONSHIP[relationship]
                    lines.append(f"{base}{relationship},{guardian.contact_type},{guardian.tail}")
        return lines, ids_by_grade

    def _sections(self, plan: SchoolPlan, ids_by_grade: dict[int, list[str]]) -> list[_Section]:
        rng = self.rng
        band = plan.band
        class_size = CLASS_SIZES[band] * rng.uniform(*CLASS_SIZE_JITTER)
        slots: tuple[Slot, ...] = vocab.CURRICULUM[band]
        sections: list[_Section] = []
        for grade, ids in ids_by_grade.items():
            if not ids:
                continue
            parts = max(1, round(len(ids) / class_size))
            roster = list(ids)
            rng.shuffle(roster)
            homerooms = split_evenly(roster, parts)
            for period, slot in enumerate(slots, start=1):
                choices = slot.courses[grade]
                if band == "elementary":
                    groups = homerooms  # self-contained classrooms: the same children all day
                else:
                    rng.shuffle(roster)
                    groups = split_evenly(list(roster), parts)
                for number, group in enumerate(groups, start=1):
                    course = choices[0] if len(choices) == 1 else rng.choice(choices)
                    core = band == "elementary" and slot.subject in _CORE_ELEMENTARY
                    sections.append(
                        _Section(
                            section_id=f"SEC{self.next_section:08d}",
                            grade=grade,
                            course=course,
                            term=slot.term,
                            period=period,
                            number=number,
                            students=group,
                            department=f"grade {grade}" if core else course.subject,
                        )
                    )
                    self.next_section += 1
        return sections

    def _assign_teachers(self, sections: list[_Section], teachers: Sequence[Teacher]) -> None:
        rng = self.rng
        by_department: dict[str, list[_Section]] = {}
        for section in sections:
            by_department.setdefault(section.department, []).append(section)
        pool = list(teachers)
        rng.shuffle(pool)
        counts = allocate(len(pool), [len(s) for s in by_department.values()])
        start = 0
        for d, department_sections in enumerate(by_department.values()):
            staffed = pool[start : start + counts[d]] or [pool[d % len(pool)]]
            start += counts[d]
            for j, section in enumerate(department_sections):
                section.teachers.append(staffed[j % len(staffed)])
        at_least_one, two, many = CO_TEACHER_ODDS
        for section in sections:
            draw = rng.random()
            if draw >= at_least_one or len(pool) < 2:
                continue
            extra = 1 if draw >= two else 2 if draw >= many else rng.randint(3, 9)
            primary = section.teachers[0]
            others = [t for t in rng.sample(pool, min(len(pool), extra + 1)) if t is not primary]
            section.teachers.extend(others[:extra])

    def _section_lines(self, school_id: str, sections: list[_Section]) -> tuple[list[str], list[str]]:
        section_lines: list[str] = []
        enrollment_lines: list[str] = []
        for s in sections:
            ids = [t.teacher_id for t in s.teachers]
            teacher_columns = ",".join(ids + [""] * (10 - len(ids)))
            course, term = s.course, s.term
            section_lines.append(
                f"{school_id},{s.section_id},{teacher_columns},"
                f"{course.name} - {s.teachers[0].person.last} - P{s.period},{s.number:02d},"
                f"{vocab.GRADE_NAMES[s.grade]},{course.name},{course.number},{s.period},{course.subject},"
                f"{term.name},{term.start},{term.end}\n"
            )
            prefix = f"{school_id},{s.section_id},"
            enrollment_lines.extend([f"{prefix}{student_id}\n" for student_id in s.students])
        return section_lines, enrollment_lines

    def _staff(self, school_id: str, size: int, local: Sequence[Teacher]) -> tuple[list[str], Employee]:
        rng = self.rng
        carried = self.carried_staff
        wanted = max(1, stochastic_round(size / STUDENTS_PER_STAFF, rng) - len(carried))
        principal = self._employee()
        principal.is_staff = True
        rows: list[tuple[Employee, str, str, str]] = [(principal, self._staff_id(), *vocab.PRINCIPAL_TITLE)]
        teaching: list[Employee] = []
        for _ in range(min(wanted - 1, stochastic_round(wanted * TEACHER_STAFF_SHARE, rng))):
            # A teaching district admin stays teacher-only: the district needs that combination too.
            elsewhere = [t for t in self.previous_teachers if not t.person.is_staff and not t.person.is_admin]
            here = [t for t in local if not t.person.is_staff]
            source = elsewhere if elsewhere and rng.random() < TEACHER_STAFF_ELSEWHERE else here
            if not source:
                break
            person = rng.choice(source).person
            person.is_staff = True
            teaching.append(person)
            rows.append((person, self._staff_id(), *rng.choice(vocab.TEACHER_STAFF_TITLES)))
        new_staff: list[tuple[Employee, str, str, str]] = []
        while len(rows) < wanted:
            person = self._employee()
            person.is_staff = True
            new_staff.append((person, self._staff_id(), *rng.choice(vocab.PURE_STAFF_TITLES)))
            rows.append(new_staff[-1])
        tech_lead = (
            rng.randrange(1, len(rows)) if len(rows) > 1 and rng.random() < TECH_LEAD_PER_SCHOOL else -1
        )
        lines = [
            f"{school_id},{staff_id},{p.email},{p.first},{p.last},{department},{title},{p.username},"
            f"{vocab.TECH_LEAD_ROLE if i == tech_lead else ''}\n"
            for i, (p, staff_id, title, department) in enumerate(rows + carried)
        ]
        # The latest teacher + staff users, for a district-admin pick at a school that has none itself.
        self.recent_teacher_staff = (self.recent_teacher_staff + teaching)[-64:]
        self.carried_staff = [row for row in new_staff if rng.random() < STAFF_ALSO_NEXT_SCHOOL]
        return lines, principal

    # -- district admins --------------------------------------------------------------------------------

    def _pick_admins(self, school_index: int, local: Sequence[Teacher]) -> None:
        rng = self.rng
        for pick in self.admin_picks:
            if pick.person is not None or pick.kind == "pure" or pick.from_school > school_index:
                continue
            if pick.kind == "teacher":
                candidates = [t.person for t in local if not t.person.is_staff and not t.person.is_admin]
            else:
                candidates = [p for p in self.recent_teacher_staff if not p.is_admin]
            if candidates:
                pick.person = rng.choice(candidates)
                pick.person.is_admin = True
                pick.title = rng.choice(vocab.TEACHING_ADMIN_TITLES)

    def district_admin_lines(self) -> list[str]:
        """District admins, written last: pure admins are hired now, teaching ones were picked on the way.
        A teaching pick no school could fill (a tiny district) becomes a pure admin."""
        rng = self.rng
        lines = []
        for number, pick in enumerate(self.admin_picks, start=1):
            person = pick.person
            title = pick.title
            if person is None:
                person = self._employee()
                title = rng.choice(vocab.PURE_ADMIN_TITLES)
            lines.append(f"DA{number:04d},{person.email},{person.first},{person.last},{title}\n")
        return lines
